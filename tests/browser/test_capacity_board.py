"""The capacity board in Chromium (measure 11; issue 18): after a wave in the demo county, the projection is drawn as
a line chart per level of care (ECharts, vendored) with the run-out day marked on the chart and said in words beside
it, the same figures in tables; on a desktop and at a phone's 390 px, in both languages, with nothing scrolling
sideways — the facility list and a facility's page too."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from fangkong.services.care.demo import DESIGNATED
from fangkong.services.care.models import CareFacility
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.browser.live import Live, logged_in, phone_logged_in, shot
from tests.web.test_care_pages import add_wave


def _run_out(page: Page) -> str:
    """The ICU run-out day the chart was drawn with (capacity.js notes it on the chart's box)."""
    chart = page.locator("#chart-icu")
    expect(chart).to_have_attribute("data-drawn", "yes")
    expect(chart.locator("canvas")).to_have_count(1)
    return str(chart.get_attribute("data-run-out"))


def test_the_board_draws_the_projection_and_marks_the_run_out(browser: Browser, live: Live) -> None:
    assert add_wave(live.url) > 10
    with unit_of_work(session_factory(make_engine(live.url))) as session:
        designated = session.scalars(select(CareFacility).where(CareFacility.name == DESIGNATED)).one().id

    page = logged_in(browser, live, "command")
    page.goto(f"{live.base}/capacity?lang=en", wait_until="networkidle")
    expect(page.locator("#capacity-charts canvas")).to_have_count(2)
    expect(page.locator("#capacity-failed")).to_be_hidden()
    day = _run_out(page)
    assert day, "the wave runs the ICU beds out within the horizon"
    expect(page.locator("#run-out-icu")).to_contain_text(f"Intensive care beds run out on {day}")
    expect(page.locator("#icu-table")).to_contain_text("run-out day")
    assert page.locator("#chart-inpatient").get_attribute("data-drawn") == "yes"
    shot(page, "capacity-board")
    page.goto(f"{live.base}/capacity?lang=zh", wait_until="networkidle")
    expect(page.locator("#run-out-icu")).to_contain_text(f"重症监护床位预计于 {_run_out(page)} 耗尽")
    page.close()

    small = phone_logged_in(browser, live, "command")
    phone = small.context
    wide = []
    for path in ("/capacity", "/facilities", f"/facilities/{designated}"):
        for lang in ("zh", "en"):
            small.goto(f"{live.base}{path}?lang={lang}", wait_until="networkidle")
            if path == "/capacity":
                assert _run_out(small) == day
                expect(small.locator("#run-out-icu")).to_be_visible()
            width = small.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                wide.append(f"{path} [{lang}]: {width} px")
        shot(small, "phone-" + path.strip("/").replace("/", "-"))
    phone.close()
    assert wide == []
