"""Imports of daily signal counts, CSV or JSON (measure 15, m20.15: 多渠道监测预警): `jurisdiction, channel, date,
count` and, for nucleic-acid positivity, `tests`. All-or-nothing and idempotent by the file's digest
(`services.file_imports`); each bad row is refused naming its line and field, nothing stored."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fangkong.bounds import FIRST_DAY, INT_MAX
from fangkong.errors import Conflict, InvalidInput, RowError
from fangkong.policy.terms import SignalChannel
from fangkong.services.access import Actor
from fangkong.services.audit.service import record
from fangkong.services.file_imports.batches import ImportSummary, already_imported, claimed, digest
from fangkong.services.file_imports.rows import Format, limited, records, text_of
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.signals.models import SignalCount
from fangkong.services.signals.service import DERIVED, IMPORTED, WRITE
from fangkong.services.store import unique_violated

COLUMNS = ("jurisdiction", "channel", "date", "count")
KIND = "signals"
CHUNK = 500  # keys a statement: under the bound parameters SQLite and PostgreSQL take
WITH_TESTS = SignalChannel.nucleic_acid_positivity
UNIQUE = "uq_signal_count_place_channel_day"
TABLE = cast(Table, SignalCount.__table__)  # inserted through Core: the file's rows in batches, no ORM objects

Row = tuple[int, str, SignalChannel, date, int, int | None]  # row number, jurisdiction, channel, day, count, tests


def import_signals(
    session: Session,
    actor: Actor,
    data: bytes,
    fmt: Format,
    *,
    today: date,
    filename: str | None = None,
) -> ImportSummary:
    """Import a file of daily counts (measure 15). Refused, naming the row and the field, with nothing stored: an
    unknown channel or jurisdiction, a jurisdiction outside the importer's, a date that is not one or is in the
    future, a count that is not a whole number of 0 or more, positivity without its tests or with more positives than
    tests, tests given for another channel, the same (jurisdiction, channel, date) twice in the file, or a count
    another file stored differently. A count equal to the one stored is no change; a derived count is replaced by
    the imported one. The same bytes a second time change nothing."""
    actor.require(WRITE)
    key = digest(data)
    if (again := already_imported(session, key, KIND, actor)) is not None:
        return again
    rows = [_read(n, raw, today) for n, raw in limited(records(data, fmt, COLUMNS))]
    if not rows:
        raise InvalidInput("file", "no rows")
    _check_places(session, actor, rows)
    seen: dict[tuple[str, str, date], int] = {}
    for n, code, channel, day, _, _ in rows:
        first = seen.setdefault((code, channel.value, day), n)
        if first != n:
            raise RowError(n, "date", f"the same jurisdiction, channel and date are in row {first}")
    stored = _stored(session, list(seen))
    new: list[dict[str, Any]] = []
    replaced: list[int] = []
    for n, code, channel, day, count, tests in rows:
        before = stored.get((code, channel.value, day))
        if before is not None and before.source == IMPORTED:
            if (before.count, before.tests) != (count, tests):
                shown = f"{before.count}" + (f"/{before.tests}" if before.tests is not None else "")
                raise RowError(n, "count", f"stored as {shown} by import {before.import_id}: a conflicting count")
            continue  # the same count from another file: nothing to change
        if before is not None and before.source == DERIVED:
            replaced.append(before.id)
        new.append(
            {
                "jurisdiction_code": code,
                "channel": channel.value,
                "day": day,
                "count": count,
                "tests": tests,
                "source": IMPORTED,
                "recorded_by": actor.username,
            }
        )
    try:
        with session.begin_nested():  # a refusal past this point leaves nothing behind
            batch = claimed(session, actor, key, KIND, filename)
            if isinstance(batch, ImportSummary):
                return batch
            for start in range(0, len(replaced), CHUNK):
                session.execute(
                    delete(SignalCount)
                    .where(SignalCount.id.in_(replaced[start : start + CHUNK]))
                    .execution_options(synchronize_session=False)
                )
            for row in new:
                row["import_id"] = batch.id
            if new:  # Core's executemany: the rows go in multi-row batches the driver's parameter limit allows
                session.execute(insert(TABLE), new)
            batch.rows, batch.added = len(rows), len(new)
            batch.summary = {"outcomes": {"replaced_derived": len(replaced)}}
            record(session, actor, action="import", entity="lab_import", entity_id=batch.id, detail={"kind": KIND})
            session.flush()
    except IntegrityError as exc:  # another file stored one of these counts since they were read
        if not unique_violated(exc, TABLE, UNIQUE):
            raise
        raise Conflict(
            "file", "another import stored counts for the same days meanwhile: import the file again"
        ) from None
    return ImportSummary(
        import_id=batch.id,
        kind=KIND,
        rows=len(rows),
        added=len(new),
        already_imported=False,
        outcomes={"replaced_derived": len(replaced)},
    )


def _read(n: int, raw: dict[str, Any], today: date) -> Row:
    """One row: refused naming the row and the column."""
    code = text_of(n, raw, "jurisdiction", max_len=32)
    said = text_of(n, raw, "channel", max_len=32)
    try:
        channel = SignalChannel(said)
    except ValueError:
        raise RowError(n, "channel", f"{said!r} is not one of {', '.join(SignalChannel)}") from None
    day_text = text_of(n, raw, "date", max_len=10)
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        raise RowError(n, "date", f"{day_text!r} is not a date (YYYY-MM-DD)") from None
    if day > today:
        raise RowError(n, "date", f"{day} is in the future")
    if day < FIRST_DAY:
        raise RowError(n, "date", f"{day} is before {FIRST_DAY}")
    count = _whole(n, raw, "count")
    tests: int | None = None
    given = raw.get("tests")
    if channel is WITH_TESTS:
        tests = _whole(n, raw, "tests")
        if count > tests:
            raise RowError(n, "count", f"{count} positives out of {tests} tests: more positives than tests")
    elif given is not None and str(given).strip():
        raise RowError(n, "tests", "only nucleic-acid positivity has tests")
    return n, code, channel, day, count, tests


def _whole(n: int, raw: dict[str, Any], column: str) -> int:
    """A whole number of 0 or more that a store's INTEGER holds."""
    value = raw.get(column)
    if isinstance(value, bool | float):  # JSON true/1.5 are not counts
        raise RowError(n, column, f"{value!r} is not a whole number")
    text = text_of(n, raw, column, max_len=12)
    digits = text.removeprefix("-")
    if not digits.isascii() or not digits.isdigit():
        raise RowError(n, column, f"{text!r} is not a whole number")
    if text.startswith("-"):
        raise RowError(n, column, f"{text} is negative")
    if int(text) > INT_MAX:
        raise RowError(n, column, f"{text} is more than {INT_MAX}")
    return int(text)


def _check_places(session: Session, actor: Actor, rows: list[Row]) -> None:
    """Every jurisdiction named exists and lies in the importer's subtree (one outside it is refused as unknown to
    them only by saying it is outside: the importer named it)."""
    codes = sorted({r[1] for r in rows})
    paths: dict[str, str] = {}
    for start in range(0, len(codes), CHUNK):
        part = codes[start : start + CHUNK]
        stmt = select(Jurisdiction.code, Jurisdiction.path).where(Jurisdiction.code.in_(part))
        for code, path in session.execute(stmt):
            paths[code] = path
    for n, code, *_ in rows:
        if code not in paths:
            raise RowError(n, "jurisdiction", f"unknown jurisdiction {code!r}")
        if not actor.covers(paths[code]):
            raise RowError(n, "jurisdiction", f"{code} is outside your jurisdiction")


def _stored(session: Session, keys: list[tuple[str, str, date]]) -> dict[tuple[str, str, date], SignalCount]:
    """The counts stored under the file's (jurisdiction, channel, day)s: read by jurisdiction, a chunk at a time,
    over the file's channels and days (one indexed range a chunk, not a key a parameter), then cut to the keys."""
    wanted = set(keys)
    codes = sorted({k[0] for k in wanted})
    channels = sorted({k[1] for k in wanted})
    first, last = min(k[2] for k in wanted), max(k[2] for k in wanted)
    found: dict[tuple[str, str, date], SignalCount] = {}
    for start in range(0, len(codes), CHUNK):
        stmt = select(SignalCount).where(
            SignalCount.jurisdiction_code.in_(codes[start : start + CHUNK]),
            SignalCount.channel.in_(channels),
            SignalCount.day >= first,
            SignalCount.day <= last,
        )
        for row in session.scalars(stmt):
            key = (row.jurisdiction_code, row.channel, row.day)
            if key in wanted:
                found[key] = row
    return found
