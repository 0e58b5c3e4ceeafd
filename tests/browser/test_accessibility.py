"""axe-core (vendored from the npm package, tests/browser/vendor) over every page of the console, for every role, in
both languages (issue 16): no serious or critical violation — labels on every control, table headers, contrast of
at least 4.5:1, landmarks, names of links and buttons. The pages are the menu's for the role, each page of a
record kind the demo holds, and the error page; a page a role is refused is checked as the refusal it shows. The
administrator and the isolation-site manager, whom the demo lacks, are added; the pages off the menu (the policy
diff, the register, a new person, a home visit, the contacts, an address the console cannot read) are listed."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from fangkong.services.areas.models import RiskArea
from fangkong.services.campaigns.models import Campaign
from fangkong.services.demo import DEMO_PASSWORD
from fangkong.services.infections.models import Infection
from fangkong.services.orders.models import ManagementOrder
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.supplies.models import SupplyRequest
from tests.browser.live import Live
from tests.web.helpers import ADMIN_PASSWORD, SITE_PASSWORD, add_admin, add_site_manager

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
ROLES = ("command", "epi", "worker1", "supervisor", "viewer", "lab", "admin", "site")
PASSWORDS = {"admin": ADMIN_PASSWORD, "site": SITE_PASSWORD}
BLOCKING = ("serious", "critical")
RUN = """async () => {
  const found = await axe.run(document, {resultTypes: ["violations"]});
  return found.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                     targets: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


def records(live: Live) -> list[str]:
    """A page of each record kind the demo holds."""
    with unit_of_work(session_factory(make_engine(live.url))) as session:
        person = session.scalar(select(ManagementOrder.person_id).order_by(ManagementOrder.id))
        infection = session.scalar(select(Infection.id).order_by(Infection.id))
        area = session.scalar(select(RiskArea.id).order_by(RiskArea.id))
        campaign = session.scalar(select(Campaign.id).order_by(Campaign.id))
        supply_site = session.scalar(select(SupplyRequest.site_id).order_by(SupplyRequest.id))
    return [
        f"/supplies/sites/{supply_site}",
        f"/persons/{person}",
        f"/infections/{infection}",
        f"/risk-areas/{area}",
        f"/campaigns/{campaign}",
        "/facilities/1",  # the demo's designated hospital: beds, staff and (for the command centre) its forms
        "/vaccination/outreach",  # the elderly to ask, a form per person (measure 12)
        "/self-check?category=close_contact&on=2022-11-15",
        "/no/such/page",
        "/persons/not-a-number",
        "/policy/diff?a=m20&b=n10",
        "/policy/register",
        "/persons/new",
        "/visits/new",
        "/contacts",
        "/simulations/1",  # the demo's saved policy comparison: summary table and charts (issue 22)
    ]


@pytest.fixture(scope="module")
def staff(live: Live) -> Live:
    """The live console with an administrator and an isolation-site manager added."""
    add_admin(live.url)
    add_site_manager(live.url)
    return live


def signed_in(browser: Browser, live: Live, username: str) -> Page:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live.base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORDS.get(username, DEMO_PASSWORD))
    page.click("button[type=submit]")
    expect(page.locator("#who")).to_contain_text(username)
    return page


def menu(page: Page) -> list[str]:
    hrefs = page.locator("#main-nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [h for h in hrefs if h and h.startswith("/")]


def violations(page: Page) -> list[str]:
    # evaluated by the test tool, not run as a page script: the console's CSP runs no inline script
    page.evaluate(AXE)
    found = page.evaluate(RUN)
    return [f"{v['impact']} {v['id']} ({v['help']}) at {v['targets']}" for v in found if v["impact"] in BLOCKING]


def test_no_serious_accessibility_violation_on_any_page(browser: Browser, staff: Live) -> None:
    """Every page in both languages as the command centre sees it (the widest menu, every form), then for each
    other role the pages its menu adds and its own day (the dashboard and work list show different things)."""
    live = staff
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for role in ROLES:
        page = signed_in(browser, live, role)
        own_day = ["/", "/worklists"] if role != "command" else []
        for path in dict.fromkeys([*menu(page), *records(live)]):
            for lang in ("zh", "en"):
                if (lang, path) in seen and path not in own_day:
                    continue
                seen.add((lang, path))
                joiner = "&" if "?" in path else "?"
                page.goto(f"{live.base}{path}{joiner}lang={lang}", wait_until="load")
                problems += [f"{role} {lang} {path}: {v}" for v in violations(page)]
        page.close()
    assert problems == [], "\n".join(problems)
