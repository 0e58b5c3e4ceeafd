"""Isolation sites: rooms, assignment of people in centralized isolation, occupancy projected from plans.

A room is occupied from the assignment's first day through the last day of the plan's centralized
isolation (so a plan shortened by new rules, or switched from home to centralized, moves the projection
with it), unless the order ended earlier.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.errors import Conflict, InvalidInput, NotFound
from fangkong.policy.terms import PhaseKind
from fangkong.services.access import Actor, Permission
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import covers, jurisdiction_in_scope, scope_root
from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.orders.service import order_in_scope, stored_plan
from fangkong.services.paging import page_of
from fangkong.services.sites.models import IsolationSite, Room, RoomAssignment
from fangkong.services.sites.schemas import AssignmentCreate, AssignmentRead, Occupancy, OccupancyDay, SiteCreate


def create_site(session: Session, actor: Actor, data: SiteCreate) -> IsolationSite:
    actor.require(Permission.manage_sites)
    jurisdiction_in_scope(session, actor, data.jurisdiction_code)
    if len(set(data.rooms)) != len(data.rooms):
        raise InvalidInput("rooms", "room numbers repeat")
    if session.scalar(select(IsolationSite.id).where(IsolationSite.name == data.name)) is not None:
        raise Conflict("name", f"a site named {data.name!r} exists")
    site = IsolationSite(name=data.name, address=data.address, jurisdiction_code=data.jurisdiction_code)
    session.add(site)
    session.flush()
    session.add_all(Room(site_id=site.id, number=n) for n in data.rooms)
    session.flush()
    return site


def site_in_scope(session: Session, actor: Actor, site_id: int) -> IsolationSite:
    actor.require(Permission.read_persons)
    site = session.get(IsolationSite, site_id)
    if site is None or not covers(session, actor, site.jurisdiction_code):
        raise NotFound("site", site_id)
    return site


def room_count(session: Session, site_id: int) -> int:
    return session.scalar(select(func.count()).where(Room.site_id == site_id)) or 0


def list_sites(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str | None = None,
    name: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[IsolationSite], int]:
    """Centralized isolation sites in the actor's subtree (or a narrower jurisdiction), by name."""
    actor.require(Permission.read_persons)
    root = scope_root(session, actor, jurisdiction_code)
    stmt = (
        select(IsolationSite)
        .join(Jurisdiction, IsolationSite.jurisdiction_code == Jurisdiction.code)
        .where(Jurisdiction.path.startswith(root))
    )
    if name:
        stmt = stmt.where(IsolationSite.name.contains(name, autoescape=True))  # `%`, `_` are letters here
    return page_of(session, stmt.order_by(IsolationSite.name, IsolationSite.id), offset=offset, limit=limit)


def _last_night(order: ManagementOrder, assignment: RoomAssignment) -> date | None:
    """The last day the person is in the room under the order's current plan (None: not at all)."""
    centralized = [p for p in stored_plan(order).phases if p.kind is PhaseKind.centralized_isolation]
    if not centralized:
        return None
    last = max(p.end for p in centralized)
    if assignment.ended_on is not None:
        last = min(last, assignment.ended_on - timedelta(days=1))
    return last if last >= assignment.from_date else None


def _assignments(session: Session, site_id: int) -> list[tuple[RoomAssignment, Room, ManagementOrder]]:
    rows = session.execute(
        select(RoomAssignment, Room, ManagementOrder)
        .join(Room, RoomAssignment.room_id == Room.id)
        .join(ManagementOrder, RoomAssignment.order_id == ManagementOrder.id)
        .where(Room.site_id == site_id)
    ).all()
    return [(a, r, o) for a, r, o in rows]


def assign_room(session: Session, actor: Actor, site_id: int, data: AssignmentCreate) -> AssignmentRead:
    """Put a person in centralized isolation on `on` into a free room of the site."""
    actor.require(Permission.change_orders)
    site = site_in_scope(session, actor, site_id)
    order = order_in_scope(session, actor, data.order_id)
    if order.status != OrderStatus.active:
        raise Conflict("order_id", f"order {order.id} is {order.status}")
    phase = stored_plan(order).phase_on(data.on)
    if phase is None or phase.kind is not PhaseKind.centralized_isolation:
        raise InvalidInput("on", f"order {order.id} is not in centralized isolation on {data.on}")
    assignments = _assignments(session, site.id)
    for a, r, o in assignments:
        last = _last_night(o, a)
        if o.id == order.id and last is not None and last >= data.on:
            raise Conflict("order_id", f"order {order.id} already has room {r.number} until {last}")
    busy = {
        r.id
        for a, r, o in assignments
        if (last := _last_night(o, a)) is not None and a.from_date <= phase.end and last >= data.on
    }
    rooms = list(session.scalars(select(Room).where(Room.site_id == site.id).order_by(Room.number)))
    if data.room_number is not None:
        chosen = next((r for r in rooms if r.number == data.room_number), None)
        if chosen is None:
            raise InvalidInput("room_number", f"no room {data.room_number} at {site.name}")
        if chosen.id in busy:
            raise Conflict("room_number", f"room {data.room_number} is occupied")
    else:
        chosen = next((r for r in rooms if r.id not in busy), None)
        if chosen is None:
            raise Conflict("site_id", f"{site.name} has no free room from {data.on} to {phase.end}")
    assignment = RoomAssignment(room_id=chosen.id, order_id=order.id, from_date=data.on, assigned_by=actor.username)
    session.add(assignment)
    session.flush()
    return AssignmentRead(
        id=assignment.id,
        site_id=site.id,
        room_number=chosen.number,
        order_id=order.id,
        from_date=data.on,
        until=phase.end,
    )


def occupancy(session: Session, actor: Actor, site_id: int, *, start: date, days: int = 7) -> Occupancy:
    """Occupied and free rooms for each day from `start`, projected from the current plans."""
    if not 1 <= days <= 60:
        raise InvalidInput("days", "between 1 and 60")
    site = site_in_scope(session, actor, site_id)
    rooms = room_count(session, site.id)
    stays = [(a.from_date, last) for a, _, o in _assignments(session, site.id) if (last := _last_night(o, a))]
    out = []
    for i in range(days):
        d = start + timedelta(days=i)
        occupied = sum(1 for first, last in stays if first <= d <= last)
        out.append(
            OccupancyDay(
                on=d,
                occupied=occupied,
                free=rooms - occupied,
                arriving=sum(1 for first, _ in stays if first == d),
                leaving=sum(1 for _, last in stays if last + timedelta(days=1) == d),
            )
        )
    return Occupancy(site_id=site.id, rooms=rooms, days=out)
