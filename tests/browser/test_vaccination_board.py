"""The vaccination board in Chromium (measure 12; issue 19): coverage by age band drawn as a bar chart and the trend
of the elderly as a line chart (ECharts, vendored, fed by /vaccination/data.json), the same figures in tables; on a
desktop and at a phone's 390 px, in both languages, the board and the outreach list with nothing scrolling
sideways."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.live import Live, logged_in, phone_logged_in, shot


def test_the_board_draws_coverage_and_the_list_fits_a_phone(browser: Browser, live: Live) -> None:
    page = logged_in(browser, live, "command")
    page.goto(f"{live.base}/vaccination?lang=en", wait_until="networkidle")
    for chart in ("#chart-bands", "#chart-trend"):
        expect(page.locator(chart)).to_have_attribute("data-drawn", "yes")
        expect(page.locator(f"{chart} canvas")).to_have_count(1)
    expect(page.locator("#vaccination-failed")).to_be_hidden()
    expect(page.locator("#band-table")).to_contain_text("80 and over")
    shot(page, "vaccination-board")
    page.close()

    small = phone_logged_in(browser, live, "command")
    phone = small.context
    wide = []
    for path in ("/vaccination", "/vaccination/outreach"):
        for lang in ("zh", "en"):
            small.goto(f"{live.base}{path}?lang={lang}", wait_until="networkidle")
            if path == "/vaccination":
                expect(small.locator("#chart-bands")).to_have_attribute("data-drawn", "yes")
            width = small.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                wide.append(f"{path} [{lang}]: {width} px")
        shot(small, "phone-" + path.strip("/").replace("/", "-"))
    phone.close()
    assert wide == []
