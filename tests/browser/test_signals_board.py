"""The signals board in Chromium (measure 15; issue 20): each channel of the demo county drawn as a line chart
(ECharts, vendored, fed by /signals/data.json) with the same figures in a table; on a desktop and at a phone's 390 px,
in both languages, with nothing scrolling sideways; a refused import named on the page with its field and row."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Browser, FilePayload, expect

from fangkong.services.access import SYSTEM
from fangkong.services.demo import COUNTY
from fangkong.services.signals.demo import demo_signals
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.browser.live import Live, logged_in, phone_logged_in, shot


def _signals(live: Live) -> None:
    engine = make_engine(live.url)
    with unit_of_work(session_factory(engine)) as session:
        demo_signals(session, SYSTEM, date(2022, 11, 16), COUNTY)
    engine.dispose()


def test_the_board_draws_every_channel_and_fits_a_phone(browser: Browser, live: Live) -> None:
    _signals(live)
    page = logged_in(browser, live, "command")
    page.goto(f"{live.base}/signals?lang=en", wait_until="networkidle")
    for chart in ("#chart-fever_clinic", "#chart-antipyretic_sales", "#chart-nucleic_acid_positivity"):
        expect(page.locator(chart)).to_have_attribute("data-drawn", "yes")
        expect(page.locator(f"{chart} canvas")).to_have_count(1)
    expect(page.locator("#signals-failed")).to_be_hidden()
    page.click("#fever_clinic-days summary")
    expect(page.locator("#fever_clinic-table")).to_contain_text("2022-11-16")
    shot(page, "signals-board")
    payload: FilePayload = {
        "name": "bad.csv",
        "mimeType": "text/csv",
        "buffer": f"jurisdiction,channel,date,count\n{COUNTY}001001,fever_clinic,2022-11-01,-4\n".encode(),
    }
    page.set_input_files("#signals-import input[name=file]", files=[payload])
    page.click("#signals-import button[type=submit]")
    expect(page.locator("#import-problem")).to_contain_text("row 1")
    expect(page.locator("#import-problem")).to_contain_text("Count")
    page.close()

    small = phone_logged_in(browser, live, "epi")
    phone = small.context
    wide = []
    for lang in ("zh", "en"):
        small.goto(f"{live.base}/signals?lang={lang}", wait_until="networkidle")
        expect(small.locator("#chart-fever_clinic")).to_have_attribute("data-drawn", "yes")
        small.click("#antipyretic_sales-days summary")
        expect(small.locator("#antipyretic_sales-table")).to_be_visible()
        width = small.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide.append(f"/signals [{lang}]: {width} px")
        shot(small, f"phone-signals-{lang}")
    phone.close()
    assert wide == []
