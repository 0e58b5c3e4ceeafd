"""A person's COVID-19 vaccination status on a day: vaccination, the elderly first (measure 12).

(12): "accelerate the increase of the vaccination rate, especially of the elderly" (加快提高疫苗接种率，特别是老年人群
接种率, m20.12). The notice sets the task; what a full primary course and a booster are is policy data
(`vaccination.*`): the products with the doses of their primary course and the least days between two doses
(register: vaccination-products), the age from which a booster is offered (vaccination-booster-age), and the months
after the full course from which it may be taken, shortened for people aged 60 and over from 6 to 3 on 29 Nov 2022 by
the elderly vaccination plan (elderly-vax.booster_interval; vaccination-elderly-age, vaccination-booster-interval).

Doses are read in the order they were given (a dose after the day asked is not given yet). A primary course is
completed by the doses of its first dose's platform, each at least the product's least interval after the previous
counted dose; a dose too early, of another platform, or of a booster-only product does not count toward it. After the
full course the next dose of any product is the booster (a heterologous booster counts) when it comes at least the
booster interval after the course; one sooner does not count.

Pure: no store, no clock; the day asked and the policy of that day are arguments.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from fangkong.errors import InvalidInput
from fangkong.policy import InForce, PolicyAt
from fangkong.policy.terms import OutreachOutcome, VaccinationStatus
from fangkong.policy.value_types import VaccineProduct
from fangkong.rules.decision import Decision, Reason, because, policy_fields


class DoseGiven(BaseModel):
    """One dose as recorded: the product's code and the day it was given (measure 12)."""

    model_config = ConfigDict(frozen=True)

    product: str
    given_on: date


class VaccinationDecision(Decision):
    """A person's vaccination on a day (measure 12). `doses_counted`: the doses of the primary course and the booster
    that count; `doses_required`: the primary course's doses (None before a first counted dose);
    `full_course_on`: the day the primary course was completed; `booster_due`: a booster may be taken on the day asked
    and has not been; `booster_due_from`: the first day it may be taken; `next_dose_due`: the first day the next dose
    that would count may be given (None when nothing more is due)."""

    status: VaccinationStatus
    doses_counted: int
    doses_required: int | None
    full_course_on: date | None
    boosted_on: date | None
    booster_due: bool
    booster_due_from: date | None
    next_dose_due: date | None


def products(policy: PolicyAt) -> InForce[tuple[VaccineProduct, ...]]:
    """The products in force on the policy's day (measure 12, `vaccination.products`)."""
    found: InForce[tuple[VaccineProduct, ...]] = policy.get("vaccination.products")
    return found


def product_of(code: str, policy: PolicyAt, field: str = "product") -> VaccineProduct:
    """The product with this code, refused naming `field` when no product in force has it (measure 12)."""
    for p in products(policy).value:
        if p.code == code:
            return p
    known = ", ".join(p.code for p in products(policy).value)
    raise InvalidInput(field, f"{code!r} is not a vaccine product ({known})")


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, or the month's last day when it is shorter (31 Aug + 6 months is
    28 Feb): how "N months after the full course" is counted."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(birth_date: date, on: date) -> int:
    """Whole years of age on a day."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def vaccination_status(
    doses: Iterable[DoseGiven], birth_date: date | None, on: date, policy_at: PolicyAt
) -> VaccinationDecision:
    """A person's vaccination status on `on` from their doses (measure 12, m20.12; the elderly plan of 29 Nov 2022,
    elderly-vax.booster_interval; the values in `vaccination.*`).

    Raises InvalidInput naming `product` for a product not in force and `given_on` for a dose before the birth date.
    A person whose birth date is unknown is taken as under the elderly age (the general booster interval) and as old
    enough for a booster.
    """
    found = products(policy_at)
    by_code = {p.code: p for p in found.value}
    given = sorted(doses, key=lambda d: d.given_on)
    for d in given:
        if d.product not in by_code:
            raise InvalidInput("product", f"{d.product!r} is not a vaccine product ({', '.join(by_code)})")
        if birth_date is not None and d.given_on < birth_date:
            raise InvalidInput("given_on", f"a dose on {d.given_on} is before the birth date {birth_date}")
    given = [d for d in given if d.given_on <= on]
    reasons: list[Reason] = []
    course: VaccineProduct | None = None  # the product of the course's first counted dose
    counted = 0
    last_counted: date | None = None
    full_course_on: date | None = None
    boosted_on: date | None = None
    for d in given:
        p = by_code[d.product]
        if full_course_on is None:
            if p.booster_only:
                reasons.append(because(found, f"{p.code} on {d.given_on}: a booster-only product, not a primary dose"))
                continue
            if course is None:
                course = p
            elif p.platform is not course.platform:
                reasons.append(
                    because(
                        found,
                        f"{p.code} on {d.given_on}: another platform than the course's first dose; not counted",
                    )
                )
                continue
            if last_counted is not None and (d.given_on - last_counted).days < course.min_days_between_doses:
                reasons.append(
                    because(
                        found,
                        f"{p.code} on {d.given_on}: less than {course.min_days_between_doses} days after the previous "
                        "dose; not counted",
                    )
                )
                continue
            counted += 1
            last_counted = d.given_on
            if counted >= course.primary_doses:
                full_course_on = d.given_on
                reasons.append(
                    because(found, f"primary course of {course.code} completed on {d.given_on} ({counted} doses)")
                )
        elif boosted_on is None:
            interval = _interval(birth_date, d.given_on, policy_at)
            from_day = add_months(full_course_on, interval.value or 0)
            if d.given_on < from_day:
                reasons.append(
                    because(
                        interval,
                        f"{p.code} on {d.given_on}: less than {interval.value} months after the full course; "
                        "not counted as the booster",
                    )
                )
                continue
            boosted_on = d.given_on
            counted += 1
            reasons.append(because(interval, f"booster {p.code} on {d.given_on}"))
    if course is None:
        reasons.append(because(found, "no dose counted"))
        return VaccinationDecision(
            **policy_fields(policy_at),
            status=VaccinationStatus.unvaccinated,
            doses_counted=0,
            doses_required=None,
            full_course_on=None,
            boosted_on=None,
            booster_due=False,
            booster_due_from=None,
            next_dose_due=None,
            reasons=tuple(reasons),
        )
    if full_course_on is None:
        assert last_counted is not None  # a course has a first counted dose
        next_due = last_counted + timedelta(days=course.min_days_between_doses)
        reasons.append(
            because(
                found,
                f"{counted} of {course.primary_doses} doses of the primary course; the next from {next_due}",
            )
        )
        return VaccinationDecision(
            **policy_fields(policy_at),
            status=VaccinationStatus.partial,
            doses_counted=counted,
            doses_required=course.primary_doses,
            full_course_on=None,
            boosted_on=None,
            booster_due=False,
            booster_due_from=None,
            next_dose_due=next_due,
            reasons=tuple(reasons),
        )
    if boosted_on is not None:
        return VaccinationDecision(
            **policy_fields(policy_at),
            status=VaccinationStatus.boosted,
            doses_counted=counted,
            doses_required=course.primary_doses,
            full_course_on=full_course_on,
            boosted_on=boosted_on,
            booster_due=False,
            booster_due_from=None,
            next_dose_due=None,
            reasons=tuple(reasons),
        )
    due_from, why = _booster_due_from(full_course_on, birth_date, on, policy_at)
    reasons.extend(why)
    due = on >= due_from
    reasons.append(
        because(
            found,
            f"booster due since {due_from}" if due else f"booster not due yet: from {due_from}",
        )
    )
    return VaccinationDecision(
        **policy_fields(policy_at),
        status=VaccinationStatus.full_course,
        doses_counted=counted,
        doses_required=course.primary_doses,
        full_course_on=full_course_on,
        boosted_on=None,
        booster_due=due,
        booster_due_from=due_from,
        next_dose_due=due_from,
        reasons=tuple(reasons),
    )


def _interval(birth_date: date | None, dose_on: date, policy: PolicyAt) -> InForce[int | None]:
    """The booster interval in months of a person aged as on `dose_on`: the elderly's from
    `vaccination.booster.elderly_age_at_least`, the others' below it or when the birth date is unknown (measure 12;
    elderly-vax.booster_interval)."""
    elderly_age = policy.integer("vaccination.booster.elderly_age_at_least")
    elderly = (
        birth_date is not None and elderly_age.value is not None and age_on(birth_date, dose_on) >= elderly_age.value
    )
    return policy.integer(f"vaccination.booster.months_after_course.{'elderly' if elderly else 'others'}")


def _booster_due_from(
    full_course_on: date, birth_date: date | None, on: date, policy: PolicyAt
) -> tuple[date, list[Reason]]:
    """The first day a person who completed the course on `full_course_on` may take the booster, as the policy of `on`
    says (measure 12): the interval for their age on the day asked, and not before the booster age."""
    interval = _interval(birth_date, on, policy)
    months = interval.value or 0
    due_from = add_months(full_course_on, months)
    elderly_age = policy.integer("vaccination.booster.elderly_age_at_least")
    if birth_date is None:
        who = "birth date unknown"
    elif elderly_age.value is not None and age_on(birth_date, on) >= elderly_age.value:
        who = f"aged {age_on(birth_date, on)} ({elderly_age.value} or more)"
    else:
        who = f"aged {age_on(birth_date, on)} (under {elderly_age.value})"
    reasons = [because(interval, f"{who}: booster {months} months after the full course")]
    booster_age = policy.integer("vaccination.booster.age_at_least")
    if birth_date is not None and booster_age.value is not None:
        of_age = add_months(birth_date, 12 * booster_age.value)
        if of_age > due_from:
            due_from = of_age
            reasons.append(because(booster_age, f"booster from the age of {booster_age.value}: from {of_age}"))
    return due_from, reasons


def age_band(birth_date: date | None, on: date, policy: PolicyAt) -> int | None:
    """The lower bound of the coverage age band a person is in on `on` (measure 12, `vaccination.coverage.age_bands`;
    register vaccination-coverage-bands), None under the first band or when the birth date is unknown."""
    if birth_date is None:
        return None
    age = age_on(birth_date, on)
    bands = policy.get("vaccination.coverage.age_bands").value or ()
    inside = [b for b in bands if age >= b]
    return inside[-1] if inside else None


class OutreachAsked(BaseModel):
    """An outreach outcome as the list reads it: what came of asking, when, and the day agreed (measure 12)."""

    model_config = ConfigDict(frozen=True)

    outcome: str
    asked_on: date
    later_on: date | None = None


class OutreachDecision(Decision):
    """Whether a person is on the vaccination outreach list on a day (measure 12), and their age (the list is ordered
    oldest first)."""

    listed: bool
    age: int | None


def outreach(
    status: VaccinationDecision,
    birth_date: date | None,
    asked: Iterable[OutreachAsked],
    on: date,
    policy_at: PolicyAt,
) -> OutreachDecision:
    """Whether a person belongs on the outreach list on `on` (measure 12: the elderly first; register
    vaccination-outreach-list): aged `vaccination.booster.elderly_age_at_least` or more, and unvaccinated, with the
    primary course unfinished, or due a booster — unless a contraindication is recorded, they refused within
    `vaccination.outreach.refusal_quiet_days`, or a later date agreed has not come yet."""
    elderly = policy_at.integer("vaccination.booster.elderly_age_at_least")
    quiet = policy_at.integer("vaccination.outreach.refusal_quiet_days")
    fields = policy_fields(policy_at)
    age = age_on(birth_date, on) if birth_date is not None else None
    if age is None or elderly.value is None or age < elderly.value:
        return OutreachDecision(
            **fields, listed=False, age=age, reasons=(because(elderly, f"under {elderly.value} or age unknown"),)
        )
    needs = status.status in (VaccinationStatus.unvaccinated, VaccinationStatus.partial) or status.booster_due
    if not needs:
        return OutreachDecision(
            **fields, listed=False, age=age, reasons=(because(elderly, "no dose due: nothing to ask"),)
        )
    for a in sorted(asked, key=lambda x: x.asked_on, reverse=True):
        if a.asked_on > on:
            continue
        if a.outcome == OutreachOutcome.contraindication:
            return OutreachDecision(
                **fields,
                listed=False,
                age=age,
                reasons=(because(elderly, f"contraindication recorded on {a.asked_on}: not asked again"),),
            )
        if a.outcome == OutreachOutcome.refusal and (on - a.asked_on).days < (quiet.value or 0):
            return OutreachDecision(
                **fields,
                listed=False,
                age=age,
                reasons=(because(quiet, f"refused on {a.asked_on}: not asked again within {quiet.value} days"),),
            )
        if a.outcome == OutreachOutcome.later_date and a.later_on is not None and on < a.later_on:
            return OutreachDecision(
                **fields,
                listed=False,
                age=age,
                reasons=(because(elderly, f"a later date agreed: {a.later_on}"),),
            )
    if status.booster_due:
        why = "booster due"
    elif status.status is VaccinationStatus.unvaccinated:
        why = "no dose yet"
    else:
        why = "primary course not completed"
    return OutreachDecision(
        **fields,
        listed=True,
        age=age,
        reasons=(because(elderly, f"aged {age} ({elderly.value} or more): {why}"),),
    )


def outreach_priority(
    birth_date: date | None, kinds: Iterable[str], on: date, policy_at: PolicyAt
) -> tuple[tuple[int, int, int], tuple[Reason, ...]]:
    """Where a listed elder stands on the outreach list (measure 12: the elderly first; measure 14's key people;
    register vaccination-outreach-order): older coverage age bands first; within a band, elders on the key-population
    registry for a kind of `vaccination.outreach.priority_kinds` (in that order) before the others; then the oldest.
    Returns the sort key (smaller first) and the reason a registry kind moved them up, if one did."""
    order = [str(k) for k in (policy_at.get("vaccination.outreach.priority_kinds").value or ())]
    age = age_on(birth_date, on) if birth_date is not None else 0
    band = age_band(birth_date, on, policy_at) or 0
    held = [k for k in order if k in set(kinds)]
    if not held:
        return (-band, len(order), -age), ()
    found = policy_at.get("vaccination.outreach.priority_kinds")
    text = f"on the key-population registry ({held[0].replace('_', ' ')}): asked before others of the same age band"
    return (-band, order.index(held[0]), -age), (because(found, text),)
