"""The demo county's vaccination records (measure 12, m20.12): most adults completed a course of inactivated vaccine
in 2021 and many took a booster, the elderly less so, and a few people aged 80 or more are unvaccinated (one of them
refused when asked), so that the status, the booster due dates and the bubble's check have something to show.
Deterministic and idempotent: `demo_vaccinations` is called from `services.demo`."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy import Policy
from fangkong.rules.vaccination import add_months, age_on
from fangkong.services.access import Actor
from fangkong.services.persons.models import Person
from fangkong.services.vaccination.models import VaccinationDose
from fangkong.services.vaccination.service import DoseIn, OutreachIn, record_dose, record_outreach

# (the least age, the share with a full course, the share of those boosted): the elderly less covered, as in 2022
COVERAGE = ((80, 0.55, 0.35), (60, 0.85, 0.55), (18, 0.96, 0.78), (0, 0.9, 0.0))
UNVACCINATED_80 = 3  # the first people aged 80 or more stay unvaccinated: the outreach list has someone to find
CLINICS = (
    "示范区社区卫生服务中心接种门诊 Community vaccination clinic",
    "示范区人民医院接种点 People's Hospital clinic",
)


def demo_vaccinations(session: Session, actor: Actor, today: date, county: str, *, policy: Policy | None = None) -> int:
    """Give the demo county's persons their doses (recorded as `record_dose` checks them, under `actor`); returns
    the number of doses recorded (0 when the county's persons have doses already)."""
    persons = list(
        session.scalars(select(Person).where(Person.jurisdiction_code.startswith(county)).order_by(Person.id))
    )
    ids = [p.id for p in persons]
    if not ids or session.scalar(select(VaccinationDose.id).where(VaccinationDose.person_id.in_(ids)).limit(1)):
        return 0
    rng = random.Random(20221111)
    recorded = 0
    old_left_alone = 0
    for person in persons:
        born = person.birth_date or date(1980, 1, 1)
        age = age_on(born, today)
        _, full_share, boost_share = next(c for c in COVERAGE if age >= c[0])
        if age >= 80 and old_left_alone < UNVACCINATED_80:
            old_left_alone += 1
            if old_left_alone == 1:
                record_outreach(
                    session,
                    actor,
                    person.id,
                    OutreachIn(outcome="refusal", asked_on=today - timedelta(days=10)),
                    today=today,
                )
            continue
        if rng.random() >= full_share:
            continue
        schedule = _schedule(rng, born, today, boost=rng.random() < boost_share and age >= 18)
        for n, (product, day) in enumerate(schedule, start=1):
            record_dose(
                session,
                actor,
                person.id,
                DoseIn(
                    product=product,
                    dose_number=n,
                    given_on=day,
                    site=rng.choice(CLINICS),
                    lot=f"{day:%Y%m}{rng.randrange(100, 999)}",
                ),
                today=today,
                policy=policy,
            )
            recorded += 1
    return recorded


def _schedule(rng: random.Random, born: date, today: date, *, boost: bool) -> list[tuple[str, date]]:
    """A plausible series: mostly two inactivated doses in 2021, a few one-dose adenovirus-vector or three-dose
    recombinant courses, and a booster (sometimes heterologous) at least six months after the course."""
    start = max(date(2021, 3, 1), born) + timedelta(days=rng.randrange(0, 180))
    kind = rng.random()
    if kind < 0.05:
        course = [("cansino_ad5", start)]
    elif kind < 0.1:
        course = [("zhifei_zf2001", start + timedelta(days=k * (30 + rng.randrange(0, 10)))) for k in range(3)]
    else:
        product = rng.choice(("sinovac_coronavac", "sinopharm_bbibp", "sinopharm_wibp"))
        course = [(product, start), (product, start + timedelta(days=21 + rng.randrange(0, 35)))]
    if boost:
        booster_day = add_months(course[-1][1], 6) + timedelta(days=rng.randrange(0, 150))
        if booster_day <= today:
            product = "zhifei_zf2001" if rng.random() < 0.15 else course[0][0]
            course.append((product, booster_day))
    return [(p, d) for p, d in course if d <= today]
