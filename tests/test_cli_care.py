"""`fangkong resources import facilities` and `fangkong resources census` (issue 18) on a copy of the demo store."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from fangkong.cli.main import app

runner = CliRunner()
CSV = (
    "name,kind,jurisdiction_code,general_beds,icu_beds,convertible_icu_beds,doctors,nurses,critical_care_nurses\n"
    "CLI hospital,designated_hospital,110199,300,20,10,60,124,50\n"
)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "250")
    url = f"sqlite:///{tmp_path / 'care.sqlite3'}"
    loaded = runner.invoke(app, ["demo", "load", "--db", url, "--persons", "3"])
    assert loaded.exit_code == 0, loaded.output
    return url


def test_import_then_census(db: str, tmp_path: Path) -> None:
    path = tmp_path / "facilities.csv"
    path.write_text(CSV, encoding="utf-8")
    first = runner.invoke(app, ["resources", "import", "facilities", str(path), "--as", "command", "--db", db])
    assert first.exit_code == 0, first.output
    assert "1 facilities added" in first.output
    again = runner.invoke(app, ["resources", "import", "facilities", str(path), "--as", "command", "--db", db])
    assert "nothing changed" in again.output
    census = runner.invoke(app, ["resources", "census", "--as", "command", "--on", "2022-11-16", "--db", db])
    assert census.exit_code == 0, census.output
    assert "CLI hospital" in census.output and "310" in census.output


def test_a_bad_file_is_refused_naming_the_field(db: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(CSV.replace(",300,", ",-3,"), encoding="utf-8")
    result = runner.invoke(app, ["resources", "import", "facilities", str(path), "--as", "command", "--db", db])
    assert result.exit_code != 0
    assert "beds.general" in result.output


def test_resources_import_sites_items_and_stock_are_the_supplies_imports(db: str, tmp_path: Path) -> None:
    """`fangkong resources import sites|items|stock FILE` (the spelling issue 18 gives) is `fangkong supplies import
    FILE --kind ...`: the same rows, the same idempotence, the same refusal naming the row and field."""
    sites = tmp_path / "sites.csv"
    sites.write_text("name,kind,jurisdiction_code\nCLI pharmacy,pharmacy,110199\n", encoding="utf-8")
    items = tmp_path / "items.json"
    items.write_text(
        '[{"code": "CLI-PAX", "name": "Paxlovid", "category": "antiviral", "unit": "box"}]', encoding="utf-8"
    )
    stock = tmp_path / "stock.csv"
    stock.write_text("site,item_code,quantity,day\nCLI pharmacy,CLI-PAX,40,2022-11-16\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("site,item_code,quantity,day\nCLI pharmacy,CLI-PAX,x,2022-11-16\n", encoding="utf-8")
    base = ["--as", "command", "--db", db]
    for path, kind in [(sites, "sites"), (items, "items"), (stock, "stock")]:
        done = runner.invoke(app, ["resources", "import", kind, str(path), *base])
        assert done.exit_code == 0, done.output
        assert "1 rows, 1 new" in done.output
    again = runner.invoke(app, ["resources", "import", "sites", str(sites), *base])
    assert again.exit_code == 0 and "already imported" in again.output
    # the supplies spelling of the same bytes is the same import: nothing changes
    same = runner.invoke(app, ["supplies", "import", str(items), "--kind", "items", *base])
    assert same.exit_code == 0 and "already imported" in same.output
    refused = runner.invoke(app, ["resources", "import", "stock", str(bad), *base])
    assert refused.exit_code == 2 and "quantity" in refused.output and "row 1" in refused.output
    shown = runner.invoke(app, ["supplies", "stock", *base], env={"COLUMNS": "250"})
    assert "CLI pharmacy" in shown.output and "40 box" in shown.output
