"""Policy comparisons in the console (issue 22): the command centre's menu leads to `/simulations`, whose form names
the policies in words and whose list holds the demo's saved comparison (v9, m20); a saved comparison shows its
summary (mean [95 % interval] per policy, the difference from the first) and the charts' container, in Chinese and
in English, with no raw key; its data.json names every chart and line in the reader's words; a run from the form is
saved and shown; a refusal shows the form again naming the field and keeping what was chosen; a role other than the
command centre's is refused."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from fangkong.sim.compare import FIGURES
from fangkong.sim.policy_link import NO_POLICY
from fangkong.web.i18n import MESSAGES
from fangkong.web.simulation_pages import CHARTS
from tests.web.helpers import console, demo_store, login
from tests.web.test_every_page_in_words import SNAKE, visible

FORM = {"policies": ["m20", "none"], "population": "3000", "days": "20", "seeds": "2"}


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("simulations"), persons=20)


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "command")
        yield c


def _demo_id(client: TestClient) -> int:
    page = client.get("/simulations").text
    return int(page.split('href="/simulations/')[1].split('"')[0])


def test_every_figure_chart_and_policy_has_words_in_both_languages(policy: object) -> None:
    """The figures are the simulator's (they may grow): each needs its words before a page can show it."""
    keys = [f"simc_fig_{k}" for k in FIGURES] + [f"simc_chart_{c}" for c, _, _ in CHARTS]
    keys += [f"simc_policy_{v}" for v in (*policy.versions, NO_POLICY)]  # type: ignore[attr-defined]
    assert [k for k in keys if not (MESSAGES.get(k, {}).get("zh") and MESSAGES.get(k, {}).get("en"))] == []


def test_the_menu_the_form_and_the_demo_comparison(client: TestClient) -> None:
    assert 'href="/simulations"' in client.get("/").text
    zh = client.get("/simulations?lang=zh")
    assert zh.status_code == 200
    assert "第九版防控方案" in zh.text and "二十条优化措施" in zh.text and "新十条" in zh.text
    assert "不采取防控措施" in zh.text and "乙类乙管" in zh.text  # every policy offered by name
    en = client.get("/simulations?lang=en")
    assert "9th edition of the plan" in en.text and "The 20 measures" in en.text and "No intervention" in en.text
    assert re.search(r'id="comparison-\d+"', en.text)
    assert "100,000" in en.text  # the demo's city
    for page in (zh, en):
        assert SNAKE.findall(visible(page.text)) == []


def test_a_comparison_in_both_languages(client: TestClient) -> None:
    cid = _demo_id(client)
    zh = client.get(f"/simulations/{cid}?lang=zh")
    assert zh.status_code == 200
    assert "集中隔离间夜" in zh.text and "感染人数" in zh.text and "二十条优化措施与第九版防控方案之差" in zh.text
    en = client.get(f"/simulations/{cid}?lang=en")
    text = html.unescape(en.text)
    assert "Centralized-isolation room-nights" in text and "The 20 measures minus 9th edition of the plan" in text
    # mean [low – high] per policy; a difference also has its mean's confidence interval: mean (low – high) [low – high]
    row = text.split('id="figure-room_nights"')[1].split("</tr>")[0]
    assert len(re.findall(r"\d \[[-\d.,]+ – [-\d.,]+\]", row)) == 2  # 2 policies
    assert len(re.findall(r"\d \([-\d.,]+ – [-\d.,]+\) \[[-\d.,]+ – [-\d.,]+\]", row)) == 1  # 1 difference
    for chart, _, _ in CHARTS:
        assert f'id="chart-{chart}"' in en.text
    assert 'data-src="/simulations/' in en.text and "<script>" not in en.text  # no inline script
    assert "/console-static/simulations.js" in en.text
    for page in (zh, en):
        assert SNAKE.findall(visible(page.text)) == []


def test_the_charts_data_in_words(client: TestClient) -> None:
    cid = _demo_id(client)
    words = (("zh", "每日新增感染", "第九版防控方案"), ("en", "New infections a day", "9th edition of the plan"))
    for lang, infections, first in words:
        data = client.get(f"/simulations/{cid}/data.json?lang={lang}").json()
        assert len(data["days"]) == 60 and data["days"][0] == "2022-11-16"
        charts = {c["id"]: c for c in data["charts"]}
        assert list(charts) == [c for c, _, _ in CHARTS]
        assert charts["new_infections"]["title"] == infections
        assert charts["beds"]["series"][0]["name"] == first
        assert all(len(s["data"]) == 60 for c in charts.values() for s in c["series"])
        for c in charts.values():
            assert not SNAKE.findall(" ".join([c["title"], c["y_axis"], *(s["name"] for s in c["series"])]))
    assert client.get("/simulations/999/data.json").status_code == 404


def test_a_run_from_the_form_is_saved_and_shown(client: TestClient) -> None:
    r = client.post("/simulations", data=FORM)
    assert r.status_code == 303
    shown = client.get(r.headers["location"] + "?lang=en")
    assert shown.status_code == 200 and "No intervention" in shown.text and "3,000" in shown.text
    assert f'id="comparison-{r.headers["location"].rsplit("/", 1)[1]}"' in client.get("/simulations").text


@pytest.mark.parametrize(
    ("change", "field_zh", "field_en"),
    [
        ({"policies": ["m20"]}, "比较的方案", "Policies"),
        ({"policies": ["m20", "v10"]}, "比较的方案", "Policies"),
        ({"population": "999"}, "模拟人口", "People in the city"),
        ({"population": "lots"}, "模拟人口", "People in the city"),
        ({"days": "121"}, "天数", "Days"),
        ({"seeds": "0"}, "随机种子数", "Seeds"),
        ({"seeds": "11"}, "随机种子数", "Seeds"),
    ],
)
def test_a_refusal_shows_the_form_again_naming_the_field(
    client: TestClient, change: dict[str, object], field_zh: str, field_en: str
) -> None:
    before = client.get("/simulations").text.count('id="comparison-')
    for lang, field in (("zh", field_zh), ("en", field_en)):
        r = client.post(f"/simulations?lang={lang}", data={**FORM, **change})
        assert r.status_code == 422, r.text[:300]
        problem = html.unescape(r.text.split('id="simulation-problem"')[1].split("</p>")[0])
        assert field in problem
        assert 'id="simulation-form"' in r.text
        assert SNAKE.findall(visible(r.text)) == []
    kept = client.post("/simulations?lang=en", data={**FORM, **change}).text
    assert 'value="m20" id="policy-m20" checked' in kept  # what was chosen is kept
    assert client.get("/simulations").text.count('id="comparison-') == before  # nothing saved


@pytest.mark.parametrize("who", ["epi", "worker1", "supervisor", "viewer", "lab"])
def test_other_roles_are_refused(url: str, who: str) -> None:
    with console(url) as c:
        login(c, who)
        assert 'href="/simulations"' not in c.get("/").text
        assert c.get("/simulations").status_code == 403
        assert c.get("/simulations/1").status_code == 403
        assert c.post("/simulations", data=FORM).status_code == 403
