"""The demo county's hospitals, beds and staff, and a severity and stay for its infections (measure 11; issue 18:
"The demo county gets hospitals, beds ... and a severity mix")."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy import Policy
from fangkong.services.access import Actor
from fangkong.services.care.models import CareFacility
from fangkong.services.care.service import (
    FacilityIn,
    admit,
    create_facility,
    open_stay,
    propose_admission,
    record_absence,
    record_severity,
)
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction

DESIGNATED = "示范定点医院 Demo designated hospital"
# the demo's severity mix, given to its infections in turn: most mild, a few graver (measure 11's grades)
MIX = ("mild", "asymptomatic", "mild", "moderate", "mild", "severe", "asymptomatic", "critical")


def demo_facilities(county: str, communities: list[str]) -> list[FacilityIn]:
    """The demo county's facilities: one designated, one sub-designated and one makeshift hospital, two fever clinics,
    a community health centre for each community."""

    def staff(doctors: int, nurses: int, critical: int) -> dict[str, int]:
        return {"doctor": doctors, "nurse": nurses, "critical_care_nurse": critical}

    out = [
        FacilityIn(
            name=DESIGNATED,
            kind="designated_hospital",
            jurisdiction_code=county,
            lat=39.90,
            lon=116.40,
            beds={"general": 300, "icu": 20, "convertible_icu": 10},
            staff=staff(60, 124, 50),
        ),
        FacilityIn(
            name="示范亚定点医院 Demo sub-designated hospital",
            kind="sub_designated_hospital",
            jurisdiction_code=county,
            lat=39.93,
            lon=116.45,
            beds={"general": 150, "icu": 8, "convertible_icu": 6},
            staff=staff(30, 60, 20),
        ),
        FacilityIn(
            name="示范方舱医院 Demo makeshift hospital",
            kind="makeshift_hospital",
            jurisdiction_code=county,
            lat=39.88,
            lon=116.38,
            beds={"general": 1000},
            staff=staff(40, 400, 0),
        ),
        FacilityIn(
            name="示范发热门诊一 Demo fever clinic 1",
            kind="fever_clinic",
            jurisdiction_code=county,
            beds={"general": 10},
            staff=staff(6, 8, 0),
        ),
        FacilityIn(
            name="示范发热门诊二 Demo fever clinic 2",
            kind="fever_clinic",
            jurisdiction_code=county,
            beds={"general": 10},
            staff=staff(6, 8, 0),
        ),
    ]
    out += [
        FacilityIn(
            name=f"示范社区卫生服务中心 {c[-6:]} Demo community health centre {c[-6:]}",
            kind="community_health_centre",
            jurisdiction_code=c,
            beds={"general": 20},
            staff=staff(8, 10, 0),
        )
        for c in communities
    ]
    return out


def demo_care(
    session: Session, actor: Actor, today: date, county: str, communities: list[str], *, policy: Policy | None = None
) -> int:
    """Create the demo county's facilities, two nurses of the designated hospital infected today, and a severity (and,
    where the decision is a facility, a stay) for each infection of the county not yet graded. Idempotent: a second
    call finds the designated hospital and adds nothing. Returns the facilities created."""
    if session.scalar(select(CareFacility.id).where(CareFacility.name == DESIGNATED)) is not None:
        return 0
    made = [create_facility(session, actor, f) for f in demo_facilities(county, communities)]
    record_absence(session, actor, made[0].id, today, "nurse", infected=2)
    root = session.get(Jurisdiction, county)
    infections = session.scalars(
        select(Infection)
        .join(Jurisdiction, Jurisdiction.code == Infection.jurisdiction_code)
        .where(Jurisdiction.path.startswith(root.path if root else "/"), Infection.discharged_on.is_(None))
        .order_by(Infection.id)
    )
    for i, infection in enumerate(list(infections)):
        on = max(infection.confirmed_at.date(), today)  # graded on the drill day, or on confirmation if later
        record_severity(session, actor, infection.id, MIX[i % len(MIX)], on, policy=policy)
        proposal = propose_admission(session, actor, infection.id, on, policy=policy)
        if proposal.facility_id is not None and open_stay(session, infection.id) is None:
            admit(session, actor, infection.id, proposal.facility_id, on)
    return len(made)
