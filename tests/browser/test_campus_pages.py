"""Campuses in Chromium (measure 18; issue 21): the command centre finds the demo's boarding school, opens its outbreak
response, and asks to close it without an approval record — refused on the page with the guard's reasons; with one it
is closed to its last day; the list and a campus fit a phone's 390 px in both languages."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Browser, expect

from fangkong.services.access import SYSTEM
from fangkong.services.campuses.demo import demo_campuses
from fangkong.services.demo import COUNTY
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.browser.live import Live, logged_in, phone_logged_in, shot


def _campuses(live: Live) -> None:
    engine = make_engine(live.url)
    with unit_of_work(session_factory(engine)) as session:
        demo_campuses(session, SYSTEM, date(2022, 11, 16), COUNTY)
    engine.dispose()


def test_a_response_and_a_closure_in_the_browser(browser: Browser, live: Live) -> None:
    _campuses(live)
    page = logged_in(browser, live, "command")
    page.goto(f"{live.base}/campuses?lang=en")
    page.click("#campuses a:has-text('Secondary School')")
    expect(page.locator("h1")).to_contain_text("Secondary School")
    page.fill("#open-response input[name=outbreak_on]", "2022-11-16")
    page.fill("#open-response input[name=owner]", "epi")
    page.click("#open-response button[type=submit]")
    expect(page.locator("#responses")).to_contain_text("Transfer to isolation")
    page.select_option("#request-closure select[name=kind]", "close_campus")
    page.fill("#request-closure input[name=days]", "3")
    page.click("#request-closure button[type=submit]")
    expect(page.locator("#closure-refused")).to_contain_text("approval")
    shot(page, "campus-closure-refused")
    page.fill("#request-closure input[name=days]", "3")
    page.fill("#request-closure input[name=approval_ref]", "JPC-118")
    page.fill("#request-closure input[name=approved_by]", "county command centre")
    page.fill("#request-closure input[name=approved_on]", "2022-11-16")
    page.click("#request-closure button[type=submit]")
    expect(page.locator("#closures")).to_contain_text("JPC-118")
    page.close()

    small = phone_logged_in(browser, live, "command")
    phone = small.context
    wide = []
    for lang in ("zh", "en"):
        small.goto(f"{live.base}/campuses?lang={lang}")
        width = small.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide.append(f"/campuses [{lang}]: {width} px")
        shot(small, f"phone-campuses-{lang}")
    phone.close()
    assert wide == []
