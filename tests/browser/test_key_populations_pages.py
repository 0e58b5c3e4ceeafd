"""The key-population registry on a phone (issue 19, measure 14): with the demo's key people, a nursing home and an
open alert, at 390×844 in Chromium the page does not scroll sideways in Chinese or English and has no serious
accessibility violation. A screenshot goes to build/screenshots/phone-key-populations.png."""

from __future__ import annotations

from datetime import time

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from fangkong.services.access import SYSTEM
from fangkong.services.calendar import local_instant
from fangkong.services.demo import COUNTY, DEMO_TODAY
from fangkong.services.infections.models import Infection
from fangkong.services.key_populations.demo import NURSING_HOME, demo_key_populations
from fangkong.services.key_populations.institutions import raise_alert
from fangkong.services.key_populations.models import InstitutionAlert, KeyInstitution
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.browser.live import Live, phone_logged_in, shot
from tests.browser.test_accessibility import violations


def _seeded(live: Live) -> None:
    with unit_of_work(session_factory(make_engine(live.url))) as session:
        demo_key_populations(session, SYSTEM, DEMO_TODAY, COUNTY)  # the demo load made them already: a no-op
        home = session.scalar(select(KeyInstitution).where(KeyInstitution.name == NURSING_HOME))
        assert home is not None
        if session.scalar(select(InstitutionAlert.id).where(InstitutionAlert.institution_id == home.id)) is not None:
            return  # raised by an earlier test on the same live store
        infection = session.scalars(select(Infection).order_by(Infection.id)).first()
        assert home is not None and infection is not None
        raise_alert(session, SYSTEM, home.id, infection.id, local_instant(DEMO_TODAY, time(6)), infected="staff")


def test_key_populations_on_a_phone(browser: Browser, live: Live) -> None:
    _seeded(live)
    page = phone_logged_in(browser, live, "worker1")
    context = page.context
    wide: list[str] = []
    problems: list[str] = []
    for path in ("/key-populations", "/key-populations?grade=high"):
        for lang in ("zh", "en"):
            joiner = "&" if "?" in path else "?"
            page.goto(f"{live.base}{path}{joiner}lang={lang}", wait_until="load")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                wide.append(f"{path} [{lang}]: {width} px")
            problems += [f"{path} [{lang}]: {v}" for v in violations(page)]
    assert wide == []
    assert problems == []
    page.goto(f"{live.base}/key-populations?lang=en", wait_until="load")
    expect(page.locator("#registry")).to_contain_text("Elderly living alone")
    expect(page.locator("#alerts")).to_contain_text("Transfer severe cases")
    shot(page, "phone-key-populations")
    context.close()
