"""Imports of arrivals from other provinces from CSV or JSON, keyed by document number (measure 15; issue 20).

A station's, a transport operator's or an employer's list of arrivals is one batch of `file_imports`: the same bytes
a second time change nothing; a bad row refuses the whole file, naming its row and field; an arrival already recorded
(the same person at the same instant, from another file) is counted as already there and left as it is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import Conflict, InvalidInput, NotFound, RowError
from fangkong.services.access import Actor, Permission
from fangkong.services.arrivals.models import Arrival
from fangkong.services.arrivals.service import ArrivalIn, record_arrival
from fangkong.services.file_imports.batches import ImportSummary, claimed, digest
from fangkong.services.file_imports.rows import Format, instant_of, records, text_of
from fangkong.services.persons.service import people_by_document

KIND = "arrivals"
COLUMNS = ("document_number", "arrived_at", "from_province")
OPTIONAL = ("from_place", "jurisdiction_code", "migrant_worker", "employer", "note")
TRUE = {"1", "true", "yes", "y", "是"}
FALSE = {"", "0", "false", "no", "n", "否"}


def _optional(raw: dict[str, Any], column: str) -> str | None:
    value = raw.get(column)
    return str(value).strip() or None if value is not None else None


def _flag(n: int, raw: dict[str, Any], column: str) -> bool:
    value = raw.get(column)
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise RowError(n, column, f"{value!r} is not yes or no")


def import_arrivals(
    session: Session, actor: Actor, data: bytes, fmt: Format, *, now: datetime, filename: str | None = None
) -> ImportSummary:
    """Record every arrival of the file, or none (measure 15). Columns: `document_number, arrived_at, from_province`
    and optionally `from_place, jurisdiction_code, migrant_worker, employer, note`. A bad row raises RowError naming
    the row and the field; a row repeating another row of the file is refused naming `arrived_at`."""
    actor.require(Permission.write_persons)
    batch = claimed(session, actor, digest(data), KIND, filename)
    if isinstance(batch, ImportSummary):
        return batch
    parsed: list[tuple[int, str, datetime, dict[str, Any]]] = []
    for n, raw in records(data, fmt, COLUMNS):
        number = text_of(n, raw, "document_number", max_len=64).upper()
        parsed.append((n, number, instant_of(n, raw, "arrived_at", now), raw))
    found = people_by_document(session, actor, {number for _, number, _, _ in parsed})
    seen: dict[tuple[str, datetime], int] = {}
    added = already = 0
    with session.begin_nested():  # all or nothing: a bad row rolls back every row before it
        for n, number, at, raw in parsed:
            if (number, at) in seen:
                raise RowError(n, "arrived_at", f"the same arrival as row {seen[(number, at)]}")
            seen[(number, at)] = n
            person_id = found.get(number)
            if person_id is None:
                raise RowError(n, "document_number", "no person with this document in your jurisdiction")
            known = session.scalar(select(Arrival.id).where(Arrival.person_id == person_id, Arrival.arrived_at == at))
            if known is not None:
                already += 1
                continue
            item = ArrivalIn(
                person_id=person_id,
                arrived_at=at,
                from_province=text_of(n, raw, "from_province", max_len=8),
                from_place=_optional(raw, "from_place"),
                jurisdiction_code=_optional(raw, "jurisdiction_code"),
                migrant_worker=_flag(n, raw, "migrant_worker"),
                employer=_optional(raw, "employer"),
                note=_optional(raw, "note"),
            )
            try:
                record_arrival(session, actor, item, now=now, import_id=batch.id)
            except (InvalidInput, Conflict) as e:
                if isinstance(e, RowError):
                    raise
                raise RowError(n, e.field, e.message) from None
            except NotFound:
                raise RowError(n, "jurisdiction_code", "no such place in your jurisdiction") from None
            added += 1
    outcomes = {"added": added, "already_recorded": already}
    batch.rows, batch.added = len(parsed), added
    batch.summary = {"outcomes": outcomes}
    session.flush()
    return ImportSummary(
        import_id=batch.id, kind=KIND, rows=len(parsed), added=added, already_imported=False, outcomes=outcomes
    )
