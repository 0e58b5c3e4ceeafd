"""Policy comparisons in Chromium (issue 22): the command centre opens `/simulations` from the menu, runs m20 against
no intervention from the form (the policies ticked by name; the county's own testing every day, which m20's guard
refuses), lands on the saved comparison and sees what the guard refused, its five charts drawn (ECharts canvases fed
by the page's data.json) with a line per policy, the summary table beside them; the demo's comparison draws in both
languages and fits a phone's 390 px; a refusal (one policy) shows the form again naming the field."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from fangkong.web.simulation_pages import CHARTS
from tests.browser.live import Live, logged_in, phone_logged_in, shot


def test_run_a_comparison_and_see_its_charts(browser: Browser, live: Live) -> None:
    page = logged_in(browser, live, "command")
    page.goto(f"{live.base}/?lang=en")
    page.click("#main-nav a[href='/simulations']")
    expect(page.locator("h1")).to_contain_text("Policy impact simulation")
    for version in ("v9", "m20", "n10", "classb", "none"):  # a clean slate: none ticked
        page.uncheck(f"#policy-{version}")
    page.check("#policy-m20")
    page.check("#policy-none")
    page.fill("#population", "3000")
    page.fill("#days", "30")
    page.fill("#seeds", "2")
    page.select_option("#local-when", "always")  # the county's own testing every day: m20's measure 6 refuses it
    page.click("#simulation-run")
    expect(page.locator("h1")).to_contain_text("The 20 measures · No intervention")
    expect(page.locator("#simulation-proposal")).to_contain_text("Every day, outbreak or not, 1 a day")
    expect(page.locator("#refusals")).to_contain_text("under the 20 measures, no. 6")
    for chart, _, _ in CHARTS:
        expect(page.locator(f"#chart-{chart}")).to_have_attribute("data-drawn", "yes")
        expect(page.locator(f"#chart-{chart} canvas")).to_have_count(1)
    expect(page.locator("#simulation-failed")).to_be_hidden()
    legend = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('chart-room_nights')).getOption().series.map(s => s.name)"
    )
    assert legend == ["The 20 measures", "No intervention"]
    expect(page.locator("#figure-room_nights")).to_contain_text("[")
    shot(page, "simulation-run")

    page.goto(f"{live.base}/simulations?lang=en")
    page.uncheck("#policy-v9")  # leaves m20 alone: the browser lets it through, the server refuses it
    page.click("#simulation-run")
    expect(page.locator("#simulation-problem")).to_contain_text("Policies")
    page.close()


def test_the_demo_comparison_in_both_languages_on_a_phone(browser: Browser, live: Live) -> None:
    small = phone_logged_in(browser, live, "command")
    phone = small.context
    wide = []
    for lang in ("zh", "en"):
        small.goto(f"{live.base}/simulations?lang={lang}", wait_until="networkidle")
        link = small.locator("#comparisons a").last  # the oldest: the demo's
        link.click()
        small.wait_for_load_state("networkidle")
        for chart, _, _ in CHARTS:
            expect(small.locator(f"#chart-{chart}")).to_have_attribute("data-drawn", "yes")
        width = small.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide.append(f"comparison [{lang}]: {width} px")
        shot(small, f"phone-simulation-{lang}")
    phone.close()
    assert wide == []
