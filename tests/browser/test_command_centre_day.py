"""The command centre's overview in Chromium (issue 16): the dashboard's tiles lead to the lists behind them, and
the trends page draws its five charts (Apache ECharts, vendored) with the same numbers in tables beneath — on a
desktop and at a phone's 390 px, in both languages."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.live import Live, logged_in, shot


def test_tiles_lead_to_their_lists_and_the_trends_are_drawn(browser: Browser, live: Live) -> None:
    command = logged_in(browser, live, "command")
    command.locator("a.tile[href^='/risk-areas']").click()
    expect(command.locator("h1")).to_contain_text("风险区")
    command.go_back()
    command.locator("a.tile[href^='/orders']").click()
    expect(command.locator("select[name=status]")).to_have_value("active")
    command.go_back()
    command.locator("#rooms-trend").click()
    charts = command.locator("#trend-charts canvas")
    expect(charts).to_have_count(5)
    expect(command.locator("#trend-failed")).to_be_hidden()
    assert command.locator("#trend-charts table").count() == 5
    shot(command, "trends")
    command.goto(f"{live.base}/trends?lang=en")
    expect(command.locator("#trend-charts h2").first).to_be_visible()
    expect(command.locator("#trend-charts canvas")).to_have_count(5)
    command.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{live.base}/login")
    page.fill("input[name=username]", "command")
    page.fill("input[name=password]", "fangkong-demo")
    page.click("button[type=submit]")
    page.goto(f"{live.base}/trends")
    expect(page.locator("#trend-charts canvas")).to_have_count(5)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the trends are {width} px wide at 390"
    shot(page, "phone-trends")
    phone.close()
