"""Lists that work like lists (issue 16): the management orders and the audit log in the console, filtered, sorted
and paged on the server; the orders exported as CSV and XLSX with the filters shown; many orders released at once,
all or none; the log for a supervisor only; and a list's filters kept through a login. Through HTTP on the demo
county (16 Nov 2022)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import select

from fangkong.services.audit.models import AuditEntry
from fangkong.services.demo import DEMO_PASSWORD
from fangkong.services.orders.models import ManagementOrder
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.users.models import User
from fangkong.services.users.service import create_user
from tests.web.helpers import DRILL_DAY, console, demo_store, login

ROW = re.compile(r'<tr id="order-(\d+)">.*?<a href="/persons/\d+">([^<]+)</a>.*?</tr>', re.S)
AUDIT_ROW = re.compile(r"<tr>\s*<td data-label=\"[^\"]*\"><time[^>]*>([^<]+)</time></td>\s*<td[^>]*>([^<]+)</td>")


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("lists"))


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        yield c


def names(html: str) -> list[str]:
    """The people listed, in the order shown."""
    return [name for _, name in ROW.findall(html)]


def order_ids(html: str) -> list[int]:
    return [int(i) for i, _ in ROW.findall(html)]


def orders_where(url: str, **equal: object) -> list[tuple[int, str, str, date, date, str]]:
    """(id, name, category, start, end, jurisdiction) of the orders with these column values, straight from the
    store."""
    with unit_of_work(session_factory(make_engine(url))) as session:
        stmt = select(
            ManagementOrder.id,
            Person.name,
            ManagementOrder.category,
            ManagementOrder.start,
            ManagementOrder.released_on,
            ManagementOrder.jurisdiction_code,
        ).join(Person, Person.id == ManagementOrder.person_id)
        for column, value in equal.items():
            stmt = stmt.where(getattr(ManagementOrder, column) == value)
        return [tuple(row) for row in session.execute(stmt)]  # type: ignore[misc]


# ---- the orders: filters, sorting, paging ---------------------------------------------------------------------


def test_filters_keep_only_the_orders_asked_for(client: TestClient, url: str) -> None:
    login(client, "epi")
    everyone = orders_where(url)
    workers = orders_where(url, category="high_risk_post_worker")
    assert 0 < len(workers) < len(everyone)
    page = client.get("/orders", params={"category": "high_risk_post_worker", "lang": "en"}).text
    assert sorted(names(page)) == sorted(w[1] for w in workers)
    assert page.count("High-risk post worker</td>") == len(workers)
    assert f"1–{len(workers)} of {len(workers)}" in page

    someone = everyone[0][1]
    found = names(client.get("/orders", params={"q": someone[:2]}).text)
    assert someone in found and all(someone[:2] in n for n in found)

    late = [o for o in everyone if o[3] >= date(2022, 11, 15)]
    shown = names(client.get("/orders", params={"start_from": "2022-11-15", "start_to": "2022-11-16"}).text)
    assert sorted(shown) == sorted(o[1] for o in late) and len(shown) < len(everyone)

    community = "110199002002"
    there = [o for o in everyone if o[5] == community]
    shown = names(client.get("/orders", params={"jurisdiction_code": community}).text)
    assert sorted(shown) == sorted(o[1] for o in there)

    assert names(client.get("/orders", params={"status": "released"}).text) == []
    assert "Nothing matches" in client.get("/orders", params={"status": "released", "lang": "en"}).text


def test_sorting_orders_the_rows_by_the_column_chosen(client: TestClient, url: str) -> None:
    login(client, "epi")
    by_name = names(client.get("/orders", params={"sort": "name"}).text)
    assert by_name == sorted(by_name) and len(set(by_name)) > 10
    reverse = names(client.get("/orders", params={"sort": "-name"}).text)
    assert reverse[:5] == sorted((o[1] for o in orders_where(url)), reverse=True)[:5]

    ends = {o[0]: o[4] for o in orders_where(url)}
    page = client.get("/orders", params={"sort": "end", "lang": "en"}).text
    days = [ends[i] for i in order_ids(page)]
    assert days == sorted(days) and days[0] < days[-1]
    # the header says how the list is sorted, and its link turns the order round
    head = re.search(r'<th scope="col" aria-sort="ascending">\s*<a href="([^"]+)" id="sort-end"', page)
    assert head is not None and "sort=-end" in head.group(1)
    assert 'aria-sort="none"' in page


def test_pages_of_fifty_keep_the_filters_and_cover_every_order(client: TestClient, url: str) -> None:
    login(client, "epi")
    everyone = orders_where(url)
    assert len(everyone) > 50
    first = client.get("/orders", params={"sort": "name", "lang": "en"}).text
    assert f"1–50 of {len(everyone)}" in first and len(order_ids(first)) == 50
    assert 'id="previous"' not in first
    more = re.search(r'href="([^"]+)" id="next"', first)
    assert more is not None
    query = parse_qs(urlsplit(more.group(1).replace("&amp;", "&")).query)
    assert query == {"sort": ["name"], "offset": ["50"]}
    second = client.get(more.group(1).replace("&amp;", "&") + "&lang=en").text
    assert f"51–{len(everyone)} of {len(everyone)}" in second and 'id="next"' not in second
    assert 'id="previous"' in second
    assert names(first) + names(second) == sorted(o[1] for o in everyone)
    assert set(order_ids(first)) | set(order_ids(second)) == {o[0] for o in everyone}


def test_bad_filters_are_refused_naming_the_field(client: TestClient) -> None:
    login(client, "epi")
    r = client.get("/orders", params={"start_from": "yesterday", "lang": "en"})
    assert r.status_code == 422 and 'id="problem"' in r.text and "start_from" in r.text.split('id="problem"')[1]
    r = client.get("/orders", params={"sort": "salary"})
    assert r.status_code == 422 and "salary" in r.text and order_ids(r.text) == []


def test_a_community_worker_sees_only_their_community_s_orders(client: TestClient, url: str) -> None:
    login(client, "worker1")
    mine = orders_where(url, jurisdiction_code="110199001001")
    page = client.get("/orders", params={"lang": "en"}).text
    assert sorted(names(page)) == sorted(o[1] for o in mine)
    assert f"of {len(mine)}" in page and "Community 1-2" not in page and "Community 2-1" not in page
    other = client.get("/orders", params={"jurisdiction_code": "110199002001"})
    assert other.status_code == 404 and order_ids(other.text) == []
    csv_text = client.get("/orders.csv", params={"lang": "en"}).text
    assert sorted(r[0] for r in list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))[1:]) == sorted(
        o[1] for o in mine
    )


# ---- the orders: export -------------------------------------------------------------------------------------


def test_the_filtered_orders_export_as_csv_and_xlsx(client: TestClient, url: str) -> None:
    login(client, "epi")
    wanted = sorted(o[1] for o in orders_where(url, category="entry_personnel"))
    page = client.get("/orders", params={"category": "entry_personnel"}).text
    link = re.search(r'href="([^"]+)" id="export-csv"', page)
    assert link is not None and "category=entry_personnel" in link.group(1)

    r = client.get(link.group(1).replace("&amp;", "&") + "&lang=en")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Name", "Category", "Status"]
    assert sorted(row[0] for row in rows[1:]) == wanted
    assert {row[1] for row in rows[1:]} == {"Entry personnel"}

    x = client.get("/orders.xlsx", params={"category": "entry_personnel", "lang": "zh"})
    assert x.status_code == 200
    sheet = load_workbook(io.BytesIO(x.content)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][0] == "姓名" and sorted(row[0] for row in cells[1:]) == wanted
    assert {row[1] for row in cells[1:]} == {"入境人员"}

    with unit_of_work(session_factory(make_engine(url))) as session:
        exports = list(
            session.scalars(select(AuditEntry).where(AuditEntry.action == "exported", AuditEntry.entity == "orders"))
        )
    mine = [e for e in exports if e.detail["filters"].get("category") == "entry_personnel"]
    assert sorted(e.detail["format"] for e in mine) == ["csv", "xlsx"]
    assert all(e.actor == "epi" and e.detail["rows"] == len(wanted) for e in mine)


# ---- the orders: releasing many at once -----------------------------------------------------------------------


@pytest.fixture
def ended(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[int], int]:
    """A fresh store where three active orders' plans have ended by the drill day (one ends on it, as the demo's
    does; two are moved back a day or two), and an order whose plan still runs."""
    url = demo_store(tmp_path_factory.mktemp("release"))
    with unit_of_work(session_factory(make_engine(url))) as session:
        active = list(session.scalars(select(ManagementOrder).order_by(ManagementOrder.id)))
        due = [o for o in active if o.released_on <= DRILL_DAY]
        running = [o for o in active if o.released_on > DRILL_DAY and o.category != "mild_infection"]
        for o, back in zip(running[:2], (1, 2), strict=True):
            o.released_on = date(2022, 11, 16 - back)
        session.flush()
        return url, sorted([o.id for o in due] + [o.id for o in running[:2]]), running[2].id


def ticks(html: str) -> dict[int, str]:
    return {int(i): v for v, i in re.findall(r'name="release" value="(\d+:\d+)" id="release-(\d+)"', html)}


def statuses(url: str, ids: list[int]) -> set[str]:
    with unit_of_work(session_factory(make_engine(url))) as session:
        return {o.status for o in session.scalars(select(ManagementOrder).where(ManagementOrder.id.in_(ids)))}


def test_the_ended_plans_are_released_at_once_and_leave_the_list(ended: tuple[str, list[int], int]) -> None:
    url, due, _ = ended
    with console(url) as client:
        login(client, "epi")
        page = client.get("/orders", params={"due": "yes", "sort": "name", "lang": "en"}).text
        assert sorted(order_ids(page)) == due and sorted(ticks(page)) == due
        back = re.search(r'name="back" value="([^"]+)"', page)
        assert back is not None
        r = client.post(
            "/orders/release", data={"release": list(ticks(page).values()), "back": back.group(1).replace("&amp;", "&")}
        )
        assert r.status_code == 303, r.text
        assert parse_qs(urlsplit(r.headers["location"]).query) == {"due": ["yes"], "sort": ["name"], "released": ["3"]}
        after = client.get(r.headers["location"] + "&lang=en").text
        assert "3 released" in after and order_ids(after) == []
        assert statuses(url, due) == {"released"}
        released = client.get("/orders", params={"status": "released"}).text
        assert sorted(order_ids(released)) == due


def test_one_order_that_may_not_be_released_stops_the_whole_batch(ended: tuple[str, list[int], int]) -> None:
    url, due, still_running = ended
    with console(url) as client:
        login(client, "epi")
        page = client.get("/orders", params={"due": "yes"}).text
        (running_name,) = [o[1] for o in orders_where(url, id=still_running)]
        with unit_of_work(session_factory(make_engine(url))) as session:
            running = session.get(ManagementOrder, still_running)
            assert running is not None
            current = f"{still_running}:{running.row_version}"  # read as the list would: only its dates refuse it
        # the good lines go first: they are done, then undone when the last is refused
        r = client.post(
            "/orders/release?lang=en", data={"release": [*ticks(page).values(), current], "back": "due=yes"}
        )
        assert r.status_code == 422
        problem = r.text.split('id="problem"')[1].split("</p>")[0]
        assert running_name in problem and "plan runs until" in problem
        assert statuses(url, due) == {"active"}  # the eligible ones were not released either
        assert sorted(order_ids(r.text)) == due  # the list is shown again as it was, filters kept


def test_a_viewer_sees_no_release_form_and_may_not_post_one(ended: tuple[str, list[int], int]) -> None:
    url, due, _ = ended
    with console(url) as client:
        login(client, "viewer")
        page = client.get("/orders", params={"due": "yes"}).text
        assert sorted(order_ids(page)) == due  # the same rows ...
        assert 'id="release-form"' not in page and 'name="release"' not in page  # ... and nothing to tick
        r = client.post("/orders/release", data={"release": [f"{due[0]}:1"], "back": "due=yes"})
        assert r.status_code == 403
        assert statuses(url, due) == {"active"}


# ---- the audit log ------------------------------------------------------------------------------------------


def audit_rows(html: str) -> list[tuple[str, str]]:
    """(when, who) of each entry shown, in order."""
    return AUDIT_ROW.findall(html)


def test_a_supervisor_reads_the_audit_log_filtered_and_sorted(client: TestClient) -> None:
    login(client, "viewer")
    client.get("/orders", params={"category": "close_contact"})  # the viewer's listing is logged
    login(client, "supervisor")
    page = client.get("/audit", params={"lang": "en"})
    assert page.status_code == 200 and len(audit_rows(page.text)) == 50 and 'id="next"' in page.text

    viewer = client.get("/audit", params={"user": "viewer", "lang": "en"}).text
    rows = audit_rows(viewer)
    assert rows and {who for _, who in rows} == {"viewer"}
    assert "Read only" in viewer and "listed" in viewer and "Person ·" in viewer

    created = client.get("/audit", params={"action": "create", "entity": "risk_area", "lang": "en"}).text
    assert [who for _, who in audit_rows(created)] == ["command"] and "Risk area · " in created

    # the console's entries are on the drill day; the demo's were written by the machine's clock
    drill = audit_rows(client.get("/audit", params={"date_from": "2022-11-16", "date_to": "2022-11-16"}).text)
    assert drill and all(when.startswith("2022-11-16") for when, _ in drill)
    assert not any(when.startswith("2022-11-16") for when, _ in audit_rows(page.text))

    newest = [when for when, _ in audit_rows(page.text)]
    oldest = [when for when, _ in audit_rows(client.get("/audit", params={"sort": "at"}).text)]
    assert oldest == sorted(oldest) and newest == sorted(newest, reverse=True) and oldest[0] < newest[0]

    bad = client.get("/audit", params={"date_to": "soon", "lang": "en"})
    assert bad.status_code == 422 and "date_to" in bad.text.split('id="problem"')[1]


def test_the_audit_log_exports_as_csv_and_the_export_is_logged(client: TestClient) -> None:
    login(client, "supervisor")
    r = client.get("/audit.csv", params={"action": "create", "entity": "risk_area", "lang": "en"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert rows[0] == ["When", "User", "Role", "Action", "Kind of record", "Record"]
    assert [row[1:5] for row in rows[1:]] == [["command", "Command centre", "created", "Risk area"]]
    logged = client.get("/audit", params={"action": "exported", "entity": "audit_log", "lang": "en"}).text
    assert [who for _, who in audit_rows(logged)][:1] == ["supervisor"]


def test_a_community_supervisor_sees_only_their_community_s_entries(url: str) -> None:
    with unit_of_work(session_factory(make_engine(url))) as session:
        if session.scalar(select(User).where(User.username == "supervisor21")) is None:
            create_user(
                session,
                None,
                username="supervisor21",
                password=DEMO_PASSWORD,
                role="supervisor",
                jurisdiction_code="110199002001",
                demo=True,
            )
        theirs = {
            str(i) for (i,) in session.execute(select(Person.id).where(Person.jurisdiction_code == "110199002001"))
        }
    with console(url) as client:
        login(client, "worker1")
        client.get("/orders")  # worker1 (community 1-1) lists their people: not the 2-1 supervisor's business
        login(client, "supervisor21")
        page = client.get("/audit", params={"entity": "person", "lang": "en"}).text
        shown = re.findall(r'<a href="/persons/(\d+)">', page)
        assert shown and set(shown) <= theirs  # what was done to the community's people, by the system or staff
        assert audit_rows(client.get("/audit", params={"user": "worker1"}).text) == []
        login(client, "supervisor")
        assert {who for _, who in audit_rows(client.get("/audit", params={"user": "worker1"}).text)} == {"worker1"}


@pytest.mark.parametrize("username", ["worker1", "viewer", "epi"])
def test_only_a_role_that_reads_the_audit_log_sees_it(client: TestClient, username: str) -> None:
    login(client, username)
    r = client.get("/audit", params={"lang": "en"})
    assert r.status_code == 403 and "Not permitted" in r.text and audit_rows(r.text) == []
    assert 'href="/audit"' not in r.text  # nor is it in their menu
    assert client.get("/audit.csv").status_code == 403


# ---- a login keeps the list's filters ------------------------------------------------------------------------


def test_the_filters_survive_a_login(client: TestClient, url: str) -> None:
    client.cookies.clear()
    r = client.get("/orders?status=active&category=close_contact")
    assert r.status_code == 303
    form = client.get(r.headers["location"]).text
    carried = re.search(r'name="next" value="([^"]+)"', form)
    assert carried is not None
    nxt = carried.group(1).replace("&amp;", "&")
    assert nxt == "/orders?status=active&category=close_contact"
    done = client.post("/login", data={"username": "epi", "password": DEMO_PASSWORD, "next": nxt})
    assert done.status_code == 303 and done.headers["location"] == nxt
    page = client.get(done.headers["location"]).text
    assert '<option value="close_contact" selected>' in page and '<option value="active" selected>' in page
    assert sorted(names(page)) == sorted(o[1] for o in orders_where(url, category="close_contact", status="active"))
    # an address off the site is never followed
    away = client.post("/login", data={"username": "epi", "password": DEMO_PASSWORD, "next": "/\\evil.example"})
    assert away.headers["location"] == "/"
