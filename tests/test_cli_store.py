"""The store commands: db upgrade, users add, demo load (idempotent), with bad input refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from fangkong.cli.main import app
from fangkong.services.orders.models import ManagementOrder
from fangkong.services.sites.models import RoomAssignment
from fangkong.services.store import make_engine, session_factory
from fangkong.services.users.models import User

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "200")
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


def _count(db: str, model: type[object]) -> int:
    engine = make_engine(db)
    with session_factory(engine)() as s:
        n = s.scalar(select(func.count()).select_from(model)) or 0
    engine.dispose()
    return n


def test_upgrade_demo_and_users(db: str) -> None:
    assert runner.invoke(app, ["db", "upgrade", "--db", db]).exit_code == 0
    first = runner.invoke(app, ["demo", "load", "--db", db, "--persons", "30"])
    assert first.exit_code == 0, first.output
    assert "30 people" in first.output
    orders = _count(db, ManagementOrder)
    assert orders == 30
    assert _count(db, RoomAssignment) > 0
    again = runner.invoke(app, ["demo", "load", "--db", db])
    assert "already loaded" in again.output
    assert _count(db, ManagementOrder) == orders
    added = runner.invoke(
        app,
        [
            "users",
            "add",
            "alice",
            "--role",
            "community_worker",
            "--jurisdiction",
            "110199001001",
            "--password",
            "long enough pw",
            "--db",
            db,
        ],
    )
    assert added.exit_code == 0, added.output
    users = _count(db, User)
    bad_role = runner.invoke(
        app,
        [
            "users",
            "add",
            "bob",
            "--role",
            "mayor",
            "--jurisdiction",
            "110199",
            "--password",
            "long enough pw",
            "--db",
            db,
        ],
    )
    assert bad_role.exit_code == 2 and "role: unknown role 'mayor'" in bad_role.output
    bad_place = runner.invoke(
        app,
        [
            "users",
            "add",
            "bob",
            "--role",
            "read_only",
            "--jurisdiction",
            "999999",
            "--password",
            "long enough pw",
            "--db",
            db,
        ],
    )
    assert bad_place.exit_code == 2 and "jurisdiction_code: unknown jurisdiction" in bad_place.output
    assert _count(db, User) == users
