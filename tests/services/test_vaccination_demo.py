"""The demo county's vaccination records (measure 12): most adults fully vaccinated, many boosted, the elderly less
so, a few aged 80 or more unvaccinated; idempotent; every person's records give a status."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.policy import load_policy
from fangkong.policy.terms import VaccinationStatus
from fangkong.rules.vaccination import age_on, vaccination_status
from fangkong.services.access import SYSTEM
from fangkong.services.demo import COUNTY, DEMO_TODAY
from fangkong.services.key_populations.models import KeyPerson
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.vaccination.demo import demo_vaccinations
from fangkong.services.vaccination.models import VaccinationDose, VaccinationOutreach
from fangkong.services.vaccination.service import doses_of, given
from tests.stores import Templates


@pytest.fixture
def session(tmp_path: Path, store_templates: Templates) -> Iterator[Session]:
    with store_templates.store("sqlite", "demo_20", tmp_path) as url:
        engine = make_engine(url)
        with unit_of_work(session_factory(engine)) as s:
            yield s
        engine.dispose()


def test_demo_vaccinations(session: Session) -> None:
    # `load_demo` made them: the county has doses, and a second call adds none
    assert (session.scalar(select(func.count()).select_from(VaccinationDose)) or 0) > 0
    assert demo_vaccinations(session, SYSTEM, DEMO_TODAY, COUNTY) == 0
    policy = load_policy().at(DEMO_TODAY)
    by_band: dict[str, Counter[VaccinationStatus]] = {"80+": Counter(), "60-79": Counter(), "18-59": Counter()}
    # the key-population demo's own people (measure 14) carry declared statuses, not records: not counted here
    registered = select(KeyPerson.person_id)
    for person in session.scalars(
        select(Person).where(Person.jurisdiction_code.startswith(COUNTY), Person.id.not_in(registered))
    ):
        status = vaccination_status(given(doses_of(session, person.id)), person.birth_date, DEMO_TODAY, policy)
        age = age_on(person.birth_date or date(1980, 1, 1), DEMO_TODAY)
        band = "80+" if age >= 80 else "60-79" if age >= 60 else "18-59" if age >= 18 else None
        if band:
            by_band[band][status.status] += 1
    adults = by_band["18-59"]
    assert adults[VaccinationStatus.full_course] + adults[VaccinationStatus.boosted] > 0.8 * sum(adults.values())
    assert adults[VaccinationStatus.boosted] > 0
    assert by_band["80+"][VaccinationStatus.unvaccinated] >= 1
    assert session.scalar(select(VaccinationOutreach.outcome)) == "refusal"
