"""A wave for the demo county's capacity board (measure 11; issue 18: "The demo county gets hospitals, beds ... and a
severity mix, so `scripts/run` shows it"): infections of people not yet infected, more each day over the days before
the drill day, graded in turn through a severity mix and admitted where the admission proposal finds a bed; and
critical-care nurses of the designated hospital infected on the drill day (the notice's "plan for when medical staff
are infected"), so that the projection runs the ICU beds out within its horizon and the board has a day to mark.

Everything goes through the services (`record_infection`, `record_severity`, `propose_admission`, `admit`,
`record_absence`), as a user would: the same checks and the same audit."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy import Policy, load_policy
from fangkong.services.access import Actor
from fangkong.services.calendar import JURISDICTION_ZONE
from fangkong.services.care.models import CareFacility, StaffAbsence
from fangkong.services.care.service import admit, propose_admission, record_absence, record_severity
from fangkong.services.infections.models import Infection
from fangkong.services.infections.service import InfectionCreate, record_infection
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.persons.models import Person

# the wave's severity mix, given in turn: graver than the demo's own mix, so that hospital beds are used
WAVE = ("mild", "moderate", "severe", "mild", "critical", "moderate", "asymptomatic", "severe")
# graded admission is the notice's (m20.11 from 11 Nov 2022): a case confirmed before is graded on that day
NOTICE_DAY = date(2022, 11, 11)


def demo_wave(
    session: Session,
    actor: Actor,
    today: date,
    county: str,
    *,
    days: int = 10,
    icu_nurses_away: int = 45,
    policy: Policy | None = None,
) -> int:
    """Add the wave to `county`'s people over the `days` before `today` (one a day at first, then more), and
    `icu_nurses_away` critical-care nurses of the county's designated hospital infected on `today` (measure 11).
    Idempotent: a county whose designated hospital already has critical-care nurses away on `today` gets nothing.
    Returns the infections added."""
    rules = policy or load_policy()
    root = session.get(Jurisdiction, county)
    if root is None:
        return 0
    designated = session.scalars(
        select(CareFacility)
        .join(Jurisdiction, Jurisdiction.code == CareFacility.jurisdiction_code)
        .where(Jurisdiction.path.startswith(root.path), CareFacility.kind == "designated_hospital")
        .order_by(CareFacility.id)
    ).first()
    if designated is None:
        return 0
    if session.scalar(
        select(StaffAbsence.id).where(
            StaffAbsence.facility_id == designated.id,
            StaffAbsence.on == today,
            StaffAbsence.staff_kind == "critical_care_nurse",
        )
    ):
        return 0
    people = list(
        session.scalars(
            select(Person)
            .join(Jurisdiction, Jurisdiction.code == Person.jurisdiction_code)
            .where(Jurisdiction.path.startswith(root.path), Person.id.not_in(select(Infection.person_id)))
            .order_by(Person.id)
        )
    )
    now = datetime.combine(today, time(12), JURISDICTION_ZONE)
    added = 0
    for back in range(days, -1, -1):
        day = today - timedelta(days=back)
        for _ in range(max(1, (days - back) // 2)):  # a wave: the daily count grows
            if not people:
                break
            person = people.pop(0)
            infection = record_infection(
                session,
                actor,
                InfectionCreate(
                    person_id=person.id,
                    kind="confirmed",
                    sampled_on=day - timedelta(days=1),
                    confirmed_at=datetime.combine(day, time(9), JURISDICTION_ZONE),
                ),
                now=now,
                policy=rules,
            )
            graded = max(day, NOTICE_DAY)
            factors = ["unvaccinated"] if added % 3 == 0 else []
            record_severity(
                session, actor, infection.id, WAVE[added % len(WAVE)], graded, risk_factors=factors, policy=rules
            )
            proposal = propose_admission(session, actor, infection.id, graded, policy=rules)
            if proposal.facility_id is not None:
                admit(session, actor, infection.id, proposal.facility_id, graded)
            added += 1
    away = min(icu_nurses_away, designated.critical_care_nurses)
    record_absence(session, actor, designated.id, today, "critical_care_nurse", infected=away, absent=0)
    return added
