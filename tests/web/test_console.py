"""The console through HTTP (the browser walk is the Playwright suite's): log in, today's dashboard, the work
lists and their CSV, a person's page (scoped, masked, audited), the language switch, the public self-check."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from fangkong.services.demo import DEMO_PASSWORD, load_demo
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work, upgrade
from fangkong.web.app import create_console
from tests.api.conftest import Clock

C11, C12 = "110199001001", "110199001002"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = f"sqlite:///{tmp_path_factory.mktemp('console') / 'demo.sqlite3'}"
    upgrade(db)
    engine = make_engine(db)
    with unit_of_work(session_factory(engine)) as session:
        load_demo(session, persons=60)
    engine.dispose()
    return db


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    app = create_console(url, clock=Clock(date(2022, 11, 16)))
    with TestClient(app, follow_redirects=False) as c:
        yield c
    app.state.engine.dispose()


def login(client: TestClient, username: str) -> None:
    r = client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "next": "/"})
    assert r.status_code == 303 and r.headers["location"] == "/", r.text
    assert "fk_token" in r.cookies


def person_in(url: str, community: str) -> int:
    with unit_of_work(session_factory(make_engine(url))) as session:
        pid = session.scalar(select(Person.id).where(Person.jurisdiction_code == community).order_by(Person.id))
    assert pid is not None
    return int(pid)


def test_pages_need_a_login_and_a_wrong_password_is_refused(client: TestClient) -> None:
    for page in ("/", "/worklists", "/persons/1", "/worklists.csv"):
        r = client.get(page)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), page
    r = client.post("/login", data={"username": "worker1", "password": "wrong password", "next": "/"})
    assert r.status_code == 401 and "fk_token" not in r.cookies
    # the login page does not bounce to another site
    r = client.post("/login", data={"username": "worker1", "password": DEMO_PASSWORD, "next": "//evil.example"})
    assert r.headers["location"] == "/"


def test_the_dashboard_shows_today_in_numbers(client: TestClient) -> None:
    login(client, "command")
    r = client.get("/?lang=en")
    assert r.status_code == 200
    html = r.text
    assert "Under management" in html and "Tests due today" in html and "High-risk areas" in html
    assert 'id="high-risk-areas">1<' in html  # the demo's high-risk building
    assert "110199001001007" in html
    assert "Demo isolation hotel" in html  # free rooms for the next 7 days


def test_the_language_switch_is_remembered(client: TestClient) -> None:
    login(client, "worker1")
    assert "今日概况" in client.get("/").text  # Chinese by default
    r = client.get("/?lang=en")
    assert "Today" in r.text and r.cookies.get("lang") == "en"
    assert "Work lists" in client.get("/worklists").text
    assert "今日工作" in client.get("/worklists?lang=zh").text


def test_work_lists_and_their_csv(client: TestClient) -> None:
    login(client, "worker1")
    html = client.get("/worklists?on=2022-11-16&lang=en").text
    assert 'id="tests-due"' in html and "Retests due" in html
    r = client.get("/worklists.csv?on=2022-11-16")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert rows and {row["jurisdiction_code"] for row in rows} == {C11}  # only worker1's community
    assert {row["section"] for row in rows} >= {"tests_due", "retests_due"}
    bad = client.get("/worklists?on=not-a-date&lang=en")
    assert bad.status_code == 422 and "not a date" in bad.text


def test_a_person_page_is_scoped_masked_and_audited(client: TestClient, url: str) -> None:
    mine, theirs = person_in(url, C11), person_in(url, C12)
    login(client, "worker1")
    page = client.get(f"/persons/{mine}?lang=en")
    assert page.status_code == 200
    assert 'class="timeline"' in page.text and "<code>m20." in page.text
    assert client.get(f"/persons/{theirs}").status_code == 404  # another community: not found
    client.cookies.clear()
    login(client, "viewer")
    masked = client.get(f"/persons/{mine}?lang=en").text
    assert "*" in masked.split('id="document">')[1].split("<")[0]
    assert "Who looked" not in masked  # read-only staff do not see the audit trail
    client.cookies.clear()
    login(client, "supervisor")
    trail = client.get(f"/persons/{mine}?lang=en").text
    assert "Who looked" in trail and "worker1" in trail and "viewer" in trail


def test_the_public_self_check_explains_the_plan_with_its_clauses(client: TestClient) -> None:
    r = client.get("/self-check?category=close_contact&on=2022-11-15&lang=en")
    assert r.status_code == 200
    assert 'id="plan"' in r.text and "2022-11-24" in r.text  # 5 + 3 from the 16th: released on the 24th
    assert "<code>m20.1</code>" in r.text
    future = client.get("/self-check?category=close_contact&on=2022-12-01&lang=en")
    assert "is in the future" in future.text


def test_static_assets_are_vendored(client: TestClient, tmp_path: Path) -> None:
    js = client.get("/console-static/htmx.min.js")
    assert js.status_code == 200 and "htmx" in js.text[:2000]
    assert "cdn" not in client.get("/login").text.lower()
