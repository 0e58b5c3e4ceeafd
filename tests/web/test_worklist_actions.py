"""Work done from the console's work list (issue 16): marking samples taken — one or many, from the tests due and the
tests owed, all or nothing — and releasing a person whose plan ends today. Through HTTP on the demo county (16 Nov
2022); the phone layout and the walk in a browser are the Playwright suite's."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fangkong.services.orders.models import ManagementOrder, Sampling
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.web.helpers import console, demo_store, login


@pytest.fixture
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("worklist"))


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        yield c


def ticks(html: str, prefix: str) -> list[str]:
    """The values of the checkboxes of one list (`due-…` tests due, `owed-…` tests owed)."""
    return re.findall(rf'name="sample" value="([0-9]+:[0-9-]+)" id="{prefix}-', html)


def samplings(url: str) -> int:
    with unit_of_work(session_factory(make_engine(url))) as session:
        return int(session.scalar(select(func.count()).select_from(Sampling)) or 0)


def test_a_worker_marks_many_samples_at_once_and_they_leave_the_lists(client: TestClient, url: str) -> None:
    login(client, "epi")
    page = client.get("/worklists?lang=en").text
    due, owed = ticks(page, "due"), ticks(page, "owed")
    assert len(due) >= 5 and len(owed) >= 5
    before = samplings(url)
    r = client.post("/worklists/sampled", data={"sample": due[:3] + owed[:2], "on": "2022-11-16"})
    assert r.status_code == 303 and "sampled=5" in r.headers["location"]
    after = client.get(r.headers["location"] + "&lang=en").text
    assert "5 samples recorded" in after
    assert samplings(url) == before + 5
    assert not set(due[:3]) & set(ticks(after, "due"))  # ticked off: sampled, no box left
    assert not set(owed[:2]) & set(ticks(after, "owed"))  # no longer owed
    assert after.count("✓ Sampled") >= 3


def test_a_batch_with_a_refused_line_names_the_person_and_records_nothing(client: TestClient, url: str) -> None:
    login(client, "epi")
    page = client.get("/worklists").text
    due = ticks(page, "due")
    first = client.post("/worklists/sampled", data={"sample": due[:1], "on": "2022-11-16"})
    assert first.status_code == 303
    before = samplings(url)
    again = client.post("/worklists/sampled?lang=en", data={"sample": [due[1], due[0]], "on": "2022-11-16"})
    assert again.status_code == 409
    assert 'id="problem"' in again.text and "is recorded for order" in again.text
    assert samplings(url) == before  # the good line was not kept either
    empty = client.post("/worklists/sampled", data={"on": "2022-11-16"})
    assert empty.status_code == 422 and 'id="problem"' in empty.text


def test_a_viewer_sees_the_lists_without_forms(client: TestClient) -> None:
    login(client, "viewer")
    page = client.get("/worklists").text
    assert "sampled-form" not in page and 'name="sample"' not in page and "/worklists/release" not in page
    r = client.post("/worklists/sampled", data={"sample": ["1:2022-11-16"], "on": "2022-11-16"})
    assert r.status_code == 403


def test_a_plan_that_ends_today_is_released_from_the_list(client: TestClient, url: str) -> None:
    login(client, "epi")
    page = client.get("/worklists").text
    (order_id,) = re.findall(r'id="release-(\d+)"', page)
    version = re.search(
        rf'name="order_id" value="{order_id}">\s*<input type="hidden" name="row_version" value="(\d+)"', page
    )
    assert version is not None
    r = client.post(
        "/worklists/release", data={"order_id": order_id, "row_version": version.group(1), "on": "2022-11-16"}
    )
    assert r.status_code == 303 and "released=" in r.headers["location"]
    with unit_of_work(session_factory(make_engine(url))) as session:
        assert session.get(ManagementOrder, int(order_id)).status == "released"  # type: ignore[union-attr]
    shown = client.get(r.headers["location"]).text
    assert "已解除管理" in shown and f'id="release-{order_id}"' not in shown
    # the same form again: the order changed since it was read
    stale = client.post(
        "/worklists/release", data={"order_id": order_id, "row_version": version.group(1), "on": "2022-11-16"}
    )
    assert stale.status_code == 409 and 'id="problem"' in stale.text


def test_the_lists_speak_the_page_s_language(client: TestClient) -> None:
    login(client, "epi")
    zh = client.get("/worklists?lang=zh").text
    en = client.get("/worklists?lang=en").text
    assert "第 " in zh and "天" in zh and "day " not in zh.split("<main")[1]
    assert re.search(r"day \d+ of (Centralized isolation|Home isolation|Home health monitoring)", en)
    for raw in ("centralized_isolation", "home_isolation", "not recorded"):
        assert raw not in zh.split("<main")[1].replace('value="', ""), raw


def test_an_unknown_address_is_a_page_in_the_reader_s_language(client: TestClient) -> None:
    r = client.get("/no/such/page?lang=en")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "Not found" in r.text and "/no/such/page" in r.text
    r = client.get("/no/such/page?lang=zh")
    assert r.status_code == 404 and "未找到" in r.text
    api = client.get("/api/no-such-thing")
    assert api.status_code == 404 and api.json() == {
        "error": {"field": None, "message": "no such address", "clause": None}
    }
    assert client.get("/favicon.ico").headers["location"] == "/console-static/favicon.svg"
    assert client.get("/console-static/favicon.svg").status_code == 200


@pytest.mark.parametrize("username", ["command", "epi", "worker1", "supervisor", "viewer", "lab"])
def test_no_link_in_a_role_s_navigation_is_refused(client: TestClient, username: str) -> None:
    login(client, username)
    landing = client.get("/", follow_redirects=True).text
    nav = landing.split('<nav id="main-nav"')[1].split("</nav>")[0]
    links = re.findall(r'href="([^"]+)"', nav)
    assert links, nav
    for href in links:
        r = client.get(href, follow_redirects=True)
        assert r.status_code == 200, (username, href, r.status_code)


def test_the_work_list_is_cut_to_a_community_picked_by_name(client: TestClient) -> None:
    login(client, "command")
    page = client.get("/worklists", params={"lang": "en"}).text
    assert '<option value="110199001001" >第1街道第1社区 Community 1-1</option>' in page.replace("  ", " ")
    whole = page.count('name="sample"')
    one = client.get("/worklists", params={"jurisdiction_code": "110199001001", "lang": "en"}).text
    assert 'value="110199001001" selected' in one
    assert 0 < one.count('name="sample"') < whole
