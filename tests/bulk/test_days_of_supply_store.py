"""The product's path for days of supply at scale (measure 13, issue 18): the demo county's stock lines exported
from the store with the window figure kept on each (`fangkong supplies export`), then `bulk run days_of_supply`
over them, give the stock table's figures line for line (`services.supplies.stock_table`, the per-line rule)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from fangkong.bulk.days_of_supply import read_stock
from fangkong.bulk.engines import DuckDBEngine
from fangkong.bulk.jobs import run_job
from fangkong.cli.main import app
from fangkong.policy import load_policy
from fangkong.services.access import SYSTEM
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.supplies.models import SupplyItem, SupplySite
from fangkong.services.supplies.service import export_stock_lines, stock_table
from tests.web.helpers import DRILL_DAY, demo_store


def test_the_exported_lines_give_the_stock_tables_figures(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    url = demo_store(tmp_path / "store")
    rules = load_policy().at(DRILL_DAY)
    folder = tmp_path / "export"
    with unit_of_work(session_factory(make_engine(url))) as session:
        assert export_stock_lines(session, SYSTEM, rules, folder, as_of=DRILL_DAY) > 0
        lines = stock_table(session, SYSTEM, rules, as_of=DRILL_DAY)
        ids = {
            (s.name, i.code): (s.id, i.id)
            for s in session.scalars(select(SupplySite))
            for i in session.scalars(select(SupplyItem))
        }
    assert any(x.alert.value != "none" for x in lines)
    for sql in (False, True):
        engine = DuckDBEngine()
        try:
            ran = run_job("days_of_supply", folder, engine, load_policy(), DRILL_DAY, None, sql=sql)  # type: ignore[arg-type]
        finally:
            engine.close()
        rows = {(r["site_id"], r["item_id"]): r for r in ran.rows.to_pylist()}
        assert len(rows) == len(lines)
        for x in lines:
            row = rows[ids[(x.site_name, x.item_code)]]
            assert (row["stock"], row["alert"], row["reorder_point"]) == (x.stock, x.alert.value, x.reorder_point)
            assert row["days"] == (None if x.days is None else pytest.approx(x.days, rel=1e-12))
            assert row["daily_use"] == (None if x.daily_use is None else pytest.approx(x.daily_use, rel=1e-12))
    # the command line writes the same layout
    done = CliRunner().invoke(app, ["supplies", "export", str(tmp_path / "cli"), "--as", "command", "--db", url])
    assert done.exit_code == 0, done.output
    assert "stock lines" in done.output and read_stock(tmp_path / "cli").num_rows == len(lines)
