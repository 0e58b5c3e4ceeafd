"""Imports of the campus registry from CSV or JSON, keyed by each campus's own code (measure 18; issue 21).

An education bureau's list of schools is one batch of `file_imports`: the same bytes a second time change nothing; a
bad row refuses the whole file, naming its row and field; a campus already registered is updated where the file
differs, and left as it is where it does not.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from fangkong.errors import Conflict, InvalidInput, NotFound, RowError
from fangkong.services.access import Actor
from fangkong.services.file_imports.batches import ImportSummary, claimed, digest
from fangkong.services.file_imports.rows import Format, records, text_of

from .service import WRITE, CampusCreate, upsert_campus

KIND = "campuses"
COLUMNS = ("code", "name", "kind", "jurisdiction_code")
OPTIONAL = ("boarding", "students", "staff", "off_campus_families")
TRUE = {"1", "true", "yes", "y", "是", "寄宿"}
FALSE = {"", "0", "false", "no", "n", "否", "走读"}


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


def _count(n: int, raw: dict[str, Any], column: str) -> int:
    value = raw.get(column)
    text = str(value if value is not None else "").strip()
    if not text:
        return 0
    if not text.isdigit() or int(text) > 1_000_000:
        raise RowError(n, column, f"{value!r} is not a count")
    return int(text)


def import_campuses(
    session: Session, actor: Actor, data: bytes, fmt: Format, *, now: datetime, filename: str | None = None
) -> ImportSummary:
    """Register or update every campus of the file, or none. Columns: `code, name, kind, jurisdiction_code` and
    optionally `boarding, students, staff, off_campus_families`."""
    actor.require(WRITE)
    batch = claimed(session, actor, digest(data), KIND, filename)
    if isinstance(batch, ImportSummary):
        return batch
    outcomes = {"added": 0, "updated": 0, "unchanged": 0}
    seen: dict[str, int] = {}
    rows = 0
    with session.begin_nested():  # all or nothing: a bad row rolls back every row before it
        for n, raw in records(data, fmt, COLUMNS):
            rows += 1
            code = text_of(n, raw, "code", max_len=40)
            if code in seen:
                raise RowError(n, "code", f"the same campus as row {seen[code]}")
            seen[code] = n
            try:
                item = CampusCreate(
                    code=code,
                    name=text_of(n, raw, "name", max_len=200),
                    kind=text_of(n, raw, "kind", max_len=24),
                    jurisdiction_code=text_of(n, raw, "jurisdiction_code", max_len=32),
                    boarding=_flag(n, raw, "boarding"),
                    students=_count(n, raw, "students"),
                    staff=_count(n, raw, "staff"),
                    off_campus_families=_count(n, raw, "off_campus_families"),
                )
                _, outcome = upsert_campus(session, actor, item)
            except (InvalidInput, Conflict) as e:
                if isinstance(e, RowError):
                    raise
                raise RowError(n, e.field, e.message) from None
            except NotFound:
                raise RowError(n, "jurisdiction_code", "no such place in your jurisdiction") from None
            outcomes[outcome] += 1
    batch.rows, batch.added = rows, outcomes["added"]
    batch.summary = {"outcomes": outcomes}
    session.flush()
    return ImportSummary(
        import_id=batch.id, kind=KIND, rows=rows, added=outcomes["added"], already_imported=False, outcomes=outcomes
    )
