"""`fangkong vaccination import FILE --as USER` and `fangkong vaccination status PERSON_ID --as USER [--on DAY]` on a
SQLite store with the small county (measure 12): imports once, refuses a bad row with its line and column (exit 2),
and says a person's status with the reasons and clauses — the booster interval of the elderly plan of 29 Nov 2022."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from fangkong.cli.main import app
from fangkong.rules.resident_id import check_digit
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work

runner = CliRunner()


def _person(db_url: str) -> tuple[int, str]:
    first17 = "11010519570501001"
    number = first17 + check_digit(first17)
    engine = make_engine(db_url)
    with unit_of_work(session_factory(engine)) as s:
        p = Person(
            name="Elder",
            document_type="resident_id",
            document_number=number,
            birth_date=date(1957, 5, 1),
            address="1 Road",
            jurisdiction_code="110105001001",
        )
        s.add(p)
        s.flush()
        pid = p.id
    engine.dispose()
    return pid, number


def test_import_and_status(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("sqlite"):
        return
    pid, number = _person(db_url)
    doses = tmp_path / "doses.csv"
    doses.write_text(
        "document_number,product,dose_number,given_on,site,lot\n"
        f"{number},sinovac_coronavac,1,2022-07-30,Clinic 1,A1\n"
        f"{number},sinovac_coronavac,2,2022-08-20,Clinic 1,A2\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.json"
    bad.write_text(
        f'[{{"document_number": "{number[:17]}{"0" if number[17] != "0" else "1"}", "product": "cansino_ad5", '
        '"dose_number": 3, "given_on": "2022-11-30"}]',
        encoding="utf-8",
    )
    base = ["--as", "epi", "--db", db_url]
    done = runner.invoke(app, ["vaccination", "import", str(doses), *base])
    assert done.exit_code == 0, done.output
    assert "2 rows, 2 new" in done.output
    again = runner.invoke(app, ["vaccination", "import", str(doses), *base])
    assert "already imported" in again.output
    refused = runner.invoke(app, ["vaccination", "import", str(bad), *base])
    assert refused.exit_code == 2 and "document_number" in refused.output and "row 1" in refused.output
    before = runner.invoke(
        app, ["vaccination", "status", str(pid), "--on", "2022-11-25", *base], env={"COLUMNS": "200"}
    )
    assert before.exit_code == 0, before.output
    assert "status on 2022-11-25: full_course" in before.output
    assert "booster not due yet (from 2023-02-20)" in before.output
    after = runner.invoke(app, ["vaccination", "status", str(pid), "--on", "2022-11-30", *base], env={"COLUMNS": "200"})
    assert "booster due (from 2022-11-20)" in after.output
    assert "[elderly-vax.booster_interval]" in after.output
    nobody = runner.invoke(app, ["vaccination", "status", "999999", *base])
    assert nobody.exit_code == 2
    worse = runner.invoke(app, ["vaccination", "status", str(pid), "--on", "30 Nov", *base])
    assert worse.exit_code == 2 and "--on" in worse.output


def test_outreach(db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        return
    pid, _ = _person(db_url)  # aged 65, no dose
    base = ["--as", "epi", "--db", db_url]
    shown = runner.invoke(app, ["vaccination", "outreach", "--on", "2022-12-01", *base], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert f"{pid}  Elder" in shown.output and "aged 65" in shown.output and "1 to ask on 2022-12-01" in shown.output
    elsewhere = runner.invoke(app, ["vaccination", "outreach", "--jurisdiction", "999999", *base])
    assert elsewhere.exit_code == 2
