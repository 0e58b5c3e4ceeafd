"""The console through HTTP (the browser walk is the Playwright suite's): log in, today's dashboard, the work
lists and their CSV, a person's page (scoped, masked, audited), the language switch, the public self-check."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from fangkong.services import logs
from fangkong.services.demo import DEMO_PASSWORD, load_demo
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work, upgrade
from fangkong.web.app import create_console
from tests.api.helpers import Clock
from tests.web.helpers import ConsoleClient

ELSEWHERE = "an infection reported by another city"  # the basis of an area with no infection recorded here

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
    with ConsoleClient(app, follow_redirects=False) as c:
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
    assert "Community 1-1 · 7号楼 Building 7" in html and "110199001001007" not in html  # named, not coded
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
    xlsx = client.get("/worklists.xlsx?on=2022-11-16")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"  # a zip: the spreadsheet
    assert client.get("/worklists.pdf").status_code == 404
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
    page = client.get("/login").text.lower()
    # nothing loaded from elsewhere (the page's random CSRF token may spell "cdn": look at addresses, not letters)
    assert "//cdn" not in page and 'src="http' not in page and 'href="http' not in page


def test_the_map_draws_risk_areas_from_their_shapes(client: TestClient) -> None:
    login(client, "command")
    page = client.get("/map?lang=en").text
    assert "/console-static/leaflet/leaflet.js" in page and "tile" not in page.lower()
    data = client.get("/map/areas.geojson").json()
    areas = [f for f in data["features"] if f["properties"]["kind"] == "risk_area"]
    assert [(f["properties"]["code"], f["properties"]["risk"]) for f in areas] == [("110199001001007", "high")]
    assert areas[0]["geometry"]["type"] == "Polygon"
    history = client.get(f"/risk-areas/{areas[0]['properties']['id']}?lang=en").text
    assert "Delineated" in history and "High risk" in history and "m20.4" in history
    assert "Risk areas (1)" in page and "Legend" in page
    assert client.get("/console-static/leaflet/leaflet.css").status_code == 200


def test_policy_pages_are_public_and_cite_clauses(client: TestClient) -> None:
    rules = client.get("/policy?on=2022-11-16&lang=en")
    assert rules.status_code == 200 and "management.close_contact.phases" in rules.text
    assert "不再判定密接的密接" in rules.text  # the clause's own wording beside the value
    diff = client.get("/policy/diff?a=v9&b=m20&lang=en").text
    assert "management.close_contact.phases" in diff and "m20.1" in diff
    assert "clean-day-counting" in client.get("/policy/register").text
    assert client.get("/policy/diff?a=v9&b=v99").status_code == 422
    assert client.get("/policy?on=2020-01-01").status_code == 422  # before any version


def test_forms_show_the_service_s_message_next_to_the_field(client: TestClient, url: str) -> None:
    login(client, "epi")
    form = client.get("/forms/order?lang=en").text
    assert 'name="person_id"' in form
    bad = client.post("/forms/order?lang=en", data={"person_id": "abc", "category": "close_contact"})
    assert bad.status_code == 422 and 'data-field="person_id"' in bad.text
    future = client.post(
        "/forms/order?lang=en",
        data={"person_id": str(person_in(url, C12)), "category": "close_contact", "anchor_date": "2022-12-01"},
    )
    assert future.status_code == 422 and 'data-field="anchor_date"' in future.text
    # a secondary close contact under the 20 measures: refused with the clause
    refused = client.post(
        "/forms/order?lang=en",
        data={
            "person_id": str(person_in(url, C12)),
            "category": "secondary_close_contact",
            "anchor_date": "2022-11-15",
        },
    )
    assert refused.status_code == 422 and "<code>m20.2</code>" in refused.text
    # a whole community is over-reach; the clause is shown
    area = client.post("/forms/area?lang=en", data={"area_code": C12, "reason": "residence", "note": ELSEWHERE})
    assert area.status_code == 422 and "<code>m20.s3</code>" in area.text and "over-reach" in area.text
    # no infection and no note of one: no basis (measure 4), refused with the clause, nothing delineated
    bare = client.post("/forms/area?lang=en", data={"area_code": C12 + "011", "reason": "residence"})
    assert bare.status_code == 422 and "<code>m20.4</code>" in bare.text
    # checked first, shown for confirmation, nothing done yet; then confirmed
    body = {"area_code": C12 + "011", "reason": "residence", "note": ELSEWHERE}
    check = client.post("/forms/area?lang=en", data=body)
    assert check.status_code == 200 and 'id="confirm-area"' in check.text and ELSEWHERE in check.text
    assert "11号楼" in check.text.split('id="confirm-area"')[1]  # the place by its name
    unknown = client.post("/forms/area?lang=en", data={**body, "area_code": "Nowhere · Building 9"})
    assert unknown.status_code == 422 and "choose one from the list" in unknown.text
    again = client.post("/forms/area?lang=en", data=body)
    assert again.status_code == 200  # still nothing delineated: no overlap with itself
    ok = client.post("/forms/area?lang=en", data={**body, "confirm": "yes"})
    assert ok.status_code == 303 and ok.headers["location"].startswith("/risk-areas/")
    # area-wide testing without an outbreak: refused (m20.6)
    campaign = client.post(
        "/forms/campaign?lang=en",
        data={"area_code": "110199002", "scope": "all_residents", "start_on": "2022-11-17"},
    )
    assert campaign.status_code == 422 and "<code>m20.6</code>" in campaign.text


def test_navigation_follows_the_role(client: TestClient) -> None:
    login(client, "worker1")
    nav = client.get("/?lang=en").text.split("</nav>")[0]
    assert "/forms/order" not in nav and "/forms/area" not in nav and "/forms/results" not in nav
    client.cookies.clear()
    login(client, "lab")
    nav = client.get("/worklists?lang=en").text.split("</nav>")[0]
    assert "/forms/results" in nav and "/forms/order" not in nav


def test_a_lab_uploads_results_through_the_form(client: TestClient, url: str) -> None:
    login(client, "lab")
    assert client.get("/").headers["location"] == "/forms/results"
    with unit_of_work(session_factory(make_engine(url))) as session:
        doc = session.scalar(select(Person.document_number).where(Person.jurisdiction_code == C12))
    samples = f"barcode,pool_size,sampling_point,collected_at,members\nWEB-1,1,Point,2022-11-16T07:00:00+08:00,{doc}\n"
    r = client.post("/forms/results?lang=en", data={"kind": "samples"}, files={"file": ("s.csv", samples, "text/csv")})
    assert r.status_code == 200 and 'id="import-summary"' in r.text, r.text
    bad = "barcode,lab,reported_at,ct_orf1ab,ct_n\nWEB-1,Lab,2022-11-16T08:00:00+08:00,55,\n"
    r = client.post("/forms/results?lang=en", data={"kind": "results"}, files={"file": ("r.csv", bad, "text/csv")})
    assert r.status_code == 422 and "row 1" in r.text and "out of range" in r.text
    good = "barcode,lab,reported_at,ct_orf1ab,ct_n\nWEB-1,Lab,2022-11-16T08:00:00+08:00,,\n"
    r = client.post("/forms/results?lang=en", data={"kind": "results"}, files={"file": ("r.csv", good, "text/csv")})
    assert r.status_code == 200 and "negative: 1" in r.text


def test_a_console_request_is_logged_with_its_account(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    login(client, "command")
    with caplog.at_level(logging.INFO, logger=logs.LOGGER):
        assert client.get("/forms/area").status_code == 200
    formatter = logs.JsonLines()
    lines = [json.loads(formatter.format(r)) for r in caplog.records if r.name == logs.LOGGER]
    # only this page's line: under a busy machine the login's line may still be arriving from the server's thread
    logged = [line["who"] for line in lines if line["event"] == "request" and line["route"] == "/forms/area"]
    assert logged == ["command"]
