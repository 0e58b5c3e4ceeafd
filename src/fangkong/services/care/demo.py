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


# name, kind, (lat, lon), beds (general, icu, convertible ICU), staff (doctors, nurses, critical-care nurses)
COUNTY_FACILITIES: tuple[
    tuple[str, str, tuple[float, float] | None, tuple[int, int, int], tuple[int, int, int]], ...
] = (
    (DESIGNATED, "designated_hospital", (39.90, 116.40), (300, 20, 10), (60, 124, 50)),
    (
        "示范亚定点医院 Demo sub-designated hospital",
        "sub_designated_hospital",
        (39.93, 116.45),
        (150, 8, 6),
        (30, 60, 20),
    ),
    ("示范方舱医院 Demo makeshift hospital", "makeshift_hospital", (39.88, 116.38), (1000, 0, 0), (40, 400, 0)),
    ("示范发热门诊一 Demo fever clinic 1", "fever_clinic", None, (10, 0, 0), (6, 8, 0)),
    ("示范发热门诊二 Demo fever clinic 2", "fever_clinic", None, (10, 0, 0), (6, 8, 0)),
)
COMMUNITY_CENTRE = ((20, 0, 0), (8, 10, 0))  # each community's health service centre: beds, staff


def _facility(
    name: str, kind: str, where: str, at: tuple[float, float] | None, beds: tuple[int, ...], staff: tuple[int, ...]
) -> FacilityIn:
    return FacilityIn(
        name=name,
        kind=kind,
        jurisdiction_code=where,
        lat=at[0] if at else None,
        lon=at[1] if at else None,
        beds=dict(zip(("general", "icu", "convertible_icu"), beds, strict=True)),
        staff=dict(zip(("doctor", "nurse", "critical_care_nurse"), staff, strict=True)),
    )


def demo_facilities(county: str, communities: list[str]) -> list[FacilityIn]:
    """The demo county's facilities: one designated, one sub-designated and one makeshift hospital, two fever clinics,
    a community health centre for each community."""
    return [_facility(name, kind, county, at, beds, staff) for name, kind, at, beds, staff in COUNTY_FACILITIES] + [
        _facility(
            f"示范社区卫生服务中心 {c[-6:]} Demo community health centre {c[-6:]}",
            "community_health_centre",
            c,
            None,
            *COMMUNITY_CENTRE,
        )
        for c in communities
    ]


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
