"""The landing check in the console (measure 15): worker1's list on the drill day (09:00) shows the arrival still in
time and the two who missed the test, not the one tested, the one who declined or the one who arrived before the 20
measures; a follow-up form records a reminder or ends the follow-up; the register form records an arrival found by
document number and refuses bad input naming the field, with nothing stored; Chinese and English, no raw
identifier; the page's persons are audited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fangkong.services.arrivals.models import Arrival
from fangkong.services.audit.models import AuditEntry
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory
from tests.web.helpers import console, demo_store, login


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("arrival-pages"), persons=20)


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "worker1")
        yield c


def _arrivals(url: str) -> int:
    engine = make_engine(url)
    with session_factory(engine)() as s:
        n = s.scalar(select(func.count()).select_from(Arrival)) or 0
    engine.dispose()
    return n


def _today(html: str) -> str:
    return html[html.index('id="arrivals-today"') : html.index("</table>", html.index('id="arrivals-today"'))]


def test_todays_list(client: TestClient) -> None:
    zh = client.get("/arrivals")
    assert zh.status_code == 200
    assert 'href="/arrivals"' in client.get("/").text
    today = _today(zh.text)
    for name in ("刘春燕", "陈大勇", "赵小红"):
        assert name in today
    for name in ("黄建国", "孙志强", "周丽"):
        assert name not in today
    assert "待检测" in today and "未按时检测" in today and "四川省" in today
    assert "自愿、免费、即采即走" in zh.text
    en = client.get("/arrivals?lang=en")
    assert "Arrivals from other provinces" in en.text and "Missed" in _today(en.text) and "Sichuan" in en.text
    for raw in ("arrival_status_", "arrival_outcome_", ">missed<", ">not_owed<"):
        assert raw not in zh.text and raw not in en.text
    everyone = client.get("/arrivals?lang=en").text
    assert "6 arrivals" in everyone and "Follow-up ended" in everyone and "No test owed" in everyone
    tested = client.get("/arrivals?status=tested&lang=en").text
    assert "1 arrivals" in tested
    bad = client.get("/arrivals?status=lost&lang=en")
    assert bad.status_code == 422 and "status" in bad.text.lower()


def test_a_follow_up_ends_it(client: TestClient, url: str) -> None:
    page = client.get("/arrivals?lang=en").text
    today = _today(page)
    aid = int(today.split('id="follow-up-')[1].split('"')[0])
    done = client.post(f"/arrivals/{aid}/follow-ups", data={"outcome": "declined", "note": "will test at work"})
    assert done.status_code == 303
    after = client.get(done.headers["location"] + "&lang=en").text
    assert "Follow-up of" in after and f'id="follow-up-{aid}"' not in after
    refused = client.post(f"/arrivals/{aid}/follow-ups", data={"outcome": "reminded"})
    assert refused.status_code == 422 and "arrival" in refused.text


def test_register_an_arrival(client: TestClient, url: str) -> None:
    engine = make_engine(url)
    with session_factory(engine)() as s:
        number = s.scalar(select(Person.document_number).where(Person.jurisdiction_code == "110199001001"))
    engine.dispose()
    before = _arrivals(url)
    bad = client.post(
        "/arrivals/new?lang=en",
        data={"document_number": number, "arrived_at": "2022-11-16T07:30", "from_province": "11"},
    )
    assert bad.status_code == 422 and 'data-field="from_province"' in bad.text
    unknown = client.post(
        "/arrivals/new", data={"document_number": "X123", "arrived_at": "2022-11-16T07:30", "from_province": "44"}
    )
    assert unknown.status_code == 422 and 'data-field="document_number"' in unknown.text
    future = client.post(
        "/arrivals/new", data={"document_number": number, "arrived_at": "2022-11-16T23:00", "from_province": "44"}
    )
    assert future.status_code == 422 and 'data-field="arrived_at"' in future.text
    assert _arrivals(url) == before
    ok = client.post(
        "/arrivals/new",
        data={
            "document_number": number,
            "arrived_at": "2022-11-16T07:30",
            "from_province": "44",
            "migrant_worker": "yes",
            "employer": "Site 9",
        },
    )
    assert ok.status_code == 303 and _arrivals(url) == before + 1


def test_the_page_is_audited(client: TestClient, url: str) -> None:
    client.get("/arrivals")
    engine = make_engine(url)
    with session_factory(engine)() as s:
        entries = s.scalars(
            select(AuditEntry).where(AuditEntry.actor == "worker1", AuditEntry.entity == "arrivals")
        ).all()
    engine.dispose()
    assert entries and all(e.detail.get("persons") for e in entries)


def test_the_work_list_shows_todays_landing_checks(client: TestClient) -> None:
    """The community worker's day (measure 15): the landing checks sit on the work list beside tests and needs, each
    leading to its follow-up form."""
    page = client.get("/worklists").text
    section = page[page.index('id="landing_checks"') :]
    assert "刘春燕" in section and "陈大勇" in section and "黄建国" not in section
    assert 'href="/arrivals#today-' in section
    en = client.get("/worklists?lang=en").text
    assert "Today&#39;s list" in en and "Missed" in en
    past = client.get("/worklists?on=2022-11-15").text
    assert 'id="landing_checks"' not in past
