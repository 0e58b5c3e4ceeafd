"""Vaccination coverage by community and age band, and the outreach list of the elderly (measure 12: "accelerate the
increase of the vaccination rate, especially of the elderly", m20.12).

Both are read person by person through `rules.vaccination` (the status, the age band, whether to ask), so they agree
with each person's own status; the bulk pass for a city (issue 19) comes later and will be held equal to this.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput
from fangkong.policy import Policy, load_policy
from fangkong.policy.terms import VaccinationStatus
from fangkong.rules.decision import Reason
from fangkong.rules.vaccination import OutreachAsked, age_band, outreach, outreach_priority, vaccination_status
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.reads import read_of
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.key_populations.models import KeyPerson
from fangkong.services.persons.models import Person
from fangkong.services.vaccination.models import VaccinationDose, VaccinationOutreach
from fangkong.services.vaccination.service import given


class CoverageRow(BaseModel):
    """One community and age band on a day (measure 12): people counted, with any dose, the full course, a booster.
    `band_from`: the band's lower bound in years; `band_to`: its upper bound (None for the last band)."""

    jurisdiction_code: str
    band_from: int
    band_to: int | None
    persons: int
    any_dose: int
    full_course: int
    boosted: int


class OutreachRow(BaseModel):
    """A person on the outreach list (measure 12), with why."""

    person_id: int
    name: str
    jurisdiction_code: str
    age: int
    status: VaccinationStatus
    booster_due_from: date | None
    key_kinds: list[str] = []  # the person's key-population kinds (measure 14), which may move them up the list
    reasons: list[Reason]


def _people(session: Session, root: str) -> tuple[list[Person], dict[int, list[VaccinationDose]]]:
    """The persons under `root` (not anonymised) and their doses in the order given."""
    persons = list(
        session.scalars(
            select(Person)
            .join(Jurisdiction, Person.jurisdiction_code == Jurisdiction.code)
            .where(Jurisdiction.path.startswith(root), Person.anonymised_on.is_(None))
            .order_by(Person.id)
        )
    )
    doses: dict[int, list[VaccinationDose]] = defaultdict(list)
    ids = [p.id for p in persons]
    for start in range(0, len(ids), 1000):
        part = ids[start : start + 1000]
        stmt = select(VaccinationDose).where(VaccinationDose.person_id.in_(part))
        for d in session.scalars(stmt.order_by(VaccinationDose.person_id, VaccinationDose.dose_number)):
            doses[d.person_id].append(d)
    return persons, doses


def coverage(
    session: Session, actor: Actor, on: date, *, root: str | None = None, policy: Policy | None = None
) -> list[CoverageRow]:
    """Coverage by community and age band on `on` (measure 12), counts only: no person named. A band with nobody in
    it is left out."""
    actor.require(Permission.read_persons)
    rules = (policy or load_policy()).at(on)
    bands = list(rules.get("vaccination.coverage.age_bands").value or ())
    upper = {b: (bands[i + 1] - 1 if i + 1 < len(bands) else None) for i, b in enumerate(bands)}
    persons, doses = _people(session, root or actor.jurisdiction_path)
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for p in persons:
        band = age_band(p.birth_date, on, rules)
        if band is None:
            continue
        status = vaccination_status(given(doses[p.id]), p.birth_date, on, rules).status
        row = counts[(p.jurisdiction_code, band)]
        row[0] += 1
        row[1] += status is not VaccinationStatus.unvaccinated
        row[2] += status in (VaccinationStatus.full_course, VaccinationStatus.boosted)
        row[3] += status is VaccinationStatus.boosted
    return [
        CoverageRow(
            jurisdiction_code=code,
            band_from=band,
            band_to=upper[band],
            persons=n[0],
            any_dose=n[1],
            full_course=n[2],
            boosted=n[3],
        )
        for (code, band), n in sorted(counts.items())
    ]


def outreach_list(
    session: Session, actor: Actor, on: date, *, root: str | None = None, policy: Policy | None = None
) -> list[OutreachRow]:
    """The elderly to ask to be vaccinated on `on` (measure 12), the oldest first, each with why; a contraindication,
    a recent refusal or a later date agreed leaves a person off (`rules.vaccination.outreach`). The read is audited
    as one list entry naming the persons answered."""
    actor.require(Permission.read_persons)
    rules = (policy or load_policy()).at(on)
    persons, doses = _people(session, root or actor.jurisdiction_path)
    asked: dict[int, list[OutreachAsked]] = defaultdict(list)
    ids = [p.id for p in persons]
    for start in range(0, len(ids), 1000):
        stmt = select(VaccinationOutreach).where(VaccinationOutreach.person_id.in_(ids[start : start + 1000]))
        for o in session.scalars(stmt):
            asked[o.person_id].append(OutreachAsked(outcome=o.outcome, asked_on=o.asked_on, later_on=o.later_on))
    kinds = _key_kinds(session, ids)
    ranked: list[tuple[tuple[int, int, int, int], OutreachRow]] = []
    for p in persons:
        status = vaccination_status(given(doses[p.id]), p.birth_date, on, rules)
        decision = outreach(status, p.birth_date, asked[p.id], on, rules)
        if decision.listed and decision.age is not None:
            key, moved_up = outreach_priority(p.birth_date, kinds.get(p.id, ()), on, rules)
            row = OutreachRow(
                person_id=p.id,
                name=p.name,
                jurisdiction_code=p.jurisdiction_code,
                age=decision.age,
                status=status.status,
                booster_due_from=status.booster_due_from,
                key_kinds=list(kinds.get(p.id, ())),
                reasons=[*moved_up, *decision.reasons, *status.reasons],
            )
            ranked.append(((*key, p.id), row))
    ranked.sort(key=lambda pair: pair[0])
    return [row for _, row in ranked]


def _key_kinds(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """The kinds of the open key-population entries (measure 14) of the persons `ids`."""
    kinds: dict[int, list[str]] = {}
    for start in range(0, len(ids), 1000):
        stmt = select(KeyPerson.person_id, KeyPerson.kinds).where(
            KeyPerson.person_id.in_(ids[start : start + 1000]), KeyPerson.ended_at.is_(None)
        )
        for person_id, held in session.execute(stmt):
            kinds[person_id] = list(held or [])
    return kinds


def audited(session: Session, actor: Actor, rows: list[OutreachRow]) -> None:
    """The audit entry of an answered page of the outreach list: the persons it named (a community worker's list to
    work through, so a `worklist` read, marked as the vaccination outreach list)."""
    read_of(session, actor, "worklist", (r.person_id for r in rows), detail={"vaccination_outreach": True})


class DosesDue(BaseModel):
    """Doses falling due per day for planning (measure 12): on each day of the range, how many people's next dose
    (the next primary dose or the booster) falls due; `overdue`: people whose next dose was due before the range
    began; `unvaccinated`: people counted in the age bands with no dose (their first dose is due any day)."""

    date_from: date
    date_to: date
    overdue: int
    unvaccinated: int
    days: list[tuple[date, int]]


MAX_DAYS = 366  # a planning range longer than a year is a typing error


def doses_due(
    session: Session,
    actor: Actor,
    date_from: date,
    date_to: date,
    *,
    root: str | None = None,
    policy: Policy | None = None,
) -> DosesDue:
    """How many doses fall due on each day from `date_from` to `date_to` (measure 12), read from each person's status
    on `date_from`; counts only. Refused naming `to` for a range that ends before it begins or spans more than a
    year."""
    actor.require(Permission.read_persons)
    if date_to < date_from:
        raise InvalidInput("to", f"{date_to} is before {date_from}")
    if (date_to - date_from).days >= MAX_DAYS:
        raise InvalidInput("to", f"a range of more than {MAX_DAYS} days")
    rules = (policy or load_policy()).at(date_from)
    persons, doses = _people(session, root or actor.jurisdiction_path)
    per_day: dict[date, int] = defaultdict(int)
    overdue = unvaccinated = 0
    for p in persons:
        status = vaccination_status(given(doses[p.id]), p.birth_date, date_from, rules)
        if status.status is VaccinationStatus.unvaccinated:
            unvaccinated += age_band(p.birth_date, date_from, rules) is not None
        elif status.next_dose_due is not None:
            if status.next_dose_due < date_from:
                overdue += 1
            elif status.next_dose_due <= date_to:
                per_day[status.next_dose_due] += 1
    days = [
        (date.fromordinal(o), per_day.get(date.fromordinal(o), 0))
        for o in range(date_from.toordinal(), date_to.toordinal() + 1)
    ]
    return DosesDue(date_from=date_from, date_to=date_to, overdue=overdue, unvaccinated=unvaccinated, days=days)


class TrendPoint(BaseModel):
    """Coverage of one age band on one day, summed over the communities of the scope (measure 12)."""

    on: date
    band_from: int
    band_to: int | None
    persons: int
    any_dose: int
    full_course: int
    boosted: int


MAX_TREND_DAYS = 92  # a quarter a day at a time: longer trends are the bulk job's (issue 19)


def coverage_trend(
    session: Session,
    actor: Actor,
    date_from: date,
    date_to: date,
    *,
    step_days: int = 7,
    root: str | None = None,
    policy: Policy | None = None,
) -> list[TrendPoint]:
    """Coverage by age band every `step_days` from `date_from` to `date_to` (and on `date_to`), for the trend of
    measure 12; counts only. Refused naming `to` for a range that ends before it begins or asks for more than
    `MAX_TREND_DAYS` days, `step` for a step under 1 day."""
    if date_to < date_from:
        raise InvalidInput("to", f"{date_to} is before {date_from}")
    if step_days < 1:
        raise InvalidInput("step", f"{step_days} is not a number of days (1 or more)")
    days = list(range(date_from.toordinal(), date_to.toordinal() + 1, step_days))
    if days[-1] != date_to.toordinal():
        days.append(date_to.toordinal())
    if len(days) > MAX_TREND_DAYS:
        raise InvalidInput("to", f"more than {MAX_TREND_DAYS} days asked: give a longer step")
    points: list[TrendPoint] = []
    for ordinal in days:
        on = date.fromordinal(ordinal)
        totals: dict[tuple[int, int | None], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for row in coverage(session, actor, on, root=root, policy=policy):
            t = totals[(row.band_from, row.band_to)]
            for i, n in enumerate((row.persons, row.any_dose, row.full_course, row.boosted)):
                t[i] += n
        points.extend(
            TrendPoint(on=on, band_from=b, band_to=top, persons=t[0], any_dose=t[1], full_course=t[2], boosted=t[3])
            for (b, top), t in sorted(totals.items(), key=lambda kv: kv[0][0])
        )
    return points
