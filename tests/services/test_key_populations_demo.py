"""The demo county's key people and nursing home (issue 19): issue 19's 82-year-old living alone, unvaccinated, is
graded high and her daily check is overdue on the drill day; the pregnant woman and the dialysis patient are on the
registry; one nursing home is under closed management; all made by the demo load, and a second call changes
nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.services.access import SYSTEM
from fangkong.services.calendar import local_instant
from fangkong.services.demo import COUNTY, DEMO_TODAY
from fangkong.services.key_populations.demo import NURSING_HOME, demo_key_populations
from fangkong.services.key_populations.institutions import closures
from fangkong.services.key_populations.models import KeyInstitution, KeyPerson
from fangkong.services.key_populations.service import overdue_checks
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.stores import Templates


@pytest.fixture
def session(tmp_path: Path, store_templates: Templates) -> Iterator[Session]:
    with store_templates.store("sqlite", "demo_20", tmp_path) as url:
        engine = make_engine(url)
        with unit_of_work(session_factory(engine)) as s:
            yield s
        engine.dispose()


def test_the_demo_key_people_and_nursing_home(session: Session) -> None:
    # `load_demo` made them; a second call (at the end) adds nothing
    entries = {
        p.name: e for e, p in session.execute(select(KeyPerson, Person).join(Person, Person.id == KeyPerson.person_id))
    }
    old = entries["王秀英"]
    assert (old.grade, old.check_every_days, old.vaccination_status) == ("high", 1, "unvaccinated")
    assert entries["李娜"].kinds == ["pregnant"] and entries["张建国"].kinds == ["hemodialysis"]
    late, _ = overdue_checks(session, SYSTEM, now=local_instant(DEMO_TODAY, time(12)))
    assert old.id in [o.entry_id for o in late]
    home = session.scalar(select(KeyInstitution).where(KeyInstitution.name == NURSING_HOME))
    assert home is not None and (home.residents, home.staff) == (86, 24)
    assert [c.ends_on for c in closures(session, home.id)] == [None]
    assert demo_key_populations(session, SYSTEM, DEMO_TODAY, COUNTY) == 0
