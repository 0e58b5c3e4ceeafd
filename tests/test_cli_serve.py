"""`fangkong serve` runs uvicorn on uvloop and httptools, without an access log, with `--workers` processes that
each build the app from the store and drill date the command was given."""

from __future__ import annotations

import os
import socket
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fangkong.cli import store
from fangkong.cli.main import app
from fangkong.services.calendar import local_day
from fangkong.web import csrf

runner = CliRunner()


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, dict[str, Any]]]:
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **options: calls.append((target, options)))
    # serve hands the store and the drill date to its workers in the environment: restored after the test
    monkeypatch.setenv(store._SERVE_DB, "unset")
    monkeypatch.setenv(store._SERVE_TODAY, "unset")
    monkeypatch.delenv(csrf.SECRET_ENV, raising=False)
    monkeypatch.delenv(csrf.SECURE_ENV, raising=False)
    return calls


def test_serve_runs_uvloop_and_httptools_with_workers(tmp_path: Path, served: list[tuple[Any, dict[str, Any]]]) -> None:
    db = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    result = runner.invoke(app, ["serve", "--db", db, "--today", "2022-11-16", "--workers", "2", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "2 workers" in result.output
    [(target, options)] = served
    assert target == "fangkong.cli.store:served_app" and options["factory"] is True
    assert (options["loop"], options["http"], options["workers"]) == ("uvloop", "httptools", 2)
    assert (options["host"], options["port"], options["access_log"]) == ("127.0.0.1", 8123, False)

    # what each worker builds: the console and API over that store, on the drill date
    built = store.served_app()
    assert built.state.clock is not None
    assert local_day(built.state.clock()) == date(2022, 11, 16)
    with TestClient(built) as client:
        assert client.get("/api/health").status_code == 200
        assert client.get("/api/health-codes/check/" + "A" * 43).status_code == 404
    built.state.engine.dispose()


def test_serve_refuses_a_bad_worker_count(tmp_path: Path, served: list[tuple[Any, dict[str, Any]]]) -> None:
    result = runner.invoke(app, ["serve", "--db", f"sqlite:///{tmp_path / 's.sqlite3'}", "--workers", "0"])
    assert result.exit_code == 2
    assert served == []


def test_serve_says_its_port_is_taken_instead_of_announcing_it(
    tmp_path: Path, served: list[tuple[Any, dict[str, Any]]]
) -> None:
    """Issue 17: a port another program listens on is named, with a non-zero exit, before any address is announced."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["serve", "--db", f"sqlite:///{tmp_path / 's.sqlite3'}", "--port", str(port)])
    assert result.exit_code == 2 and served == []
    assert f"port {port}" in result.output and "in use" in result.output
    assert "http://" not in result.output


def test_serve_behind_an_https_proxy_believes_only_the_proxy_and_marks_cookies_secure(
    tmp_path: Path, served: list[tuple[Any, dict[str, Any]]]
) -> None:
    db = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    assert runner.invoke(app, ["serve", "--db", db, "--port", "0"]).exit_code == 0
    plain = served[-1][1]
    assert plain["proxy_headers"] is False and "forwarded_allow_ips" not in plain
    assert os.environ.get(csrf.SECURE_ENV) is None
    assert os.environ.get(csrf.SECRET_ENV)  # one CSRF secret for all the workers

    args = ["serve", "--db", db, "--port", "0", "--behind-https-proxy", "--forwarded-allow-ips", "10.0.0.5"]
    assert runner.invoke(app, args).exit_code == 0
    proxied = served[-1][1]
    assert (proxied["proxy_headers"], proxied["forwarded_allow_ips"]) == (True, "10.0.0.5")
    assert os.environ.get(csrf.SECURE_ENV) == "1"
