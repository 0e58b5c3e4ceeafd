"""The community worker's work list shows the open needs of people under closure beside tests and releases (measure
17): each need's kind, urgency and deadline, an overdue one marked in words (not colour alone), in Chinese and in
English, with no raw identifier on the page; the API's work list carries the same section."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook  # type: ignore[import-untyped]

from fangkong.services.access import SYSTEM
from fangkong.services.closure_services.demo import demo_needs
from fangkong.services.demo import COUNTY, DEMO_PASSWORD
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.web.helpers import DRILL_DAY, console, demo_store, login


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = demo_store(tmp_path_factory.mktemp("needs"), persons=20)
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        demo_needs(session, SYSTEM, DRILL_DAY, COUNTY)  # idempotent: nothing added if the demo load holds them
    engine.dispose()
    return url


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "worker1")
        yield c


def test_the_work_list_shows_open_needs_in_both_languages(client: TestClient) -> None:
    zh = client.get("/worklists")
    assert zh.status_code == 200
    section = zh.text[zh.text.index('id="needs_open"') :]
    assert "封控人员待办需求" in zh.text
    assert "购药" in section and "血液透析" in section and "急需（一天内）" in section
    assert "<strong>已超时</strong>" in section and "未超时" in section and "已上报 2 级" in section
    en = client.get("/worklists?lang=en")
    section = en.text[en.text.index('id="needs_open"') :]
    assert "Open needs of people under closure" in en.text
    assert "Medicine" in section and "Hemodialysis" in section and "Urgent (within a day)" in section
    assert "<strong>Overdue</strong>" in section and "In time" in section
    for raw in ("need_kind_", "need_urgency_", ">dialysis<", ">urgent<", ">medicine<"):
        assert raw not in zh.text and raw not in en.text


def test_the_api_work_list_has_the_needs(client: TestClient) -> None:
    r = client.post("/api/auth/token", json={"username": "worker1", "password": DEMO_PASSWORD})
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    day = client.get("/api/worklists", headers=headers).json()
    kinds = {n["kind"]: n for n in day["needs_open"]}
    assert {"medicine", "dialysis"} <= set(kinds)
    assert kinds["medicine"]["overdue"] is True and kinds["dialysis"]["overdue"] is False
    assert day["totals"]["needs_open"] == len(day["needs_open"])


def _needs_rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return [row for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))) if row["section"] == "needs_open"]


def test_the_export_carries_the_open_needs_in_words(client: TestClient) -> None:
    """The CSV and XLSX of the day's lists hold the open needs (measure 17): person, kind and urgency in the reader's
    words, deadline, assignee and lateness; the export is audited as the list is."""
    zh = _needs_rows(client.get("/worklists.csv", params={"lang": "zh"}).text)
    by_kind = {row["need"]: row for row in zh}
    assert {"购药", "血液透析"} <= set(by_kind)
    late = by_kind["购药"]
    assert late["overdue"] == "已超时" and late["urgency"] == "急需（一天内）" and late["assignee"] == "未分派"
    assert late["deadline"] == "2022-11-15 09:00" and late["name"] and late["person_id"]
    assert by_kind["血液透析"]["overdue"] == "未超时"
    en = {row["need"]: row for row in _needs_rows(client.get("/worklists.csv", params={"lang": "en"}).text)}
    assert en["Medicine"]["overdue"] == "Overdue" and en["Hemodialysis"]["urgency"] == "Urgent (within a day)"
    assert en["Medicine"]["detail"] == "escalated 2 level(s) up"
    xlsx = client.get("/worklists.xlsx", params={"lang": "en"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    needs = [dict(zip(header, row, strict=True)) for row in rows[1:] if row[0] == "needs_open"]
    assert {n["need"] for n in needs} >= {"Medicine", "Hemodialysis"}
    assert all(n["deadline"] and n["overdue"] in ("Overdue", "In time") for n in needs)
