"""Cross-site request forgery (issue 17): every console form carries a token, every console POST is checked for
it and for its origin, and one without is refused with a page in the reader's language, changing nothing."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from importlib import resources

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from sqlalchemy import func, select

from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.web import csrf
from tests.web.helpers import ConsoleClient, console, demo_store, login

POST_FORM = re.compile(r"<form\b[^>]*\bmethod=\"post\"[^>]*>", re.IGNORECASE | re.DOTALL)
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.IGNORECASE | re.DOTALL)
PERSON = {
    "name": "Forged Entry",
    "document_type": "passport",
    "document_number": "EZ1234987",
    "phone": "138 0000 2222",
    "place": "第1街道第1社区 Community 1-1",
    "address": "110199001001 building 1",
}


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("csrf"), persons=20)


@pytest.fixture
def client(url: str) -> Iterator[ConsoleClient]:
    with console(url) as c:
        yield c


def people(url: str) -> int:
    with unit_of_work(session_factory(make_engine(url))) as session:
        return int(session.scalar(select(func.count()).select_from(Person)) or 0)


def forms_without_token(html: str) -> list[str]:
    """The POST forms of a page that do not carry the CSRF field."""
    return [f[:80] for f in FORM.findall(html) if POST_FORM.match(f) and f'name="{csrf.FIELD}"' not in f]


def test_every_template_form_that_posts_carries_the_token() -> None:
    folder = resources.files("fangkong.web").joinpath("templates")
    missing = []
    for template in folder.iterdir():
        text = template.read_text(encoding="utf-8")
        for form in POST_FORM.finditer(text):
            following = text[form.end() : form.end() + 40]
            if not following.lstrip().startswith("{{ csrf_field() }}"):
                missing.append(f"{template.name}: {form.group(0)[:60]}")
    assert missing == []


def console_posts() -> list[str]:
    """Every POST route of every console module (each `fangkong.web` module with a router)."""
    import fangkong.web

    paths = []
    for module in pkgutil.iter_modules(fangkong.web.__path__):
        router = getattr(importlib.import_module(f"fangkong.web.{module.name}"), "router", None)
        if isinstance(router, APIRouter):
            paths += [r.path for r in router.routes if isinstance(r, APIRoute) and "POST" in (r.methods or ())]
    return paths


def test_every_console_post_route_refuses_a_post_without_the_token(client: ConsoleClient) -> None:
    posts = console_posts()
    assert len(posts) >= 12 and "/login" in posts and "/persons/new" in posts
    login(client, "command")
    answered = {path: client.post_without_token(re.sub(r"\{[^}]+\}", "1", path)).status_code for path in posts}
    assert {path: status for path, status in answered.items() if status != 403} == {}


# the pages a form lives on, as the account that sees it
PAGES = {
    "worker1": ["/", "/worklists", "/persons/new", "/orders", "/visits"],
    "command": ["/forms/order", "/forms/area", "/forms/campaign", "/command", "/infections", "/worklists"],
    "lab": ["/forms/results"],
}


def test_every_rendered_form_that_posts_carries_a_token_the_server_accepts(client: ConsoleClient) -> None:
    login_page = client.get("/login")
    assert POST_FORM.search(login_page.text) and forms_without_token(login_page.text) == []
    assert csrf.COOKIE in login_page.cookies  # the login form's token, before any session
    seen = 1
    for who, pages in PAGES.items():
        login(client, who)
        for page in pages:
            html = client.get(page).text
            seen += len(POST_FORM.findall(html))
            assert forms_without_token(html) == [], page
    assert seen >= 8


def test_the_login_form_s_own_token_logs_in(client: ConsoleClient) -> None:
    page = client.get("/login").text
    token = re.search(rf'name="{csrf.FIELD}" value="([^"]+)"', page)
    assert token is not None
    data = {"username": "worker1", "password": "fangkong-demo", "next": "/", csrf.FIELD: token.group(1)}
    assert client.post("/login", data=data).status_code == 303


def test_a_post_without_or_with_a_wrong_token_is_refused_and_changes_nothing(client: ConsoleClient, url: str) -> None:
    refused_login = client.post_without_token("/login", data={"username": "worker1", "password": "fangkong-demo"})
    assert refused_login.status_code == 403 and "fk_token" not in refused_login.cookies
    login(client, "worker1")
    before = people(url)
    bare = client.post_without_token("/persons/new?lang=zh", data=PERSON)
    assert bare.status_code == 403 and "text/html" in bare.headers["content-type"]
    assert "表单已失效" in bare.text and "未作任何更改" in bare.text
    wrong = client.post("/persons/new?lang=en", data={**PERSON, csrf.FIELD: "forged"})
    assert wrong.status_code == 403 and "nothing was changed" in wrong.text
    # a token of another session (taken before this login) is worthless in this one
    stale = csrf.token_for(client.app.state.csrf_secret, client.cookies[csrf.COOKIE], None)  # type: ignore[attr-defined]
    assert client.post("/persons/new", data={**PERSON, csrf.FIELD: stale}).status_code == 403
    assert people(url) == before
    # logout without a token leaves the session as it was
    assert client.post_without_token("/logout").status_code == 403
    assert client.get("/persons").status_code == 200
    # with the page's token it is done
    assert client.post("/persons/new", data=PERSON).status_code == 303
    assert people(url) == before + 1


def test_a_post_from_another_site_is_refused_even_with_a_token(client: ConsoleClient) -> None:
    login(client, "worker1")
    for header in ({"origin": "https://evil.example"}, {"referer": "https://evil.example/x"}, {"origin": "null"}):
        r = client.post("/logout", headers=header)
        assert r.status_code == 403, header
    assert client.get("/persons").status_code == 200  # still logged in
    assert client.post("/logout", headers={"origin": "http://testserver"}).status_code == 303


def test_the_api_takes_no_csrf_token(client: ConsoleClient) -> None:
    r = client.post("/api/auth/token", json={"username": "worker1", "password": "fangkong-demo"})
    assert r.status_code == 200, r.text
