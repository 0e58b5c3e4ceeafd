"""Medicines and equipment per site (measure 13, m20.13; issue 18): sites, items, the stock table with days of supply
and reorder alerts, movements, patients' requests and the allocation of short stock."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, TypeVar

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict

from fangkong.api.deps import CurrentActor, DbSession, Now, Rules, Today
from fangkong.api.pages import Limit, Offset, Page
from fangkong.bounds import StoreId
from fangkong.rules.supplies import Allocation
from fangkong.services.supplies.service import (
    ItemCreate,
    ItemUpdate,
    MovementCreate,
    RequestCreate,
    SiteCreate,
    SiteUpdate,
    allocate_requests,
    create_item,
    create_request,
    create_site,
    list_items,
    list_sites,
    movements_page,
    record_movement,
    requests_page,
    stock_table,
    update_item,
    update_site,
)

router = APIRouter(prefix="/api/supplies", tags=["supplies"])
T = TypeVar("T")


class SupplySiteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: str
    jurisdiction_code: str


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    category: str
    unit: str


class MovementRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    site_id: int
    item_id: int
    quantity: int
    change: int
    day: date
    other_site_id: int | None = None
    transfer_id: int | None
    request_id: int | None = None
    note: str | None = None
    recorded_by: str | None = None


class StockRead(BaseModel):
    site_id: int
    site_name: str
    item_code: str
    category: str
    unit: str
    stock: int
    daily_use: float | None
    days_of_supply: float | None
    reorder_point: int
    alert: str
    reasons: list[str]


class RequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: int
    item_id: int
    person_id: int | None = None
    quantity: int
    age: int | None = None
    severity: str | None = None
    risk_factors: list[str] = []
    requested_at: datetime
    status: str
    granted: int | None = None
    group: str | None = None
    turn: int | None = None


class AllocateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_code: str


def _page(items: list[T], offset: int, limit: int) -> Page[T]:
    return Page(items=items[offset : offset + limit], total=len(items), offset=offset, limit=limit)


@router.get("/sites", response_model=Page[SupplySiteRead])
def sites(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
) -> Page[SupplySiteRead]:
    """Supply sites in your jurisdiction, by name."""
    rows = list_sites(session, actor, jurisdiction_code=jurisdiction_code)
    return _page([SupplySiteRead.model_validate(s) for s in rows], offset, limit)


@router.post("/sites", response_model=SupplySiteRead, status_code=status.HTTP_201_CREATED)
def add_site(body: SiteCreate, session: DbSession, actor: CurrentActor) -> SupplySiteRead:
    """A new supply site (hospital, pharmacy, community health centre, isolation site) in a jurisdiction."""
    return SupplySiteRead.model_validate(create_site(session, actor, body))


@router.patch("/sites/{site_id}", response_model=SupplySiteRead)
def change_site(site_id: StoreId, body: SiteUpdate, session: DbSession, actor: CurrentActor) -> SupplySiteRead:
    """Change a site's name, kind or jurisdiction; a bad value is refused naming its field, nothing changed."""
    return SupplySiteRead.model_validate(update_site(session, actor, site_id, body))


@router.get("/sites/{site_id}/movements", response_model=Page[MovementRead])
def movements(
    site_id: StoreId,
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    item_code: Annotated[str | None, Query(description="only this item")] = None,
    kind: Annotated[
        str | None, Query(description="receipt, dispensation, transfer_out, transfer_in or adjustment")
    ] = None,
    day_from: Annotated[date | None, Query(description="from this day (included)")] = None,
    day_to: Annotated[date | None, Query(description="to this day (included)")] = None,
) -> Page[MovementRead]:
    """A site's ledger, the latest first (m20.13)."""
    rows, total = movements_page(
        session,
        actor,
        site_id,
        item_code=item_code,
        kind=kind,
        day_from=day_from,
        day_to=day_to,
        offset=offset,
        limit=limit,
    )
    return Page(items=[MovementRead.model_validate(m) for m in rows], total=total, offset=offset, limit=limit)


@router.get("/requests", response_model=Page[RequestRead])
def requests(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    site_id: StoreId | None = None,
    status: Annotated[str | None, Query(description="pending, served or partly_served")] = None,
) -> Page[RequestRead]:
    """Patients' requests at the sites in your jurisdiction, earliest first; each listed request is noted in the
    person's audit trail (they name patients: age, severity, risk factors)."""
    rows, total = requests_page(session, actor, site_id=site_id, status=status, offset=offset, limit=limit)
    return Page(items=[RequestRead.model_validate(r) for r in rows], total=total, offset=offset, limit=limit)


@router.get("/items", response_model=Page[ItemRead])
def items(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    category: Annotated[str | None, Query(description="one of measure 13's categories")] = None,
) -> Page[ItemRead]:
    """Items stocked, by category and code."""
    rows = list_items(session, actor, category=category)
    return _page([ItemRead.model_validate(i) for i in rows], offset, limit)


@router.post("/items", response_model=ItemRead, status_code=status.HTTP_201_CREATED)
def add_item(body: ItemCreate, session: DbSession, actor: CurrentActor) -> ItemRead:
    """A new item in one of measure 13's categories."""
    return ItemRead.model_validate(create_item(session, actor, body))


@router.patch("/items/{code}", response_model=ItemRead)
def change_item(code: str, body: ItemUpdate, session: DbSession, actor: CurrentActor) -> ItemRead:
    """Change an item's name, category (and so its reorder point) or unit; refused naming the field."""
    return ItemRead.model_validate(update_item(session, actor, code, body))


@router.get("/stock", response_model=Page[StockRead])
def stock(
    session: DbSession,
    actor: CurrentActor,
    rules: Rules,
    today: Today,
    offset: Offset = 0,
    limit: Limit = 50,
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
    site_id: StoreId | None = None,
    category: Annotated[str | None, Query(description="one of measure 13's categories")] = None,
    alerts: Annotated[bool, Query(description="only lines under their reorder point")] = False,
) -> Page[StockRead]:
    """The stock table: stock, daily use, days of supply and reorder alerts, the most urgent first (m20.13)."""
    lines = stock_table(
        session,
        actor,
        rules.at(today),
        as_of=today,
        jurisdiction_code=jurisdiction_code,
        site_id=site_id,
        category=category,
        alerts_only=alerts,
    )
    rows = [
        StockRead(
            site_id=x.site_id,
            site_name=x.site_name,
            item_code=x.item_code,
            category=x.category,
            unit=x.unit,
            stock=x.stock,
            daily_use=x.daily_use,
            days_of_supply=x.days,
            reorder_point=x.reorder_point,
            alert=x.alert.value,
            reasons=[r.text for r in x.reasons],
        )
        for x in lines
    ]
    return _page(rows, offset, limit)


@router.post("/sites/{site_id}/movements", response_model=list[MovementRead], status_code=status.HTTP_201_CREATED)
def move(
    site_id: StoreId, body: MovementCreate, session: DbSession, actor: CurrentActor, today: Today
) -> list[MovementRead]:
    """Record a receipt, a dispensation, a transfer to another site (both sides) or an adjustment; a movement that
    would make stock negative is refused naming `quantity`, nothing changed."""
    return [MovementRead.model_validate(m) for m in record_movement(session, actor, site_id, body, today=today)]


@router.post("/sites/{site_id}/requests", response_model=RequestRead, status_code=status.HTTP_201_CREATED)
def request(site_id: StoreId, body: RequestCreate, session: DbSession, actor: CurrentActor) -> RequestRead:
    """A patient's pending request for an item at the site, weighed by the allocation when stock is short."""
    return RequestRead.model_validate(create_request(session, actor, site_id, body))


@router.post("/sites/{site_id}/allocate", response_model=Allocation)
def allocate(
    site_id: StoreId, body: AllocateBody, session: DbSession, actor: CurrentActor, rules: Rules, today: Today, now: Now
) -> Allocation:
    """Share the site's stock of an item among its pending requests: severe, high risk, elderly, then the rest
    (m20.13); each grant with its reasons."""
    return allocate_requests(session, actor, rules.at(today), site_id, body.item_code, today=today, now=now)
