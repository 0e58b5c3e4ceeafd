"""What the store knows that bears on a person's code, and the codes it makes: the facts of many people read with
plain statements, and each distinct set of facts decided once by the rule (`rules.health_code`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy import Policy
from fangkong.policy.health_codes import colour_tables
from fangkong.rules.health_code import (
    AreaFact,
    HealthCodeDecision,
    HoldFact,
    InfectionFact,
    PersonFacts,
    PhaseFact,
    health_code,
    statuses_on_day,
    steady_through,
)
from fangkong.rules.plans import Plan
from fangkong.services.areas.models import RiskArea, RiskAreaEvent
from fangkong.services.calendar import local_day
from fangkong.services.file_imports.bulk import keyed
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction, JurisdictionLevel
from fangkong.services.lab.models import TemporaryControl
from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.persons.models import Person
from fangkong.services.store import chunks


def standing(on: date, until: date | None, day: date) -> bool:
    """Whether a stored status (computed for `on`, standing through `until`) is the status of `day`."""
    return on <= day and (until is None or day <= until)


@dataclass(frozen=True, slots=True)
class Decided:
    """A person's code on a day: the rule's decision, its reasons as stored, and the last day it stands."""

    decision: HealthCodeDecision
    reasons: list[dict[str, Any]]
    until: date | None
    reasons_json: str  # the reasons as the store's JSON column holds them, encoded once

    @property
    def colour(self) -> str:
        return self.decision.colour


def areas_in_force(session: Session, on: date) -> list[tuple[str, str, str, str | None]]:
    """(area code, path, level, clause) of every area at high or medium risk on `on`, from each area's history;
    the clause is the one its last level change recorded (None: none recorded, the rule cites the levels in
    force). One statement over every area's level changes up to the day (a city has thousands of areas)."""
    rows = session.execute(
        select(
            RiskArea.area_code,
            RiskAreaEvent.risk_area_id,
            RiskAreaEvent.level,
            RiskAreaEvent.clause,
            Jurisdiction.path,
            RiskArea.advanced_to,
            RiskArea.active,
        )
        .join(RiskArea, RiskArea.id == RiskAreaEvent.risk_area_id)
        .join(Jurisdiction, Jurisdiction.code == RiskArea.area_code)
        .where(
            RiskArea.delineated_on <= on,
            RiskAreaEvent.kind.in_(("delineated", "level_change")),
            RiskAreaEvent.on <= on,
        )
        .order_by(RiskAreaEvent.risk_area_id, RiskAreaEvent.on, RiskAreaEvent.id)
    ).all()
    last: dict[int, Any] = {}
    for row in rows:
        last[row.risk_area_id] = row  # the latest change of each area up to the day
    return [
        (r.area_code, r.path, r.level, r.clause)
        for r in last.values()
        if r.level in ("high", "medium") and (r.advanced_to >= on or r.active)
    ]


def levels_on(session: Session, on: date) -> list[tuple[str, str, str | None]]:
    """(area path, level, clause) of every area at high or medium risk on `on` (`areas_in_force`)."""
    return [(path, level, clause) for _, path, level, clause in areas_in_force(session, on)]


class Resident(Protocol):
    """What a code needs of a person: who, and where they live."""

    @property
    def id(self) -> int: ...
    @property
    def jurisdiction_code(self) -> str: ...
    @property
    def building(self) -> str | None: ...
    @property
    def unit(self) -> str | None: ...


def _homes(session: Session, people: Sequence[Resident]) -> dict[int, str]:
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


def facts_of(session: Session, people: Sequence[Resident], on: date) -> dict[int, PersonFacts]:
    """What the store knows of each person that bears on their code on `on`: the phases of their active orders,
    their infection and their holds (every one: the rule decides which days each counts on), and the high- or
    medium-risk areas covering their home on `on` (each area's history decides its level on a day).

    Read with plain statements, and equal facts built once: people placed the same day under the same plan
    share their phases, so a city's half a million orders make a few thousand distinct facts."""
    ids = [p.id for p in people]
    phases: dict[int, list[PhaseFact]] = {i: [] for i in ids}
    infections: dict[int, list[InfectionFact]] = {i: [] for i in ids}
    holds: dict[int, list[HoldFact]] = {i: [] for i in ids}
    plans: dict[tuple[Any, ...], tuple[PhaseFact, ...]] = {}
    made: dict[tuple[Any, ...], Any] = {}  # infection and hold facts by their stored values
    with keyed(session, ids, "code_facts_of") as where:
        for condition in where(ManagementOrder.person_id):
            for person_id, category, start, released_on, plan in session.execute(
                select(
                    ManagementOrder.person_id,
                    ManagementOrder.category,
                    ManagementOrder.start,
                    ManagementOrder.released_on,
                    ManagementOrder.plan,
                ).where(condition, ManagementOrder.status == OrderStatus.active)
            ):
                phases[person_id] += _phase_facts(plans, category, start, released_on, plan)
        for condition in where(Infection.person_id):
            for person_id, kind, sampled_on, confirmed_at, discharged_on in session.execute(
                select(
                    Infection.person_id,
                    Infection.kind,
                    Infection.sampled_on,
                    Infection.confirmed_at,
                    Infection.discharged_on,
                ).where(condition)
            ):
                infection = (kind, sampled_on, confirmed_at, discharged_on)
                if (fact := made.get(infection)) is None:
                    fact = made[infection] = InfectionFact(
                        kind=kind,
                        sampled_on=sampled_on,
                        confirmed_on=local_day(confirmed_at),
                        discharged_on=discharged_on,
                    )
                infections[person_id].append(fact)
        for condition in where(TemporaryControl.person_id):
            for person_id, started_at, ended_at in session.execute(
                select(TemporaryControl.person_id, TemporaryControl.started_at, TemporaryControl.ended_at).where(
                    condition
                )
            ):
                if (fact := made.get((started_at, ended_at))) is None:
                    fact = made[(started_at, ended_at)] = HoldFact(
                        started_on=local_day(started_at), ended_on=local_day(ended_at) if ended_at else None
                    )
                holds[person_id].append(fact)
    in_force = levels_on(session, on)
    areas: dict[int, tuple[AreaFact, ...]] = {}
    if in_force:
        covering: dict[str, list[AreaFact]] = {}
        for path, level, clause in in_force:
            covering.setdefault(path, []).append(AreaFact(level=level, clause=clause))
        homes = _homes(session, people)
        for p in people:
            # the areas whose path is a prefix of the home's: each ancestor's path, looked up (a city has
            # thousands of areas; a home has a handful of ancestors)
            home, found = homes[p.id], list[AreaFact]()
            end = home.find("/", 1)
            while end != -1:
                found += covering.get(home[: end + 1], ())
                end = home.find("/", end + 1)
            areas[p.id] = tuple(found)
    # every fact above is one object per distinct value, so equal lists of them are equal lists of objects: a
    # person's facts are built once per distinct combination (45 k people held by one import share one)
    built: dict[tuple[tuple[int, ...], ...], PersonFacts] = {}
    out: dict[int, PersonFacts] = {}
    for i in ids:
        key = tuple(tuple(map(id, part)) for part in (phases[i], infections[i], holds[i], areas.get(i, ())))
        if (f := built.get(key)) is None:
            f = built[key] = PersonFacts(
                phases=tuple(phases[i]), infections=tuple(infections[i]), holds=tuple(holds[i]), areas=areas.get(i, ())
            )
        out[i] = f
    return out


def _phase_facts(
    seen: dict[tuple[Any, ...], tuple[PhaseFact, ...]],
    category: str,
    start: date,
    released_on: date,
    plan: Any,
) -> tuple[PhaseFact, ...]:
    """The phases of one active order as facts, built once per distinct (category, days, plan)."""
    raw = json.loads(plan) if isinstance(plan, str) else plan
    key = (category, start, released_on, json.dumps(raw, sort_keys=True))
    found = seen.get(key)
    if found is None:
        stored = Plan.model_validate(raw)
        found = seen[key] = tuple(
            PhaseFact(
                category=category,
                kind=phase.kind,
                start=phase.start,
                end=phase.end,
                order_start=start,
                released_on=released_on,
                plan_clause=stored.reasons[0].clause if stored.reasons else None,
            )
            for phase in stored.phases
        )
    return found


def residents_of(session: Session, area_codes: Iterable[str]) -> set[int]:
    """Everyone whose home lies in one of the areas: a unit or building by its label in the person's address
    (as `service._homes` finds homes), a community or anything wider by the jurisdiction tree."""
    found: set[int] = set()
    codes = list(area_codes)
    if not codes:
        return found
    areas = {
        j.code: j
        for part in chunks(codes)
        for j in session.scalars(select(Jurisdiction).where(Jurisdiction.code.in_(part)))
    }
    for j in areas.values():
        if j.level == JurisdictionLevel.unit.value:
            building = session.get(Jurisdiction, j.parent_code) if j.parent_code else None
            if building is None or building.parent_code is None:
                continue
            stmt = select(Person.id).where(
                Person.jurisdiction_code == building.parent_code,
                Person.building == building.label,
                Person.unit == j.label,
            )
        elif j.level == JurisdictionLevel.building.value:
            if j.parent_code is None:
                continue
            stmt = select(Person.id).where(Person.jurisdiction_code == j.parent_code, Person.building == j.label)
        else:
            stmt = (
                select(Person.id)
                .join(Jurisdiction, Jurisdiction.code == Person.jurisdiction_code)
                .where(Jurisdiction.path.startswith(j.path))
            )
        found.update(session.scalars(stmt))
    return found


def decide_many(session: Session, people: Sequence[Resident], on: date, policy: Policy) -> dict[int, Decided]:
    """Each person's code on `on` and the last day it stands without a new event (`steady_through`): the rule
    applied once per distinct (facts, province table) — the rule is a function of those alone."""
    tables = colour_tables()
    rules = policy.at(on)
    changes_on = policy.next_change_after(on)
    seen: dict[tuple[int, int], Decided] = {}
    out: dict[int, Decided] = {}
    facts = facts_of(session, people, on)  # equal facts are one object (`facts_of`): keyed by identity
    for p in people:
        f = facts[p.id]
        table = tables.for_jurisdiction(p.jurisdiction_code)
        key = (id(f), id(table))
        found = seen.get(key)
        if found is None:
            decision = health_code(statuses_on_day(f, on, rules), table, rules)
            reasons = [r.model_dump() for r in decision.reasons]
            found = seen[key] = Decided(decision, reasons, steady_through(f, on, changes_on), json.dumps(reasons))
        out[p.id] = found
    return out
