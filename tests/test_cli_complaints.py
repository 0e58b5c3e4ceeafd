"""`fangkong complaints escalate` and `fangkong complaints import` on a SQLite store with the small county (measure
18, with 16): a complaint not answered by its deadline is escalated one level up, a second run changes nothing, a bad
instant or user is refused (exit 2); a file of hotline calls is received all or nothing (a row without content refused
naming its row and field, nothing stored), and a second import of the same file changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from fangkong.cli.main import app
from fangkong.policy import load_policy
from fangkong.services.access import SYSTEM
from fangkong.services.complaints.models import Complaint
from fangkong.services.complaints.service import ComplaintCreate, receive_complaint
from fangkong.services.store import make_engine, session_factory, unit_of_work

runner = CliRunner()
RAISED = datetime(2022, 11, 20, 1, 0, tzinfo=UTC)


def _count(db_url: str) -> int:
    engine = make_engine(db_url)
    with unit_of_work(session_factory(engine)) as session:
        n = int(session.scalar(select(func.count()).select_from(Complaint)) or 0)
    engine.dispose()
    return n


def test_escalate(db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        return
    engine = make_engine(db_url)
    with unit_of_work(session_factory(engine)) as session:
        data = ComplaintCreate(content="refused at the clinic", jurisdiction_code="110105001001", urgency="emergency")
        receive_complaint(session, SYSTEM, data, now=RAISED, policy=load_policy())
    engine.dispose()
    base = ["complaints", "escalate", "--as", "cc", "--db", db_url]
    early = runner.invoke(app, [*base, "--now", "2022-11-20T10:00:00+08:00"])
    assert early.exit_code == 0 and "0 escalations" in early.output, early.output
    late = runner.invoke(app, [*base, "--now", "2022-11-20T11:30:00"])  # no zone: the jurisdiction's clock
    assert late.exit_code == 0, late.output
    assert "escalated to level 1 (110105001)" in late.output and "1 escalations" in late.output
    again = runner.invoke(app, [*base, "--now", "2022-11-20T11:40:00+08:00"])
    assert "0 escalations" in again.output
    bad = runner.invoke(app, [*base, "--now", "yesterday"])
    assert bad.exit_code == 2 and "--now" in bad.output
    nobody = runner.invoke(app, ["complaints", "escalate", "--as", "nobody", "--db", db_url])
    assert nobody.exit_code == 2 and "--as" in nobody.output


def test_import(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("sqlite"):
        return
    good = tmp_path / "calls.csv"
    good.write_text(
        "content,jurisdiction_code,received_at,category,complainant_phone\n"
        "Building 5 sealed with no case,110105001001,2022-11-20T08:00:00+08:00,sealed_building,13800001111\n"
        "When does the testing site open?,110105001001,2022-11-20T08:10:00+08:00,,\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "content,jurisdiction_code\nA fine complaint,110105001001\n,110105001001\n",
        encoding="utf-8",
    )
    before = _count(db_url)
    refused = runner.invoke(app, ["complaints", "import", str(bad), "--as", "cc", "--db", db_url])
    assert refused.exit_code == 2 and "content" in refused.output and "row 2" in refused.output, refused.output
    assert _count(db_url) == before
    first = runner.invoke(app, ["complaints", "import", str(good), "--as", "cc", "--db", db_url])
    assert first.exit_code == 0 and "2 rows, 2 new, 1 clues of over-reach" in first.output, first.output
    second = runner.invoke(app, ["complaints", "import", str(good), "--as", "cc", "--db", db_url])
    assert second.exit_code == 0 and "already imported" in second.output
    assert _count(db_url) == before + 2
