"""Store and API fixtures: every test here runs against SQLite, and against PostgreSQL when
$FANGKONG_TEST_PG_URL names a server (scripts/test starts a throwaway cluster; CI installs one)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fangkong.api.app import create_app
from fangkong.services.calendar import local_instant
from fangkong.services.jurisdictions.models import JurisdictionLevel
from fangkong.services.jurisdictions.service import create_jurisdiction
from fangkong.services.store import make_engine, scratch_database, session_factory, unit_of_work, upgrade
from fangkong.services.users.service import create_user

PG_URL = os.environ.get("FANGKONG_TEST_PG_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(not PG_URL, reason="no PostgreSQL"))]
if os.environ.get("FANGKONG_REQUIRE_PG") and not PG_URL:
    raise RuntimeError("FANGKONG_REQUIRE_PG is set but FANGKONG_TEST_PG_URL is not")

PASSWORD = "correct horse battery"

# A small county: province 11 › city 1101 › county 110105 › street 110105001 › communities A and B;
# a second county 110106 as the destination of hand-overs.
TREE = [
    ("11", "Beijing", JurisdictionLevel.province, None),
    ("1101", "Beijing city", JurisdictionLevel.city, "11"),
    ("110105", "Chaoyang", JurisdictionLevel.county, "1101"),
    ("110105001", "Jianwai street", JurisdictionLevel.street, "110105"),
    ("110105001001", "Community A", JurisdictionLevel.community, "110105001"),
    ("110105001002", "Community B", JurisdictionLevel.community, "110105001"),
    ("110106", "Fengtai", JurisdictionLevel.county, "1101"),
    ("110106001", "Fengtai street", JurisdictionLevel.street, "110106"),
    ("110106001001", "Community C", JurisdictionLevel.community, "110106001"),
]
USERS = [
    ("cc", "command_centre", "11"),
    ("epi", "epidemiologist", "110105"),
    ("worker_a", "community_worker", "110105001001"),
    ("worker_b", "community_worker", "110105001002"),
    ("worker_c", "community_worker", "110106001001"),
    ("epi_fengtai", "epidemiologist", "110106"),
    ("supervisor", "supervisor", "11"),
    ("viewer", "read_only", "110105"),
]


@dataclass
class Clock:
    """The API's "now", moved day by day by the tests (09:00 in the jurisdiction's zone)."""

    today: date

    def __call__(self) -> datetime:
        return local_instant(self.today, time(9)).astimezone(UTC)


def _database(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'fangkong.sqlite3'}"
        return
    assert PG_URL is not None
    with scratch_database(PG_URL, "fk") as url:
        yield url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    for url in _database(request.param, tmp_path):
        upgrade(url)
        engine = make_engine(url)
        with unit_of_work(session_factory(engine)) as session:
            for code, name, level, parent in TREE:
                create_jurisdiction(session, code=code, name=name, level=level, parent_code=parent)
            for username, role, where in USERS:
                create_user(session, None, username=username, password=PASSWORD, role=role, jurisdiction_code=where)
        engine.dispose()
        yield url


@pytest.fixture
def clock() -> Clock:
    return Clock(date(2022, 11, 14))


class Api:
    """A TestClient that logs in as each user once a day (tokens last a shift) and sends the token."""

    def __init__(self, client: TestClient, clock: Clock) -> None:
        self.client = client
        self.clock = clock
        self.tokens: dict[tuple[str, date], str] = {}

    def as_(self, username: str) -> dict[str, str]:
        key = (username, self.clock.today)
        if key not in self.tokens:
            r = self.client.post("/api/auth/token", json={"username": username, "password": PASSWORD})
            assert r.status_code == 200, r.text
            self.tokens[key] = r.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[key]}"}


@pytest.fixture
def api(db_url: str, clock: Clock) -> Iterator[Api]:
    app = create_app(db_url, clock=clock)
    with TestClient(app) as client:
        yield Api(client, clock)
    app.state.engine.dispose()
