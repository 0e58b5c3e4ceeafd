"""The signals board in the console (issue 20, measure 15): every channel of the demo county as a chart's data and a
table in Chinese and English, a day with no count said so (not zero), the outbreak's rise in the figures, the filter,
the command centre's import (a refused file named with its field and row, nothing stored), the menu entry for the
roles that watch signals, and a community worker refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fangkong.policy import load_policy
from fangkong.policy.terms import Method, SignalChannel
from fangkong.rules.aberration import judge, warning_settings
from fangkong.services.access import SYSTEM
from fangkong.services.demo import COUNTY
from fangkong.services.signals.demo import demo_signals
from fangkong.services.signals.models import SignalCount
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.web.helpers import DRILL_DAY, console, demo_store, login

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = demo_store(tmp_path_factory.mktemp("signals"), persons=20)
    with unit_of_work(session_factory(make_engine(url))) as session:
        assert demo_signals(session, SYSTEM, DRILL_DAY, COUNTY) == 0  # `load_demo` holds them already
    return url


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "command")
        yield c


def visible(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", html)
    html = re.sub(r"(?s)<(select)[^>]*>.*?</\1>", " ", html)  # option values are codes, not shown
    return re.sub(r"(?s)<[^>]+>", " ", html)


def _main(html: str) -> str:
    return html.split('id="main"', 1)[1]


def _stored(url: str) -> int:
    with unit_of_work(session_factory(make_engine(url))) as session:
        return int(session.scalar(select(func.count()).select_from(SignalCount)) or 0)


def test_the_board_in_both_languages(client: TestClient) -> None:
    zh = client.get("/signals?lang=zh")
    assert zh.status_code == 200
    assert "多渠道监测信号" in zh.text and "发热门诊就诊人次" in zh.text and "药店退烧药销售" in zh.text
    assert 'href="/signals"' in zh.text  # the menu entry
    for channel in SignalChannel:
        assert f'id="chart-{channel.value}"' in zh.text and f'id="{channel.value}-table"' in zh.text
    en = client.get("/signals?lang=en")
    assert "Multi-channel signals" in en.text and "Fever-clinic visits" in en.text
    assert not SNAKE.findall(visible(_main(en.text))), SNAKE.findall(visible(_main(en.text)))
    assert not SNAKE.findall(visible(_main(zh.text)))
    assert "<script>" not in en.text and "/console-static/signals.js" in en.text
    assert 'enctype="multipart/form-data"' in en.text and 'name="csrf_token"' in en.text


def test_the_chart_data_carries_every_day_and_the_methods_bounds(client: TestClient) -> None:
    data = client.get(f"/signals/data.json?lang=en&from=2022-11-03&to={DRILL_DAY}").json()
    assert data["days"][0] == "2022-11-03" and data["days"][-1] == DRILL_DAY.isoformat() and len(data["days"]) == 14
    charts = {c["id"]: c for c in data["charts"]}
    assert set(charts) == {c.value for c in SignalChannel}
    for chart in charts.values():
        assert len(chart["series"]["upperbound"]) == len(chart["series"]["alarm"]) == 14
        assert len(chart["series"]["data"]) == 14
    sales = charts["antipyretic_sales"]["series"]["data"]
    assert sales[-1] > 1.5 * max(sales[:9])  # the outbreak: the last days rise in pharmacy sales
    # the bounds are the method in force (EARS C2) on the whole series, the board's first days judged from the days
    # before it: the same numbers as the rule given the county's eight weeks by hand
    whole = client.get(f"/signals/data.json?lang=en&channel=antipyretic_sales&from=2022-09-01&to={DRILL_DAY}").json()
    counted = [
        (d, c) for d, c in zip(whole["days"], whole["charts"][0]["series"]["data"], strict=True) if c is not None
    ]
    rules = load_policy().at(DRILL_DAY)
    judged = {
        j.day.isoformat(): j
        for j in judge(
            [date.fromisoformat(d) for d, _ in counted],
            [c for _, c in counted],
            Method.ears_c2,
            warning_settings(rules),
        )
    }
    chart = charts["antipyretic_sales"]["series"]
    for day, upper, alarm in zip(data["days"], chart["upperbound"], chart["alarm"], strict=True):
        assert upper == pytest.approx(judged[day].upperbound, rel=1e-3) and alarm == judged[day].alarm
    assert any(chart["alarm"][-5:])  # the outbreak alarms in its last days
    assert charts["fever_clinic"]["title"] == "Fever-clinic visits"
    zh = client.get("/signals/data.json?lang=zh&channel=fever_clinic").json()
    assert [c["title"] for c in zh["charts"]] == ["发热门诊就诊人次"]


def test_a_day_without_a_count_is_said_so(client: TestClient) -> None:
    # before the demo's eight weeks: every day missing, none written as zero
    en = client.get("/signals?lang=en&channel=fever_clinic&from=2022-08-01&to=2022-08-03")
    assert en.status_code == 200
    table = en.text.split('id="fever_clinic-table"', 1)[1].split("</table>", 1)[0]
    assert table.count("no count") == 3 and ">0<" not in table
    assert "No channel has a count" in en.text
    data = client.get("/signals/data.json?channel=fever_clinic&from=2022-08-01&to=2022-08-03").json()
    assert data["charts"][0]["series"]["data"] == [None, None, None]


def test_a_bad_filter_names_its_field(client: TestClient) -> None:
    r = client.get("/signals?lang=en&channel=rumours")
    assert r.status_code == 422 and 'id="filter-problem"' in r.text and "Channel" in r.text
    r = client.get("/signals?lang=zh&from=2022-11-16&to=2022-11-01")
    assert r.status_code == 422 and "截止日期" in r.text
    assert client.get("/signals/data.json?from=yesterday").status_code == 422


def test_the_import_form(client: TestClient, url: str) -> None:
    before = _stored(url)
    community = f"{COUNTY}001001"
    bad = (
        f"jurisdiction,channel,date,count\n{community},fever_clinic,2022-07-01,3\n"
        f"{community},fever_clinic,2022-07-02,-1\n"
    )
    r = client.post("/signals/import?lang=en", files={"file": ("s.csv", bad.encode(), "text/csv")})
    assert r.status_code == 422 and 'id="import-problem"' in r.text
    problem = r.text.split('id="import-problem"', 1)[1].split("</p>", 1)[0]
    assert "Count" in problem and "row 2" in problem
    assert _stored(url) == before
    r = client.post("/signals/import?lang=zh", files={"file": ("s.csv", bad.encode(), "text/csv")})
    assert "第 2 行" in r.text and "计数" in r.text
    good = f"jurisdiction,channel,date,count\n{community},school_absence,2022-07-01,3\n"
    r = client.post("/signals/import?lang=en", files={"file": ("s.csv", good.encode(), "text/csv")})
    assert r.status_code == 200 and "Imported: 1 rows, 1 new" in r.text
    assert _stored(url) == before + 1
    again = client.post("/signals/import?lang=en", files={"file": ("s.csv", good.encode(), "text/csv")})
    assert "nothing changed" in again.text and _stored(url) == before + 1


def test_who_sees_the_board(url: str) -> None:
    with console(url) as c:
        login(c, "epi")
        r = c.get("/signals?lang=en")
        assert r.status_code == 200 and 'id="signals-import"' not in r.text  # watches, does not import
        login(c, "worker1")
        assert c.get("/signals").status_code == 403
        data = b"jurisdiction,channel,date,count\n"
        assert c.post("/signals/import", files={"file": ("s.csv", data, "text/csv")}).status_code == 403
        assert 'href="/signals"' not in c.get("/").text
