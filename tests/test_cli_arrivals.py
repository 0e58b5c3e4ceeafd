"""`fangkong arrivals import FILE --as USER` and `fangkong arrivals due --as USER --now TIME` on a SQLite store with
the small county (measure 15, the landing check): imports once, refuses a file with an entry from Hong Kong naming the
row and the field (exit 2, nothing stored), changes nothing the second time; the day's list shows the arrival still
in time and the one who missed the test, and `--fail-on-due` exits 3 while anyone is on it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from fangkong.cli.main import app
from fangkong.services.arrivals.models import Arrival
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work

runner = CliRunner()


def test_arrivals_import_and_due(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("sqlite"):
        return
    engine = make_engine(db_url)
    with unit_of_work(session_factory(engine)) as s:
        for number in ("P0000001", "P0000002"):
            s.add(
                Person(
                    name=number,
                    document_type="passport",
                    document_number=number,
                    address="1 Road",
                    jurisdiction_code="110105001001",
                )
            )
    good = tmp_path / "arrivals.csv"
    good.write_text(
        "document_number,arrived_at,from_province,migrant_worker\n"
        "P0000001,2022-11-15T07:00:00+08:00,44,yes\n"
        "P0000002,2022-11-16T06:00:00+08:00,51,no\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "document_number,arrived_at,from_province\nP0000001,2022-11-16T01:00:00+08:00,81\n", encoding="utf-8"
    )

    def count() -> int:
        with session_factory(engine)() as s:
            return s.scalar(select(func.count()).select_from(Arrival)) or 0

    refused = runner.invoke(app, ["arrivals", "import", str(bad), "--as", "worker_a", "--db", db_url])
    assert refused.exit_code == 2 and "from_province" in refused.output and count() == 0
    first = runner.invoke(app, ["arrivals", "import", str(good), "--as", "worker_a", "--db", db_url])
    assert first.exit_code == 0, first.output
    assert "2 rows, 2 new, 0 already recorded" in first.output and count() == 2
    again = runner.invoke(app, ["arrivals", "import", str(good), "--as", "worker_a", "--db", db_url])
    assert "nothing changed" in again.output and count() == 2
    due = runner.invoke(
        app, ["arrivals", "due", "--as", "worker_a", "--now", "2022-11-16T09:00", "--db", db_url, "--fail-on-due"]
    )
    assert due.exit_code == 3, due.output
    assert "P0000001" in due.output and "P0000002" in due.output and "missed" in due.output
    bad_now = runner.invoke(app, ["arrivals", "due", "--as", "worker_a", "--now", "soon", "--db", db_url])
    assert bad_now.exit_code == 2 and "--now" in bad_now.output
    engine.dispose()


def test_warning_run(db_url: str) -> None:
    """`fangkong warning run --as USER --on DAY` (measure 15): on a store without signals nothing is judged and
    nothing raised; an unknown method is refused naming it (exit 2)."""
    if not db_url.startswith("sqlite"):
        return
    ran = runner.invoke(app, ["warning", "run", "--as", "epi", "--on", "2022-11-16", "--db", db_url])
    assert ran.exit_code == 0, ran.output
    assert "0 series judged" in ran.output and "0 alerts raised" in ran.output
    bad = runner.invoke(app, ["warning", "run", "--as", "epi", "--on", "2022-11-16", "--method", "x", "--db", db_url])
    assert bad.exit_code == 2 and "method" in bad.output
