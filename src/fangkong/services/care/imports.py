"""Imports of facilities with their beds and staff from CSV or JSON (measure 11; issue 18: "Imports (CSV/JSON,
all-or-nothing, idempotent)"). The file is one batch of `file_imports`: the same bytes a second time change nothing;
a bad row refuses the whole file, naming its row and field. A row naming an existing facility updates it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput, RowError
from fangkong.services.access import Actor, Permission
from fangkong.services.care.models import CareFacility
from fangkong.services.care.service import BED_COLUMNS, STAFF_COLUMNS, FacilityIn, create_facility, update_facility
from fangkong.services.file_imports.batches import ImportSummary, claimed, digest
from fangkong.services.file_imports.rows import Format, records

KIND = "facilities"
COLUMNS = ("name", "kind", "jurisdiction_code")
OPTIONAL = ("status", "lat", "lon", *BED_COLUMNS.values(), *STAFF_COLUMNS.values())


def _number(n: int, raw: dict[str, Any], column: str, kind: type) -> Any:
    value = raw.get(column)
    if value is None or value == "":
        return None
    try:
        return kind(value) if not isinstance(value, bool) else _bad(n, column, value)
    except (TypeError, ValueError):
        raise RowError(n, column, f"{value!r} is not a number") from None


def _bad(n: int, column: str, value: object) -> None:
    raise RowError(n, column, f"{value!r} is not a number")


def _row(n: int, raw: dict[str, Any]) -> FacilityIn:
    for column in COLUMNS:
        if not str(raw.get(column) or "").strip():
            raise RowError(n, column, "is missing")
    beds = {b.value: v for b, c in BED_COLUMNS.items() if (v := _number(n, raw, c, int)) is not None}
    staff = {s.value: v for s, c in STAFF_COLUMNS.items() if (v := _number(n, raw, c, int)) is not None}
    return FacilityIn(
        name=str(raw["name"]).strip(),
        kind=str(raw["kind"]).strip(),
        jurisdiction_code=str(raw["jurisdiction_code"]).strip(),
        status=str(raw.get("status") or "open").strip(),
        lat=_number(n, raw, "lat", float),
        lon=_number(n, raw, "lon", float),
        beds=beds,
        staff=staff,
    )


def import_facilities(
    session: Session, actor: Actor, data: bytes, fmt: Format, *, filename: str | None = None
) -> ImportSummary:
    """Create or update every facility of the file, or none (measure 11). A bad row raises RowError naming the row
    and the field (a CSV column; `beds.general` for a negative count)."""
    actor.require(Permission.manage_sites)
    batch = claimed(session, actor, digest(data), KIND, filename)
    if isinstance(batch, ImportSummary):
        return batch
    added = updated = 0
    rows = 0
    with session.begin_nested():  # all or nothing: a bad row rolls back every row before it
        for n, raw in records(data, fmt, COLUMNS):
            rows += 1
            item = _row(n, raw)
            try:
                existing = session.scalar(select(CareFacility).where(CareFacility.name == item.name))
                if existing is None:
                    create_facility(session, actor, item)
                    added += 1
                else:
                    changes = item.model_dump(exclude={"name", "isolation_site_id"})
                    update_facility(session, actor, existing.id, changes)
                    updated += 1
            except InvalidInput as e:
                if isinstance(e, RowError):
                    raise
                raise RowError(n, e.field, e.message) from None
    batch.rows, batch.added = rows, added
    batch.summary = {"outcomes": {"added": added, "updated": updated}}
    session.flush()
    return ImportSummary(
        import_id=batch.id,
        kind=KIND,
        rows=rows,
        added=added,
        already_imported=False,
        outcomes={"added": added, "updated": updated},
    )
