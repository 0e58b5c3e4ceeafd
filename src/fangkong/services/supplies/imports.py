"""Imports of supply sites, items and opening stock from CSV or JSON (measure 13, m20.13): all-or-nothing, idempotent
by the file's digest (`services.file_imports`), each bad row refused naming its line and field."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import Conflict, InvalidInput, RowError
from fangkong.policy.terms import SupplyCategory, SupplySiteKind
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.file_imports.batches import ImportSummary, already_imported, claimed, digest
from fangkong.services.file_imports.rows import Format, records, text_of
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.supplies.models import SupplyItem, SupplySite
from fangkong.services.supplies.service import (
    ItemCreate,
    MovementCreate,
    SiteCreate,
    create_item,
    create_site,
    record_movement,
)

COLUMNS = {
    "sites": ("name", "kind", "jurisdiction_code"),
    "items": ("code", "name", "category", "unit"),
    "stock": ("site", "item_code", "quantity", "day"),
}
KINDS = {"sites": "supply_sites", "items": "supply_items", "stock": "supply_stock"}


def import_supplies(
    session: Session,
    actor: Actor,
    data: bytes,
    *,
    kind: str,
    fmt: Format,
    today: date,
    now: datetime,
    filename: str | None = None,
) -> ImportSummary:
    """Import a file of `kind` sites, items or stock (opening stock as receipts). The same bytes a second time change
    nothing; a bad row refuses the whole file, naming the row and the column."""
    actor.require(Permission.manage_sites)
    if kind not in COLUMNS:
        raise InvalidInput("kind", f"{kind!r} is not one of {', '.join(COLUMNS)}")
    batch_kind = KINDS[kind]
    key = digest(data)
    if (again := already_imported(session, key, batch_kind, actor)) is not None:
        return again
    rows = [(n, raw) for n, raw in records(data, fmt, COLUMNS[kind])]
    if not rows:
        raise InvalidInput("file", "no rows")
    with session.begin_nested():  # a bad row leaves nothing behind
        batch = claimed(session, actor, key, batch_kind, filename)
        if isinstance(batch, ImportSummary):
            return batch
        for n, raw in rows:
            _row(session, actor, kind, n, raw, today)
        batch.rows = batch.added = len(rows)
        record(session, actor, action="import", entity="lab_import", entity_id=batch.id, detail={"kind": batch_kind})
        session.flush()
    return ImportSummary(import_id=batch.id, kind=batch_kind, rows=len(rows), added=len(rows), already_imported=False)


def _row(session: Session, actor: Actor, kind: str, n: int, raw: dict[str, object], today: date) -> None:
    """One row, refused naming its line and column (the services' own checks are re-raised with the row)."""
    try:
        if kind == "sites":
            site_kind = text_of(n, raw, "kind", max_len=32)
            if site_kind not in SupplySiteKind.__members__:
                raise RowError(n, "kind", f"{site_kind!r} is not one of {', '.join(SupplySiteKind)}")
            code = text_of(n, raw, "jurisdiction_code", max_len=32)
            if session.get(Jurisdiction, code) is None:
                raise RowError(n, "jurisdiction_code", f"unknown jurisdiction {code!r}")
            name = text_of(n, raw, "name", max_len=200)
            create_site(session, actor, SiteCreate(name=name, kind=site_kind, jurisdiction_code=code))
        elif kind == "items":
            category = text_of(n, raw, "category", max_len=32)
            if category not in SupplyCategory.__members__:
                raise RowError(n, "category", f"{category!r} is not one of {', '.join(SupplyCategory)}")
            create_item(
                session,
                actor,
                ItemCreate(
                    code=text_of(n, raw, "code", max_len=32),
                    name=text_of(n, raw, "name", max_len=200),
                    category=category,
                    unit=text_of(n, raw, "unit", max_len=32),
                ),
            )
        else:
            site_name = text_of(n, raw, "site", max_len=200)
            site = session.scalar(select(SupplySite).where(SupplySite.name == site_name))
            if site is None:
                raise RowError(n, "site", f"no supply site named {site_name!r}")
            item_code = text_of(n, raw, "item_code", max_len=32)
            if session.scalar(select(SupplyItem.id).where(SupplyItem.code == item_code)) is None:
                raise RowError(n, "item_code", f"no item with code {item_code!r}")
            quantity_text = text_of(n, raw, "quantity", max_len=12)
            try:
                quantity = int(quantity_text)
            except ValueError:
                raise RowError(n, "quantity", f"{quantity_text!r} is not a whole number") from None
            if quantity <= 0:
                raise RowError(n, "quantity", f"{quantity} is not a quantity (1 or more)")
            day_text = text_of(n, raw, "day", max_len=10)
            try:
                day = date.fromisoformat(day_text)
            except ValueError:
                raise RowError(n, "day", f"{day_text!r} is not a date") from None
            record_movement(
                session,
                actor,
                site.id,
                MovementCreate(kind="receipt", item_code=item_code, quantity=quantity, day=day, note="opening stock"),
                today=today,
            )
    except RowError:
        raise
    except InvalidInput as exc:
        raise RowError(n, exc.field, exc.message) from None
    except Conflict as exc:  # a name or code taken is a bad row too
        raise RowError(n, exc.field, exc.message) from None
