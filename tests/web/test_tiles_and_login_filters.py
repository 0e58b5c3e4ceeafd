"""Two promises of the lists (issue 16): a list's filters survive a login (a logged-out user opening a filtered
list lands back on it, filters and all, once logged in), and each tile of the dashboard links to the list behind it,
which shows the same number. On the demo county (16 Nov 2022)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from fangkong.services.demo import DEMO_PASSWORD
from tests.web.helpers import console, demo_store, login


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("tiles"))


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        yield c


def same(a: str, b: str) -> bool:
    """The same list: its path and its filters (however the address spells them)."""
    return urlsplit(a).path == urlsplit(b).path and parse_qs(urlsplit(a).query) == parse_qs(urlsplit(b).query)


@pytest.mark.parametrize(
    "address",
    [
        "/persons?q=王&category=close_contact&sort=-name",
        "/orders?status=active&category=close_contact&sort=name&offset=0",
        "/worklists?where=home_visit&sort=-name&limit=5",
        "/infections?found_in=community&sort=sampled_on",
    ],
)
def test_a_list_s_filters_survive_the_login(client: TestClient, address: str) -> None:
    client.cookies.clear()
    r = client.get(address)
    assert r.status_code == 303
    login_at = r.headers["location"]
    assert urlsplit(login_at).path == "/login" and same(parse_qs(urlsplit(login_at).query)["next"][0], address)
    form = client.get(login_at).text
    found = re.search(r'name="next" value="([^"]*)"', form)
    assert found is not None and same(html.unescape(found.group(1)), address)  # carried by the form
    r = client.post(
        "/login", data={"username": "command", "password": DEMO_PASSWORD, "next": html.unescape(found.group(1))}
    )
    assert r.status_code == 303 and same(r.headers["location"], address)
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    query = parse_qs(urlsplit(address).query)
    if "q" in query:
        assert f'name="q" value="{query["q"][0]}"' in page.text  # the search is still in its box
    if "category" in query:
        assert f'value="{query["category"][0]}" selected' in page.text


def tiles(page: str) -> dict[str, tuple[str, str]]:
    """Each tile: its id -> (its link, its number)."""
    found = re.findall(r'<a class="tile[^"]*" href="([^"]+)" id="tile-([\w-]+)"><b[^>]*>([^<]+)</b>', page)
    return {name: (html.unescape(link), number.strip()) for link, name, number in found}


def total_of(page: str) -> int:
    """The total a list says: "1–25 of 31" (the pager) or "31 found"."""
    ranged = re.search(r'id="range">[^<]*? of ([\d,]+)', page)
    if ranged:
        return int(ranged.group(1).replace(",", ""))
    found = re.search(r'id="total">\s*([\d,]+)', page)
    assert found is not None
    return int(found.group(1).replace(",", ""))


def count_of(page: str, section: str) -> int:
    found = re.search(rf'id="count-{section}">(\d+)<', page)
    assert found is not None, section
    return int(found.group(1))


def test_each_dashboard_tile_links_to_the_list_that_shows_its_number(client: TestClient) -> None:
    login(client, "command")
    shown = tiles(client.get("/?lang=en").text)
    assert set(shown) == {
        "managed",
        "tests-due",
        "releases",
        "phase-changes",
        "overdue",
        "retests",
        "new-cases",
        "high-risk-areas",
    }
    for name, (link, number) in shown.items():
        page = client.get(link.split("#")[0]).text  # in English: the dashboard set the language
        if name == "tests-due":
            assert int(number.split("/")[1]) == count_of(page, "tests_due"), name
        elif link.startswith("/worklists#"):
            assert int(number) == count_of(page, link.split("#")[1]), name
        else:
            assert int(number) == total_of(page), (name, link)
    assert int(shown["managed"][1]) > 0 and int(shown["high-risk-areas"][1]) == 1
