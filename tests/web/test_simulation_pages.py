"""Policy comparisons in the console (issue 22): the command centre's menu leads to `/simulations`, whose form names
the policies in words and whose list holds the demo's saved comparison (v9, m20); a saved comparison shows its
summary (mean [95 % interval] per policy, the difference from the first) and the charts' container, in Chinese and
in English, with no raw key; its data.json names every chart and line in the reader's words; a run from the form is
saved and shown; a refusal shows the form again naming the field and keeping what was chosen; a role other than the
command centre's is refused. The county's own area-wide testing: the form asks for it (when, tests a day, run what
the guard refuses anyway) in both languages; a run says which proposal it compared and, where the over-reach guard
refused rounds, per policy the clause in words (m20.6, never its id) and the mean days refused; a bad tests-a-day is
refused naming the field."""

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
    return min(int(n) for n in re.findall(r'href="/simulations/(\d+)"', page))  # the oldest: runs here come after


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


def test_the_form_asks_for_the_county_s_own_testing_in_both_languages(client: TestClient) -> None:
    zh = client.get("/simulations?lang=zh").text
    local = zh.split('id="simulation-local"')[1].split("</fieldset>")[0]
    for words in (
        "本县自行开展的区域全员核酸检测",
        "按国家规定",
        "自发现首例感染者起每日开展",
        "每日开展，无论有无疫情",
    ):
        assert words in local
    assert "每日检测轮次" in local and "防层层加码拒绝的轮次也照常开展" in local
    en = html.unescape(client.get("/simulations?lang=en").text)
    local = en.split('id="simulation-local"')[1].split("</fieldset>")[0]
    for words in ("The county's own area-wide testing", "The national rule", "Every day from the first case"):
        assert words in local
    assert "Every day, outbreak or not" in local and "Tests a day (1–3)" in local
    assert "Run what the guard refuses anyway (to see what the over-reach would cost)" in local
    assert '<option value="where_allowed" selected>' in local  # the national rule by default, once a day, guarded
    assert 'name="tests_per_day"' in local and 'value="1"' in local and 'min="1" max="3"' in local
    assert 'name="unguarded" value="yes" id="unguarded" >' in local
    assert 'name="csrf_token"' in en.split('id="simulation-form"')[1].split("</form>")[0]


def test_what_the_guard_refused_is_shown_with_its_clause(client: TestClient) -> None:
    """Every day, outbreak or not, under v9 and m20: v9 allows it (no row), m20 refuses it by its measure 6."""
    form = {**FORM, "policies": ["v9", "m20"], "seeds": "1", "local_when": "always", "tests_per_day": "1"}
    r = client.post("/simulations", data=form)
    assert r.status_code == 303
    zh = client.get(r.headers["location"] + "?lang=zh").text
    assert "每日开展，无论有无疫情，每日 1 轮；防层层加码拒绝的轮次不开展" in zh
    table = zh.split('id="refusals"')[1].split("</table>")[0]
    assert "防层层加码拒绝的检测" in zh and "依据《二十条》第6条" in table
    assert "第九版防控方案" not in table  # v9 refused nothing
    en = html.unescape(client.get(r.headers["location"] + "?lang=en").text)
    guarded = "the rounds the over-reach guard refuses are not run (only those the rule allows are)"
    assert f"Every day, outbreak or not, 1 a day; {guarded}" in en
    table = en.split('id="refusals"')[1].split("</table>")[0]
    rows = re.findall(r"<tr id=\"refused-(\w+)-\d+\">(.*?)</tr>", table, re.S)
    assert [p for p, _ in rows] == ["m20"]
    assert "The 20 measures" in rows[0][1] and "under the 20 measures, no. 6" in rows[0][1] and ">20.0<" in rows[0][1]
    assert "Refused by the over-reach guard" in en and "Area-wide testing rounds refused by the over-reach guard" in en
    for page in (zh, en):
        assert "m20.6" not in visible(page) and SNAKE.findall(visible(page)) == []
    # unguarded: run anyway, nothing refused, the over-reach counted
    r = client.post("/simulations", data={**form, "unguarded": "yes"})
    en = html.unescape(client.get(r.headers["location"] + "?lang=en").text)
    assert "the rounds the over-reach guard refuses are run anyway, counted as over-reach" in en
    assert 'id="refusals"' not in en
    over = en.split('id="figure-campaign_overreach"')[1].split("</tr>")[0]
    assert re.search(r">20\.0 \[", over)  # m20: a round on each of 20 days, run against the rule


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
    guarded = "the rounds the over-reach guard refuses are not run (only those the rule allows are)"
    assert f"The national rule, 1 a day; {guarded}" in text
    assert 'id="refusals"' not in en.text  # the national rule: nothing refused
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
        (
            {"tests_per_day": "4"},
            "本县自行开展的区域全员核酸检测 · 每日检测次数",
            "The county's own area-wide testing · Tests a day",
        ),
        ({"tests_per_day": "0"}, "每日检测次数", "Tests a day"),
        ({"tests_per_day": "twice"}, "每日检测次数", "Tests a day"),
        (
            {"local_when": "sometimes"},
            "本县自行开展的区域全员核酸检测 · 时间",
            "The county's own area-wide testing · When",
        ),
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
    if "tests_per_day" in change:
        assert f'value="{change["tests_per_day"]}" required' in kept
    assert client.get("/simulations").text.count('id="comparison-') == before  # nothing saved


@pytest.mark.parametrize("who", ["epi", "worker1", "supervisor", "viewer", "lab"])
def test_other_roles_are_refused(url: str, who: str) -> None:
    with console(url) as c:
        login(c, who)
        assert 'href="/simulations"' not in c.get("/").text
        assert c.get("/simulations").status_code == 403
        assert c.get("/simulations/1").status_code == 403
        assert c.post("/simulations", data=FORM).status_code == 403
