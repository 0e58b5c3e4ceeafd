"""Every console page for every role in both languages shows words, not identifiers (issue 16): no snake_case
identifier — a message id that has no translation, or a raw value of a vocabulary (`close_contact`,
`home_isolation`, `pool_positive`) — in the text a reader sees, and every page answers.

Every role is checked, the administrator and the isolation-site manager (whom the demo lacks) too; the pages are the
menu's, the pages of a record of each kind, the refusals and errors, and every page the role's menu pages link to
(one of each address shape: `/persons/N` once, a list's query strings kept). A refusal names the role in words.

The policy pages (`/policy`, `/policy/diff`, `/policy/register`) are the analyst's view of the rules as code: their
tables, small print and register entries name parameters by their paths on purpose, and are left out of the check
(the rest, headings, forms and menu, is checked)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from fangkong.services.areas.models import RiskArea
from fangkong.services.campaigns.models import Campaign
from fangkong.services.infections.models import Infection
from fangkong.services.lab.models import TemporaryControl
from fangkong.services.orders.models import ManagementOrder
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.supplies.models import SupplyRequest
from tests.web.helpers import add_admin, add_site_manager, console, demo_store, sign_in

ROLES = ("command", "epi", "worker1", "supervisor", "viewer", "lab", "admin", "site")
LANGUAGES = ("zh", "en")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ANALYST_PAGES = ("/policy", "/policy/diff", "/policy/register")


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    found = demo_store(tmp_path_factory.mktemp("words"))
    add_admin(found)
    add_site_manager(found)
    return found


@pytest.fixture(scope="module")
def client(url: str) -> Iterator[TestClient]:
    with console(url, follow_redirects=True) as c:
        yield c


def pages(url: str) -> list[str]:
    """Every page of the console, with a record of each kind the demo holds."""
    with unit_of_work(session_factory(make_engine(url))) as session:
        ids = {
            "managed": session.scalar(select(ManagementOrder.person_id).order_by(ManagementOrder.id)),
            "infected": session.scalar(select(Infection.person_id).order_by(Infection.id)),
            "infection": session.scalar(select(Infection.id).order_by(Infection.id)),
            "held": session.scalar(select(TemporaryControl.person_id).order_by(TemporaryControl.id)),
            "area": session.scalar(select(RiskArea.id).order_by(RiskArea.id)),
            "campaign": session.scalar(select(Campaign.id).order_by(Campaign.id)),
            "supply_site": session.scalar(select(SupplyRequest.site_id).order_by(SupplyRequest.id)),
        }
    assert all(v is not None for v in ids.values()), ids
    return [
        "/",
        "/worklists",
        "/persons",
        f"/persons/{ids['managed']}",
        f"/persons/{ids['infected']}",
        f"/persons/{ids['held']}",
        "/persons/new",
        f"/infections/{ids['infection']}",
        "/contacts",
        "/orders",
        "/orders?status=active&category=close_contact",
        "/risk-areas",
        "/visits/new",
        "/lab/imports",
        "/command",
        "/overreach",
        "/timeliness",
        "/audit",
        "/users",
        "/retention",
        "/map",
        f"/risk-areas/{ids['area']}",
        f"/campaigns/{ids['campaign']}",
        f"/supplies/sites/{ids['supply_site']}",
        "/supplies?alert=any",
        "/vaccination/outreach",  # the elderly to ask (measure 12): reasons with products named
        "/facilities/1",  # the demo's designated hospital (measure 11)
        "/needs/1",  # the demo's overdue, escalated medicine need (measure 17)
        "/needs/new",
        "/needs/escalations",
        "/needs/points",
        "/needs/hotline",
        "/forms/order",
        "/forms/results",
        "/forms/area",
        "/forms/campaign",
        "/self-check?category=close_contact&on=2022-11-15",
        "/self-check",
        *ANALYST_PAGES,
        "/policy/diff?a=m20&b=n10",
        "/complaints/1",  # complaints (issue 21): the demo's closed-school clue, answered, closed and published
        "/complaints/4",  # the demo's sealed-building clue received this morning (open: the answer forms)
        "/public/cases",
        "/simulations",  # policy comparisons (issue 22): the form and the saved ones
        "/simulations/1",  # the demo's comparison (v9, m20, n10)
        "/no/such/page",
        "/persons/not-a-number",  # an address the route cannot read: a page naming the field
        "/worklists?on=not-a-date",
    ]


NAV_LINK = re.compile(r'<nav id="main-nav"[^>]*>(.*?)</nav>', re.S)


HREF = re.compile(r'href="(/[^"]*)"')
NOT_PAGES = re.compile(r"^/(api|docs|openapi|console-static|logout)|\.(csv|xlsx|json|geojson|svg|png)(\?|$)")


def nav_pages(client: TestClient) -> list[str]:
    """The pages the role's menu leads to: a page added to the menu is checked without being listed here."""
    r = client.get("/")
    found = NAV_LINK.search(r.text)
    return [html.unescape(h) for h in HREF.findall(found.group(1))] if found else []


def shape(link: str) -> str:
    """An address's shape: numbers as N, the query's names without their values (`/persons/N`, `/orders?offset`)."""
    path, _, query = link.partition("?")
    names = sorted({part.partition("=")[0] for part in query.split("&") if part})
    return re.sub(r"/\d+", "/N", path) + ("?" + "&".join(names) if names else "")


def linked_pages(client: TestClient, pages: list[str]) -> list[str]:
    """The pages these pages link to (the query string unescaped: `&amp;` is `&`), one of each shape, not files."""
    seen = {shape(p) for p in pages}
    found: list[str] = []
    for page in pages:
        r = client.get(page, params={"lang": "en"})
        for link in (html.unescape(h).partition("#")[0] for h in HREF.findall(r.text)):
            if not link or NOT_PAGES.search(link) or "lang=" in link or shape(link) in seen:
                continue
            seen.add(shape(link))
            found.append(link)
    return found


def visible(html: str) -> str:
    """The text a reader sees: no tags, scripts, styles or attribute values."""
    html = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", html)
    return re.sub(r"(?s)<[^>]+>", " ", html)


ROLE_ID = re.compile(r"\brole [a-z_]+ may not\b")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_shows_words_in_both_languages(client: TestClient, url: str, role: str) -> None:
    sign_in(client, role)
    listed = list(dict.fromkeys([*pages(url), *nav_pages(client)]))
    problems: list[str] = []
    for page in [*listed, *linked_pages(client, [p for p in nav_pages(client) if p not in ANALYST_PAGES])]:
        for lang in LANGUAGES:
            r = client.get(page, params={"lang": lang})
            if r.status_code >= 500 or "text/html" not in r.headers.get("content-type", ""):
                problems.append(f"{page} [{lang}] answered {r.status_code} {r.headers.get('content-type')}")
                continue
            text = visible(r.text)
            if ROLE_ID.search(text):
                problems.append(f"{page} [{lang}] names a role by its id: {ROLE_ID.search(text)}")
            if page.split("?")[0] in ANALYST_PAGES:  # parameters by path in tables, small print, register entries
                text = visible(re.sub(r"(?s)<(table|code|pre|small|section)\b.*?</\1>", " ", r.text))
            raw = sorted(set(SNAKE.findall(text)))
            if raw:
                problems.append(f"{page} [{lang}] shows {raw}")
    assert problems == [], "\n".join(problems)


def test_an_english_refusal_names_the_role_in_words(client: TestClient) -> None:
    sign_in(client, "lab")
    r = client.get("/users", params={"lang": "en"})
    assert r.status_code == 403
    assert "The Laboratory role may not manage users" in visible(r.text)
    r = client.get("/users", params={"lang": "zh"})
    assert "检测机构角色无权管理账号" in visible(r.text)


TEMPLATE_KEY = re.compile(r"""\bt\(\s*['"]([A-Za-z0-9_]+)['"]\s*\)""")
CODE_KEY = re.compile(r"""\btranslate\(\s*['"]([A-Za-z0-9_]+)['"]\s*,""")


def test_every_message_id_the_console_names_has_both_languages() -> None:
    """Each literal message id of a template (`t('key')`) or of a page's code (`translate("key", lang)`) has its
    Chinese and its English: a missing one would show the id itself, on a page the renders above may not reach."""
    from importlib import resources

    from fangkong.web.i18n import LANGUAGES, MESSAGES

    web = resources.files("fangkong.web")
    named: set[str] = set()
    for template in web.joinpath("templates").iterdir():
        if template.name.endswith(".html"):
            named |= set(TEMPLATE_KEY.findall(template.read_text(encoding="utf-8")))
    for module in web.iterdir():
        if module.name.endswith(".py"):
            named |= set(CODE_KEY.findall(module.read_text(encoding="utf-8")))
    assert len(named) > 100
    missing = sorted(f"{key} ({lang})" for key in named for lang in LANGUAGES if not MESSAGES.get(key, {}).get(lang))
    assert missing == []
