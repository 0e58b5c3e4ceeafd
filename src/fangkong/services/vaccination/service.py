"""A person's doses, their vaccination status on a day, outreach outcomes and the bubble's booster check (measure 12;
measure 8's closed-loop entry).

(12): "accelerate the increase of the vaccination rate, especially of the elderly" (m20.12). Doses are recorded one at
a time here or in bulk (`imports.py`); the status is `rules.vaccination` over the stored doses under the policy of the
day asked; the closed-loop bubble's booster check (m20.8) reads that status instead of a declared flag. Every refusal
names its field and changes nothing; every read of a person's doses is audited in their trail.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.bounds import Day
from fangkong.errors import InvalidInput
from fangkong.policy import Policy, PolicyAt, load_policy
from fangkong.policy.terms import OutreachOutcome, VaccinationStatus, parse_term
from fangkong.policy.value_types import VaccineProduct
from fangkong.rules.bubble import BubbleDecision, bubble_entry
from fangkong.rules.vaccination import DoseGiven, VaccinationDecision, product_of, vaccination_status
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.persons.models import Person
from fangkong.services.persons.service import person_in_scope
from fangkong.services.vaccination.models import VaccinationDose, VaccinationOutreach

MAX_DOSES = 10  # more doses than this for one person are a typing error, not a schedule


class DoseIn(BaseModel):
    """One dose as a clinic records it (measure 12). `dose_number` is the person's next dose (1 for the first);
    `manufacturer`, when given, must be the product's maker (Chinese or English name)."""

    model_config = ConfigDict(extra="forbid")

    product: str = Field(max_length=32)
    dose_number: int = Field(ge=1, le=MAX_DOSES)
    given_on: Day
    manufacturer: str | None = Field(default=None, max_length=200)
    site: str | None = Field(default=None, max_length=200)
    lot: str | None = Field(default=None, max_length=64)


class OutreachIn(BaseModel):
    """What came of asking a person to be vaccinated (measure 12): `contraindication` with its `reason`, `refusal`, or
    `later_date` with the day agreed (`later_on`)."""

    model_config = ConfigDict(extra="forbid")

    outcome: str = Field(max_length=32)
    asked_on: Day
    reason: str | None = Field(default=None, max_length=1000)
    later_on: Day | None = None


def record_dose(
    session: Session,
    actor: Actor,
    person_id: int,
    data: DoseIn,
    *,
    today: date,
    policy: Policy | None = None,
) -> VaccinationDose:
    """Record one dose (measure 12). Refused, naming the field, with nothing changed: a person not found or outside
    the actor's jurisdiction (`person`), an unknown product (`product`), a maker that is not the product's
    (`manufacturer`), a day in the future or before the birth date or before the previous dose (`given_on`), a dose
    number already recorded or not the next one (`dose_number`)."""
    actor.require(Permission.write_persons)
    person = person_in_scope(session, actor, person_id)
    previous = [(d.dose_number, d.given_on) for d in doses_of(session, person.id)]
    product = checked_dose(data, previous, person.birth_date, today=today, rules=(policy or load_policy()).at(today))
    dose = VaccinationDose(
        person_id=person.id,
        product=product.code,
        manufacturer=product.manufacturer_zh,
        dose_number=data.dose_number,
        given_on=data.given_on,
        site=(data.site or "").strip() or None,
        lot=(data.lot or "").strip() or None,
        recorded_by=actor.username,
    )
    session.add(dose)
    session.flush()
    record(session, actor, action="create", entity="vaccination_dose", entity_id=dose.id)
    return dose


def checked_dose(
    data: DoseIn, previous: list[tuple[int, date]], birth_date: date | None, *, today: date, rules: PolicyAt
) -> VaccineProduct:
    """The product of a dose that may be recorded after the person's `previous` doses (their numbers and days, in
    order), or InvalidInput naming the field (measure 12): an unknown product, a maker that is not the product's, a
    day in the future, before the birth date or before the previous dose, a dose number taken or not the next."""
    product = product_of(data.product, rules)
    if data.manufacturer is not None and data.manufacturer.strip() not in (
        product.manufacturer_zh,
        product.manufacturer_en,
    ):
        raise InvalidInput(
            "manufacturer", f"{data.manufacturer!r} is not the maker of {product.code} ({product.manufacturer_zh})"
        )
    if data.given_on > today:
        raise InvalidInput("given_on", f"{data.given_on} is in the future")
    if birth_date is not None and data.given_on < birth_date:
        raise InvalidInput("given_on", f"{data.given_on} is before the birth date")
    if any(n == data.dose_number for n, _ in previous):
        raise InvalidInput("dose_number", f"dose {data.dose_number} is already recorded")
    if data.dose_number != len(previous) + 1:
        raise InvalidInput("dose_number", f"the next dose is dose {len(previous) + 1}, not dose {data.dose_number}")
    if previous and data.given_on < previous[-1][1]:
        raise InvalidInput("given_on", f"{data.given_on} is before the previous dose ({previous[-1][1]})")
    return product


def doses_of(session: Session, person_id: int) -> list[VaccinationDose]:
    """A person's doses in the order given (no scope check, no audit: for the functions here that have done both)."""
    stmt = select(VaccinationDose).where(VaccinationDose.person_id == person_id)
    return list(session.scalars(stmt.order_by(VaccinationDose.dose_number)))


def given(doses: list[VaccinationDose]) -> list[DoseGiven]:
    """The doses as the status rule reads them."""
    return [DoseGiven(product=d.product, given_on=d.given_on) for d in doses]


def doses_read(session: Session, actor: Actor, person_id: int) -> list[VaccinationDose]:
    """A person's doses in the order given (measure 12); the read is audited in their trail."""
    person = person_in_scope(session, actor, person_id)
    record(session, actor, action="read", entity="person", entity_id=person.id, detail={"vaccination": True})
    return doses_of(session, person.id)


def person_doses(
    session: Session, actor: Actor, person_id: int, *, on: date, policy: Policy | None = None
) -> tuple[Person, list[VaccinationDose], VaccinationDecision]:
    """A person's doses and their status on `on` (measure 12); the read is audited in their trail."""
    person = person_in_scope(session, actor, person_id)
    doses = doses_of(session, person.id)
    decision = vaccination_status(given(doses), person.birth_date, on, (policy or load_policy()).at(on))
    record(session, actor, action="read", entity="person", entity_id=person.id, detail={"vaccination": True})
    return person, doses, decision


def status_on(
    session: Session, actor: Actor, person_id: int, *, on: date, policy: Policy | None = None
) -> VaccinationDecision:
    """A person's vaccination status on `on` with its reasons (measure 12); the read is audited."""
    return person_doses(session, actor, person_id, on=on, policy=policy)[2]


class BubbleCheck(BaseModel):
    """The closed-loop bubble's entry decision (m20.8) with the vaccination status it read (m20.12)."""

    vaccination: VaccinationDecision
    entry: BubbleDecision


def bubble_check(
    session: Session,
    actor: Actor,
    person_id: int,
    *,
    on: date,
    chinese_personnel: bool = True,
    policy: Policy | None = None,
) -> BubbleCheck:
    """Whether a person may enter a closed-loop management area on `on` (measure 8: "Chinese personnel must complete
    a booster vaccination before entering"), the booster read from their recorded doses (measure 12) instead of a
    declared flag. The read is audited."""
    rules = (policy or load_policy()).at(on)
    status = status_on(session, actor, person_id, on=on, policy=policy)
    entry = bubble_entry(chinese_personnel, status.status is VaccinationStatus.boosted, rules)
    return BubbleCheck(vaccination=status, entry=entry)


def record_outreach(
    session: Session, actor: Actor, person_id: int, data: OutreachIn, *, today: date
) -> VaccinationOutreach:
    """Record what came of asking a person to be vaccinated (measure 12), so that they are not asked again for
    nothing. Refused naming the field: an unknown outcome (`outcome`), a day asked in the future (`asked_on`), a
    contraindication without its reason (`reason`), a later date that is missing or not after the day asked
    (`later_on`), or a later date given with another outcome."""
    actor.require(Permission.write_persons)
    person = person_in_scope(session, actor, person_id)
    outcome = parse_term(OutreachOutcome, data.outcome, "outcome")
    if data.asked_on > today:
        raise InvalidInput("asked_on", f"{data.asked_on} is in the future")
    reason = (data.reason or "").strip() or None
    if outcome is OutreachOutcome.contraindication and reason is None:
        raise InvalidInput("reason", "a contraindication needs its reason")
    if outcome is OutreachOutcome.later_date:
        if data.later_on is None:
            raise InvalidInput("later_on", "a later date needs the day agreed")
        if data.later_on <= data.asked_on:
            raise InvalidInput("later_on", f"{data.later_on} is not after the day asked ({data.asked_on})")
    elif data.later_on is not None:
        raise InvalidInput("later_on", "only a later date has a day agreed")
    row = VaccinationOutreach(
        person_id=person.id,
        asked_on=data.asked_on,
        outcome=outcome.value,
        reason=reason,
        later_on=data.later_on,
        recorded_by=actor.username,
    )
    session.add(row)
    session.flush()
    record(session, actor, action="create", entity="vaccination_outreach", entity_id=row.id)
    return row


def outreach_of(session: Session, actor: Actor, person_id: int) -> list[VaccinationOutreach]:
    """A person's outreach outcomes, newest first (measure 12); the read is audited in their trail."""
    person = person_in_scope(session, actor, person_id)
    record(session, actor, action="read", entity="person", entity_id=person.id, detail={"outreach": True})
    stmt = select(VaccinationOutreach).where(VaccinationOutreach.person_id == person.id)
    return list(session.scalars(stmt.order_by(VaccinationOutreach.asked_on.desc(), VaccinationOutreach.id.desc())))


def dose_count(session: Session, person_id: int) -> int:
    """How many doses a person has recorded (the next dose number is one more)."""
    n = session.scalar(select(func.count()).where(VaccinationDose.person_id == person_id))
    return int(n or 0)
