"""The command centre's and the lab's pages (issue 16), through HTTP on the demo county as a drill on 16 Nov 2022:
the preview and application of a new version of the rules over the plans in flight, recomputing the codes, the
over-reach findings, the timeliness report, the risk areas with their clocks, and a lab's own imports.

The demo's plans all end before 7 Dec 2022, so the preview of the ten new measures would find nothing to change:
four people are placed under management in early December first (as the drill's "what if"), whose plans run
past the 7th."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from fangkong.policy import load_policy
from fangkong.rules.local_action import LocalAction
from fangkong.services.access import SYSTEM, Actor, Role
from fangkong.services.demo import COUNTY, DEMO_PASSWORD
from fangkong.services.orders.models import ManagementOrder, OrderEvent
from fangkong.services.orders.schemas import OrderCreate
from fangkong.services.orders.service import place_order
from fangkong.services.overreach.service import check_local_action
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.users.service import create_user
from tests.web.helpers import console, demo_store, login

# category, first day: placed on that day under the 20 measures, still running on 7 Dec
IN_FLIGHT = (
    ("close_contact", date(2022, 12, 3)),  # 5 + 3 days: the new ten make it 5 days at home, released on the 9th
    ("high_risk_spillover", date(2022, 12, 2)),
    ("entry_personnel", date(2022, 12, 1)),
    ("high_risk_post_worker", date(2022, 12, 4)),
)


def seed_in_flight(url: str) -> dict[str, int]:
    """Four people without an order placed under management in early December; their person ids by category."""
    engine = make_engine(url)
    policy = load_policy()
    placed: dict[str, int] = {}
    with unit_of_work(session_factory(engine)) as session:
        busy = set(session.scalars(select(ManagementOrder.person_id).where(ManagementOrder.status == "active")))
        free = [p for p in session.scalars(select(Person).order_by(Person.id)) if p.id not in busy]
        for person, (category, day) in zip(free, IN_FLIGHT, strict=False):
            body = OrderCreate(person_id=person.id, category=category, anchor_date=day, reason="drill")
            place_order(session, SYSTEM, body, today=day, policy=policy)
            placed[category] = person.id
    engine.dispose()
    return placed


def visible(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"(?s)<[^>]+>", " ", html))


def text_of(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert found, element_id
    return found.group(1).strip()


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    store = demo_store(tmp_path_factory.mktemp("command"))
    seed_in_flight(store)
    return store


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        yield c


@pytest.fixture
def fresh(tmp_path: Path) -> tuple[str, dict[str, int]]:
    """A store of its own, for a test that changes it."""
    store = demo_store(tmp_path)
    return store, seed_in_flight(store)


# ---- the transition ------------------------------------------------------------------------------------------------


def test_the_preview_of_the_ten_new_measures_counts_the_changes_with_their_clauses(client: TestClient) -> None:
    login(client, "command")
    page = client.get("/command", params={"lang": "zh"})
    assert page.status_code == 200
    # the version about to take effect is picked, by its name and day, and no preview is shown yet
    assert re.search(r'<option value="n10"[^>]*selected>n10 — 2022-12-07 进一步优化落实防控措施', page.text)
    assert 'id="preview"' not in page.text

    zh = client.get("/command", params={"version": "n10", "effective_on": "2022-12-07", "preview": "1"})
    assert zh.status_code == 200, zh.text
    assert text_of(zh.text, "count-checked") == "4"
    assert text_of(zh.text, "count-shortened") == "1"  # the close contact: released on the 9th, not the 12th
    assert text_of(zh.text, "count-restated") == "3"
    assert text_of(zh.text, "count-ended") == "0"
    shortened = visible(zh.text.split('id="examples-shortened"')[1].split("</table>")[0])
    assert "密切接触者" in shortened and "2022-12-12" in shortened and "2022-12-09" in shortened
    assert "n10.3" in shortened and "按n10自第 1 天（2022-12-04）重新计算管控方案" in shortened
    assert "居家隔离" in shortened and "close_contact" not in visible(zh.text)
    assert 'id="apply-form"' in zh.text and 'name="previewed" value="4"' in zh.text

    en = client.get("/command", params={"version": "n10", "effective_on": "2022-12-07", "preview": "1", "lang": "en"})
    text = visible(en.text)
    assert "Preview: n10 from 2022-12-07" in text
    assert "1 shortened" in text and "4 orders in flight checked" in text
    assert "plan recomputed from day 1 (2022-12-04) under n10" in text and "Close contact" in text


def test_a_day_on_which_the_version_does_not_begin_is_refused_naming_the_field(client: TestClient) -> None:
    login(client, "command")
    r = client.get("/command", params={"version": "n10", "effective_on": "2022-12-08", "preview": "1", "lang": "en"})
    assert r.status_code == 422
    problem = visible(text_of(r.text, "problem") + r.text.split('id="problem"')[1].split("</p>")[0])
    assert "Takes effect on" in problem and "n10 takes effect on 2022-12-07" in problem
    assert 'id="preview"' not in r.text


def test_applying_the_transition_changes_the_orders_after_a_confirmation(fresh: tuple[str, dict[str, int]]) -> None:
    url, placed = fresh
    form = {"version": "n10", "effective_on": "2022-12-07", "previewed": "4", "reason": "the new ten in force"}
    with console(url) as client:
        # a worker or a viewer: refused, and no form to submit
        for who in ("viewer", "worker1"):
            login(client, who)
            page = client.get("/command")
            assert page.status_code == 403 and 'id="apply-form"' not in page.text
            assert 'id="transition-form"' not in page.text and 'href="/command"' not in page.text
            assert client.post("/command/transition", data={**form, "confirmed": "yes"}).status_code == 403
        login(client, "command")
        # without the box ticked nothing is changed
        unticked = client.post("/command/transition?lang=en", data=form)
        assert unticked.status_code == 422 and "Confirmation: tick the box" in visible(unticked.text)
        assert events(url) == 0
        # the plans in flight moved since the preview: refused, nothing changed
        stale = client.post("/command/transition", data={**form, "previewed": "3", "confirmed": "yes"})
        assert stale.status_code == 409 and events(url) == 0
        done = client.post("/command/transition?lang=zh", data={**form, "confirmed": "yes"})
        assert done.status_code == 200, done.text
        assert "已执行：2022-12-07 起按 n10 调整 4 项管控措施" in visible(done.text)
        assert text_of(done.text, "applied-shortened") == "1"
        assert events(url) == 4
        # the close contact's page: released on the 9th now, the change in its history
        person = client.get(f"/persons/{placed['close_contact']}", params={"lang": "zh"})
        text = visible(person.text)
        assert "按新政策重算" in text and "2022-12-09" in text
        # a second preview finds nothing left to change
        again = client.get("/command", params={"version": "n10", "effective_on": "2022-12-07", "preview": "1"})
        assert text_of(again.text, "count-checked") == "4" and 'id="no-changes"' in again.text


def events(url: str) -> int:
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        n = len(list(session.scalars(select(OrderEvent).where(OrderEvent.kind == "policy_transition"))))
    engine.dispose()
    return n


def test_recomputing_the_codes_says_how_many_changed(fresh: tuple[str, dict[str, int]]) -> None:
    url, _ = fresh
    with console(url) as client:
        login(client, "command")
        today = client.post("/command/recompute", data={"on": "2022-11-16"})
        assert today.status_code == 200
        assert re.search(r"已重算 2022-11-16 的健康码：\d+ 人，0 人变色", visible(today.text))
        # tomorrow the 15 Nov demo's held pool members' plans move on: some codes change colour
        tomorrow = client.post("/command/recompute?lang=en", data={"on": "2022-11-17"})
        found = re.search(
            r"Codes for 2022-11-17 recomputed: (\d+) people, (\d+) changed colour", visible(tomorrow.text)
        )
        assert found and int(found.group(2)) > 0
        bad = client.post("/command/recompute?lang=en", data={"on": "17 Nov"})
        assert bad.status_code == 422 and "Day: &#39;17 Nov&#39; is not a date" in bad.text
        login(client, "viewer")
        assert client.post("/command/recompute", data={"on": "2022-11-16"}).status_code == 403


# ---- over-reach and timeliness ---------------------------------------------------------------------------------------


def test_the_over_reach_findings_with_their_clauses_totals_and_filters(fresh: tuple[str, dict[str, int]]) -> None:
    url, _ = fresh
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        command = Actor("command", Role.command_centre, f"/11/1101/{COUNTY}/")
        action = LocalAction(kind="close_school", jurisdiction_code=COUNTY, description="示范小学")
        check_local_action(session, command, action, now=datetime(2022, 11, 16, 2), policy=load_policy())
        free = session.scalar(select(Person.id).order_by(Person.id.desc()))
    engine.dispose()
    with console(url) as client:
        # the epidemiologist tries a secondary close contact's order: refused under m20.2, kept as a finding
        login(client, "epi")
        refused = client.post("/forms/order", data={"person_id": str(free), "category": "secondary_close_contact"})
        assert refused.status_code == 422
        login(client, "supervisor")
        page = client.get("/overreach", params={"lang": "zh"})
        assert page.status_code == 200
        # these two, and the demo's two complaint clues (issue 21: a sealed building, a closed school)
        assert text_of(page.text, "total-all") == "4" and text_of(page.text, "total") == "共 4 条"
        text = visible(page.text)
        assert "停课: 示范小学" in text and "被拒绝的操作" in text and "m20.2" in text
        assert "close_school" not in text
        only = client.get("/overreach", params={"verdict": "refused", "lang": "en"})
        assert text_of(only.text, "total") == "1 found"
        assert "Refused request" in visible(only.text) and "Closing a school" not in visible(only.text)
        by_clause = client.get("/overreach", params={"sort": "clause"})
        assert 'aria-sort="ascending"' in by_clause.text
        bad = client.get("/overreach", params={"sort": "colour", "lang": "en"})
        assert bad.status_code == 422 and "Sort" in visible(bad.text)
        login(client, "worker1")
        assert client.get("/overreach").status_code == 403


def test_the_timeliness_report_lists_the_late_report_of_the_demo_infection(client: TestClient) -> None:
    login(client, "command")
    page = client.get("/timeliness", params={"lang": "zh"})
    assert page.status_code == 200
    report = visible(page.text.split('id="clock-report"')[1].split("</tr>")[0])
    assert "2 小时内" in report and "v9.reporting" in report
    contacts = visible(page.text.split('id="clock-contacts"')[1].split("</tr>")[0])
    assert "24 小时内" in contacts and "m20.2" in contacts
    late = visible(page.text.split('id="late-table"')[1].split("</table>")[0])
    assert "确认感染 → 完成报告" in late and "尚未报告（时限 2 小时）" in late and "2022-11-15 15:00" in late
    assert "确认感染 → 密切接触者纳入管控" not in late  # its three contacts are still within the 24 hours
    en = client.get("/timeliness", params={"since": "2022-11-16", "lang": "en"})
    assert 'id="none-late"' in en.text and "2022-11-16 to 2022-11-16 · infections confirmed: 0" in visible(en.text)
    backwards = client.get("/timeliness", params={"since": "2022-11-16", "until": "2022-11-10", "lang": "en"})
    assert backwards.status_code == 422 and "Until" in visible(backwards.text)


# ---- risk areas ------------------------------------------------------------------------------------------------------


def test_the_risk_areas_show_the_demo_building_with_its_clock_and_filter(client: TestClient) -> None:
    login(client, "viewer")
    page = client.get("/risk-areas", params={"level": "high", "lang": "zh"})
    assert page.status_code == 200
    row = page.text.split('data-area="110199001001007"')[1].split("</tr>")[0]
    text = visible(row)
    assert "7号楼" in text and "高风险" in text and "2022-11-15" in text
    assert "1 / 5 天" in text  # the 16th is its first clean day of five (m20.4)
    assert "2022-11-21" in text and "低风险" in text and "m20.4" in text and "如无新增感染者" in text
    assert re.search(r'href="/risk-areas/\d+"', row)
    assert "residence" not in visible(page.text)
    # the filters: none at medium risk, none ended; the county keeps it
    assert text_of(client.get("/risk-areas", params={"level": "medium"}).text, "total") == "共 0 个风险区"
    assert text_of(client.get("/risk-areas", params={"status": "ended"}).text, "total") == "共 0 个风险区"
    county = client.get("/risk-areas", params={"county": COUNTY, "status": "active", "lang": "en"})
    assert text_of(county.text, "total") == "1 found" and "1 of 5 days" in visible(county.text)
    bad = client.get("/risk-areas", params={"level": "purple", "lang": "en"})
    assert bad.status_code == 422 and "Level" in visible(bad.text)
    login(client, "lab")
    assert client.get("/risk-areas").status_code == 403


# ---- the lab's imports -----------------------------------------------------------------------------------------------


def test_a_lab_sees_its_own_imports_accepted_and_refused_and_not_another_lab_s(
    fresh: tuple[str, dict[str, int]],
) -> None:
    url, _ = fresh
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        create_user(
            session, None, username="lab2", password=DEMO_PASSWORD, role="lab", jurisdiction_code=COUNTY, demo=True
        )
        documents = list(session.scalars(select(Person.document_number).order_by(Person.id).limit(2)))
    engine.dispose()
    header = "barcode,pool_size,sampling_point,collected_at,members\n"
    mine = header + f"LAB1-1,1,示范区 3号采样点,2022-11-16T07:30:00+08:00,{documents[0]}\n"
    theirs = header + f"LAB2-1,1,示范区 4号采样点,2022-11-16T07:40:00+08:00,{documents[1]}\n"
    unknown = "barcode,lab,reported_at,ct_orf1ab,ct_n\nNO-SUCH-TUBE,示范区疾控实验室,2022-11-16T08:30:00+08:00,,\n"
    with console(url) as client:
        login(client, "lab")
        sent = client.post("/forms/results", data={"kind": "samples"}, files={"file": ("lab1-0916.csv", mine)})
        assert sent.status_code == 200, sent.text
        refused = client.post("/forms/results", data={"kind": "results"}, files={"file": ("bad-tube.csv", unknown)})
        assert refused.status_code == 422
        login(client, "lab2")
        assert client.post("/forms/results", data={"kind": "samples"}, files={"file": ("lab2.csv", theirs)}).is_success

        login(client, "lab")
        page = client.get("/lab/imports", params={"lang": "zh"})
        assert page.status_code == 200
        text = visible(page.text)
        assert "lab1-0916.csv" in text and "lab2.csv" not in text
        # newest first: the refused file, with its row and reason; then the accepted one
        rows = re.findall(r'<tr data-outcome="(\w+)">', page.text)
        assert rows[:2] == ["refused", "accepted"]
        refusal = visible(page.text.split('data-outcome="refused"')[1].split("</tr>")[0])
        assert "bad-tube.csv" in refusal and "被拒绝" in refusal and "第 1 行" in refusal and "样本条码" in refusal
        # the demo's 15 Nov results: the infection found and the pool's members held
        demo = visible(page.text.split("demo-results-15.csv")[1].split("</tr>")[0])
        assert "发现感染者" in demo and "临时管控人员" in demo and "混管阳性" in demo
        assert "pool_positive" not in text and "retests_ordered" not in text
        accepted = client.get("/lab/imports", params={"outcome": "accepted", "kind": "samples", "lang": "en"})
        assert "lab1-0916.csv" in accepted.text and "bad-tube.csv" not in accepted.text
        assert "1 rows, 1 new" in visible(accepted.text)

        login(client, "lab2")
        assert "lab1-0916.csv" not in client.get("/lab/imports").text
        login(client, "command")
        everyone = visible(client.get("/lab/imports").text)
        assert "lab1-0916.csv" in everyone and "lab2.csv" in everyone and "bad-tube.csv" in everyone
        login(client, "worker1")
        assert client.get("/lab/imports").status_code == 403
