"""Sites, items, the movement ledger, the stock table with days of supply and reorder alerts, and the allocation of
short stock (measure 13, m20.13; issue 18).

Every movement changes the stock row in the same transaction; the row is locked (`with_for_update`, PostgreSQL) so
that two dispensations at once cannot both pass the check. A movement that would make stock negative is refused
naming `quantity` and nothing changes. Requests carry personal data: listing them is audited as person reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.bulk.days_of_supply import write_stock
from fangkong.bulk.timebase import epoch_day
from fangkong.errors import Conflict, InvalidInput, NotFound
from fangkong.policy import PolicyAt
from fangkong.policy.terms import RiskFactor, Severity, SupplyCategory, SupplySiteKind, parse_term
from fangkong.rules import supplies as rule
from fangkong.rules.admission import MAX_AGE
from fangkong.rules.decision import Reason
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import covers, get_jurisdiction, jurisdiction_in_scope, scope_root
from fangkong.services.paging import page_of
from fangkong.services.persons.service import person_in_scope
from fangkong.services.supplies.models import SupplyItem, SupplyMovement, SupplyRequest, SupplySite, SupplyStock

MOVEMENT_KINDS = ("receipt", "dispensation", "transfer", "adjustment")
# what the ledger records: a transfer is two lines, one out of a site and one into the other
LEDGER_KINDS = ("receipt", "dispensation", "transfer_out", "transfer_in", "adjustment")
REQUEST_STATUSES = ("pending", "served", "partly_served")


class SiteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: str
    jurisdiction_code: str


class ItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    category: str
    unit: str = Field(min_length=1, max_length=32)


class MovementCreate(BaseModel):
    """A receipt, a dispensation, a transfer to `to_site_id`, or an adjustment (a count: `quantity` may be negative)."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    item_code: str
    quantity: int
    day: date
    to_site_id: int | None = None
    person_id: int | None = None
    infection_id: int | None = None
    note: str | None = None


def create_site(session: Session, actor: Actor, data: SiteCreate) -> SupplySite:
    """A new supply site in a jurisdiction of the actor's (m20.13); refused naming `jurisdiction_code` when the
    jurisdiction does not exist, `kind` for a kind outside the vocabulary, `name` when the name is taken."""
    actor.require(Permission.manage_sites)
    kind = parse_term(SupplySiteKind, data.kind, "kind")
    get_jurisdiction(session, data.jurisdiction_code)
    jurisdiction_in_scope(session, actor, data.jurisdiction_code)
    name = data.name.strip()
    if session.scalar(select(SupplySite.id).where(SupplySite.name == name)) is not None:
        raise Conflict("name", f"a supply site named {name!r} exists")
    site = SupplySite(name=name, kind=kind.value, jurisdiction_code=data.jurisdiction_code)
    session.add(site)
    session.flush()
    return site


def create_item(session: Session, actor: Actor, data: ItemCreate) -> SupplyItem:
    """A new item in one of measure 13's categories; refused naming `category` or `code`."""
    actor.require(Permission.manage_sites)
    category = parse_term(SupplyCategory, data.category, "category")
    code = data.code.strip()
    if session.scalar(select(SupplyItem.id).where(SupplyItem.code == code)) is not None:
        raise Conflict("code", f"an item with code {code!r} exists")
    item = SupplyItem(code=code, name=data.name.strip(), category=category.value, unit=data.unit.strip())
    session.add(item)
    session.flush()
    return item


def site_in_scope(session: Session, actor: Actor, site_id: int, *, field: str = "site_id") -> SupplySite:
    """A supply site in the actor's subtree; one outside it is not found."""
    actor.require(Permission.read_persons)
    site = session.get(SupplySite, site_id)
    if site is None or not covers(session, actor, site.jurisdiction_code):
        raise NotFound("supply site", site_id)
    return site


def item_by_code(session: Session, code: str, *, field: str = "item_code") -> SupplyItem:
    item = session.scalar(select(SupplyItem).where(SupplyItem.code == code))
    if item is None:
        raise InvalidInput(field, f"no item with code {code!r}")
    return item


def list_sites(session: Session, actor: Actor, *, jurisdiction_code: str | None = None) -> list[SupplySite]:
    actor.require(Permission.read_persons)
    root = scope_root(session, actor, jurisdiction_code)
    stmt = (
        select(SupplySite)
        .join(Jurisdiction, SupplySite.jurisdiction_code == Jurisdiction.code)
        .where(Jurisdiction.path.startswith(root))
        .order_by(SupplySite.name)
    )
    return list(session.scalars(stmt))


def list_items(session: Session, actor: Actor, *, category: str | None = None) -> list[SupplyItem]:
    actor.require(Permission.read_persons)
    stmt = select(SupplyItem).order_by(SupplyItem.category, SupplyItem.code)
    if category is not None:
        stmt = stmt.where(SupplyItem.category == parse_term(SupplyCategory, category, "category").value)
    return list(session.scalars(stmt))


def _stock_row(session: Session, site_id: int, item_id: int) -> SupplyStock:
    """The stock row, locked for this transaction on PostgreSQL (two movements at once wait on each other)."""
    row = session.scalar(
        select(SupplyStock).where(SupplyStock.site_id == site_id, SupplyStock.item_id == item_id).with_for_update()
    )
    if row is None:
        row = SupplyStock(site_id=site_id, item_id=item_id, quantity=0)
        session.add(row)
        session.flush()
    return row


def _keep_use(stock: SupplyStock, day: date, quantity: int) -> None:
    """Add a dispensation to the line's kept window figure when its day falls in the kept window (m20.13). A day
    after the window's end is counted when the line is next rolled forward (`refresh_use` sums the ledger for
    every line not kept for the day asked); a day before its start is outside the window."""
    if stock.used_through is None or stock.used_window_days is None:
        return
    first, last = rule.window_of(stock.used_through, stock.used_window_days)
    if first <= day <= last:
        stock.used_in_window += quantity


def refresh_use(session: Session, policy: PolicyAt, as_of: date, *, site_ids: list[int] | None = None) -> int:
    """Roll the kept window figures forward to the window ending on `as_of` (m20.13; the window in
    `supplies.consumption_window_days`): every line of `site_ids` (all sites when None) whose figure is for another
    day or another window is summed again from the ledger, in one grouped query; lines already kept for `as_of`
    are not touched. The number of lines rolled. Run once a day (the first reading of the day does it), after which
    each dispensation adds to its line as it is recorded."""
    window = int(policy.integer("supplies.consumption_window_days").value or 1)
    first, last = rule.window_of(as_of, window)
    stale = select(SupplyStock).where(
        (SupplyStock.used_through.is_(None))
        | (SupplyStock.used_through != as_of)
        | (SupplyStock.used_window_days.is_(None))
        | (SupplyStock.used_window_days != window)
    )
    used = select(SupplyMovement.site_id, SupplyMovement.item_id, func.sum(SupplyMovement.quantity)).where(
        SupplyMovement.kind == "dispensation", SupplyMovement.day >= first, SupplyMovement.day <= last
    )
    if site_ids is not None:
        stale = stale.where(SupplyStock.site_id.in_(site_ids))
        used = used.where(SupplyMovement.site_id.in_(site_ids))
    lines = list(session.scalars(stale.order_by(SupplyStock.id)))  # one lock order for two readers at once
    if not lines:
        return 0
    sums = {
        (s, i): int(q) for s, i, q in session.execute(used.group_by(SupplyMovement.site_id, SupplyMovement.item_id))
    }
    for line in lines:
        line.used_in_window = sums.get((line.site_id, line.item_id), 0)
        line.used_through, line.used_window_days = as_of, window
    session.flush()
    return len(lines)


def _move(
    session: Session,
    actor: Actor,
    site: SupplySite,
    item: SupplyItem,
    kind: str,
    quantity: int,
    change: int,
    day: date,
    **extra: object,
) -> SupplyMovement:
    stock = _stock_row(session, site.id, item.id)
    if stock.quantity + change < 0:
        raise InvalidInput(
            "quantity",
            f"{site.name} holds {stock.quantity} {item.unit} of {item.code}: {-change} would make it negative",
        )
    stock.quantity += change
    if kind == "dispensation":
        _keep_use(stock, day, quantity)
    movement = SupplyMovement(
        kind=kind,
        site_id=site.id,
        item_id=item.id,
        quantity=quantity,
        change=change,
        day=day,
        recorded_by=actor.username,
        **extra,
    )
    session.add(movement)
    session.flush()
    return movement


def record_movement(
    session: Session, actor: Actor, site_id: int, data: MovementCreate, *, today: date
) -> list[SupplyMovement]:
    """Record a receipt, a dispensation, a transfer (out of this site and into `to_site_id`, both sides at once) or an
    adjustment (m20.13). Refused naming the field, with nothing changed: `kind`, `item_code`, `quantity` (not above
    zero, or stock would go negative), `day` (after today), `to_site_id`, `person_id`."""
    actor.require(Permission.manage_sites)
    site = site_in_scope(session, actor, site_id)
    if data.kind not in MOVEMENT_KINDS:
        raise InvalidInput("kind", f"{data.kind!r} is not one of {', '.join(MOVEMENT_KINDS)}")
    item = item_by_code(session, data.item_code)
    if data.day > today:
        raise InvalidInput("day", f"{data.day} is after today ({today})")
    if data.kind == "adjustment":
        if data.quantity == 0:
            raise InvalidInput("quantity", "an adjustment changes the stock: give a quantity other than 0")
    elif data.quantity <= 0:
        raise InvalidInput("quantity", f"{data.quantity} is not a quantity (1 or more)")
    note = (data.note or "").strip() or None
    with session.begin_nested():  # a refusal leaves nothing behind
        if data.kind == "receipt":
            return [_move(session, actor, site, item, "receipt", data.quantity, data.quantity, data.day, note=note)]
        if data.kind == "adjustment":
            return [_move(session, actor, site, item, "adjustment", data.quantity, data.quantity, data.day, note=note)]
        if data.kind == "dispensation":
            if data.person_id is not None:
                person_in_scope(session, actor, data.person_id)
            return [
                _move(
                    session,
                    actor,
                    site,
                    item,
                    "dispensation",
                    data.quantity,
                    -data.quantity,
                    data.day,
                    person_id=data.person_id,
                    infection_id=data.infection_id,
                    note=note,
                )
            ]
        if data.to_site_id is None:
            raise InvalidInput("to_site_id", "a transfer names the site it goes to")
        other = site_in_scope(session, actor, data.to_site_id, field="to_site_id")
        if other.id == site.id:
            raise InvalidInput("to_site_id", "a transfer goes to another site")
        out = _move(
            session,
            actor,
            site,
            item,
            "transfer_out",
            data.quantity,
            -data.quantity,
            data.day,
            other_site_id=other.id,
            note=note,
        )
        out.transfer_id = out.id
        into = _move(
            session,
            actor,
            other,
            item,
            "transfer_in",
            data.quantity,
            data.quantity,
            data.day,
            other_site_id=site.id,
            transfer_id=out.id,
            note=note,
        )
        return [out, into]


@dataclass(frozen=True)
class StockLine:
    """One row of the stock table (m20.13): a site's stock of an item, its recent daily use, days of supply, alert."""

    site_id: int
    site_name: str
    site_kind: str
    jurisdiction_code: str
    item_code: str
    item_name: str
    category: str
    unit: str
    stock: int
    daily_use: float | None
    days: float | None
    reorder_point: int
    alert: rule.SupplyAlert
    reasons: tuple[Reason, ...]


def stock_table(
    session: Session,
    actor: Actor,
    policy: PolicyAt,
    *,
    as_of: date,
    jurisdiction_code: str | None = None,
    site_id: int | None = None,
    category: str | None = None,
    site_kind: str | None = None,
    alerts_only: bool = False,
) -> list[StockLine]:
    """The stock of every item at every site in scope, with days of supply and reorder alerts from the rule
    (`rules.supplies.days_of_supply`, `reorder`); the most urgent first."""
    actor.require(Permission.read_persons)
    root = scope_root(session, actor, jurisdiction_code)
    stmt = (
        select(SupplyStock, SupplySite, SupplyItem)
        .join(SupplySite, SupplyStock.site_id == SupplySite.id)
        .join(SupplyItem, SupplyStock.item_id == SupplyItem.id)
        .join(Jurisdiction, SupplySite.jurisdiction_code == Jurisdiction.code)
        .where(Jurisdiction.path.startswith(root))
    )
    if site_id is not None:
        stmt = stmt.where(SupplySite.id == site_in_scope(session, actor, site_id).id)
    if category is not None:
        stmt = stmt.where(SupplyItem.category == parse_term(SupplyCategory, category, "category").value)
    if site_kind is not None:
        stmt = stmt.where(SupplySite.kind == parse_term(SupplySiteKind, site_kind, "site_kind").value)
    rows = list(session.execute(stmt))
    if rows:
        refresh_use(session, policy, as_of, site_ids=sorted({s.id for _, s, _ in rows}))
    lines: list[StockLine] = []
    for stock, site, item in rows:
        # the kept figure is the window's sum: one entry on the window's last day gives the rule the same total
        used = {as_of: stock.used_in_window} if stock.used_in_window else {}
        supply = rule.days_of_supply(stock.quantity, used, as_of, policy)
        decided = rule.reorder(supply, item.category, policy)
        if alerts_only and decided.alert is rule.SupplyAlert.none:
            continue
        lines.append(
            StockLine(
                site_id=site.id,
                site_name=site.name,
                site_kind=site.kind,
                jurisdiction_code=site.jurisdiction_code,
                item_code=item.code,
                item_name=item.name,
                category=item.category,
                unit=item.unit,
                stock=stock.quantity,
                daily_use=supply.daily_use,
                days=supply.days,
                reorder_point=decided.reorder_point,
                alert=decided.alert,
                reasons=decided.reasons,
            )
        )
    urgency = {rule.SupplyAlert.critical: 0, rule.SupplyAlert.reorder: 1, rule.SupplyAlert.none: 2}
    lines.sort(
        key=lambda x: (urgency[x.alert], x.days if x.days is not None else float("inf"), x.site_name, x.item_code)
    )
    return lines


class RequestCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_code: str
    person_id: int
    infection_id: int | None = None
    quantity: int
    age: int
    severity: str | None = None
    risk_factors: list[str] = Field(default_factory=list)
    requested_at: datetime


def create_request(session: Session, actor: Actor, site_id: int, data: RequestCreate) -> SupplyRequest:
    """A patient's pending request for an item at a site (m20.13); weighed by `allocate_requests`."""
    actor.require(Permission.manage_sites)
    site = site_in_scope(session, actor, site_id)
    item = item_by_code(session, data.item_code)
    person_in_scope(session, actor, data.person_id)
    if data.quantity <= 0:
        raise InvalidInput("quantity", f"{data.quantity} is not a quantity (1 or more)")
    if not 0 <= data.age <= MAX_AGE:
        raise InvalidInput("age", f"{data.age} is not an age in years (0 to {MAX_AGE})")
    severity = parse_term(Severity, data.severity, "severity") if data.severity else None
    factors = [parse_term(RiskFactor, f, "risk_factors").value for f in data.risk_factors]
    request = SupplyRequest(
        site_id=site.id,
        item_id=item.id,
        person_id=data.person_id,
        infection_id=data.infection_id,
        quantity=data.quantity,
        age=data.age,
        severity=severity.value if severity else None,
        risk_factors=factors,
        requested_at=data.requested_at,
        status="pending",
        recorded_by=actor.username,
    )
    session.add(request)
    session.flush()
    record(
        session,
        actor,
        action="create",
        entity="person",
        entity_id=data.person_id,
        detail={"supply_request": request.id},
    )
    return request


def _note_listed(session: Session, actor: Actor, rows: list[SupplyRequest], reason: str | None) -> None:
    """Each request listed is a read of its patient's data: noted in the person's trail."""
    for r in rows:
        record(
            session,
            actor,
            action="listed",
            entity="person",
            entity_id=r.person_id,
            reason=reason,
            detail={"supply_request": r.id},
        )


def list_requests(
    session: Session, actor: Actor, site_id: int, *, status: str | None = "pending", reason: str | None = None
) -> list[SupplyRequest]:
    """A site's requests, earliest first; each listed request is noted in the person's trail (personal data)."""
    site = site_in_scope(session, actor, site_id)
    stmt = select(SupplyRequest).where(SupplyRequest.site_id == site.id)
    if status is not None:
        stmt = stmt.where(SupplyRequest.status == status)
    rows = list(session.scalars(stmt.order_by(SupplyRequest.requested_at, SupplyRequest.id)))
    _note_listed(session, actor, rows, reason)
    return rows


def allocate_requests(
    session: Session, actor: Actor, policy: PolicyAt, site_id: int, item_code: str, *, today: date, now: datetime
) -> rule.Allocation:
    """Share the site's stock of an item among its pending requests by the rule (`rules.supplies.allocate`: severe,
    then high risk, then elderly, then the rest; m20.13). Each request given something is dispensed (the ledger
    records it) and marked served or partly served; every request keeps the allocation's group, turn and reasons."""
    actor.require(Permission.manage_sites)
    site = site_in_scope(session, actor, site_id)
    item = item_by_code(session, item_code)
    stock = _stock_row(session, site.id, item.id)
    pending = list(
        session.scalars(
            select(SupplyRequest).where(
                SupplyRequest.site_id == site.id, SupplyRequest.item_id == item.id, SupplyRequest.status == "pending"
            )
        )
    )
    decided = rule.allocate(
        stock.quantity,
        [
            rule.SupplyRequest(
                key=r.id,
                quantity=r.quantity,
                age=r.age,
                severity=r.severity,
                risk_factors=frozenset(RiskFactor(f) for f in r.risk_factors),
                requested_at=r.requested_at,
            )
            for r in pending
        ],
        policy,
    )
    by_id = {r.id: r for r in pending}
    for grant in decided.grants:
        request = by_id[grant.key]
        request.group, request.turn = grant.group.value, grant.turn
        request.reasons = [r.model_dump() for r in grant.reasons]
        request.allocated_at, request.allocated_by = now, actor.username
        if grant.granted > 0:
            request.granted = grant.granted
            request.status = "served" if grant.granted == grant.asked else "partly_served"
            _move(
                session,
                actor,
                site,
                item,
                "dispensation",
                grant.granted,
                -grant.granted,
                today,
                person_id=request.person_id,
                infection_id=request.infection_id,
                request_id=request.id,
            )
        record(
            session,
            actor,
            action="allocate",
            entity="person",
            entity_id=request.person_id,
            detail={"supply_request": request.id, "granted": grant.granted},
        )
    session.flush()
    return decided


class SiteUpdate(BaseModel):
    """The fields of a site that may change; those left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: str | None = None
    jurisdiction_code: str | None = None


class ItemUpdate(BaseModel):
    """The fields of an item that may change (its code does not); those left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    category: str | None = None
    unit: str | None = Field(default=None, min_length=1, max_length=32)


def update_site(session: Session, actor: Actor, site_id: int, data: SiteUpdate) -> SupplySite:
    """Change a site's name, kind or jurisdiction (m20.13). Refused naming the field, nothing changed: a kind outside
    the vocabulary, a jurisdiction that does not exist or is outside the actor's, a blank name or one taken by
    another site."""
    actor.require(Permission.manage_sites)
    site = site_in_scope(session, actor, site_id)
    kind = parse_term(SupplySiteKind, data.kind if data.kind is not None else site.kind, "kind")
    code = data.jurisdiction_code if data.jurisdiction_code is not None else site.jurisdiction_code
    if code != site.jurisdiction_code:
        get_jurisdiction(session, code)
        jurisdiction_in_scope(session, actor, code)
    name = (data.name if data.name is not None else site.name).strip()
    if not name:
        raise InvalidInput("name", "a site has a name")
    taken = session.scalar(select(SupplySite.id).where(SupplySite.name == name, SupplySite.id != site.id))
    if taken is not None:
        raise Conflict("name", f"a supply site named {name!r} exists")
    site.name, site.kind, site.jurisdiction_code = name, kind.value, code
    session.flush()
    return site


def update_item(session: Session, actor: Actor, code: str, data: ItemUpdate) -> SupplyItem:
    """Change an item's name, category or unit (m20.13; its reorder point follows its category,
    `supplies.reorder_days.<category>`). Refused naming the field, nothing changed."""
    actor.require(Permission.manage_sites)
    item = session.scalar(select(SupplyItem).where(SupplyItem.code == code))
    if item is None:
        raise NotFound("supply item", code)
    category = parse_term(SupplyCategory, data.category if data.category is not None else item.category, "category")
    name = (data.name if data.name is not None else item.name).strip()
    unit = (data.unit if data.unit is not None else item.unit).strip()
    if not name:
        raise InvalidInput("name", "an item has a name")
    if not unit:
        raise InvalidInput("unit", "an item has a unit")
    item.name, item.category, item.unit = name, category.value, unit
    session.flush()
    return item


def movements_page(
    session: Session,
    actor: Actor,
    site_id: int,
    *,
    item_code: str | None = None,
    kind: str | None = None,
    day_from: date | None = None,
    day_to: date | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[SupplyMovement], int]:
    """A site's ledger, the latest first (m20.13), filtered by item, kind (receipt, dispensation, transfer_out,
    transfer_in, adjustment) and days; a page and the total. Refused naming `item_code`, `kind` or `day_to`."""
    site = site_in_scope(session, actor, site_id)
    stmt = select(SupplyMovement).where(SupplyMovement.site_id == site.id)
    if item_code:
        stmt = stmt.where(SupplyMovement.item_id == item_by_code(session, item_code).id)
    if kind:
        if kind not in LEDGER_KINDS:
            raise InvalidInput("kind", f"{kind!r} is not one of {', '.join(LEDGER_KINDS)}")
        stmt = stmt.where(SupplyMovement.kind == kind)
    if day_from is not None and day_to is not None and day_to < day_from:
        raise InvalidInput("day_to", f"{day_to} is before {day_from}")
    if day_from is not None:
        stmt = stmt.where(SupplyMovement.day >= day_from)
    if day_to is not None:
        stmt = stmt.where(SupplyMovement.day <= day_to)
    return page_of(
        session, stmt.order_by(SupplyMovement.day.desc(), SupplyMovement.id.desc()), offset=offset, limit=limit
    )


def requests_page(
    session: Session,
    actor: Actor,
    *,
    site_id: int | None = None,
    status: str | None = None,
    offset: int = 0,
    limit: int = 50,
    reason: str | None = None,
) -> tuple[list[SupplyRequest], int]:
    """Patients' requests at the sites in the actor's jurisdiction (or one site), earliest first, filtered by status
    (pending, served, partly_served); a page and the total. They name patients (severity, age): each listed request
    is noted in the person's trail."""
    actor.require(Permission.read_persons)
    stmt = (
        select(SupplyRequest)
        .join(SupplySite, SupplyRequest.site_id == SupplySite.id)
        .join(Jurisdiction, SupplySite.jurisdiction_code == Jurisdiction.code)
        .where(Jurisdiction.path.startswith(actor.jurisdiction_path))
    )
    if site_id is not None:
        stmt = stmt.where(SupplyRequest.site_id == site_in_scope(session, actor, site_id).id)
    if status:
        if status not in REQUEST_STATUSES:
            raise InvalidInput("status", f"{status!r} is not one of {', '.join(REQUEST_STATUSES)}")
        stmt = stmt.where(SupplyRequest.status == status)
    rows, total = page_of(
        session, stmt.order_by(SupplyRequest.requested_at, SupplyRequest.id), offset=offset, limit=limit
    )
    _note_listed(session, actor, rows, reason)
    return rows, total


def export_stock_lines(
    session: Session, actor: Actor, policy: PolicyAt, folder: Path, *, as_of: date, jurisdiction_code: str | None = None
) -> int:
    """Write the stock lines in the actor's jurisdiction, each with its kept window figure rolled to `as_of`, as
    `bulk run days_of_supply` reads them (`bulk.days_of_supply.write_stock`: `supply_stock.arrow`, `export.json`
    naming the day; m20.13): site and
    item ids, category, quantity, `dispensed` (in the window) and `used_through`. Counts per site and item, no
    person. The number of lines."""
    actor.require(Permission.read_persons)
    root = scope_root(session, actor, jurisdiction_code)
    in_scope = select(SupplySite.id).join(Jurisdiction, SupplySite.jurisdiction_code == Jurisdiction.code)
    site_ids = list(session.scalars(in_scope.where(Jurisdiction.path.startswith(root)).order_by(SupplySite.id)))
    refresh_use(session, policy, as_of, site_ids=site_ids)
    rows = session.execute(
        select(
            SupplyStock.site_id,
            SupplyStock.item_id,
            SupplyItem.category,
            SupplyStock.quantity,
            SupplyStock.used_in_window,
        )
        .join(SupplyItem, SupplyStock.item_id == SupplyItem.id)
        .where(SupplyStock.site_id.in_(site_ids))
        .order_by(SupplyStock.site_id, SupplyStock.item_id)
    ).all()
    table = pa.table(
        {
            "site_id": pa.array([r[0] for r in rows], pa.int64()),
            "item_id": pa.array([r[1] for r in rows], pa.int64()),
            "category": pa.array([r[2] for r in rows], pa.string()).dictionary_encode(),
            "quantity": pa.array([r[3] for r in rows], pa.int64()),
            "dispensed": pa.array([r[4] for r in rows], pa.int64()),
            "used_through": pa.array([epoch_day(as_of)] * len(rows), pa.int64()),
        }
    )
    write_stock(table, folder, as_of)
    return len(rows)
