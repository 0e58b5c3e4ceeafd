"""Every page of the community worker's and the epidemiologist's menus at a phone's 390×844 (issue 16): nothing
scrolls sideways, in Chinese and in English. A screenshot of each goes to build/screenshots/phone-*.png."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from fangkong.services.demo import DEMO_PASSWORD
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.supplies.models import SupplyRequest
from tests.browser.live import Live, shot


def _supply_site(live: Live) -> int:
    """A supply site with patients' requests (measure 13: the page with the most to show)."""
    with unit_of_work(session_factory(make_engine(live.url))) as session:
        return int(session.scalar(select(SupplyRequest.site_id).order_by(SupplyRequest.id)) or 0)


def test_no_page_scrolls_sideways_on_a_phone(browser: Browser, live: Live) -> None:
    wide: list[str] = []
    for role in ("worker1", "epi"):
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.goto(f"{live.base}/login")
        page.fill("input[name=username]", role)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("#who")).to_contain_text(role)
        menu = page.locator("#main-nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        extra = ["/persons/new", "/infections/1", f"/supplies/sites/{_supply_site(live)}", "/vaccination/outreach"]
        for path in [*menu, *extra]:
            for lang in ("zh", "en"):
                joiner = "&" if "?" in path else "?"
                page.goto(f"{live.base}{path}{joiner}lang={lang}", wait_until="load")
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > 390:
                    wide.append(f"{role} {path} [{lang}]: {width} px")
            name = re.sub(r"[^a-z0-9]+", "-", path.strip("/")) or "dashboard"
            shot(page, f"phone-{role}-{name}")
        context.close()
    assert wide == []
