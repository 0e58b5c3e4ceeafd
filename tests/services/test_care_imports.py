"""Facility imports (issue 18): all or nothing, idempotent by content, each bad row refused naming its row and field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.errors import RowError
from fangkong.services.access import SYSTEM
from fangkong.services.care.imports import import_facilities
from fangkong.services.care.models import CareFacility
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.stores import BACKENDS, Templates

HEADER = (
    "name,kind,jurisdiction_code,status,general_beds,icu_beds,convertible_icu_beds,"
    "doctors,nurses,critical_care_nurses\n"
)
GOOD = (
    HEADER + "H1,designated_hospital,110105,open,300,20,10,60,124,50\nC1,fever_clinic,110105001001,open,10,0,0,6,8,0\n"
)


@pytest.fixture(params=BACKENDS)
def session(request: pytest.FixtureRequest, tmp_path: Path, store_templates: Templates) -> Iterator[Session]:
    with store_templates.store(request.param, "small_county", tmp_path) as url:
        engine = make_engine(url)
        with unit_of_work(session_factory(engine)) as s:
            yield s
        engine.dispose()


def facilities(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CareFacility)) or 0


def test_import_is_idempotent(session: Session) -> None:
    first = import_facilities(session, SYSTEM, GOOD.encode(), "csv")
    assert (first.rows, first.added, first.already_imported) == (2, 2, False)
    again = import_facilities(session, SYSTEM, GOOD.encode(), "csv")
    assert again.already_imported and facilities(session) == 2
    h1 = session.scalar(select(CareFacility).where(CareFacility.name == "H1"))
    assert h1 is not None and (h1.general_beds, h1.icu_beds, h1.critical_care_nurses) == (300, 20, 50)


def test_json_import(session: Session) -> None:
    rows = [{"name": "F1", "kind": "makeshift_hospital", "jurisdiction_code": "110105", "general_beds": 1000}]
    assert import_facilities(session, SYSTEM, json.dumps(rows).encode(), "json").added == 1


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("H2,designated_hospital,,open,1,0,0,1,1,0", "jurisdiction_code"),
        ("H2,designated_hospital,999999,open,1,0,0,1,1,0", "jurisdiction_code"),
        ("H2,designated_hospital,110105,open,-5,0,0,1,1,0", "beds.general"),
        ("H2,spa,110105,open,1,0,0,1,1,0", "kind"),
        ("H2,designated_hospital,110105,open,many,0,0,1,1,0", "general_beds"),
    ],
)
def test_a_bad_row_refuses_the_whole_file(session: Session, line: str, field: str) -> None:
    with pytest.raises(RowError) as e:
        import_facilities(session, SYSTEM, (GOOD + line + "\n").encode(), "csv")
    assert (e.value.field, e.value.row) == (field, 3)
    assert facilities(session) == 0
