"""Complaints in the console (measure 18; clues and typical cases, measure 16): the command centre's queue shows the
demo's complaints in words, the late one marked, complainants masked; a complaint with no content is refused naming
the field and nothing is stored; a complaint is answered and closed only with feedback; the supervisor's over-reach
page says the sealed-building clue in words and links to its complaint; the public page of typical cases answers
without login and holds no phone; a case holding a phone is refused naming the field."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fangkong.services.complaints.models import Complaint
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.web.helpers import console, demo_store, login


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("complaints"), persons=20)


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "command")
        yield c


def _count(url: str) -> int:
    with unit_of_work(session_factory(make_engine(url))) as s:
        return int(s.scalar(select(func.count()).select_from(Complaint)) or 0)


def test_the_queue(client: TestClient) -> None:
    assert 'href="/complaints"' in client.get("/").text
    zh = client.get("/complaints")
    assert zh.status_code == 200
    assert "无风险区封楼" in zh.text and "已超时" in zh.text and "139****2222" in zh.text
    assert "13900002222" not in zh.text  # masked in the list
    en = client.get("/complaints?lang=en&overdue=yes")
    assert "Overdue" in en.text and "1 complaints" in en.text
    for raw in ("cp_category_", "cp_status_", ">sealed_building<"):
        assert raw not in zh.text and raw not in en.text


def test_no_content_is_refused_and_a_complaint_closes_with_feedback(client: TestClient, url: str) -> None:
    before = _count(url)
    bad = client.post("/complaints", data={"content": " ", "jurisdiction_code": "110199002001"})
    assert bad.status_code == 422 and 'data-field="content"' in bad.text
    assert _count(url) == before
    ok = client.post(
        "/complaints",
        data={
            "content": "The pharmacy is closed",
            "jurisdiction_code": "110199002001",
            "complainant_phone": "13512345678",
        },
    )
    assert ok.status_code == 303
    page = ok.headers["location"].split("?")[0]
    assert "13512345678" in client.get(page).text  # the command centre sees identifiers on the complaint's page
    no_feedback = client.post(page + "/close", data={"feedback": ""})
    assert no_feedback.status_code == 422 and 'data-field="feedback"' in no_feedback.text
    assert client.post(page + "/answer", data={"answer": "It opens at 8."}).status_code == 303
    assert client.post(page + "/close", data={"feedback": "Told by phone."}).status_code == 303
    assert "已办结" in client.get(page).text
    case = {"title": "A pharmacy closed", "summary": "ring 13900001111", "rectification": "Reopened."}
    bad = client.post(page + "/case", data=case)
    assert bad.status_code == 422 and 'data-field="summary"' in bad.text
    published = client.post(page + "/case", data={**case, "summary": "A pharmacy was closed without cause."})
    assert published.status_code == 303 and published.headers["location"] == "/public/cases"


def test_the_supervisor_sees_the_clue_and_the_public_its_cases(url: str) -> None:
    with console(url) as c:
        login(c, "supervisor")
        page = c.get("/overreach?kind=complaint_clue&lang=en").text
        assert "Building sealed without a risk area" in page and 'href="/complaints/' in page
        clues = c.get("/complaints?clues=yes&lang=en").text  # the supervisor's view of clues and rectifications
        assert "School closed" in clues and "Rectification" in clues and "2 complaints" in clues
    with console(url) as anonymous:
        public = anonymous.get("/public/cases?lang=en")
        assert public.status_code == 200 and "A school without cases" in public.text
        assert "137" not in public.text  # no phone of the demo's teacher
