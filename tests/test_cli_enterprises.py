"""`fangkong enterprises import FILE --as USER` and `fangkong enterprises list --as USER` on a SQLite store with the
small county (measure 19): a file with an enterprise without a jurisdiction is refused naming the row and the field
(exit 2, nothing stored); the good file registers its enterprises and their park once; the second time nothing
changes; the list shows the white list."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from fangkong.cli.main import app
from fangkong.services.enterprises.models import Enterprise, EnterprisePark
from fangkong.services.store import make_engine, session_factory

runner = CliRunner()


def test_enterprises_import_and_list(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("sqlite"):
        return
    engine = make_engine(db_url)
    good = tmp_path / "enterprises.csv"
    good.write_text(
        "name,jurisdiction_code,ownership,park,workers,white_listed,key_supply_chain\n"
        "朝阳药业 Chaoyang Pharma,110105,private,朝阳工业园,300,yes,yes\n"
        "朝阳服装 Chaoyang Garments,110105001,private,朝阳工业园,40,no,no\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("name,jurisdiction_code\n好企业,110105\n无辖区企业,\n", encoding="utf-8")

    def count() -> tuple[int, int]:
        with session_factory(engine)() as s:
            return (
                s.scalar(select(func.count()).select_from(Enterprise)) or 0,
                s.scalar(select(func.count()).select_from(EnterprisePark)) or 0,
            )

    refused = runner.invoke(app, ["enterprises", "import", str(bad), "--as", "cc", "--db", db_url])
    assert refused.exit_code == 2 and "jurisdiction_code" in refused.output and count() == (0, 0)
    first = runner.invoke(app, ["enterprises", "import", str(good), "--as", "cc", "--db", db_url])
    assert first.exit_code == 0, first.output
    assert "2 rows, 2 new, 0 already registered, 1 new parks" in first.output and count() == (2, 1)
    again = runner.invoke(app, ["enterprises", "import", str(good), "--as", "cc", "--db", db_url])
    assert "nothing changed" in again.output and count() == (2, 1)
    listed = runner.invoke(app, ["enterprises", "list", "--as", "cc", "--white-list", "--db", db_url])
    assert listed.exit_code == 0, listed.output
    assert "Pharma" in listed.output and "Garments" not in listed.output and "1 enterprises" in listed.output
    denied = runner.invoke(app, ["enterprises", "import", str(good), "--as", "viewer", "--db", db_url])
    assert denied.exit_code != 0
