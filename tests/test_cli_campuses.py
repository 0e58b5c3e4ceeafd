"""`fangkong campuses import FILE --as USER` and `fangkong campuses escalate --as USER [--now]` on a SQLite store with
the small county (measure 18): a file of schools is imported all or nothing, a second import changes nothing, a bad row
refuses the whole file naming its row and field; a response's tasks past their deadline escalate once to the street
above the campus's community, a second run changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from fangkong.cli.main import app
from fangkong.policy import load_policy
from fangkong.services.access import SYSTEM
from fangkong.services.campuses.models import Campus
from fangkong.services.campuses.service import ResponseOpen, open_response
from fangkong.services.store import make_engine, session_factory, unit_of_work

runner = CliRunner()
OPENED = datetime(2022, 11, 20, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
GOOD = (
    "code,name,kind,jurisdiction_code,boarding,students,staff,off_campus_families\n"
    "S-1,第一中学,secondary_school,110105001001,yes,1200,90,40\n"
    "S-2,实验小学,primary_school,110105001001,no,600,40,\n"
)


def _count(db_url: str) -> int:
    engine = make_engine(db_url)
    with unit_of_work(session_factory(engine)) as session:
        n = int(session.scalar(select(func.count()).select_from(Campus)) or 0)
    engine.dispose()
    return n


def test_import_and_escalate(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("sqlite"):
        return
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "S-3,Castle,castle,110105001001,no,1,1,0\n", encoding="utf-8")
    refused = runner.invoke(app, ["campuses", "import", str(bad), "--as", "cc", "--db", db_url])
    assert refused.exit_code == 2 and "row 3" in refused.output and "kind" in refused.output, refused.output
    assert _count(db_url) == 0  # nothing from the file
    good = tmp_path / "schools.csv"
    good.write_text(GOOD, encoding="utf-8")
    first = runner.invoke(app, ["campuses", "import", str(good), "--as", "cc", "--db", db_url])
    assert first.exit_code == 0 and "2 rows, 2 new" in first.output, first.output
    again = runner.invoke(app, ["campuses", "import", str(good), "--as", "cc", "--db", db_url])
    assert again.exit_code == 0 and "already imported" in again.output
    assert _count(db_url) == 2

    engine = make_engine(db_url)
    with unit_of_work(session_factory(engine)) as session:
        school = session.scalar(select(Campus).where(Campus.code == "S-1"))
        assert school is not None and school.boarding and school.students == 1200
        data = ResponseOpen(campus_id=school.id, outbreak_on=date(2022, 11, 20), owner="cc")
        open_response(session, SYSTEM, data, now=OPENED, policy=load_policy())
    engine.dispose()
    base = ["campuses", "escalate", "--as", "cc", "--db", db_url]
    early = runner.invoke(app, [*base, "--now", "2022-11-20T10:00:00+08:00"])
    assert early.exit_code == 0 and "0 escalations" in early.output, early.output
    late = runner.invoke(app, [*base, "--now", "2022-11-21T09:30:00"])  # no zone: the jurisdiction's clock
    assert late.exit_code == 0 and "5 escalations" in late.output and "escalated to 110105001" in late.output
    twice = runner.invoke(app, [*base, "--now", "2022-11-21T10:00:00+08:00"])
    assert "0 escalations" in twice.output
    bad_now = runner.invoke(app, [*base, "--now", "yesterday"])
    assert bad_now.exit_code == 2 and "--now" in bad_now.output
