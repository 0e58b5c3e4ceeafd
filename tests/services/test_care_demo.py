"""The demo county's care facilities and stays (issue 18): made by the demo load, graded by severity, idempotent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.services.access import SYSTEM
from fangkong.services.care.demo import demo_care
from fangkong.services.care.models import CareFacility, CareStay, InfectionSeverity
from fangkong.services.care.service import census
from fangkong.services.demo import COUNTY, DEMO_TODAY
from fangkong.services.jurisdictions.models import Jurisdiction, JurisdictionLevel
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.stores import BACKENDS, Templates


@pytest.fixture(params=BACKENDS)
def session(request: pytest.FixtureRequest, tmp_path: Path, store_templates: Templates) -> Iterator[Session]:
    with store_templates.store(request.param, "demo", tmp_path) as url:
        engine = make_engine(url)
        with unit_of_work(session_factory(engine)) as s:
            yield s
        engine.dispose()


def test_demo_care_is_made_once(session: Session) -> None:
    communities = list(
        session.scalars(
            select(Jurisdiction.code)
            .where(Jurisdiction.level == JurisdictionLevel.community)
            .order_by(Jurisdiction.code)
        )
    )
    # load_demo made them already: the facilities are there, and a second call adds nothing
    assert session.scalar(select(func.count()).select_from(CareFacility)) == 5 + len(communities)
    counts = [session.scalar(select(func.count()).select_from(t)) for t in (CareFacility, CareStay, InfectionSeverity)]
    assert counts[2] and counts[2] >= 1
    assert demo_care(session, SYSTEM, DEMO_TODAY, COUNTY, communities) == 0
    assert [
        session.scalar(select(func.count()).select_from(t)) for t in (CareFacility, CareStay, InfectionSeverity)
    ] == counts
    rows = census(session, SYSTEM, DEMO_TODAY)
    designated = [r for r in rows if r.kind == "designated_hospital" and r.bed_kind == "general"]
    assert designated[0].beds == 310 and designated[0].staffed == 305  # two nurses infected: 122 / 0.4
