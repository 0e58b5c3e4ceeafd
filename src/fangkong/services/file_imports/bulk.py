"""Writing many rows at once through the database's bulk path: COPY on PostgreSQL, one executemany
(SQLAlchemy's insertmanyvalues) on SQLite. Both run inside the caller's transaction."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import ColumnElement, Table, column, insert, select, table, text
from sqlalchemy.orm import Session

from fangkong.errors import Inconsistent
from fangkong.services.store import CHUNK, chunks

__all__ = [
    "analyze",
    "bulk_settings",
    "chunks",
    "copy_frame",
    "copy_into",
    "copy_rows",
    "drop_temporary",
    "fetch_frame",
    "instant",
    "keyed",
    "stage_numbered",
    "temporary_table",
]


def copy_rows(session: Session, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Append `rows` (values in `columns` order) to `table`; returns how many."""
    if session.connection().dialect.name == "postgresql":
        return copy_into(session, table.name, columns, rows)
    batch = [dict(zip(columns, row, strict=True)) for row in rows]
    if batch:
        session.execute(insert(table), batch)
    return len(batch)


def copy_into(session: Session, table_name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """PostgreSQL's COPY FROM STDIN on the session's own connection (so inside its transaction)."""
    raw = session.connection().connection.driver_connection
    if raw is None:
        raise Inconsistent("raw is not None")
    count = 0
    with raw.cursor() as cursor, cursor.copy(f"COPY {table_name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_pg(v) for v in row])
            count += 1
    return count


def _pg(value: Any) -> Any:
    # COPY's text format wants instants with their offset; psycopg adapts the rest
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


# --- frames: whole columns in and out of the store ---------------------------------------------------------------

_SLICE = 100_000  # rows written at a time
_BIG_LOAD = 200_000  # rows: a load this big gets a bigger page cache on SQLite for its duration
_BIG_LOAD_CACHE_KIB = 2 * 1024 * 1024  # 2 GiB at most, allocated as pages are touched and released after
SQLITE_INSTANT = "%Y-%m-%d %H:%M:%S%.6f"  # how SQLAlchemy's DateTime stores an instant on SQLite (UTC, naive)


def copy_frame(session: Session, table_name: str, frame: pl.DataFrame) -> int:
    """Append a frame's rows to `table_name` (its columns by name) inside the session's transaction: one
    COPY … (FORMAT csv) fed from the frame's CSV on PostgreSQL, one executemany on SQLite. Instants are
    `Datetime("us", "UTC")` columns; a JSON column arrives as its text."""
    if frame.height == 0:
        return 0
    columns = ", ".join(frame.columns)
    raw = session.connection().connection.driver_connection
    if raw is None:
        raise Inconsistent("raw is not None")
    if session.connection().dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table_name} ({columns}) FROM STDIN (FORMAT csv)") as copy:
            for part in frame.iter_slices(_SLICE):  # one stream, written a slice at a time: memory stays small
                copy.write(part.write_csv(include_header=False, datetime_format="%Y-%m-%dT%H:%M:%S%.6f+00:00"))
        return frame.height
    instants = [c for c, t in frame.schema.items() if isinstance(t, pl.Datetime)]
    flat = frame.with_columns(pl.col(c).dt.strftime(SQLITE_INSTANT) for c in instants)
    marks = ", ".join("?" for _ in frame.columns)
    cursor = raw.cursor()
    # a big load into indexed tables keeps its dirty pages in memory until the commit: with SQLite's default
    # 2 MB cache, inserts in random key order (a code's token) spill the same pages to the WAL over and over
    # (a 20 M-code issue wrote gigabytes of WAL and took tens of minutes)
    big = frame.height > _BIG_LOAD
    if big:
        (before,) = cursor.execute("PRAGMA cache_size").fetchone()
        cursor.execute(f"PRAGMA cache_size = {-_BIG_LOAD_CACHE_KIB}")
    try:
        for part in flat.iter_slices(_SLICE):
            cursor.executemany(f"INSERT INTO {table_name} ({columns}) VALUES ({marks})", part.iter_rows())
    finally:
        if big:
            cursor.execute(f"PRAGMA cache_size = {before}")
    return frame.height


def fetch_frame(session: Session, query: str, schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of a query (literal SQL: no parameters) as a frame of `schema`: COPY … TO STDOUT on
    PostgreSQL, a cursor on SQLite. A `Datetime("us", "UTC")` column is selected with `instant(session, column)`."""
    instants = [c for c, t in schema.items() if isinstance(t, pl.Datetime)]
    raw = session.connection().connection.driver_connection
    if raw is None:
        raise Inconsistent("raw is not None")
    if session.connection().dialect.name == "postgresql":
        wire = {c: pl.Int64 if c in instants else t for c, t in schema.items()}
        buffer = io.BytesIO()
        with raw.cursor() as cursor, cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)") as copy:
            for block in copy:
                buffer.write(block)
        if buffer.tell() == 0:
            return pl.DataFrame(schema=schema)
        frame = pl.read_csv(buffer.getvalue(), has_header=False, new_columns=list(wire), schema=wire)
        return frame.with_columns(pl.col(c).cast(pl.Datetime("us", "UTC")) for c in instants)
    wire = {c: pl.String if c in instants else t for c, t in schema.items()}
    frame = pl.DataFrame(raw.execute(query).fetchall(), schema=wire, orient="row")
    # as SQLAlchemy stores them: UTC, naive, microseconds (strict: a value in another form fails loudly)
    return frame.with_columns(
        pl.col(c).str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_zone="UTC", time_unit="us", strict=True)
        for c in instants
    )


def instant(session: Session, column: str) -> str:
    """SQL selecting an instant column for `fetch_frame`: microseconds since the Unix epoch on PostgreSQL (exact;
    COPY's text form of a timestamp depends on the session's settings), the stored text on SQLite (parsed by
    Polars: SQLite's own date functions cost 0.6 s a million rows)."""
    if session.connection().dialect.name == "postgresql":
        return f"(EXTRACT(EPOCH FROM {column}) * 1000000)::bigint"
    return column


def stage_numbered(session: Session, table: str, column: str, values: pl.Series) -> None:
    """Fill a scratch table (`line INTEGER`, `column`) with `values` numbered from 1: a COPY on PostgreSQL; on
    SQLite one INSERT … SELECT over the values as a JSON array (an executemany of a million rows takes three
    times as long)."""
    if session.connection().dialect.name == "postgresql":
        lines = pl.int_range(1, values.len() + 1, eager=True)
        copy_frame(session, table, pl.DataFrame({"line": lines, column: values}))
        return
    raw = session.connection().connection.driver_connection
    if raw is None:
        raise Inconsistent("raw is not None")
    payload = json.dumps(values.to_list())
    raw.execute(f"INSERT INTO {table} (line, {column}) SELECT key + 1, value FROM json_each(?)", (payload,))


def temporary_table(session: Session, name: str, columns: str) -> None:
    """A scratch table for this transaction (`columns` in SQL, the same on both stores), empty."""
    session.execute(text(f"DROP TABLE IF EXISTS {name}"))
    session.execute(text(f"CREATE TEMPORARY TABLE {name} ({columns})"))


def drop_temporary(session: Session, *names: str) -> None:
    for name in names:
        session.execute(text(f"DROP TABLE IF EXISTS {name}"))


def bulk_settings(session: Session) -> None:
    """For the rest of the transaction (PostgreSQL): hash joins over a million staged rows in memory rather than
    in batches spilled to disk (the default work_mem is 4 MB); no JIT compilation — the estimated cost of a
    correlated lookup per row triggers it, and compiling took 0.2 s of a 2 s match while saving nothing; and a
    random page priced as on the solid-state disks a store runs on (1.1, not the default 4 of spinning disks) —
    at 4, looking up 45 k staged people among 9 M is planned as a scan of all 9 M (1.4 s) instead of 45 k index
    lookups (0.26 s)."""
    if session.connection().dialect.name == "postgresql":
        session.execute(text("SET LOCAL work_mem = '256MB'"))
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL random_page_cost = 1.1"))


def analyze(session: Session, *names: str) -> None:
    """PostgreSQL keeps no statistics on a temporary table until asked: without them a join over a million staged
    rows is planned as if it had a handful."""
    if session.connection().dialect.name == "postgresql":
        for name in names:
            session.execute(text(f"ANALYZE {name}"))


STAGE_KEYS_ABOVE = 2 * CHUNK  # more keys than this are staged in a scratch table rather than sent as IN lists

KeyFilter = Callable[[Any], list[ColumnElement[bool]]]


@contextmanager
def keyed(session: Session, keys: Sequence[int], name: str) -> Iterator[KeyFilter]:
    """Integer keys as statements filter on them: `where(column)` gives the conditions, one statement each.

    A few keys go as IN lists of `CHUNK`; many are staged once in a scratch table (`name`, COPY on PostgreSQL)
    and every statement joins it — a city's worth of IN lists costs the driver a parse and the server a plan
    per chunk, 1000 keys at a time, and it was a fifth of a lab import's refresh of 45 k codes."""
    if len(keys) <= STAGE_KEYS_ABOVE:
        parts = list(chunks(sorted(set(keys))))
        yield lambda col: [col.in_(part) for part in parts]
        return
    bulk_settings(session)
    temporary_table(session, name, "key BIGINT PRIMARY KEY")
    copy_frame(session, name, pl.DataFrame({"key": sorted(set(keys))}, schema={"key": pl.Int64}))
    analyze(session, name)
    staged = table(name, column("key"))
    yield lambda col: [col.in_(select(staged.c.key))]
    # not in a `finally`: after a failed statement PostgreSQL refuses every other until the rollback, which
    # takes the scratch table away
    drop_temporary(session, name)
