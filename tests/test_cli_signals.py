"""`fangkong signals import FILE --as USER` and `fangkong signals derive --from DAY [--to DAY] --as USER` on a store
with the small county (measure 15): a file imported once, a bad row refused with its line and column (exit 2), and
positivity re-derived from the lab results, idempotently."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from fangkong.cli.main import app

runner = CliRunner()
A = "110105001001"


def test_import_and_derive(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("sqlite"):
        return
    good = tmp_path / "signals.csv"
    good.write_text(
        f"jurisdiction,channel,date,count,tests\n{A},fever_clinic,2022-11-14,12,\n"
        f"{A},nucleic_acid_positivity,2022-11-14,2,300\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.json"
    bad.write_text(f'[{{"jurisdiction": "{A}", "channel": "fever_clinic", "date": "2022-11-13", "count": -2}}]')
    base = ["--as", "cc", "--db", db_url]
    done = runner.invoke(app, ["signals", "import", str(good), *base])
    assert done.exit_code == 0, done.output
    assert "2 rows, 2 new" in done.output
    again = runner.invoke(app, ["signals", "import", str(good), *base])
    assert "already imported" in again.output
    refused = runner.invoke(app, ["signals", "import", str(bad), *base])
    assert refused.exit_code == 2 and "count" in refused.output and "row 1" in refused.output
    derived = runner.invoke(app, ["signals", "derive", "--from", "2022-11-10", "--to", "2022-11-14", *base])
    assert derived.exit_code == 0, derived.output
    assert "nucleic_acid_positivity 2022-11-10..2022-11-14: 0 written" in derived.output
    wrong = runner.invoke(app, ["signals", "derive", "--from", "10 Nov", *base])
    assert wrong.exit_code == 2 and "--from" in wrong.output
    epi = runner.invoke(app, ["signals", "derive", "--from", "2022-11-10", "--as", "epi", "--db", db_url])
    assert epi.exit_code != 0
