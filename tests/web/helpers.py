"""The console's test tools: a demo county store, the console over it on the drill day, and a login."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from fangkong.services.demo import COUNTY, DEMO_PASSWORD, load_demo
from fangkong.services.store import make_engine, session_factory, unit_of_work, upgrade
from fangkong.services.users.service import create_user
from fangkong.web import csrf
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


class ConsoleClient(TestClient):
    """A TestClient that posts console forms as a browser does from the form's page: with the CSRF token that
    page would carry (web/csrf.py), for this client's cookies. The API's requests (/api) and a test's own
    `csrf_token` are left as they are; `post_without_token` posts as another site's page would."""

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:
        path = str(url)
        if method.upper() == "POST" and not path.startswith(("/api", "http")):
            if self.cookies.get(csrf.COOKIE) is None:
                self.cookies.set(csrf.COOKIE, "test-browser")
            data = dict(kwargs.get("data") or {})
            if csrf.FIELD not in data:
                secret = self.app.state.csrf_secret  # type: ignore[attr-defined]
                data[csrf.FIELD] = csrf.token_for(
                    secret, self.cookies[csrf.COOKIE], self.cookies.get(csrf.SESSION_COOKIE)
                )
                kwargs["data"] = data
        return super().request(method, url, *args, **kwargs)

    def post_without_token(self, url: str, **kwargs: Any) -> Any:
        return TestClient.request(self, "POST", url, **kwargs)  # TestClient's own: no token added


@contextmanager
def console(url: str, *, follow_redirects: bool = False) -> Iterator[ConsoleClient]:
    """The console (with the API) over `url`, its clock on the drill day."""
    app = create_console(url, clock=Clock(DRILL_DAY))
    client = ConsoleClient(app, follow_redirects=follow_redirects)
    with client:
        yield client
    app.state.engine.dispose()


ADMIN_PASSWORD = "amber valley compass"  # the administrator the demo lacks, added by the tests that need one


def add_admin(url: str) -> None:
    """An administrator of the demo county (username `admin`), for the pages only an administrator sees."""
    with unit_of_work(session_factory(make_engine(url))) as session:
        create_user(session, None, username="admin", password=ADMIN_PASSWORD, role="admin", jurisdiction_code=COUNTY)


def login_as_admin(client: TestClient, next: str = "/") -> None:
    """Log the administrator in (any earlier login forgotten)."""
    client.cookies.clear()
    r = client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD, "next": next})
    assert r.status_code == 303, r.text


def login(client: TestClient, username: str) -> None:
    """Log `username` in (any earlier login forgotten)."""
    client.cookies.clear()
    r = client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "next": "/"})
    assert r.status_code in (200, 303), r.text


# ---- i16b: every role, the isolation-site manager too ----
SITE_PASSWORD = "harbour lantern meadow"  # the isolation-site manager the demo lacks (username `site`)


def add_site_manager(url: str) -> None:
    """An isolation-site manager of the demo county (username `site`), for the pages as that role sees them."""
    with unit_of_work(session_factory(make_engine(url))) as session:
        create_user(
            session, None, username="site", password=SITE_PASSWORD, role="site_manager", jurisdiction_code=COUNTY
        )


def sign_in(client: TestClient, username: str) -> None:
    """Log any role in, the administrator and site manager the tests add too, whether or not the client follows
    redirects (any earlier login forgotten)."""
    client.cookies.clear()
    password = {"admin": ADMIN_PASSWORD, "site": SITE_PASSWORD}.get(username, DEMO_PASSWORD)
    r = client.post("/login", data={"username": username, "password": password, "next": "/"})
    assert r.status_code in (200, 303) and "/login" not in str(r.url), r.text
