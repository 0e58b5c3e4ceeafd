"""Health codes: each person's status on a day from their orders, infection, temporary control and the risk
area they live in, coloured by their province's table; recomputed in bulk after area changes (every change of
colour recorded), looked up one at a time by venue and transport checks."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.orm import Session

from fangkong.errors import Inconsistent, InvalidInput, NotFound
from fangkong.policy import Policy
from fangkong.policy.health_codes import colour_tables
from fangkong.rules.health_code import (
    AreaFact,
    HealthCodeDecision,
    HoldFact,
    InfectionFact,
    PersonFacts,
    PhaseFact,
    Status,
    health_code,
    statuses_on_day,
    steady_through,
)
from fangkong.rules.plans import Plan
from fangkong.services import logs
from fangkong.services.access import Actor, Permission
from fangkong.services.areas.models import RiskArea, RiskAreaEvent
from fangkong.services.calendar import local_day
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction, JurisdictionLevel
from fangkong.services.lab.models import TemporaryControl
from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.persons.models import Person
from fangkong.services.store import chunks, utcnow

from .models import HealthCode, HealthCodeChange
from .owed import owed, settled

BATCH = 2000


class CodeRead(BaseModel):
    person_id: int
    on: date
    colour: str
    reasons: list[dict[str, Any]]
    computed_at: datetime | None  # None: computed for this answer (no stored status for the day)


def levels_on(session: Session, on: date) -> list[tuple[str, str, str | None]]:
    """(area path, level, clause) of every area at high or medium risk on `on`, from each area's history; the
    clause is the one its last level change recorded (None: none recorded, the rule cites the levels in force)."""
    out = []
    rows = session.execute(
        select(RiskArea, Jurisdiction.path)
        .join(Jurisdiction, Jurisdiction.code == RiskArea.area_code)
        .where(RiskArea.delineated_on <= on)
    ).all()
    for risk, path in rows:
        changes = session.execute(
            select(RiskAreaEvent.on, RiskAreaEvent.level, RiskAreaEvent.clause)
            .where(
                RiskAreaEvent.risk_area_id == risk.id,
                RiskAreaEvent.kind.in_(("delineated", "level_change")),
                RiskAreaEvent.on <= on,
            )
            .order_by(RiskAreaEvent.on, RiskAreaEvent.id)
        ).all()
        if not changes:
            continue
        _, level, clause = changes[-1]
        if level in ("high", "medium") and (risk.advanced_to >= on or risk.active):
            out.append((path, level, clause))
    return out


def _homes(session: Session, people: list[Person]) -> dict[int, str]:
    """Each person's narrowest home area path: unit, building, else their community."""
    communities = {p.jurisdiction_code for p in people}
    paths = dict(
        session.execute(select(Jurisdiction.code, Jurisdiction.path).where(Jurisdiction.code.in_(communities))).all()
    )
    buildings: dict[tuple[str, str], tuple[str, str]] = {}
    for code, parent, label, path in session.execute(
        select(Jurisdiction.code, Jurisdiction.parent_code, Jurisdiction.label, Jurisdiction.path).where(
            Jurisdiction.parent_code.in_(communities), Jurisdiction.level == JurisdictionLevel.building.value
        )
    ):
        buildings[(parent or "", label or "")] = (code, path)
    units: dict[tuple[str, str], str] = {}
    building_codes = [c for c, _ in buildings.values()]
    for part in chunks(building_codes):
        for parent, label, path in session.execute(
            select(Jurisdiction.parent_code, Jurisdiction.label, Jurisdiction.path).where(
                Jurisdiction.parent_code.in_(part), Jurisdiction.level == JurisdictionLevel.unit.value
            )
        ):
            units[(parent or "", label or "")] = path
    homes = {}
    for p in people:
        home = paths.get(p.jurisdiction_code, "")
        b = buildings.get((p.jurisdiction_code, p.building or ""))
        if b is not None:
            home = units.get((b[0], p.unit or ""), b[1])
        homes[p.id] = home
    return homes


def facts_of(session: Session, people: list[Person], on: date) -> dict[int, PersonFacts]:
    """What the store knows of each person that bears on their code on `on`: the phases of their active orders,
    their infection and their holds (every one: the rule decides which days each counts on), and the high- or
    medium-risk areas covering their home on `on` (each area's history decides its level on a day)."""
    ids = [p.id for p in people]
    phases: dict[int, list[PhaseFact]] = {i: [] for i in ids}
    infections: dict[int, list[InfectionFact]] = {i: [] for i in ids}
    holds: dict[int, list[HoldFact]] = {i: [] for i in ids}
    areas: dict[int, list[AreaFact]] = {i: [] for i in ids}
    for part in chunks(ids):
        for order in session.scalars(
            select(ManagementOrder).where(
                ManagementOrder.person_id.in_(part), ManagementOrder.status == OrderStatus.active
            )
        ):
            plan = Plan.model_validate(order.plan)
            phases[order.person_id] += [
                PhaseFact(
                    category=order.category,
                    kind=phase.kind,
                    start=phase.start,
                    end=phase.end,
                    order_start=order.start,
                    released_on=order.released_on,
                    plan_clause=plan.reasons[0].clause if plan.reasons else None,
                )
                for phase in plan.phases
            ]
        for inf in session.scalars(select(Infection).where(Infection.person_id.in_(part))):
            infections[inf.person_id].append(
                InfectionFact(
                    kind=inf.kind,
                    sampled_on=inf.sampled_on,
                    confirmed_on=local_day(inf.confirmed_at),
                    discharged_on=inf.discharged_on,
                )
            )
        for hold in session.scalars(select(TemporaryControl).where(TemporaryControl.person_id.in_(part))):
            holds[hold.person_id].append(
                HoldFact(
                    started_on=local_day(hold.started_at), ended_on=local_day(hold.ended_at) if hold.ended_at else None
                )
            )
    in_force = levels_on(session, on)
    if in_force:
        homes = _homes(session, people)
        for p in people:
            areas[p.id] = [
                AreaFact(level=level, clause=clause) for path, level, clause in in_force if homes[p.id].startswith(path)
            ]
    return {
        i: PersonFacts(
            phases=tuple(phases[i]), infections=tuple(infections[i]), holds=tuple(holds[i]), areas=tuple(areas[i])
        )
        for i in ids
    }


def statuses_on(session: Session, people: list[Person], on: date, policy: Policy) -> dict[int, list[Status]]:
    """Every status that bears on each person's code on `on`, by the rule (`rules.health_code.statuses_on_day`)."""
    rules = policy.at(on)
    return {i: statuses_on_day(facts, on, rules) for i, facts in facts_of(session, people, on).items()}


def standing(on: date, until: date | None, day: date) -> bool:
    """Whether a stored status (computed for `on`, standing through `until`) is the status of `day`."""
    return on <= day and (until is None or day <= until)


def decide_codes(session: Session, people: list[Person], on: date, policy: Policy) -> dict[int, HealthCodeDecision]:
    return {i: d for i, (d, _) in _decide(session, people, on, policy).items()}


def _decide(
    session: Session, people: list[Person], on: date, policy: Policy
) -> dict[int, tuple[HealthCodeDecision, date | None]]:
    """Each person's code on `on` and the last day it stands without a new event (`steady_through`)."""
    tables = colour_tables()
    rules = policy.at(on)
    changes_on = policy.next_change_after(on)
    out: dict[int, tuple[HealthCodeDecision, date | None]] = {}
    facts = facts_of(session, people, on)
    for p in people:
        f = facts[p.id]
        decision = health_code(statuses_on_day(f, on, rules), tables.for_jurisdiction(p.jurisdiction_code), rules)
        out[p.id] = (decision, steady_through(f, on, changes_on))
    return out


def _reasons(decision: HealthCodeDecision) -> list[dict[str, Any]]:
    return [r.model_dump() for r in decision.reasons]


def store_codes(
    session: Session,
    by: str,
    people: list[Person],
    on: date,
    counts: dict[str, int],
    policy: Policy,
    *,
    cause: str,
) -> None:
    """Decide and store the codes of `people` for `on` with bulk statements (not one ORM object per person: a
    city is millions of codes), recording every change of colour with its `cause`; `counts` is updated. Their
    codes are then current with everything flushed: nothing is owed for them."""
    decisions = _decide(session, people, on, policy)
    stored = dict(
        session.execute(
            select(HealthCode.person_id, HealthCode.colour).where(HealthCode.person_id.in_([p.id for p in people]))
        ).all()
    )
    new_rows: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    change_rows: list[dict[str, Any]] = []
    now = utcnow()
    for p in people:
        d, until = decisions[p.id]
        counts["persons"] += 1
        counts[d.colour] = counts.get(d.colour, 0) + 1
        reasons = _reasons(d)
        before = stored.get(p.id)
        row = {"person_id": p.id, "colour": d.colour, "reasons": reasons, "on": on, "until": until, "computed_at": now}
        if p.id not in stored:
            new_rows.append(row | {"token": secrets.token_urlsafe(32)})
        else:
            updates.append(row)
        if before != d.colour:
            counts["changed"] += 1
            change_rows.append(
                {
                    "person_id": p.id,
                    "on": on,
                    "from_colour": before,
                    "to_colour": d.colour,
                    "reasons": reasons,
                    "by": by,
                    "cause": cause,
                    "at": now,
                }
            )
    if new_rows:
        session.execute(insert(HealthCode), new_rows)
    if updates:
        session.execute(update(HealthCode), updates)
    if change_rows:
        session.execute(insert(HealthCodeChange), change_rows)
    session.flush()
    settled(session, [p.id for p in people])


def follow_codes(
    session: Session, person_ids: list[int], *, on: date, policy: Policy, by: str, cause: str
) -> dict[str, int]:
    """The codes of `person_ids` refreshed for `on` after an event (`cause`, by the account `by`): what
    `follow` calls at every commit that changed something a code depends on."""
    counts: dict[str, int] = {"persons": 0, "changed": 0}
    with logs.timed("codes.follow", who=by, on=on, cause=cause) as line:
        for part in chunks(person_ids, BATCH):
            people = list(session.scalars(select(Person).where(Person.id.in_(part)).order_by(Person.id)))
            if people:
                store_codes(session, by, people, on, counts, policy, cause=cause)
        line |= counts
    return counts


def recompute(
    session: Session,
    actor: Actor,
    on: date,
    *,
    policy: Policy,
    jurisdiction_code: str | None = None,
    due_only: bool = False,
) -> dict[str, int]:
    """Recompute the codes of everyone in the subtree for `on`; every change of colour is recorded. With
    `due_only` (the daily job), only those whose stored status does not stand on `on` and those with none."""
    actor.require(Permission.manage_areas)
    root = actor.jurisdiction_path
    if jurisdiction_code is not None:
        j = session.get(Jurisdiction, jurisdiction_code)
        if j is None or not actor.covers(j.path):
            raise NotFound("jurisdiction", jurisdiction_code)
        root = j.path
    counts: dict[str, int] = {"persons": 0, "changed": 0}
    last_id = 0
    cause = "daily job" if due_only else "recompute"
    with logs.timed("codes.recompute", who=actor.username, on=on, jurisdiction=root, due_only=due_only) as line:
        while True:
            stmt = (
                select(Person)
                .join(Jurisdiction, Jurisdiction.code == Person.jurisdiction_code)
                .where(Jurisdiction.path.startswith(root), Person.id > last_id)
                .order_by(Person.id)
                .limit(BATCH)
            )
            if due_only:
                stmt = stmt.outerjoin(HealthCode, HealthCode.person_id == Person.id).where(
                    or_(
                        HealthCode.person_id.is_(None),
                        HealthCode.on > on,
                        and_(HealthCode.until.is_not(None), HealthCode.until < on),
                    )
                )
            people = list(session.scalars(stmt))
            if not people:
                break
            last_id = people[-1].id
            store_codes(session, actor.username, people, on, counts, policy, cause=cause)
        line |= counts
    if not due_only:
        _settled_areas_under(session, root)
    return counts


def _settled_areas_under(session: Session, root: str) -> None:
    """After everyone under `root` was computed: the risk areas within it owe their residents nothing more."""
    o = owed(session)
    if o.area_events:
        o.areas.update(session.scalars(select(RiskArea.area_code).where(RiskArea.id.in_(sorted(o.area_events)))))
        o.area_events.clear()
    if o.areas:
        inside = session.scalars(
            select(Jurisdiction.code).where(Jurisdiction.code.in_(sorted(o.areas)), Jurisdiction.path.startswith(root))
        )
        o.areas.difference_update(inside)


def lookup(
    session: Session,
    actor: Actor,
    *,
    on: date,
    policy: Policy,
    person_id: int | None = None,
    token: str | None = None,
) -> CodeRead:
    """One person's code for `on`: the stored status when it stands on that day, else computed now."""
    actor.require(Permission.read_persons)
    if (person_id is None) == (token is None):
        raise InvalidInput("person_id", "give a person id or a code token")
    row: HealthCode | None
    if token is not None:
        row = session.scalar(select(HealthCode).where(HealthCode.token == token))
        if row is None:
            raise NotFound("health code", "token")
        person_id = row.person_id
    else:
        row = session.get(HealthCode, person_id)
    if person_id is None:
        raise Inconsistent("a code without a person")
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("person", person_id)
    j = session.get(Jurisdiction, person.jurisdiction_code)
    if j is None or not actor.covers(j.path):
        raise NotFound("person", person_id)
    if row is not None and standing(row.on, row.until, on):
        return CodeRead(person_id=person_id, on=on, colour=row.colour, reasons=row.reasons, computed_at=row.computed_at)
    d = decide_codes(session, [person], on, policy)[person_id]
    return CodeRead(person_id=person_id, on=on, colour=d.colour, reasons=_reasons(d), computed_at=None)


def changes(session: Session, actor: Actor, person_id: int) -> Iterable[HealthCodeChange]:
    actor.require(Permission.read_persons)
    return session.scalars(
        select(HealthCodeChange).where(HealthCodeChange.person_id == person_id).order_by(HealthCodeChange.id)
    )


def refresh_person(
    session: Session, actor: Actor, person_id: int, on: date, policy: Policy, *, cause: str = "corrected"
) -> HealthCode:
    """Recompute one person's code now (after an appeal is upheld in their favour, or a record corrected)."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("person", person_id)
    store_codes(session, actor.username, [person], on, {"persons": 0, "changed": 0}, policy, cause=cause)
    row = session.get(HealthCode, person_id, populate_existing=True)
    if row is None:
        raise Inconsistent(f"no health code stored for person {person_id}")
    return row
