"""API fixtures: every test here runs against SQLite, and against PostgreSQL when $FANGKONG_TEST_PG_URL names a
server, each time on a store of its own copied from a template (tests/stores.py; `db_url` is in tests/conftest.py).
`api` is the small county's API, `demo` the demo county's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fangkong.api.app import create_app
from tests.api.helpers import Api, Clock, Demo
from tests.stores import BACKENDS, Templates


@pytest.fixture
def clock() -> Clock:
    return Clock(date(2022, 11, 14))


@pytest.fixture
def api(db_url: str, clock: Clock) -> Iterator[Api]:
    app = create_app(db_url, clock=clock)
    with TestClient(app) as client:
        yield Api(client, clock)
    app.state.engine.dispose()


@pytest.fixture(params=BACKENDS)
def demo(request: pytest.FixtureRequest, tmp_path: Path, store_templates: Templates) -> Iterator[Demo]:
    """The demo county with 20 people under management, on 16 Nov 2022."""
    with store_templates.store(request.param, "demo_20", tmp_path) as url:
        clock = Clock(date(2022, 11, 16))
        app = create_app(url, clock=clock)
        with TestClient(app) as client:
            yield Demo(client, clock, {})
        app.state.engine.dispose()
