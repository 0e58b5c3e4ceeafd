"""Retention and the person's rights in the console (issue 17, PIPL art. 45 and 47): the administrator's retention
page shows the period in force with its clause and today's dry run (the service's own counts, the reasons kept in
words), its form runs the job and says how many were anonymised, each audited; a role that may not run it has no
menu entry and is refused the page and the form; and the person page downloads everything held about the person as
JSON, audited as the API's export is, refusing a form without a reason."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from fangkong.policy import load_policy
from fangkong.services.access import SYSTEM
from fangkong.services.audit.models import AuditEntry
from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.orders.schemas import OrderChange
from fangkong.services.orders.service import cancel
from fangkong.services.persons.models import Person
from fangkong.services.retention.service import KEPT_REASONS, RetentionRun, run_retention
from fangkong.services.store import events_dated_by, make_engine, session_factory, unit_of_work
from fangkong.services.users.models import User
from fangkong.services.users.service import actor_for_user
from fangkong.web.app import create_console
from tests.api.helpers import Clock
from tests.web.helpers import DRILL_DAY, ConsoleClient, add_admin, demo_store, login, login_as_admin
from tests.web.test_every_page_in_words import SNAKE, visible

REASON_IDS = KEPT_REASONS


@dataclass(frozen=True)
class Store:
    url: str
    person_id: int  # whose only order was cancelled on the drill day
    due_on: date  # the first day their data has expired


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The demo county with an administrator, and one person whose only order was cancelled on the drill day: due
    for anonymisation 30 days (privacy.retention_days) after the later of the cancellation and the planned release
    (the job never anonymises early)."""
    url = demo_store(tmp_path_factory.mktemp("retention"), persons=10)
    add_admin(url)
    with unit_of_work(session_factory(make_engine(url))) as session:
        order = session.scalars(select(ManagementOrder).order_by(ManagementOrder.id)).first()
        assert order is not None and order.status == OrderStatus.active
        assert (
            session.scalar(
                select(func.count()).select_from(ManagementOrder).where(ManagementOrder.person_id == order.person_id)
            )
            == 1
        )
        with events_dated_by(Clock(DRILL_DAY)):
            change = OrderChange(row_version=order.row_version, on=DRILL_DAY, reason="placed in error")
            cancel(session, SYSTEM, order.id, change, today=DRILL_DAY)
        return Store(url, order.person_id, max(order.released_on, DRILL_DAY) + timedelta(days=30))


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock(DRILL_DAY)


@pytest.fixture
def client(store: Store, clock: Clock) -> Iterator[ConsoleClient]:
    clock.today = DRILL_DAY
    app = create_console(store.url, clock=clock)
    with ConsoleClient(app, follow_redirects=False) as c:
        yield c
    app.state.engine.dispose()


def as_admin(client: ConsoleClient) -> None:
    login_as_admin(client, "/retention")


def dry_run(url: str, on: date) -> RetentionRun:
    """The service's own dry run, as the administrator, on `on`."""
    with unit_of_work(session_factory(make_engine(url))) as session:
        admin = session.scalar(select(User).where(User.username == "admin"))
        assert admin is not None
        return run_retention(session, actor_for_user(session, admin), load_policy(), today=on, dry_run=True)


def entries(url: str, action: str, entity: str = "person") -> list[tuple[str, str, str | None]]:
    with unit_of_work(session_factory(make_engine(url))) as session:
        rows = session.execute(
            select(AuditEntry.actor, AuditEntry.entity_id, AuditEntry.reason)
            .where(AuditEntry.action == action, AuditEntry.entity == entity)
            .order_by(AuditEntry.id)
        )
        return [(a, e, r) for a, e, r in rows]


def person(url: str, person_id: int) -> Person:
    with unit_of_work(session_factory(make_engine(url))) as session:
        found = session.get(Person, person_id)
        assert found is not None
        session.expunge(found)
        return found


def text_of(html: str, id_: str) -> str:
    found = re.search(rf'id="{id_}"[^>]*>(.*?)</(?:p|dd|tr|table)>', html, re.S)
    assert found, id_
    return re.sub(r"<[^>]+>", "", found.group(1))


# ---- the retention page -------------------------------------------------------------------------------------------


def test_the_administrator_sees_the_period_and_its_clause_in_both_languages(client: ConsoleClient) -> None:
    as_admin(client)
    for lang, words in (
        ("zh", ("个人信息保留与匿名化", "管控结束后 30 天", "个人信息保护法", "今天将匿名化", "立即执行匿名化")),
        ("en", ("Retention and anonymisation", "30 days after management ends", "Personal Information Protection")),
    ):
        r = client.get(f"/retention?lang={lang}")
        assert r.status_code == 200, r.text
        assert all(w in r.text for w in words), lang
        assert '<code id="period-clause">pipl.47</code>' in r.text
        assert 'href="/retention"' in r.text  # in the menu
        shown = visible(r.text)
        assert not SNAKE.findall(shown), (lang, SNAKE.findall(shown))
        assert not [reason for reason in REASON_IDS if re.search(rf"\b{reason}\b", shown)]
        assert 'action="/retention/run"' in r.text and 'name="csrf_token"' in r.text.split('id="run-retention"')[1]


def test_the_preview_is_the_service_s_dry_run_and_changes_nothing(
    client: ConsoleClient, store: Store, clock: Clock
) -> None:
    url, due_id = store.url, store.person_id
    as_admin(client)
    for day in (DRILL_DAY, store.due_on - timedelta(days=1), store.due_on):
        clock.today = day
        expected = dry_run(url, day)
        r = client.get("/retention?lang=en")
        assert r.status_code == 200, r.text
        assert text_of(r.text, "due") == f"People who would be anonymised today: {expected.anonymised}"
        assert f"people whose management ended on or before {expected.cutoff}" in r.text
        shown = {
            reason: int(n)
            for reason, n in re.findall(r'<tr id="kept-([a-z_]+)">.*?<td[^>]*>.*?</td><td[^>]*>(\d+)</td>', r.text)
        }
        assert shown == expected.kept, day
        zh = client.get("/retention?lang=zh")
        assert f"今天将匿名化 {expected.anonymised} 人" in zh.text
        assert ("仍在管控中" in zh.text) == ("open_order" in expected.kept)
    assert dry_run(url, store.due_on - timedelta(days=1)).anonymised == 0  # not a day early
    assert dry_run(url, store.due_on - timedelta(days=1)).kept.get("within_period") == 1
    assert dry_run(url, store.due_on).anonymised == 1
    assert entries(url, "anonymise") == []
    assert person(url, due_id).anonymised_on is None


@pytest.mark.parametrize("who", ["command", "epi", "supervisor", "worker1", "viewer"])
def test_a_role_that_may_not_run_the_job_has_no_entry_and_is_refused(
    client: ConsoleClient, store: Store, clock: Clock, who: str
) -> None:
    url, due_id = store.url, store.person_id
    clock.today = store.due_on
    login(client, who)
    home = client.get("/", follow_redirects=True)
    assert home.status_code == 200 and 'href="/retention"' not in home.text
    assert client.get("/retention").status_code == 403
    run = client.post("/retention/run?lang=zh")
    assert run.status_code == 403 and "已匿名化" not in run.text
    assert entries(url, "anonymise") == []
    assert person(url, due_id).anonymised_on is None


def test_the_form_runs_the_job_and_each_person_anonymised_is_audited(
    client: ConsoleClient, store: Store, clock: Clock
) -> None:
    url, due_id = store.url, store.person_id
    before = person(url, due_id)
    clock.today = store.due_on
    as_admin(client)
    assert dry_run(url, store.due_on).anonymised == 1
    r = client.post("/retention/run?lang=en")
    assert r.status_code == 200, r.text
    assert text_of(r.text, "retention-done") == f"People anonymised: 1 ({store.due_on})."
    assert text_of(r.text, "due") == "People who would be anonymised today: 0"  # the fresh dry run after it
    assert not SNAKE.findall(visible(r.text))
    gone = person(url, due_id)
    assert gone.anonymised_on == store.due_on
    assert gone.name != before.name and gone.document_number != before.document_number and gone.phone is None
    assert [(a, e) for a, e, _ in entries(url, "anonymise")] == [("admin", str(due_id))]
    again = client.post("/retention/run?lang=zh")  # idempotent: nobody twice
    assert again.status_code == 200 and "已匿名化 0 人" in again.text
    assert len(entries(url, "anonymise")) == 1


def test_the_run_needs_the_form_s_token(client: ConsoleClient, store: Store, clock: Clock) -> None:
    clock.today = store.due_on
    as_admin(client)
    before = entries(store.url, "anonymise")
    r = client.post_without_token("/retention/run", data={})
    assert r.status_code == 403
    assert entries(store.url, "anonymise") == before


# ---- the person page: everything held about the person ------------------------------------------------------------


def managed(url: str) -> Person:
    """A person still under an order (not the one the job anonymises)."""
    with unit_of_work(session_factory(make_engine(url))) as session:
        pid = session.scalar(
            select(ManagementOrder.person_id)
            .where(ManagementOrder.status == OrderStatus.active)
            .order_by(ManagementOrder.id)
        )
        assert pid is not None
        found = session.get(Person, pid)
        assert found is not None
        session.expunge(found)
        return found


def test_the_person_page_downloads_everything_held_and_the_export_is_audited(
    client: ConsoleClient, store: Store
) -> None:
    url = store.url
    who = managed(url)
    login(client, "epi")
    page = client.get(f"/persons/{who.id}?lang=zh")
    assert page.status_code == 200
    assert f'action="/persons/{who.id}/export"' in page.text and "下载全部信息" in page.text
    before = entries(url, "exported")
    r = client.post(f"/persons/{who.id}/export", data={"reason": "the person asked"})
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["content-disposition"] == f'attachment; filename="person-{who.id}.json"'
    assert r.headers["cache-control"] == "no-store"
    export = json.loads(r.content)
    assert export["person"]["id"] == who.id and export["person"]["name"] == who.name
    assert export["person"]["document_number"] == who.document_number  # unmasked: the person's own copy
    assert [o["person_id"] for o in export["orders"]] and {o["person_id"] for o in export["orders"]} == {who.id}
    assert "audit" in export and "health_code" in export
    assert entries(url, "exported")[len(before) :] == [("epi", str(who.id), "the person asked")]


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_export_without_a_reason_is_refused_naming_the_field(
    client: ConsoleClient, store: Store, reason: str
) -> None:
    url = store.url
    who = managed(url)
    login(client, "worker1" if who.jurisdiction_code == "110199001001" else "epi")
    before = entries(url, "exported")
    zh = client.post(f"/persons/{who.id}/export?lang=zh", data={"reason": reason})
    assert zh.status_code == 422
    assert zh.headers["content-type"].startswith("text/html")
    assert 'data-field="reason"' in zh.text and "请说明导出理由" in zh.text and "say why" not in zh.text
    en = client.post(f"/persons/{who.id}/export?lang=en", data={"reason": reason})
    assert en.status_code == 422 and 'data-field="reason"' in en.text and "say why the copy is made" in en.text
    assert not SNAKE.findall(visible(en.text))
    assert entries(url, "exported") == before  # nothing exported


@pytest.mark.parametrize("who", ["viewer", "supervisor"])
def test_staff_who_may_not_see_identifiers_have_no_export(client: ConsoleClient, store: Store, who: str) -> None:
    url = store.url
    person_id = managed(url).id
    login(client, who)
    page = client.get(f"/persons/{person_id}")
    assert page.status_code == 200 and "/export" not in page.text
    before = entries(url, "exported")
    r = client.post(f"/persons/{person_id}/export", data={"reason": "curious"})
    assert r.status_code == 403 and "application/json" not in r.headers["content-type"]
    assert entries(url, "exported") == before


def test_an_export_outside_the_jurisdiction_is_not_found(client: ConsoleClient, store: Store) -> None:
    url = store.url
    with unit_of_work(session_factory(make_engine(url))) as session:
        outsider = session.scalar(
            select(Person.id).where(Person.jurisdiction_code != "110199001001").order_by(Person.id)
        )
    assert outsider is not None
    login(client, "worker1")
    before = entries(url, "exported")
    r = client.post(f"/persons/{outsider}/export", data={"reason": "the person asked"})
    assert r.status_code == 404
    assert entries(url, "exported") == before
