"""The command line and accounts (issue 17): README's `users add` example works on the demo county, `users add`
holds passwords to the policy, and `serve` on an address others can reach refuses while demo accounts open with the
published password, unless told explicitly."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select
from typer.testing import CliRunner

from fangkong.cli import serving, store
from fangkong.cli.main import app
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.users.models import User
from tests.paths import ROOT
from tests.web.helpers import demo_store

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    url = demo_store(tmp_path_factory.mktemp("demo"), persons=5)
    return Path(url.removeprefix("sqlite:///"))


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> str:
    copy = tmp_path / "demo.sqlite3"
    copy.write_bytes(demo_template.read_bytes())
    return f"sqlite:///{copy}"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **options: calls.append(options))
    # the addresses here are not this machine's: the port check would refuse them before the demo guard is seen
    monkeypatch.setattr(serving, "ensure_port_free", lambda host, port: None)
    monkeypatch.setenv(store._SERVE_DB, "unset")
    monkeypatch.setenv(store._SERVE_TODAY, "unset")
    return calls


def readme_users_add() -> list[str]:
    """The arguments of README's `fangkong users add` example (after the program's name), comment left out."""
    line = next(ln for ln in (ROOT / "README.md").read_text().splitlines() if "fangkong users add" in ln)
    words = shlex.split(line.split("#")[0])
    return words[words.index("users") :]


def test_the_readme_users_add_example_works_on_the_demo_county(demo_db: str) -> None:
    args = [("ana_li" if w == "NAME" else w) for w in readme_users_add()]
    added = runner.invoke(app, [*args, "--password", "bright kettle meadow", "--db", demo_db])
    assert added.exit_code == 0, added.output
    with unit_of_work(session_factory(make_engine(demo_db))) as session:
        user = session.scalars(select(User).where(User.username == "ana_li")).one()
        assert (user.role, user.jurisdiction_code) == ("community_worker", re.findall(r"\d{6,}", " ".join(args))[0])


@pytest.mark.parametrize("weak", ["1111111111", "          ", "fangkong-demo", "qwertyuiop"])
def test_users_add_refuses_a_guessable_password(demo_db: str, weak: str) -> None:
    added = runner.invoke(
        app,
        [
            "users",
            "add",
            "bob_w",
            "--role",
            "read_only",
            "--jurisdiction",
            "110199",
            "--password",
            weak,
            "--db",
            demo_db,
        ],
    )
    assert added.exit_code == 2 and "password:" in added.output


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "fangkong.example"])
def test_serve_on_a_public_address_refuses_while_demo_accounts_open(
    demo_db: str, served: list[dict[str, Any]], host: str
) -> None:
    refused = runner.invoke(app, ["serve", "--db", demo_db, "--host", host])
    assert refused.exit_code == 1 and served == []
    assert "demo accounts" in refused.output and "--allow-demo-accounts" in refused.output
    assert "command" in refused.output and "epi" in refused.output
    told = runner.invoke(app, ["serve", "--db", demo_db, "--host", host, "--allow-demo-accounts"])
    assert told.exit_code == 0, told.output
    assert served[-1]["host"] == host


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_serve_on_loopback_with_demo_accounts_runs(demo_db: str, served: list[dict[str, Any]], host: str) -> None:
    assert runner.invoke(app, ["serve", "--db", demo_db, "--host", host]).exit_code == 0
    assert served[-1]["host"] == host


def test_serve_on_a_public_address_runs_once_the_demo_accounts_are_closed(
    demo_db: str, served: list[dict[str, Any]], tmp_path: Path
) -> None:
    with unit_of_work(session_factory(make_engine(demo_db))) as session:
        for user in session.scalars(select(User).where(User.username.in_(("command", "epi", "worker1", "worker2")))):
            user.active = False
        for user in session.scalars(select(User).where(User.username.in_(("supervisor", "viewer", "lab")))):
            user.password_hash = "$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$c29tZWhhc2g"  # another password's
    assert runner.invoke(app, ["serve", "--db", demo_db, "--host", "0.0.0.0"]).exit_code == 0
    # an empty store has no demo accounts at all
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    assert runner.invoke(app, ["serve", "--db", empty, "--host", "0.0.0.0"]).exit_code == 0
