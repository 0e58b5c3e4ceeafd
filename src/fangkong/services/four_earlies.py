"""The four earlies report (measure 15, m20.15): per jurisdiction and week, how early infections were detected,
reported, their close contacts isolated and they were admitted to the care their severity asked — the distributions,
the share within each deadline, and the late ones listed.

Read from the store as it stands: each infection's onset and positive sample, its confirmation and report, its
proposed close contacts (placed when confirmed: the order is made in the same transaction), its first recorded
severity (the level of care asked) and its stays. Each infection is judged by `rules.four_earlies` under the version
in force on its confirmation day. The persons of the late ones listed are named in the audit trail.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput
from fangkong.policy import Policy
from fangkong.policy.terms import CareLevel, EarlyStep
from fangkong.rules.four_earlies import FourEarlies, StepSummary, four_earlies, summarize
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.reads import read_of
from fangkong.services.calendar import day_span, local_day
from fangkong.services.care.models import CareStay, InfectionSeverity
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import scope_root
from fangkong.services.persons.models import Person
from fangkong.services.store import chunks
from fangkong.services.tracing.models import CandidateStatus, ContactCandidate

MAX_DAYS = 366  # a year at a time, as the timeliness report


class WeekRow(BaseModel):
    """One jurisdiction's week (Monday to Sunday, local days): its infections and each step's figures."""

    jurisdiction_code: str
    jurisdiction_name: str
    week_start: date
    infections: int
    steps: list[StepSummary]


class LateStep(BaseModel):
    """An infection late on a step: how long it took (or has taken so far) against the deadline."""

    infection_id: int
    person_id: int
    person_name: str
    jurisdiction_code: str
    confirmed_at: datetime
    step: EarlyStep
    elapsed: float | None  # None: not done yet
    unit: str
    deadline: int | None


class FourEarliesReport(BaseModel):
    date_from: date
    date_to: date
    infections: int
    overall: list[StepSummary]
    weeks: list[WeekRow]
    late: list[LateStep]


def _group(path: str, root: str) -> str:
    """The jurisdiction one level below `root` that `path` lies in (the root itself for an infection placed there):
    a county's report by street, a street's by community."""
    rest = path[len(root) :].strip("/")
    if not rest:
        return root.strip("/").split("/")[-1]
    return rest.split("/")[0]


def _contacts(session: Session, ids: list[int]) -> dict[int, list[datetime | None]]:
    placed: dict[int, list[datetime | None]] = defaultdict(list)
    for part in chunks(ids):
        stmt = select(ContactCandidate.infection_id, ContactCandidate.status, ContactCandidate.decided_at).where(
            ContactCandidate.infection_id.in_(part), ContactCandidate.status != CandidateStatus.dismissed
        )
        for infection_id, status, decided_at in session.execute(stmt):
            placed[infection_id].append(decided_at if status == CandidateStatus.confirmed else None)
    return placed


def _asked_levels(session: Session, ids: list[int]) -> dict[int, CareLevel]:
    """The level of care each infection's first recorded severity asked."""
    asked: dict[int, CareLevel] = {}
    for part in chunks(ids):
        stmt = (
            select(InfectionSeverity.infection_id, InfectionSeverity.level)
            .where(InfectionSeverity.infection_id.in_(part))
            .order_by(InfectionSeverity.recorded_at, InfectionSeverity.id)
        )
        for infection_id, level in session.execute(stmt):
            asked.setdefault(infection_id, CareLevel(level))
    return asked


def _admissions(session: Session, asked: dict[int, CareLevel]) -> dict[int, date]:
    """The first day of a stay at the level asked or higher, per infection."""
    admitted: dict[int, date] = {}
    for part in chunks(sorted(asked)):
        stmt = select(CareStay.infection_id, CareStay.level, CareStay.started_on).where(CareStay.infection_id.in_(part))
        for infection_id, level, started_on in session.execute(stmt):
            if CareLevel(level).rank >= asked[infection_id].rank:
                first = admitted.get(infection_id)
                admitted[infection_id] = started_on if first is None else min(first, started_on)
    return admitted


def four_earlies_report(
    session: Session,
    actor: Actor,
    *,
    date_from: date,
    date_to: date,
    now: datetime,
    policy: Policy,
    jurisdiction_code: str | None = None,
) -> FourEarliesReport:
    """The four earlies of the infections confirmed from `date_from` to `date_to` (local days) in the actor's
    subtree, by jurisdiction one level down and by week, judged at `now` (m20.15)."""
    actor.require(Permission.read_persons)
    if date_to < date_from:
        raise InvalidInput("to", f"{date_to} is before {date_from}")
    if (date_to - date_from).days >= MAX_DAYS:
        raise InvalidInput("to", f"a range of more than {MAX_DAYS} days")
    root = scope_root(session, actor, jurisdiction_code)
    start, end = day_span(date_from, date_to)
    rows = session.execute(
        select(Infection, Jurisdiction.path, Person.name)
        .join(Jurisdiction, Infection.jurisdiction_code == Jurisdiction.code)
        .join(Person, Person.id == Infection.person_id)
        .where(Jurisdiction.path.startswith(root), Infection.confirmed_at >= start, Infection.confirmed_at < end)
        .order_by(Infection.confirmed_at, Infection.id)
    ).all()
    ids = [inf.id for inf, _, _ in rows]
    placed = _contacts(session, ids)
    asked = _asked_levels(session, ids)
    admitted = _admissions(session, asked)
    today = local_day(now)
    judged: list[tuple[Infection, str, str, FourEarlies]] = []
    for inf, path, name in rows:
        confirmed_on = local_day(inf.confirmed_at)
        result = four_earlies(
            onset_on=inf.onset_on,
            sampled_on=inf.sampled_on,
            confirmed_at=inf.confirmed_at,
            confirmed_on=confirmed_on,
            reported_at=inf.reported_at,
            contacts_placed_at=placed.get(inf.id, []),
            asked_level=asked.get(inf.id),
            admitted_on=admitted.get(inf.id),
            now=now,
            today=today,
            policy_at=policy.at(confirmed_on),
        )
        judged.append((inf, _group(path, root), name, result))
    groups = sorted({g for _, g, _, _ in judged})
    stmt = select(Jurisdiction.code, Jurisdiction.name).where(Jurisdiction.code.in_(groups))
    names: dict[str, str] = dict(session.execute(stmt).all())
    by: dict[tuple[str, date], list[FourEarlies]] = defaultdict(list)
    late: list[LateStep] = []
    for inf, group, name, result in judged:
        day = local_day(inf.confirmed_at)
        by[(group, day - timedelta(days=day.weekday()))].append(result)
        for t in result.steps:
            if t.late:
                late.append(
                    LateStep(
                        infection_id=inf.id,
                        person_id=inf.person_id,
                        person_name=name,
                        jurisdiction_code=inf.jurisdiction_code,
                        confirmed_at=inf.confirmed_at,
                        step=t.step,
                        elapsed=t.elapsed,
                        unit=t.unit,
                        deadline=t.deadline,
                    )
                )
    weeks = [
        WeekRow(
            jurisdiction_code=group,
            jurisdiction_name=names.get(group, group),
            week_start=week,
            infections=len(results),
            steps=list(summarize(results)),
        )
        for (group, week), results in sorted(by.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]
    read_of(session, actor, "four_earlies", (step.person_id for step in late))
    return FourEarliesReport(
        date_from=date_from,
        date_to=date_to,
        infections=len(judged),
        overall=list(summarize(r for _, _, _, r in judged)),
        weeks=weeks,
        late=late,
    )
