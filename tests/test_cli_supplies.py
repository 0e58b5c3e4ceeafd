"""`fangkong supplies import FILE --kind ...` and `fangkong supplies stock [--alerts]` on a SQLite store with the
small county (measure 13): imports once, refuses a bad row with its line (exit 2), shows the table with alerts in
words."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from fangkong.cli.main import app

runner = CliRunner()


def test_import_and_stock(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("sqlite"):
        return
    sites = tmp_path / "sites.csv"
    sites.write_text("name,kind,jurisdiction_code\nA pharmacy,pharmacy,110105\n", encoding="utf-8")
    items = tmp_path / "items.json"
    items.write_text('[{"code": "PAX", "name": "Paxlovid", "category": "antiviral", "unit": "box"}]', encoding="utf-8")
    stock = tmp_path / "stock.txt"
    stock.write_text("site,item_code,quantity,day\nA pharmacy,PAX,40,2022-12-01\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("site,item_code,quantity,day\nA pharmacy,PAX,x,2022-12-01\n", encoding="utf-8")
    base = ["--as", "cc", "--db", db_url]
    for path, kind, extra in [(sites, "sites", []), (items, "items", []), (stock, "stock", ["--format", "csv"])]:
        done = runner.invoke(app, ["supplies", "import", str(path), "--kind", kind, *extra, *base])
        assert done.exit_code == 0, done.output
        assert "1 rows, 1 new" in done.output
    again = runner.invoke(app, ["supplies", "import", str(sites), "--kind", "sites", *base])
    assert "already imported" in again.output
    refused = runner.invoke(app, ["supplies", "import", str(bad), "--kind", "stock", *base])
    assert refused.exit_code == 2 and "quantity" in refused.output and "row 1" in refused.output
    shown = runner.invoke(app, ["supplies", "stock", *base], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "A pharmacy" in shown.output and "40 box" in shown.output and "does not run out" in shown.output
    alerts = runner.invoke(app, ["supplies", "stock", "--alerts", *base], env={"COLUMNS": "200"})
    assert "A pharmacy" not in alerts.output
