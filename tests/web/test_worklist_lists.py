"""The community worker's day list works like the other lists (issue 16): searched, filtered, sorted and paged on
the server, the column headers linking to the sorts, the filters kept across pages, exports and the actions taken
from the list; a filter the list cannot take is refused naming the field. On the demo county (16 Nov 2022)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from fangkong.policy.terms import Category
from fangkong.web.i18n import MESSAGES
from tests.web.helpers import console, demo_store, login


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("worklist-lists"))


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "epi")
        yield c


def due_names(page: str) -> list[str]:
    """The names on the tests-due list, in the order shown."""
    if 'id="tests-due"' not in page:
        return []
    table = page.split('id="tests-due"', 1)[1].split("</table>", 1)[0]
    return [html.unescape(n) for n in re.findall(r'<a href="/persons/\d+">([^<]+)</a>', table)]


def href(page: str, anchor: str) -> str:
    found = re.search(rf'href="([^"]+)" id="{anchor}"', page)
    assert found is not None, anchor
    return html.unescape(found.group(1))


def test_the_sort_changes_the_order_shown_and_the_headers_link_to_it(client: TestClient) -> None:
    by_name = due_names(client.get("/worklists?sort=name").text)
    assert len(by_name) >= 5 and by_name == sorted(by_name)
    backwards = due_names(client.get("/worklists?sort=-name").text)
    assert backwards == by_name[::-1]
    by_address = due_names(client.get("/worklists").text)
    assert by_address != by_name  # the default (address) is another order
    page = client.get("/worklists?sort=name&q=").text
    assert 'aria-sort="ascending"' in page
    assert "sort=-name" in href(page, "sort-name")  # a second click reverses


def test_pages_keep_the_filters_and_show_other_rows(client: TestClient) -> None:
    everyone = due_names(client.get("/worklists?sort=name").text)
    first = client.get("/worklists?sort=name&limit=3&where=centralized_site").text
    shown = due_names(first)
    assert len(shown) == 3
    following = href(first, "next")
    for kept in ("sort=name", "limit=3", "where=centralized_site", "offset=3"):
        assert kept in following, following
    second = due_names(client.get(following).text)
    assert second and not set(second) & set(shown)
    assert shown + second == [n for n in everyone if n in shown + second]  # the same order, carried on
    assert "offset" not in href(client.get(following).text, "previous")  # back to the first page


def test_a_search_and_a_category_keep_only_their_rows(client: TestClient) -> None:
    everyone = due_names(client.get("/worklists").text)
    name = everyone[0]
    found = due_names(client.get("/worklists", params={"q": name}).text)
    assert found and set(found) == {name}
    assert due_names(client.get("/worklists", params={"q": "no one is called this"}).text) == []
    shown = categories(client.get("/worklists?lang=en&limit=500").text)
    assert len(set(shown)) > 1
    one = shown[0]
    kept = client.get("/worklists", params={"lang": "en", "limit": "500", "category": CATEGORY[one]}).text
    assert f'value="{CATEGORY[one]}" selected' in kept
    assert categories(kept) == [one] * shown.count(one)


CATEGORY = {MESSAGES[c.value]["en"]: c.value for c in Category if c.value in MESSAGES}  # said → the enum


def categories(page: str) -> list[str]:
    """The categories of the tests-due rows (English page), in the order shown."""
    table = page.split('id="tests-due"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'data-label="Category">([^<]+)</td>', table)


def test_a_filter_the_list_cannot_take_is_refused_naming_the_field(client: TestClient) -> None:
    for params, words in (
        ({"limit": "0", "lang": "en"}, "Rows per page"),
        ({"limit": "many", "lang": "en"}, "Rows per page"),
        ({"offset": "-1", "lang": "en"}, "Offset"),
        ({"sort": "phone", "lang": "en"}, "Sort"),
        ({"sort": "phone", "lang": "zh"}, "排序"),
    ):
        r = client.get("/worklists", params=params)
        assert r.status_code == 422, params
        problem = r.text.split('id="problem"', 1)[1].split("</p>", 1)[0]
        assert words in problem, (params, problem)
        assert 'id="tests-due"' in r.text  # the list is still there, as it is by default


def test_an_action_returns_to_the_list_as_it_was_filtered(client: TestClient) -> None:
    page = client.get("/worklists?sort=-name&limit=4").text
    assert '<input type="hidden" name="sort" value="-name">' in page.split('id="sampled-form"', 1)[1]
    tick = re.search(r'name="sample" value="([0-9]+:[0-9-]+)" id="due-', page)
    assert tick is not None
    r = client.post("/worklists/sampled", data={"sample": [tick.group(1)], "sort": "-name", "limit": "4", "q": ""})
    assert r.status_code == 303
    assert "sort=-name" in r.headers["location"] and "limit=4" in r.headers["location"]


def test_the_export_follows_the_filters(client: TestClient) -> None:
    name = due_names(client.get("/worklists").text)[0]
    page = client.get("/worklists", params={"q": name}).text
    csv_url = href(page, "export-csv")
    assert "q=" in csv_url
    body = client.get(csv_url).content.decode("utf-8-sig")
    rows = [line for line in body.splitlines()[1:] if line.startswith("tests_due,")]
    assert rows and all(name in line for line in rows)
    whole = client.get("/worklists.csv").content.decode("utf-8-sig")
    assert len([x for x in whole.splitlines() if x.startswith("tests_due,")]) > len(rows)


def test_on_a_phone_the_sort_is_also_a_choice_in_the_filters(client: TestClient) -> None:
    page = client.get("/worklists?sort=-name&lang=en").text
    chooser = page.split('<select name="sort" id="sort">', 1)[1].split("</select>", 1)[0]
    assert '<option value="-name" selected>Name · reversed</option>' in chooser
    assert len(re.findall("<option", chooser)) == 8
