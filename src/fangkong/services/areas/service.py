"""The risk-area lifecycle (measure 4, section 3): delineation on a building or unit (wider only with a recorded
justification), the infections that count for it, screenings, the daily job that applies downgrades on the day
the rules give, and the areas due today. Spill-over (measure 3) is in `spillover.py`."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.bounds import StoreId
from fangkong.errors import Conflict, Inconsistent, InvalidInput, Refused
from fangkong.policy import Policy
from fangkong.policy.terms import AreaLevel, Finding, parse_term
from fangkong.rules.risk_area import AreaLevelDecision, area_level, delineation_basis, finding_counts
from fangkong.services import logs
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.calendar import local_day
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction, JurisdictionLevel
from fangkong.services.jurisdictions.service import jurisdiction_in_scope, scope_root
from fangkong.services.paging import page_of
from fangkong.services.persons.models import Person

from .models import AreaEventKind, DelineationReason, RiskArea, RiskAreaEvent, RiskAreaInfection, RiskAreaScreening
from .shapes import home_area


class Delineation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    area_code: str
    reason: DelineationReason = Field(description="residence, workplace or activity_place of an infected person")
    level: AreaLevel = AreaLevel.high
    justification: str | None = Field(
        default=None, description="required for an area wider than the rules' unit (section 3)"
    )
    note: str | None = Field(default=None, max_length=2000)
    infection_ids: list[StoreId] = Field(default_factory=list, max_length=1000)


class RiskAreaRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    area_code: str
    reason: str
    justification: str | None
    note: str | None
    delineated_on: date
    delineated_level: str
    level: str
    level_since: date
    next_change_on: date | None
    active: bool
    advanced_to: date
    created_by: str


def _event(
    session: Session,
    area: RiskArea,
    actor: Actor,
    on: date,
    kind: AreaEventKind,
    text: str,
    *,
    level: str | None = None,
    clause: str | None = None,
) -> None:
    session.add(
        RiskAreaEvent(
            risk_area_id=area.id, on=on, kind=kind, level=level, clause=clause, text=text, actor=actor.username
        )
    )


def delineate(session: Session, actor: Actor, data: Delineation, *, now: datetime, policy: Policy) -> RiskArea:
    """Delineate a risk area from today; infections named count for it from their sampling day."""
    actor.require(Permission.manage_areas)
    today = local_day(now)
    area = jurisdiction_in_scope(session, actor, data.area_code, field="area_code")
    rules = policy.at(today)
    levels = rules.texts("risk_area.levels").value or ()
    if data.level.value not in levels:
        raise Refused(
            rules.get("risk_area.levels").source.clause, f"{rules.version} has no {data.level.value}-risk areas"
        )
    basis = delineation_basis(JurisdictionLevel(area.level), data.justification, rules)
    if not data.infection_ids and not (data.note and data.note.strip()):
        # (4): an area is high-risk as the home, workplace or activity place of an infected person — an area with
        # no infection named, and no note of where one was recorded (another city's report), has no basis
        raise Refused(
            rules.get("risk_area.levels").source.clause,
            "name the infections whose home, workplace or activity place this is, or say in the note where the "
            "infection was recorded",
        )
    # one active area per place, and none inside another active one
    for other in session.scalars(select(RiskArea).where(RiskArea.active.is_(True))):
        other_path = session.get(Jurisdiction, other.area_code)
        if other_path is None:
            raise Inconsistent("other_path is not None")
        if area.path.startswith(other_path.path) or other_path.path.startswith(area.path):
            raise Conflict("area_code", f"{data.area_code} overlaps active risk area {other.id} ({other.area_code})")
    risk = RiskArea(
        area_code=area.code,
        reason=data.reason,
        justification=data.justification,
        note=data.note,
        delineated_on=today,
        delineated_level=data.level.value,
        level=data.level.value,
        level_since=today,
        active=True,
        advanced_to=today,
        created_by=actor.username,
    )
    session.add(risk)
    session.flush()
    for reason in basis:
        _event(
            session,
            risk,
            actor,
            today,
            AreaEventKind.delineated,
            reason.text,
            level=data.level.value,
            clause=reason.clause,
        )
    for infection_id in data.infection_ids:
        infection = session.get(Infection, infection_id)
        if infection is None:
            raise InvalidInput("infection_ids", f"no infection {infection_id}")
        count_infection(session, actor, risk, infection, policy)
    record(session, actor, action="create", entity="risk_area", entity_id=risk.id, detail={"area": area.code})
    refresh(session, actor, risk, today, policy)
    return risk


def count_infection(
    session: Session, actor: Actor, risk: RiskArea, infection: Infection, policy: Policy
) -> RiskAreaInfection:
    """Consider an infection for an area: those found in isolation or a closed loop do not count
    (`rules.risk_area.finding_counts`); the others reset its clean days from their sampling day."""
    existing = session.scalar(
        select(RiskAreaInfection).where(
            RiskAreaInfection.risk_area_id == risk.id, RiskAreaInfection.infection_id == infection.id
        )
    )
    if existing is not None:
        return existing
    found_on = max(infection.sampled_on, risk.delineated_on)
    counts, reason = finding_counts(parse_term(Finding, infection.found_in, "found_in"), policy.at(found_on))
    why = f"infection {infection.id} on {found_on}: {reason.text}"
    link = RiskAreaInfection(risk_area_id=risk.id, infection_id=infection.id, found_on=found_on, counts=counts, why=why)
    session.add(link)
    _event(
        session,
        risk,
        actor,
        found_on,
        AreaEventKind.infection if counts else AreaEventKind.infection_not_counted,
        why,
        clause=reason.clause,
    )
    session.flush()
    return link


def _areas_of_home(session: Session, person: Person) -> list[RiskArea]:
    """The active risk areas a person's home lies in."""
    home = home_area(session, person.jurisdiction_code, person.building, person.unit)
    path = home or session.get(Jurisdiction, person.jurisdiction_code)
    if path is None:
        return []
    return [
        risk
        for risk, j in session.execute(
            select(RiskArea, Jurisdiction)
            .join(Jurisdiction, Jurisdiction.code == RiskArea.area_code)
            .where(RiskArea.active.is_(True))
        )
        if path.path.startswith(j.path)
    ]


def note_infection(session: Session, actor: Actor, infection: Infection, policy: Policy) -> list[RiskArea]:
    """A new infection: count it for every active area its home lies in (the clock starts again)."""
    person = session.get(Person, infection.person_id)
    if person is None:
        raise Inconsistent("person is not None")
    touched = _areas_of_home(session, person)
    for risk in touched:
        count_infection(session, actor, risk, infection, policy)
    return touched


def note_finding(
    session: Session, actor: Actor, person_id: int, finding: Finding, on: date, what: str, policy: Policy
) -> list[RiskArea]:
    """A positive that is not a new infection — a re-positive after discharge, an entrant judged a past infection —
    noted in the history of every active area its person lives in, as not counted, with the clause that says so.
    The rules in force never count these (`finding_counts`; the policy data are checked for it): an area's
    counted infections are infection records, and these have none of their own."""
    person = session.get(Person, person_id)
    if person is None:
        raise Inconsistent("person is not None")
    touched = _areas_of_home(session, person)
    for risk in touched:
        found_on = max(on, risk.delineated_on)
        counts, reason = finding_counts(finding, policy.at(found_on))
        if counts:
            raise Inconsistent(f"{finding.value} is not counted by risk_area.excluded_findings on {found_on}")
        _event(
            session,
            risk,
            actor,
            found_on,
            AreaEventKind.infection_not_counted,
            f"{what} on {found_on}: {reason.text}",
            clause=reason.clause,
        )
    session.flush()
    return touched


def record_screening(
    session: Session, actor: Actor, risk_id: int, on: date, all_negative: bool, *, now: datetime
) -> RiskArea:
    actor.require(Permission.manage_areas)
    risk = area_in_scope(session, actor, risk_id)
    if on > local_day(now) or on < risk.delineated_on:
        raise InvalidInput("on", f"between the delineation ({risk.delineated_on}) and today")
    if session.scalar(
        select(RiskAreaScreening.id).where(RiskAreaScreening.risk_area_id == risk.id, RiskAreaScreening.on == on)
    ):
        raise Conflict("on", f"a screening of {on} is recorded")
    session.add(RiskAreaScreening(risk_area_id=risk.id, on=on, all_negative=all_negative))
    _event(session, risk, actor, on, AreaEventKind.screening, "all negative" if all_negative else "not all negative")
    session.flush()
    return risk


def decide(session: Session, risk: RiskArea, on: date, policy: Policy) -> AreaLevelDecision:
    """The rules' answer for an area on a day, from its counted infections and all-negative screenings."""
    infections = session.scalars(
        select(RiskAreaInfection.found_on).where(RiskAreaInfection.risk_area_id == risk.id, RiskAreaInfection.counts)
    )
    screenings = session.scalars(
        select(RiskAreaScreening.on).where(RiskAreaScreening.risk_area_id == risk.id, RiskAreaScreening.all_negative)
    )
    return area_level(
        risk.delineated_on, on, list(infections), list(screenings), policy.at, AreaLevel(risk.delineated_level)
    )


def refresh(session: Session, actor: Actor, risk: RiskArea, on: date, policy: Policy) -> AreaLevelDecision:
    """Bring an area to `on`: record each level change the rules give since it was last brought up to date."""
    decision = decide(session, risk, on, policy)
    recorded = set(
        session.execute(
            select(RiskAreaEvent.on, RiskAreaEvent.level).where(
                RiskAreaEvent.risk_area_id == risk.id, RiskAreaEvent.kind == AreaEventKind.level_change
            )
        ).all()
    )
    for change in decision.history[1:]:
        if (change.on, change.level.value) not in recorded:
            _event(
                session,
                risk,
                actor,
                change.on,
                AreaEventKind.level_change,
                change.reason.text,
                level=change.level.value,
                clause=change.reason.clause,
            )
    risk.level, risk.level_since = decision.level.value, decision.since
    risk.next_change_on = decision.next_change_on
    risk.active = decision.level in (AreaLevel.high, AreaLevel.medium)
    risk.advanced_to = max(risk.advanced_to, on)
    session.flush()
    return decision


def lower(session: Session, actor: Actor, risk_id: int, on: date, *, today: date, policy: Policy) -> RiskArea:
    """A command-centre request to lower or lift an area on `on`: done when the rules give it by then (the
    change is recorded on the day it took effect); a downgrade before its time is refused."""
    actor.require(Permission.manage_areas)
    _not_after_today(on, today)
    risk = area_in_scope(session, actor, risk_id)
    if on < risk.delineated_on:
        raise InvalidInput("on", f"before the area was delineated ({risk.delineated_on})")
    decision = decide(session, risk, on, policy)
    if decision.level.value == risk.level and risk.level in (AreaLevel.high.value, AreaLevel.medium.value):
        when = f"on {decision.next_change_on}" if decision.next_change_on else f"after {decision.clean_days} clean days"
        raise InvalidInput(
            "on",
            f"area {risk.id} is still {risk.level}-risk on {on} ({decision.clean_days} clean days); "
            f"the rules lower it {when}",
        )
    refresh(session, actor, risk, on, policy)
    return risk


def _not_after_today(on: date, today: date) -> None:
    # the rules decide a day from what is known by its end: a day to come cannot be decided yet
    if on > today:
        raise InvalidInput("on", f"{on} is after today ({today})")


def advance_all(session: Session, actor: Actor, on: date, *, today: date, policy: Policy) -> dict[str, int]:
    """The daily job: every active area brought to `on` (not after today); returns how many changed level."""
    actor.require(Permission.manage_areas)
    _not_after_today(on, today)
    changed = checked = 0
    # an area delineated after `on`, or already brought past it, is not taken back in time
    stmt = select(RiskArea).where(RiskArea.active.is_(True), RiskArea.delineated_on <= on, RiskArea.advanced_to <= on)
    with logs.timed("areas.advance", who=actor.username, on=on) as line:
        for risk in list(session.scalars(stmt.order_by(RiskArea.id))):
            area = session.get(Jurisdiction, risk.area_code)
            if area is None or not actor.covers(area.path):
                continue
            before = risk.level
            refresh(session, actor, risk, on, policy)
            checked += 1
            changed += int(risk.level != before)
        line |= {"checked": checked, "changed": changed}
    record(
        session,
        actor,
        action="update",
        entity="risk_areas",
        entity_id=on.isoformat(),
        detail={"checked": checked, "changed": changed},
    )
    return {"checked": checked, "changed": changed}


def area_in_scope(session: Session, actor: Actor, risk_id: int) -> RiskArea:
    from fangkong.errors import NotFound

    risk = session.get(RiskArea, risk_id)
    if risk is None:
        raise NotFound("risk area", risk_id)
    area = session.get(Jurisdiction, risk.area_code)
    if area is None or not actor.covers(area.path):
        raise NotFound("risk area", risk_id)
    return risk


AREA_SORTS = {
    "delineated_on": RiskArea.delineated_on,
    "level": RiskArea.level,
    "next_change_on": RiskArea.next_change_on,
    "area_code": RiskArea.area_code,
}


def list_areas(
    session: Session,
    actor: Actor,
    *,
    active: bool | None = None,
    due_on: date | None = None,
    level: str | None = None,
    jurisdiction_code: str | None = None,
    sort: str = "-delineated_on",
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[RiskArea], int]:
    """Risk areas in the actor's subtree (or in `jurisdiction_code` inside it, e.g. a county), at `level`, in the
    order `sort` names (`AREA_SORTS`; a leading "-" reverses it); `due_on` keeps those whose next level change is
    on that day (or overdue: the daily job has not brought them to it)."""
    actor.require(Permission.read_persons)
    key = sort.removeprefix("-")
    if key not in AREA_SORTS:
        raise InvalidInput("sort", f"{sort!r} is not one of {', '.join(AREA_SORTS)} (a leading - reverses it)")
    column = AREA_SORTS[key]
    stmt = (
        select(RiskArea)
        .join(Jurisdiction, Jurisdiction.code == RiskArea.area_code)
        .where(Jurisdiction.path.startswith(scope_root(session, actor, jurisdiction_code)))
    )
    if active is not None:
        stmt = stmt.where(RiskArea.active.is_(active))
    if due_on is not None:
        stmt = stmt.where(RiskArea.active.is_(True), RiskArea.next_change_on <= due_on)
    if level is not None:
        stmt = stmt.where(RiskArea.level == parse_term(AreaLevel, level, "level").value)
    ordered = stmt.order_by(column.desc() if sort.startswith("-") else column, RiskArea.id.desc())
    return page_of(session, ordered, offset=offset, limit=limit)


def events(session: Session, actor: Actor, risk_id: int) -> list[RiskAreaEvent]:
    area_in_scope(session, actor, risk_id)
    return list(
        session.scalars(
            select(RiskAreaEvent)
            .where(RiskAreaEvent.risk_area_id == risk_id)
            .order_by(RiskAreaEvent.on, RiskAreaEvent.id)
        )
    )


def active_area_paths(session: Session, on: date) -> list[tuple[RiskArea, str]]:
    """Areas at high or medium risk on `on` (as of their last refresh), with their paths."""
    return [
        (r, path)
        for r, path in session.execute(
            select(RiskArea, Jurisdiction.path)
            .join(Jurisdiction, Jurisdiction.code == RiskArea.area_code)
            .where(RiskArea.delineated_on <= on, RiskArea.active.is_(True))
        ).all()
    ]
