"""Safety of the console's pages, role by role (issue 16): every link of a role's menu answers 200 (the lab's menu has
no link that answers 403); a role that cannot submit a form is not shown it (the viewer and supervisor none, the lab its
uploads); an unknown address is an HTML page in the reader's language; an address or a query the route cannot read
(a 422) is an HTML page naming the field in words, not the API's JSON."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from fangkong.services.infections.models import Infection
from fangkong.services.orders.models import ManagementOrder
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.web.helpers import add_admin, add_site_manager, console, demo_store, sign_in
from tests.web.test_every_page_in_words import linked_pages, nav_pages, visible

ROLES = ("command", "epi", "worker1", "supervisor", "viewer", "lab", "admin", "site")
POST_FORM = re.compile(r'<form\b[^>]*\bmethod="post"[^>]*>', re.I)
ACTION = re.compile(r'action="([^"]*)"')
# the forms a role may be shown: logging out for everyone; the lab its uploads (the supervisor only reads)
ALLOWED = {"viewer": {"/logout"}, "lab": {"/logout", "/forms/results"}, "supervisor": {"/logout"}}


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    found = demo_store(tmp_path_factory.mktemp("safety"))
    add_admin(found)
    add_site_manager(found)
    return found


@pytest.fixture(scope="module")
def client(url: str) -> Iterator[TestClient]:
    with console(url, follow_redirects=True) as c:
        yield c


def records(url: str) -> list[str]:
    with unit_of_work(session_factory(make_engine(url))) as session:
        person = session.scalar(select(ManagementOrder.person_id).order_by(ManagementOrder.id))
        infection = session.scalar(select(Infection.id).order_by(Infection.id))
    return [f"/persons/{person}", f"/infections/{infection}"]


@pytest.mark.parametrize("role", ROLES)
def test_every_link_of_the_menu_answers(client: TestClient, role: str) -> None:
    sign_in(client, role)
    menu = nav_pages(client)
    assert menu, f"{role} has no menu"
    answers = {link: client.get(link).status_code for link in menu}
    assert {link: status for link, status in answers.items() if status != 200} == {}


def test_the_lab_s_menu_is_its_uploads_and_imports(client: TestClient) -> None:
    sign_in(client, "lab")
    assert nav_pages(client) == ["/forms/results", "/lab/imports", "/policy", "/self-check", "/public/cases"]


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_a_role_is_not_shown_a_form_it_cannot_submit(client: TestClient, url: str, role: str) -> None:
    sign_in(client, role)
    shown: list[str] = []
    for page in dict.fromkeys([*nav_pages(client), *records(url)]):
        r = client.get(page)
        if r.status_code != 200:
            continue
        for form in POST_FORM.findall(r.text):
            action = ACTION.search(form)
            target = action.group(1) if action else page
            if target not in ALLOWED[role]:
                shown.append(f"{page}: a form posting to {target}")
    assert shown == []


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("lang", "title"), [("zh", "未找到"), ("en", "Not found")])
def test_an_unknown_address_is_a_page_in_the_reader_s_language(
    client: TestClient, role: str, lang: str, title: str
) -> None:
    sign_in(client, role)
    client.get("/policy", params={"lang": lang})  # the reader's language, kept in a cookie
    r = client.get("/no/such/page")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert f"<h1>{title}</h1>" in r.text
    assert '<html lang="' + ("zh-CN" if lang == "zh" else "en") + '">' in r.text


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("lang", "words"), [("zh", ("输入有误", "人员编号")), ("en", ("Not valid", "Person number"))])
def test_an_address_the_console_cannot_read_is_a_page_in_words(
    client: TestClient, role: str, lang: str, words: tuple[str, str]
) -> None:
    sign_in(client, role)
    r = client.get("/persons/not-a-number", params={"lang": lang})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/html")
    text = visible(r.text)
    assert all(w in text for w in words), text
    assert '{"error"' not in r.text


def test_the_console_s_data_and_the_api_keep_the_error_body(client: TestClient) -> None:
    sign_in(client, "epi")
    r = client.get("/infections/not-a-number/chain.json")
    assert r.status_code == 422 and r.json()["error"]["field"] == "infection_id"
    r = client.get("/api/persons/not-a-number")
    assert r.status_code in (401, 422) and "error" in r.json()
    sign_in(client, "lab")
    r = client.get("/contacts", params={"lang": "en"})
    assert r.status_code == 403 and r.headers["content-type"].startswith("text/html")
    assert "The Laboratory role may not read persons" in visible(r.text)


@pytest.mark.parametrize("role", ["lab", "viewer", "site"])
def test_no_link_on_the_menu_s_pages_is_refused(client: TestClient, role: str) -> None:
    """Beyond the menu: every link the menu's pages show (one of each address shape) answers without a refusal."""
    sign_in(client, role)
    refused = {}
    for link in linked_pages(client, nav_pages(client)):
        status = client.get(link).status_code
        if status in (401, 403):
            refused[link] = status
    assert refused == {}


@pytest.mark.parametrize(("lang", "words"), [("zh", ("输入有误", "管控令编号")), ("en", ("Not valid", "Order number"))])
def test_a_form_the_console_cannot_read_is_a_page_in_words(
    client: TestClient, lang: str, words: tuple[str, str]
) -> None:
    """A form posted with a field its route cannot read (a release of order "abc"): a page naming the field in the
    reader's language, nothing changed."""
    sign_in(client, "worker1")
    client.get("/policy", params={"lang": lang})
    r = client.post("/worklists/release", data={"order_id": "abc", "row_version": "1"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/html")
    text = visible(r.text)
    assert all(w in text for w in words), text
