"""Writing many rows at once through the database's bulk path: COPY on PostgreSQL, one executemany
(SQLAlchemy's insertmanyvalues) on SQLite. Both run inside the caller's transaction."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import Table, insert, text
from sqlalchemy.orm import Session

from fangkong.services.store import chunks

__all__ = [
    "analyze",
    "as_instants",
    "bulk_settings",
    "chunks",
    "copy_frame",
    "copy_into",
    "copy_rows",
    "drop_temporary",
    "epoch_us",
    "fetch_frame",
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
    assert raw is not None
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
SQLITE_INSTANT = "%Y-%m-%d %H:%M:%S%.6f"  # how SQLAlchemy's DateTime stores an instant on SQLite (UTC, naive)


def copy_frame(session: Session, table_name: str, frame: pl.DataFrame) -> int:
    """Append a frame's rows to `table_name` (its columns by name) inside the session's transaction: one
    COPY … (FORMAT csv) fed from the frame's CSV on PostgreSQL, one executemany on SQLite. Instants are
    `Datetime("us", "UTC")` columns; a JSON column arrives as its text."""
    if frame.height == 0:
        return 0
    columns = ", ".join(frame.columns)
    raw = session.connection().connection.driver_connection
    assert raw is not None
    if session.connection().dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table_name} ({columns}) FROM STDIN (FORMAT csv)") as copy:
            for part in frame.iter_slices(_SLICE):  # one stream, written a slice at a time: memory stays small
                copy.write(part.write_csv(include_header=False, datetime_format="%Y-%m-%dT%H:%M:%S%.6f+00:00"))
        return frame.height
    instants = [c for c, t in frame.schema.items() if isinstance(t, pl.Datetime)]
    flat = frame.with_columns(pl.col(c).dt.strftime(SQLITE_INSTANT) for c in instants)
    marks = ", ".join("?" for _ in frame.columns)
    cursor = raw.cursor()
    for part in flat.iter_slices(_SLICE):
        cursor.executemany(f"INSERT INTO {table_name} ({columns}) VALUES ({marks})", part.iter_rows())
    return frame.height


def fetch_frame(session: Session, query: str, schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of a query (literal SQL: no parameters) as a frame of `schema`: COPY … TO STDOUT on
    PostgreSQL, a cursor on SQLite. Instants come back as epoch microseconds (see `epoch_us`)."""
    raw = session.connection().connection.driver_connection
    assert raw is not None
    if session.connection().dialect.name == "postgresql":
        buffer = io.BytesIO()
        with raw.cursor() as cursor, cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)") as copy:
            for block in copy:
                buffer.write(block)
        if buffer.tell() == 0:
            return pl.DataFrame(schema=schema)
        return pl.read_csv(buffer.getvalue(), has_header=False, new_columns=list(schema), schema=schema)
    rows = raw.execute(query).fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


def epoch_us(session: Session, column: str) -> str:
    """SQL for an instant column as microseconds since the Unix epoch (exact on both stores)."""
    if session.connection().dialect.name == "postgresql":
        return f"(EXTRACT(EPOCH FROM {column}) * 1000000)::bigint"
    # SQLite holds 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC
    return f"(CAST(strftime('%s', {column}) AS INTEGER) * 1000000 + CAST(substr({column}, 21, 6) AS INTEGER))"


def as_instants(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """Epoch-microsecond columns (from `fetch_frame`) as UTC instants."""
    return frame.with_columns(pl.col(c).cast(pl.Datetime("us", "UTC")) for c in columns)


def temporary_table(session: Session, name: str, columns: str) -> None:
    """A scratch table for this transaction (`columns` in SQL, the same on both stores), empty."""
    session.execute(text(f"DROP TABLE IF EXISTS {name}"))
    session.execute(text(f"CREATE TEMPORARY TABLE {name} ({columns})"))


def drop_temporary(session: Session, *names: str) -> None:
    for name in names:
        session.execute(text(f"DROP TABLE IF EXISTS {name}"))


def bulk_settings(session: Session) -> None:
    """For the rest of the transaction (PostgreSQL): hash joins over a million staged rows in memory rather than
    in batches spilled to disk (the default work_mem is 4 MB), and no JIT compilation — the estimated cost of a
    correlated lookup per row triggers it, and compiling took 0.2 s of a 2 s match while saving nothing."""
    if session.connection().dialect.name == "postgresql":
        session.execute(text("SET LOCAL work_mem = '256MB'"))
        session.execute(text("SET LOCAL jit = off"))


def analyze(session: Session, *names: str) -> None:
    """PostgreSQL keeps no statistics on a temporary table until asked: without them a join over a million staged
    rows is planned as if it had a handful."""
    if session.connection().dialect.name == "postgresql":
        for name in names:
            session.execute(text(f"ANALYZE {name}"))
