"""Imports of the enterprise registry from CSV or JSON (measure 19: find out the base of enterprises and industrial
parks, private ones included; issue 21).

A locality's list of enterprises is one batch of `file_imports`: the same bytes a second time change nothing; a bad
row refuses the whole file, naming its row and field (an enterprise without a jurisdiction names
`jurisdiction_code`); an enterprise already registered under its name is counted as already there and left as it is.
A park named in the `park` column is registered in the row's jurisdiction the first time it is named.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput, RowError
from fangkong.services.access import Actor, Permission
from fangkong.services.enterprises.models import Enterprise, EnterprisePark
from fangkong.services.enterprises.service import EnterpriseIn, ParkIn, create_enterprise, create_park
from fangkong.services.file_imports.batches import ImportSummary, claimed, digest
from fangkong.services.file_imports.rows import Format, records, text_of

KIND = "enterprises"
COLUMNS = ("name", "jurisdiction_code")
OPTIONAL = ("ownership", "park", "workers", "white_listed", "key_supply_chain")
TRUE = {"1", "true", "yes", "y", "是"}
FALSE = {"", "0", "false", "no", "n", "否"}


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


def _workers(n: int, raw: dict[str, Any]) -> int:
    value = raw.get("workers")
    if value is None or str(value).strip() == "":
        return 0
    try:
        return int(str(value).strip())
    except ValueError:
        raise RowError(n, "workers", f"{value!r} is not a whole number") from None


def import_enterprises(
    session: Session, actor: Actor, data: bytes, fmt: Format, *, now: datetime, filename: str | None = None
) -> ImportSummary:
    """Register every enterprise of the file, or none (measure 19). Columns: `name, jurisdiction_code` and optionally
    `ownership, park, workers, white_listed, key_supply_chain`."""
    actor.require(Permission.manage_sites)
    batch = claimed(session, actor, digest(data), KIND, filename)
    if isinstance(batch, ImportSummary):
        return batch
    rows = list(records(data, fmt, COLUMNS))
    added = already = parks = 0
    seen: dict[str, int] = {}
    with session.begin_nested():  # all or nothing: a bad row rolls back every row before it
        for n, raw in rows:
            name = text_of(n, raw, "name", max_len=200)
            if name in seen:
                raise RowError(n, "name", f"the same enterprise as row {seen[name]}")
            seen[name] = n
            code = str(raw.get("jurisdiction_code") or "").strip()
            if not code:
                raise RowError(n, "jurisdiction_code", "an enterprise or park must lie in a jurisdiction")
            if session.scalar(select(Enterprise.id).where(Enterprise.name == name)) is not None:
                already += 1
                continue
            park_id = None
            park_name = str(raw.get("park") or "").strip()
            try:
                if park_name:
                    park = session.scalar(select(EnterprisePark).where(EnterprisePark.name == park_name))
                    if park is None:
                        park = create_park(session, actor, ParkIn(name=park_name, jurisdiction_code=code))
                        parks += 1
                    park_id = park.id
                item = EnterpriseIn(
                    name=name,
                    ownership=str(raw.get("ownership") or "private").strip(),
                    jurisdiction_code=code,
                    park_id=park_id,
                    workers=_workers(n, raw),
                    white_listed=_flag(n, raw, "white_listed"),
                    key_supply_chain=_flag(n, raw, "key_supply_chain"),
                )
                create_enterprise(session, actor, item)
            except InvalidInput as e:
                if isinstance(e, RowError):
                    raise
                raise RowError(n, e.field, e.message) from None
            added += 1
    outcomes = {"added": added, "already_recorded": already, "parks_added": parks}
    batch.rows, batch.added = len(rows), added
    batch.summary = {"outcomes": outcomes}
    session.flush()
    return ImportSummary(
        import_id=batch.id, kind=KIND, rows=len(rows), added=added, already_imported=False, outcomes=outcomes
    )
