"""The trends page (issue 16) through HTTP on the demo county (16 Nov 2022): five charts drawn from
/trends/data.json with their titles, series and axis names in the reader's language, each with a table of the same
numbers under it; a bad number of days refused naming the field; and the dashboard's tiles leading to the lists
behind them, its risk areas named in words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.helpers import console, demo_store, login

CHARTS = ["infections", "management", "tests", "rooms", "areas"]


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("trends"))


@pytest.fixture(scope="module")
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        yield c


def table(html: str, chart: str) -> dict[str, list[str]]:
    """A chart's table as the reader sees it: each day's row, its cells' text."""
    found = re.search(rf'<table[^>]*id="{chart}-table".*?</table>', html, re.S)
    assert found, chart
    rows = re.findall(r'<tr><th scope="row"[^>]*>([^<]+)</th>(.*?)</tr>', found.group(0), re.S)
    return {day: re.findall(r"<td[^>]*>([^<]*)</td>", cells) for day, cells in rows}


def data(client: TestClient, **params: Any) -> dict[str, Any]:
    r = client.get("/trends/data.json", params=params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_the_charts_come_in_the_reader_s_language(client: TestClient) -> None:
    login(client, "command")
    en, zh = data(client, lang="en"), data(client, lang="zh")
    assert [c["id"] for c in en["charts"]] == CHARTS
    assert en["days"][0] == "2022-11-03" and en["days"][-1] == "2022-11-16" and len(en["days"]) == 14
    titles = {c["id"]: c["title"] for c in en["charts"]}
    assert titles["infections"] == "New infections (by day confirmed)"
    assert titles["rooms"] == "Isolation rooms: occupied and all"
    assert {c["id"]: c["title"] for c in zh["charts"]}["infections"] == "新增感染者（按确诊日）"
    assert en["x_axis"] == "Day" and zh["x_axis"] == "日期"
    management = {c["id"]: c for c in en["charts"]}["management"]
    assert management["stacked"] and management["y_axis"] == "People"
    assert "Close contact" in [s["name"] for s in management["series"]]
    assert "密切接触者" in [s["name"] for s in {c["id"]: c for c in zh["charts"]}["management"]["series"]]
    # no identifier reaches the reader: every title, axis and series name is a word
    words = [c["title"] for c in en["charts"]] + [s["name"] for c in en["charts"] for s in c["series"]]
    assert not [w for w in words if "_" in w]


def test_each_chart_has_a_table_of_its_numbers(client: TestClient) -> None:
    login(client, "command")
    html = client.get("/trends", params={"lang": "en"}).text
    charts = {c["id"]: c for c in data(client, lang="en")["charts"]}
    assert 'src="/console-static/echarts/echarts.min.js"' in html and 'src="/console-static/trends.js"' in html
    assert "<script>" not in html  # no inline script: the charts are drawn by trends.js
    for chart in CHARTS:
        assert f'id="chart-{chart}"' in html and "New infections (by day confirmed)" in html
        rows = table(html, chart)
        assert list(rows) == data(client)["days"]
        for i, cells in enumerate(rows.values()):
            assert cells == [str(s["data"][i]) for s in charts[chart]["series"]], chart
    assert table(html, "infections")["2022-11-15"] == ["1"]  # the demo's infection, confirmed on the 15th
    # today's people under management are the dashboard's
    dashboard = client.get("/", params={"lang": "en"}).text
    managed = re.search(r'id="managed">(\d+)<', dashboard)
    assert managed and sum(int(n) for n in table(html, "management")["2022-11-16"]) == int(managed.group(1))
    assert "Rooms" in data(client, lang="en")["charts"][3]["y_axis"]


def test_the_page_in_chinese(client: TestClient) -> None:
    login(client, "worker1")
    html = client.get("/trends", params={"lang": "zh", "days": "30"}).text
    assert "趋势" in html and "在管人员（按类别）" in html and "数据表" in html
    assert len(table(html, "tests")) == 30
    assert 'data-src="/trends/data.json?days=30&amp;lang=zh"' in html


@pytest.mark.parametrize("days", ["6", "91", "many"])
def test_a_bad_number_of_days_is_refused_naming_the_field(client: TestClient, days: str) -> None:
    login(client, "command")
    page = client.get("/trends", params={"days": days, "lang": "en"})
    assert page.status_code == 422
    assert 'id="problem"' in page.text and "Days — must be a whole number from 7 to 90" in page.text
    assert 'id="chart-' not in page.text and 'aria-invalid="true"' in page.text
    body = client.get("/trends/data.json", params={"days": days})
    assert body.status_code == 422 and body.json()["error"]["field"] == "days"


def test_the_charts_need_a_login_and_a_reader(client: TestClient) -> None:
    client.cookies.clear()
    r = client.get("/trends/data.json")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    login(client, "lab")
    assert client.get("/trends").status_code == 403
    assert client.get("/trends/data.json").status_code == 403


def test_the_dashboard_tiles_lead_to_the_lists_behind_them(client: TestClient) -> None:
    login(client, "command")
    html = client.get("/", params={"lang": "en"}).text
    tiles = re.findall(r'<a class="tile[^"]*" href="([^"]+)"', html)
    assert tiles == [
        "/orders?status=active&amp;managed=yes",
        "/worklists",
        "/worklists#releases",
        "/worklists#phase_changes",
        "/worklists#overdue_tests",
        "/worklists#retests_due",
        "/infections?confirmed_from=2022-11-16&amp;confirmed_to=2022-11-16",
        "/risk-areas?level=high&amp;status=active",
    ]
    worklists = client.get("/worklists").text
    for tile in tiles:
        if "#" in tile:
            assert f'id="{tile.split("#")[1]}"' in worklists, tile  # the anchor is there
    assert 'href="/trends#rooms"' in html and 'id="rooms"' in client.get("/trends").text


def test_the_dashboard_names_its_risk_areas(client: TestClient) -> None:
    login(client, "command")
    en = client.get("/", params={"lang": "en"}).text
    areas = re.search(r'<ul id="area-list">(.*?)</ul>', en, re.S)
    assert areas and "Community 1-1 · 7号楼 Building 7" in areas.group(1) and "High-risk" in areas.group(1)
    assert "110199001001007" not in en and "· high ·" not in en
    assert "示范区 Demo county (fictional)" in en  # the county by its name, not 110199
    zh = client.get("/", params={"lang": "zh"}).text
    assert "高风险区" in re.search(r'<ul id="area-list">(.*?)</ul>', zh, re.S).group(1)  # type: ignore[union-attr]
