"""axe-core (vendored from the npm package, tests/browser/vendor) over every page of the console, for every role, in
both languages (issue 16): no serious or critical violation — labels on every control, table headers, contrast of
at least 4.5:1, landmarks, names of links and buttons. The pages are the menu's for the role, each page of a
record kind the demo holds, and the error page; a page a role is refused is checked as the refusal it shows."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page
from sqlalchemy import select

from fangkong.services.areas.models import RiskArea
from fangkong.services.campaigns.models import Campaign
from fangkong.services.infections.models import Infection
from fangkong.services.orders.models import ManagementOrder
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.supplies.models import SupplyRequest
from tests.browser.live import Live, logged_in

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
ROLES = ("command", "epi", "worker1", "supervisor", "viewer", "lab")
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
    ]


def menu(page: Page) -> list[str]:
    hrefs = page.locator("#main-nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [h for h in hrefs if h and h.startswith("/")]


def violations(page: Page) -> list[str]:
    # evaluated by the test tool, not run as a page script: the console's CSP runs no inline script
    page.evaluate(AXE)
    found = page.evaluate(RUN)
    return [f"{v['impact']} {v['id']} ({v['help']}) at {v['targets']}" for v in found if v["impact"] in BLOCKING]


def test_no_serious_accessibility_violation_on_any_page(browser: Browser, live: Live) -> None:
    """Every page in both languages as the command centre sees it (the widest menu, every form), then for each
    other role the pages its menu adds and its own day (the dashboard and work list show different things)."""
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for role in ROLES:
        page = logged_in(browser, live, role)
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
