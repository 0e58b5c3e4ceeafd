"""The console's test tools: a demo county store, the console over it on the drill day, and a login."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

from fangkong.services.demo import DEMO_PASSWORD, load_demo
from fangkong.services.store import make_engine, session_factory, unit_of_work, upgrade
from fangkong.web.app import create_console
from tests.api.helpers import Clock

DRILL_DAY = date(2022, 11, 16)


def demo_store(folder: Path, persons: int = 60) -> str:
    """A SQLite store in `folder` holding the demo county with `persons` people under management."""
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        load_demo(session, persons=persons)
    engine.dispose()
    return url


@contextmanager
def console(url: str, *, follow_redirects: bool = False) -> Iterator[TestClient]:
    """The console (with the API) over `url`, its clock on the drill day."""
    app = create_console(url, clock=Clock(DRILL_DAY))
    with TestClient(app, follow_redirects=follow_redirects) as client:
        yield client
    app.state.engine.dispose()


def login(client: TestClient, username: str) -> None:
    """Log `username` in (any earlier login forgotten)."""
    client.cookies.clear()
    r = client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "next": "/"})
    assert r.status_code in (200, 303), r.text
