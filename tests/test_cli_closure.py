"""`fangkong needs escalate --as USER [--now]` on a SQLite store with the small county (measure 17): a need past its
deadline is escalated one level up, a second run changes nothing, a bad instant or user is refused (exit 2)."""

from __future__ import annotations

from datetime import UTC, datetime

from typer.testing import CliRunner

from fangkong.cli.main import app
from fangkong.policy import load_policy
from fangkong.services.access import SYSTEM
from fangkong.services.closure_services.service import NeedCreate, raise_need
from fangkong.services.persons.schemas import PersonCreate
from fangkong.services.persons.service import create_person
from fangkong.services.store import make_engine, session_factory, unit_of_work

runner = CliRunner()
RAISED = datetime(2022, 11, 20, 1, 0, tzinfo=UTC)


def test_escalate(db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        return
    engine = make_engine(db_url)
    with unit_of_work(session_factory(engine)) as session:
        person = create_person(
            session,
            SYSTEM,
            PersonCreate(
                name="Zhao",
                address="3 Jianwai Road",
                jurisdiction_code="110105001001",
                document_type="passport",
                document_number="E0000009",
            ),
            today=RAISED.date(),
        )
        raise_need(session, SYSTEM, NeedCreate(person_id=person.id, kind="emergency"), now=RAISED, policy=load_policy())
    engine.dispose()
    base = ["needs", "escalate", "--as", "cc", "--db", db_url]
    early = runner.invoke(app, [*base, "--now", "2022-11-20T10:00:00+08:00"])
    assert early.exit_code == 0 and "0 escalations" in early.output, early.output
    late = runner.invoke(app, [*base, "--now", "2022-11-20T11:30:00"])  # no zone: the jurisdiction's clock
    assert late.exit_code == 0, late.output
    assert "escalated to level 1 (110105001)" in late.output and "1 escalations" in late.output
    again = runner.invoke(app, [*base, "--now", "2022-11-20T11:40:00+08:00"])
    assert "0 escalations" in again.output
    bad = runner.invoke(app, [*base, "--now", "yesterday"])
    assert bad.exit_code == 2 and "--now" in bad.output
    nobody = runner.invoke(app, ["needs", "escalate", "--as", "nobody", "--db", db_url])
    assert nobody.exit_code == 2 and "--as" in nobody.output
