"""Arrivals from other provinces, their test on arrival and the follow-up of a missed one (measure 15: "carry out
'landing inspection' for migrant workers across provinces", m20.15; voluntary, free, movement not restricted,
m20-docs.testing; ended by the new ten, n10.2).

An arrival is recorded one at a time or imported (`services.arrivals.imports`). Its test's state is never stored:
`rules.landing_check` reads the person's samples taken after the arrival (and their results, once reported) each
time, under the version in force on the arrival day, so a lab import settles it without anyone touching the arrival.
The community worker's list is the arrivals still due a test today and those who missed it and are still reminded.
Every list and read names the persons it shows in the audit trail.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.bounds import Flag, Moment, StoreId
from fangkong.errors import Conflict, InvalidInput, NotFound
from fangkong.policy import Policy, load_policy
from fangkong.policy.terms import ArrivalFollowUpOutcome, CtResult, LandingStatus, parse_term
from fangkong.rules.landing_check import FollowUpDone, LandingDecision, LandingTest, check_province, landing_check
from fangkong.rules.landing_check import province_of as province_of_code
from fangkong.services.access import Actor, Permission
from fangkong.services.arrivals.models import Arrival, ArrivalFollowUp
from fangkong.services.audit.reads import read_of
from fangkong.services.audit.service import record
from fangkong.services.calendar import assume_local, day_span, local_day
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import jurisdiction_in_scope, scope_root
from fangkong.services.lab.models import LabResult, Sample, SampleMember
from fangkong.services.persons.service import person_in_scope

MAX_LIMIT = 500
LISTED_DAYS = 14  # a list without dates shows the arrivals of the last two weeks
MAX_DAYS = 732  # two years of daily counts: the longest history the early-warning methods read


class ArrivalIn(BaseModel):
    """An arrival to record: who, when, from which province (GB/T 2260 code), where they stay (default: the person's
    own jurisdiction)."""

    model_config = ConfigDict(extra="forbid")

    person_id: StoreId
    arrived_at: Moment = Field(description="ISO 8601; without an offset, the jurisdiction's wall clock")
    from_province: str = Field(description="the province left, two digits of GB/T 2260 (44: Guangdong)")
    from_place: str | None = Field(default=None, max_length=200)
    jurisdiction_code: str | None = None
    migrant_worker: Flag = False
    employer: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=1000)


class FollowUpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: str = Field(description="reminded, tested_elsewhere, left, unreachable or declined")
    note: str | None = Field(default=None, max_length=1000)


@dataclass(frozen=True)
class ArrivalState:
    """An arrival with its test's state on the instant asked (the rule's decision) and its follow-ups."""

    arrival: Arrival
    decision: LandingDecision
    follow_ups: tuple[ArrivalFollowUp, ...]


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def record_arrival(
    session: Session, actor: Actor, data: ArrivalIn, *, now: datetime, import_id: int | None = None
) -> Arrival:
    """Record that a person arrived from another province (measure 15). Refused naming the field: a province that is
    not one, the province of the place they arrive in (not a cross-province arrival), an arrival in the future, the
    same arrival twice, a person or place outside the actor's scope (not found)."""
    actor.require(Permission.write_persons)
    person = person_in_scope(session, actor, data.person_id)
    province = check_province(data.from_province)
    code = data.jurisdiction_code or person.jurisdiction_code
    place = jurisdiction_in_scope(session, actor, code)
    if province == province_of_code(place.code):
        raise InvalidInput("from_province", f"{province} is the province of {place.code}: not a cross-province arrival")
    arrived_at = assume_local(data.arrived_at).astimezone(UTC)  # stored and answered in UTC, as read back
    if arrived_at > now:
        raise InvalidInput("arrived_at", f"{arrived_at.isoformat()} is in the future: record an arrival made")
    same = session.scalar(select(Arrival.id).where(Arrival.person_id == person.id, Arrival.arrived_at == arrived_at))
    if same is not None:
        raise Conflict("arrived_at", f"this arrival is already recorded (arrival {same})")
    arrival = Arrival(
        person_id=person.id,
        arrived_at=arrived_at,
        from_province=province,
        from_place=_text(data.from_place),
        jurisdiction_code=place.code,
        migrant_worker=bool(data.migrant_worker),
        employer=_text(data.employer),
        note=_text(data.note),
        import_id=import_id,
        recorded_by=actor.username,
        recorded_at=now,
    )
    session.add(arrival)
    session.flush()
    record(
        session,
        actor,
        action="create",
        entity="person",
        entity_id=person.id,
        detail={"arrival": arrival.id, "from_province": province},
    )
    return arrival


def arrival_in_scope(session: Session, actor: Actor, arrival_id: int) -> Arrival:
    """An arrival in the actor's jurisdiction; one outside it is not found."""
    actor.require(Permission.read_persons)
    arrival = session.get(Arrival, arrival_id)
    if arrival is None:
        raise NotFound("arrival", arrival_id)
    place = session.get(Jurisdiction, arrival.jurisdiction_code)
    if place is None or not place.path.startswith(actor.jurisdiction_path):
        raise NotFound("arrival", arrival_id)
    return arrival


def _tests(session: Session, arrivals: Sequence[Arrival]) -> dict[int, list[LandingTest]]:
    """The samples of the arrivals' persons taken after the earliest of their arrivals, with their results as the
    landing check reads them (positive; negative or another outcome: not positive; None: not reported)."""
    if not arrivals:
        return {}
    persons = sorted({a.person_id for a in arrivals})
    since = min(a.arrived_at for a in arrivals)
    found: dict[int, list[LandingTest]] = defaultdict(list)
    for start in range(0, len(persons), 1000):
        stmt = (
            select(SampleMember.person_id, Sample.collected_at, LabResult.outcome)
            .join(Sample, Sample.id == SampleMember.sample_id)
            .outerjoin(LabResult, LabResult.sample_id == Sample.id)
            .where(SampleMember.person_id.in_(persons[start : start + 1000]), Sample.collected_at >= since)
        )
        for person_id, at, outcome in session.execute(stmt):
            found[person_id].append(LandingTest(at, None if outcome is None else outcome == CtResult.positive.value))
    return found


def _follow_ups(session: Session, ids: Sequence[int]) -> dict[int, list[ArrivalFollowUp]]:
    found: dict[int, list[ArrivalFollowUp]] = defaultdict(list)
    for start in range(0, len(ids), 1000):
        stmt = (
            select(ArrivalFollowUp)
            .where(ArrivalFollowUp.arrival_id.in_(ids[start : start + 1000]))
            .order_by(ArrivalFollowUp.at, ArrivalFollowUp.id)
        )
        for f in session.scalars(stmt):
            found[f.arrival_id].append(f)
    return found


def states(
    session: Session, arrivals: Sequence[Arrival], *, now: datetime, policy: Policy | None = None
) -> list[ArrivalState]:
    """Each arrival with the rule's decision at `now` under the version in force on its arrival day."""
    policy = policy or load_policy()
    tests = _tests(session, arrivals)
    follow_ups = _follow_ups(session, [a.id for a in arrivals])
    out = []
    for a in arrivals:
        done = follow_ups.get(a.id, [])
        decision = landing_check(
            a.arrived_at,
            tests.get(a.person_id, []),
            [FollowUpDone(f.at, ArrivalFollowUpOutcome(f.outcome)) for f in done],
            now,
            policy.at(local_day(a.arrived_at)),
        )
        out.append(ArrivalState(arrival=a, decision=decision, follow_ups=tuple(done)))
    return out


def _statuses(values: Iterable[str] | None) -> set[LandingStatus] | None:
    if values is None:
        return None
    chosen = {parse_term(LandingStatus, v, "status") for v in values if v}
    return chosen or None


def list_arrivals(
    session: Session,
    actor: Actor,
    *,
    now: datetime,
    jurisdiction_code: str | None = None,
    status: Iterable[str] | None = None,
    follow_up: bool | None = None,
    migrant_worker: bool | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    offset: int = 0,
    limit: int = 50,
    policy: Policy | None = None,
) -> tuple[list[ArrivalState], int]:
    """Arrivals in the actor's subtree (or a narrower jurisdiction of it) that arrived from `date_from` to `date_to`
    (local days; default the last two weeks), newest first, with their test's state now; filtered by state, by
    whether they are to be reminded today, and by migrant workers. The page's persons are noted in the audit trail."""
    actor.require(Permission.read_persons)
    if offset < 0:
        raise InvalidInput("offset", "must be 0 or more")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("limit", f"must be between 1 and {MAX_LIMIT}")
    today = local_day(now)
    date_to = date_to or today
    date_from = date_from or date_to - timedelta(days=LISTED_DAYS - 1)
    if date_to < date_from:
        raise InvalidInput("to", f"{date_to} is before {date_from}")
    if (date_to - date_from).days >= MAX_DAYS:
        raise InvalidInput("to", f"a range of more than {MAX_DAYS} days")
    wanted = _statuses(status)
    root = scope_root(session, actor, jurisdiction_code)
    start, end = day_span(date_from, date_to)
    stmt = (
        select(Arrival)
        .join(Jurisdiction, Jurisdiction.code == Arrival.jurisdiction_code)
        .where(Jurisdiction.path.startswith(root), Arrival.arrived_at >= start, Arrival.arrived_at < end)
        .order_by(Arrival.arrived_at.desc(), Arrival.id.desc())
    )
    if migrant_worker is not None:
        stmt = stmt.where(Arrival.migrant_worker.is_(migrant_worker))
    judged = states(session, list(session.scalars(stmt).unique()), now=now, policy=policy)
    if wanted is not None:
        judged = [s for s in judged if s.decision.status in wanted]
    if follow_up is not None:
        judged = [s for s in judged if s.decision.follow_up is follow_up]
    page = judged[offset : offset + limit]
    read_of(session, actor, "arrivals", (s.arrival.person_id for s in page))
    return page, len(judged)


def work_list(session: Session, actor: Actor, *, now: datetime, policy: Policy | None = None) -> list[ArrivalState]:
    """The community worker's arrivals today (measure 15): those still due a test (soonest deadline first), then those
    who missed it and are still to be reminded (earliest arrival first). Not audited here: the caller's list is."""
    actor.require(Permission.read_persons)
    # the rule says who is due or reminded; two weeks back holds every arrival the follow-up days can keep listed
    days = LISTED_DAYS
    stmt = (
        select(Arrival)
        .join(Jurisdiction, Jurisdiction.code == Arrival.jurisdiction_code)
        .where(Jurisdiction.path.startswith(actor.jurisdiction_path), Arrival.arrived_at >= now - timedelta(days=days))
        .order_by(Arrival.arrived_at, Arrival.id)
    )
    judged = states(session, list(session.scalars(stmt).unique()), now=now, policy=policy)
    due = sorted((s for s in judged if s.decision.status is LandingStatus.due), key=lambda s: s.decision.due_by or now)
    remind = [s for s in judged if s.decision.follow_up]
    return [*due, *remind]


def read_arrival(
    session: Session, actor: Actor, arrival_id: int, *, now: datetime, policy: Policy | None = None
) -> ArrivalState:
    """One arrival with its state and follow-ups; the read is audited."""
    arrival = arrival_in_scope(session, actor, arrival_id)
    record(session, actor, action="read", entity="person", entity_id=arrival.person_id, detail={"arrival": arrival.id})
    return states(session, [arrival], now=now, policy=policy)[0]


def person_arrivals(
    session: Session, actor: Actor, person_id: int, *, now: datetime, policy: Policy | None = None
) -> list[ArrivalState]:
    """A person's arrivals, newest first (for the person page; the caller's read of the person is audited)."""
    person_in_scope(session, actor, person_id)
    stmt = select(Arrival).where(Arrival.person_id == person_id).order_by(Arrival.arrived_at.desc())
    return states(session, list(session.scalars(stmt).unique()), now=now, policy=policy)


def record_follow_up(
    session: Session, actor: Actor, arrival_id: int, data: FollowUpIn, *, now: datetime, policy: Policy | None = None
) -> ArrivalFollowUp:
    """Record what came of reminding an arrival who missed the test (measure 15; a reminder, never a restriction).
    Refused naming `arrival_id` when the arrival owes no reminder now (tested, not owed, still in time, past the
    follow-up days or already ended), naming `outcome` for an unknown one."""
    actor.require(Permission.write_persons)
    outcome = parse_term(ArrivalFollowUpOutcome, data.outcome, "outcome")
    arrival = arrival_in_scope(session, actor, arrival_id)
    state = states(session, [arrival], now=now, policy=policy)[0]
    if not state.decision.follow_up:
        raise InvalidInput(
            "arrival_id",
            f"arrival {arrival.id} is not to be reminded now (tested, still in time, no test owed, or follow-up over)",
        )
    done = ArrivalFollowUp(
        arrival_id=arrival.id, at=now, outcome=outcome.value, note=_text(data.note), recorded_by=actor.username
    )
    session.add(done)
    session.flush()
    record(
        session,
        actor,
        action="update",
        entity="person",
        entity_id=arrival.person_id,
        detail={"arrival": arrival.id, "follow_up": outcome.value},
    )
    return done


def arrivals_per_day(
    session: Session, actor: Actor, date_from: date, date_to: date, *, jurisdiction_code: str | None = None
) -> dict[tuple[str, date], int]:
    """Arrivals from other provinces per jurisdiction and local day (counts only): the early-warning channel of
    arrivals (measure 15's multi-channel monitoring) derives from this."""
    actor.require(Permission.read_persons)
    if date_to < date_from:
        raise InvalidInput("to", f"{date_to} is before {date_from}")
    if (date_to - date_from).days >= MAX_DAYS:
        raise InvalidInput("to", f"a range of more than {MAX_DAYS} days")
    root = scope_root(session, actor, jurisdiction_code)
    start, end = day_span(date_from, date_to)
    stmt = (
        select(Arrival.jurisdiction_code, Arrival.arrived_at)
        .join(Jurisdiction, Jurisdiction.code == Arrival.jurisdiction_code)
        .where(Jurisdiction.path.startswith(root), Arrival.arrived_at >= start, Arrival.arrived_at < end)
    )
    counts: dict[tuple[str, date], int] = defaultdict(int)
    for code, at in session.execute(stmt):
        counts[(code, local_day(at))] += 1
    return dict(counts)
