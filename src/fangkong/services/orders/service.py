"""Management orders: placing a person under the plan the rules give, and every change after.

The plan is made by `rules.plans` under the policy in force on the day the order is placed and stored with
the version used. Changes are checked against the row version, so a concurrent edit is a conflict.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from fangkong.errors import Conflict, Inconsistent, InvalidInput, NotFound, Refused
from fangkong.policy import Policy, PolicyAt
from fangkong.policy.terms import Category
from fangkong.rules.infection_isolation import IsolationRelease
from fangkong.rules.plans import Plan, PlanRefusal, first_day, management_plan, parse_category, switch_home_isolation
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import get_jurisdiction, scope_root
from fangkong.services.orders.isolation import release_from_tests
from fangkong.services.orders.models import ORDER_STATUSES, ManagementOrder, OrderEvent, OrderStatus
from fangkong.services.orders.schemas import EligibilityFailure, HandOver, OrderChange, OrderCreate
from fangkong.services.paging import page_of
from fangkong.services.persons.models import Person
from fangkong.services.persons.service import person_in_scope
from fangkong.services.sites.models import RoomAssignment


def stored_plan(order: ManagementOrder) -> Plan:
    return Plan.model_validate(order.plan)


def _event(session: Session, order: ManagementOrder, actor: Actor, kind: str, **detail: Any) -> None:
    session.add(OrderEvent(order_id=order.id, kind=kind, actor=actor.username, detail=detail))
    record(
        session,
        actor,
        action="update" if kind != "placed" else "create",
        entity="person",
        entity_id=order.person_id,
        reason=detail.get("reason"),
        detail={"order": order.id, "event": kind},
    )


def end_stays(session: Session, order: ManagementOrder, on: date) -> None:
    """The order ended on `on`: its isolation rooms are free from that day."""
    for stay in session.scalars(
        select(RoomAssignment).where(RoomAssignment.order_id == order.id, RoomAssignment.ended_on.is_(None))
    ):
        stay.ended_on = max(on, stay.from_date)


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise Conflict("row_version", "the order changed while you edited it; reload and try again") from None


def place_order(session: Session, actor: Actor, data: OrderCreate, *, today: date, policy: Policy) -> ManagementOrder:
    """Place a person under management. Refusals of the rules (a secondary close contact under the 20
    measures, re-quarantine of an entrant at the destination) raise Refused with the clause."""
    actor.require(Permission.place_orders)
    person = person_in_scope(session, actor, data.person_id)
    category = parse_category(data.category)
    if (data.anchor_date is None) == (data.start is None):
        raise InvalidInput("start", "give exactly one of anchor_date and start")
    rules = policy.at(today)
    anchor_kind = None
    if data.anchor_date is not None:
        if data.anchor_date > today:
            raise InvalidInput("anchor_date", f"{data.anchor_date} is after today ({today})")
        start, _ = first_day(category, data.anchor_date, rules)
        anchor_kind = rules.text(f"management.{category.value}.anchor").value
    else:
        if data.start is None:
            raise Inconsistent("data.start is not None")
        start = data.start
    result = management_plan(category, start, rules)
    if isinstance(result, PlanRefusal):
        raise Refused(result.reasons[0].clause, result.reasons[0].text)
    if result.released_on <= today:
        raise InvalidInput("start", f"the plan from {start} would already have ended on {result.released_on}")
    _refuse_restart(session, person.id, category, data.anchor_date, rules)
    active = session.scalar(
        select(ManagementOrder.id).where(
            ManagementOrder.person_id == person.id,
            ManagementOrder.category == category.value,
            ManagementOrder.status == OrderStatus.active,
        )
    )
    if active is not None:
        raise Conflict("person_id", f"person {person.id} is already under an active {category.value} order ({active})")
    order = ManagementOrder(
        person_id=person.id,
        category=category.value,
        anchor_kind=anchor_kind,
        anchor_date=data.anchor_date,
        start=start,
        released_on=result.released_on,
        status=OrderStatus.active,
        policy_version=result.policy or "",
        policy_date=today,
        plan=result.model_dump(mode="json"),
        jurisdiction_code=person.jurisdiction_code,
        placed_by=actor.username,
    )
    session.add(order)
    _flush(session)
    _event(session, order, actor, "placed", reason=data.reason, policy=result.policy, cite=result.cite)
    return order


def _refuse_restart(session: Session, person_id: int, category: Category, anchor: date | None, rules: PolicyAt) -> None:
    """(10): after quarantine at the port of entry an entrant is not quarantined again at the destination."""
    if category is not Category.entry_personnel:
        return
    rule = rules.find("management.entry_personnel.destination_may_restart")
    if rule is None or rule.value is not False:
        return
    earlier = session.scalars(
        select(ManagementOrder).where(
            ManagementOrder.person_id == person_id,
            ManagementOrder.category == category.value,
            ManagementOrder.status != OrderStatus.cancelled,
        )
    ).all()
    for o in earlier:
        if o.status == OrderStatus.active or anchor is None or o.anchor_date == anchor:
            raise Refused(
                rule.source.clause,
                f"entrant already under (or through) order {o.id} for this entry: "
                "no second quarantine at the destination",
            )


def order_in_scope(session: Session, actor: Actor, order_id: int) -> ManagementOrder:
    order = session.get(ManagementOrder, order_id)
    if order is None:
        raise NotFound("order", order_id)
    person_in_scope(session, actor, order.person_id)  # the person's jurisdiction scopes the order
    return order


def _changeable(
    session: Session,
    actor: Actor,
    order_id: int,
    row_version: int,
    *,
    on: date | None = None,
    today: date | None = None,
) -> ManagementOrder:
    actor.require(Permission.change_orders)
    order = order_in_scope(session, actor, order_id)
    if order.row_version != row_version:
        raise Conflict(
            "row_version",
            f"the order changed (version {order.row_version}, you read {row_version}); reload and try again",
        )
    if order.status != OrderStatus.active:
        raise Conflict("status", f"order {order.id} is {order.status}")
    if on is not None and today is not None and on > today:
        raise InvalidInput("on", f"{on} is after today ({today}): record what has happened")
    return order


def _end(
    session: Session, actor: Actor, order: ManagementOrder, change: OrderChange, status: str, *cite: str
) -> ManagementOrder:
    """End an order: its status and reason, its rooms freed, one event."""
    order.status, order.status_reason = status, change.reason
    _flush(session)
    end_stays(session, order, change.on)
    _event(session, order, actor, status, on=change.on.isoformat(), reason=change.reason, cite=list(cite))
    return order


def release(
    session: Session, actor: Actor, order_id: int, change: OrderChange, *, today: date, policy: Policy
) -> ManagementOrder:
    """Release at the end of the plan (or later, if the release was recorded late). An infection isolated at home
    (n10.3) is released by its tests' Ct (`orders.isolation.release_from_tests`): not before two tests in a row pass."""
    order = _changeable(session, actor, order_id, change.row_version, on=change.on, today=today)
    if change.on < order.released_on:
        raise InvalidInput(
            "on",
            f"the plan runs until {order.released_on}; an early end is a cancellation or a transfer, with its reason",
        )
    cite: tuple[str, ...] = ()
    if order.category == Category.mild_infection.value:
        decision = release_from_tests(session, order, policy)
        if decision.released_on is None or change.on < decision.released_on:
            raise Refused(decision.reasons[-1].clause, _not_yet(decision))
        cite = tuple(decision.cite)
    return _end(session, actor, order, change, OrderStatus.released, *cite)


def _not_yet(decision: IsolationRelease) -> str:
    """Why an infection isolated at home is not released yet: the day its tests release it, the test days still
    without a result, or the last test that did not pass."""
    if decision.released_on is not None:
        return f"the tests release this infection on {decision.released_on}"
    if decision.awaiting:
        days = ", ".join(d.isoformat() for d in decision.awaiting)
        return f"released after two tests in a row pass; no result yet for {days}"
    return decision.reasons[-1].text


def supersede_active_orders(
    session: Session, actor: Actor, person_id: int, *, on: date, today: date, reason: str, clause: str
) -> int:
    """A person found infected under the new ten is isolated at home under an order of their infection's own: every
    other active order of theirs ends, superseded (n10.3). Returns how many."""
    orders = list(
        session.scalars(
            select(ManagementOrder).where(
                ManagementOrder.person_id == person_id,
                ManagementOrder.status == OrderStatus.active,
                ManagementOrder.category != Category.mild_infection.value,
            )
        )
    )
    for order in orders:
        change = OrderChange(row_version=order.row_version, on=min(on, today), reason=reason)
        _end(
            session,
            actor,
            _changeable(session, actor, order.id, change.row_version, on=change.on, today=today),
            change,
            OrderStatus.superseded,
            clause,
        )
    return len(orders)


def cancel(session: Session, actor: Actor, order_id: int, change: OrderChange, *, today: date) -> ManagementOrder:
    """Cancel an order placed in error (or whose facts were disproved), with the reason."""
    return _end(
        session,
        actor,
        _changeable(session, actor, order_id, change.row_version, on=change.on, today=today),
        change,
        OrderStatus.cancelled,
    )


def transfer_to_hospital(
    session: Session, actor: Actor, order_id: int, change: OrderChange, *, today: date, policy: Policy
) -> ManagementOrder:
    """A positive result: transfer to a designated or makeshift hospital (section 3); the order ends."""
    rule = policy.at(change.on).get("management.infection.transferred_to_hospital")
    return _end(
        session,
        actor,
        _changeable(session, actor, order_id, change.row_version, on=change.on, today=today),
        change,
        OrderStatus.transferred,
        rule.source.clause,
    )


def transfer_active_orders(
    session: Session, actor: Actor, person_id: int, *, on: date, today: date, reason: str, policy: Policy
) -> int:
    """A person found infected: every active order of theirs ends in transfer to a designated or makeshift
    hospital (section 3). Returns how many."""
    orders = list(
        session.scalars(
            select(ManagementOrder).where(
                ManagementOrder.person_id == person_id, ManagementOrder.status == OrderStatus.active
            )
        )
    )
    for order in orders:
        change = OrderChange(row_version=order.row_version, on=min(on, today), reason=reason)
        transfer_to_hospital(session, actor, order.id, change, today=today, policy=policy)
    return len(orders)


def switch_to_centralized(
    session: Session, actor: Actor, order_id: int, change: EligibilityFailure, *, today: date, policy: Policy
) -> ManagementOrder:
    """Section 3: "those not eligible for home isolation are still subject to centralized isolation"
    (rules.plans.switch_home_isolation), recorded on the order."""
    order = _changeable(session, actor, order_id, change.row_version)
    if change.on < today:
        raise InvalidInput("on", f"{change.on} is before today ({today}): the plan's past cannot change")
    try:
        new_plan, basis = switch_home_isolation(stored_plan(order), change.on, policy.at(change.on))
    except InvalidInput as exc:
        raise InvalidInput(exc.field, f"order {order.id}: {exc.message}") from None
    order.plan = new_plan.model_dump(mode="json")
    _flush(session)
    _event(
        session,
        order,
        actor,
        "switched_to_centralized",
        on=change.on.isoformat(),
        reason=change.reason,
        failed_checks=change.failed_checks,
        cite=[basis.clause],
    )
    return order


def hand_over(
    session: Session, actor: Actor, order_id: int, data: HandOver, *, today: date, policy: Policy
) -> ManagementOrder:
    """(10): an entrant handed over to the destination keeps the plan begun at the port of entry."""
    actor.require(Permission.place_orders)  # handing over is the epidemiologists' and command centre's call
    order = _changeable(session, actor, order_id, data.row_version)
    # the destination is usually another county or city, outside the port staff's own jurisdiction
    target = get_jurisdiction(session, data.to_jurisdiction_code, field="to_jurisdiction_code")
    previous = order.jurisdiction_code
    order.jurisdiction_code = target.code
    order.person.jurisdiction_code = target.code
    _flush(session)
    keeps = policy.at(today).get("management.entry_personnel.hand_over_keeps_plan")
    _event(
        session,
        order,
        actor,
        "handed_over",
        reason=data.reason,
        frm=previous,
        to=target.code,
        cite=[keeps.source.clause],
    )
    return order


def read_order(session: Session, actor: Actor, order_id: int, *, reason: str | None = None) -> ManagementOrder:
    """An order opened by a user: part of the person's record, so the read is audited."""
    order = order_in_scope(session, actor, order_id)
    record(
        session,
        actor,
        action="read",
        entity="person",
        entity_id=order.person_id,
        reason=reason,
        detail={"order": order.id},
    )
    return order


ORDER_SORTS = {
    "id": ManagementOrder.id,
    "start": ManagementOrder.start,
    "end": ManagementOrder.released_on,
    "name": Person.name,
    "category": ManagementOrder.category,
}


def list_orders(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str | None = None,
    person_id: int | None = None,
    category: str | None = None,
    status: str | None = None,
    policy_version: str | None = None,
    versions: tuple[str, ...] = (),
    under_management_on: date | None = None,
    releases_on: date | None = None,
    name: str | None = None,
    start_from: date | None = None,
    start_to: date | None = None,
    ends_by: date | None = None,
    sort: str = "-id",
    offset: int = 0,
    limit: int = 50,
    reason: str | None = None,
) -> tuple[list[ManagementOrder], int]:
    """Orders of people in the actor's subtree, newest first unless `sort` names another order (`ORDER_SORTS`; a
    leading "-" reverses it); each listed order is noted in the person's trail.

    `under_management_on` keeps active orders whose plan covers that day (from the first day to the day before
    release); `releases_on` those released on that day; `name` those of people whose name contains it;
    `start_from`/`start_to` those whose plan starts in that range; `ends_by` active orders whose plan has ended by
    that day (a release is due).
    """
    actor.require(Permission.read_persons)
    root = scope_root(session, actor, jurisdiction_code)
    stmt = (
        select(ManagementOrder)
        .join(Person, ManagementOrder.person_id == Person.id)
        .join(Jurisdiction, Person.jurisdiction_code == Jurisdiction.code)
        .where(Jurisdiction.path.startswith(root))
    )
    if person_id is not None:
        stmt = stmt.where(ManagementOrder.person_id == person_id)
    if category is not None:
        stmt = stmt.where(ManagementOrder.category == parse_category(category).value)
    if status is not None:
        if status not in ORDER_STATUSES:
            raise InvalidInput("status", f"{status!r} is not one of {', '.join(ORDER_STATUSES)}")
        stmt = stmt.where(ManagementOrder.status == status)
    if policy_version is not None:
        if policy_version not in versions:
            raise InvalidInput("policy_version", f"unknown version {policy_version!r}")
        stmt = stmt.where(ManagementOrder.policy_version == policy_version)
    if under_management_on is not None:
        stmt = stmt.where(
            ManagementOrder.status == OrderStatus.active,
            ManagementOrder.start <= under_management_on,
            ManagementOrder.released_on > under_management_on,
        )
    if releases_on is not None:
        stmt = stmt.where(ManagementOrder.released_on == releases_on)
    if name:
        stmt = stmt.where(Person.name.contains(name.strip(), autoescape=True))  # `%`, `_` are letters here
    if start_from is not None and start_to is not None and start_to < start_from:
        raise InvalidInput("start_to", f"{start_to} is before {start_from}")
    if start_from is not None:
        stmt = stmt.where(ManagementOrder.start >= start_from)
    if start_to is not None:
        stmt = stmt.where(ManagementOrder.start <= start_to)
    if ends_by is not None:
        stmt = stmt.where(ManagementOrder.status == OrderStatus.active, ManagementOrder.released_on <= ends_by)
    key = sort.removeprefix("-")
    if key not in ORDER_SORTS:
        raise InvalidInput("sort", f"{sort!r} is not one of {', '.join(ORDER_SORTS)} (a leading - reverses it)")
    column = ORDER_SORTS[key]
    ordered = stmt.order_by(column.desc() if sort.startswith("-") else column, ManagementOrder.id.desc())
    rows, total = page_of(session, ordered, offset=offset, limit=limit)
    for order in rows:
        record(
            session,
            actor,
            action="listed",
            entity="person",
            entity_id=order.person_id,
            reason=reason,
            detail={"order": order.id},
        )
    return rows, total


def events(
    session: Session, actor: Actor, order_id: int, *, offset: int = 0, limit: int = 100
) -> tuple[list[OrderEvent], int]:
    """The order's history, oldest first."""
    order_in_scope(session, actor, order_id)
    stmt = select(OrderEvent).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)
    return page_of(session, stmt, offset=offset, limit=limit)
