"""`fangkong keypop import FILE --as USER` on a SQLite store with the small county (measure 14): imports once and
grades each person, refuses a resident ID with a bad check digit naming the row and the field (exit 2), changes
nothing the second time; `fangkong keypop import-members FILE` records the residents and staff of an institution
the same way."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from fangkong.cli.main import app
from fangkong.rules.resident_id import check_digit
from fangkong.services.key_populations.models import InstitutionMember, KeyInstitution, KeyPerson
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work

runner = CliRunner()


def _resident(born: date, seq: int) -> str:
    first17 = f"110105{born:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def test_keypop_import(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("sqlite"):
        return
    engine = make_engine(db_url)
    old, dialysis = _resident(date(1940, 3, 1), 11), _resident(date(1965, 7, 1), 12)
    with unit_of_work(session_factory(engine)) as s:
        for number, born in ((old, date(1940, 3, 1)), (dialysis, date(1965, 7, 1))):
            s.add(
                Person(
                    name=number[-4:],
                    document_type="resident_id",
                    document_number=number,
                    birth_date=born,
                    address="1 Road",
                    jurisdiction_code="110105001001",
                )
            )
    good = tmp_path / "key.csv"
    good.write_text(
        f"document_number,kinds,vaccination_status\n{old},elderly_living_alone,unvaccinated\n{dialysis},hemodialysis,"
        "boosted\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.json"
    wrong = dialysis[:-1] + ("1" if dialysis[-1] != "1" else "2")
    bad.write_text(f'[{{"document_number": "{wrong}", "kinds": ["pregnant"]}}]', encoding="utf-8")
    base = ["--as", "cc", "--db", db_url]
    done = runner.invoke(app, ["keypop", "import", str(good), *base])
    assert done.exit_code == 0, done.output
    assert "2 rows, 2 new" in done.output
    again = runner.invoke(app, ["keypop", "import", str(good), *base])
    assert again.exit_code == 0 and "already imported" in again.output
    refused = runner.invoke(app, ["keypop", "import", str(bad), *base])
    assert refused.exit_code == 2 and "document_number" in refused.output and "row 1" in refused.output
    with unit_of_work(session_factory(engine)) as s:
        grades = {e.kinds[0]: (e.grade, e.check_every_days) for e in s.scalars(select(KeyPerson))}
    engine.dispose()
    assert grades == {"elderly_living_alone": ("high", 1), "hemodialysis": ("high", 1)}


def test_keypop_import_members(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("sqlite"):
        return
    engine = make_engine(db_url)
    resident, nurse = _resident(date(1938, 4, 1), 21), _resident(date(1988, 9, 1), 22)
    with unit_of_work(session_factory(engine)) as s:
        for number, born in ((resident, date(1938, 4, 1)), (nurse, date(1988, 9, 1))):
            s.add(
                Person(
                    name=number[-4:],
                    document_type="resident_id",
                    document_number=number,
                    birth_date=born,
                    address="1 Road",
                    jurisdiction_code="110105001001",
                )
            )
        s.add(
            KeyInstitution(name="Sunset home", kind="nursing_home", jurisdiction_code="110105001001", created_by="cc")
        )
    good = tmp_path / "members.csv"
    good.write_text(
        f"institution,document_number,role,started_on\nSunset home,{resident},resident,2021-03-01\n"
        f"Sunset home,{nurse},staff,2020-01-01\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(f"institution,document_number,role,started_on\nSunset home,{nurse},cook,2020-01-01\n", "utf-8")
    base = ["--as", "cc", "--db", db_url]
    done = runner.invoke(app, ["keypop", "import-members", str(good), *base])
    assert done.exit_code == 0, done.output
    assert "2 rows, 2 members" in done.output
    again = runner.invoke(app, ["keypop", "import-members", str(good), *base])
    assert again.exit_code == 0 and "already imported" in again.output
    refused = runner.invoke(app, ["keypop", "import-members", str(bad), *base])
    assert refused.exit_code == 2 and "role" in refused.output and "row 1" in refused.output
    with unit_of_work(session_factory(engine)) as s:
        roles = sorted(m.role for m in s.scalars(select(InstitutionMember)))
    engine.dispose()
    assert roles == ["resident", "staff"]
