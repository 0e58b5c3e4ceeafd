"""The command centre in Chromium (issue 16), on the demo county as a drill on 16 Nov 2022 with four people placed
under management in early December (their plans run past the 7th): from the menu to the command page, picking the
version (the day it takes effect follows), previewing the ten new measures — the counts, and the close contact's
plan shortened with the clause of its reason — in Chinese, then in English."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.live import Live, logged_in, shot
from tests.web.test_command_pages import seed_in_flight


@pytest.fixture(scope="module")
def in_flight(live: Live) -> dict[str, int]:
    return seed_in_flight(live.url)


def test_the_command_centre_previews_the_ten_new_measures(
    browser: Browser, live: Live, in_flight: dict[str, int]
) -> None:
    page = logged_in(browser, live, "command")
    page.locator("#main-nav a[href='/command']").click()
    expect(page.locator("h1")).to_have_text("指挥调度")
    # the version about to take effect is offered first; picking another moves the day with it
    expect(page.locator("#version")).to_have_value("n10")
    expect(page.locator("#effective_on")).to_have_value("2022-12-07")
    page.select_option("#version", "classb")
    expect(page.locator("#effective_on")).to_have_value("2023-01-08")
    page.select_option("#version", "n10")
    expect(page.locator("#effective_on")).to_have_value("2022-12-07")

    page.click("#preview-button")
    expect(page.locator("#preview-title")).to_have_text("预览：2022-12-07 起施行 n10")
    expect(page.locator("#count-checked")).to_have_text("4")
    expect(page.locator("#count-shortened")).to_have_text("1")
    expect(page.locator("#count-restated")).to_have_text("3")
    shortened = page.locator("#examples-shortened tbody tr")
    expect(shortened).to_have_count(1)
    expect(shortened).to_contain_text("密切接触者")
    expect(shortened).to_contain_text("2022-12-09")
    expect(shortened).to_contain_text("n10.3")
    expect(page.locator("#apply-button")).to_have_text("执行（4 项）")
    shot(page, "command-transition")

    # in English: the switch keeps the page, the preview is asked for again
    page.click("#switch-language")
    expect(page.locator("h1")).to_have_text("Command")
    page.click("#preview-button")
    expect(page.locator("#preview-title")).to_have_text("Preview: n10 from 2022-12-07")
    expect(page.locator("#preview-counts")).to_contain_text("4 orders in flight checked")
    expect(page.locator("#preview-counts")).to_contain_text("1 shortened")
    expect(page.locator("#examples-shortened")).to_contain_text("plan recomputed from day 1 (2022-12-04) under n10")
    expect(page.locator("#apply-button")).to_have_text("Apply (4 changes)")
    shot(page, "command-transition-en")
    page.close()
