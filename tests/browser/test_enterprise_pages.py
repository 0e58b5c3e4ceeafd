"""The enterprises page in Chromium (measure 19; issue 21): the demo park, its white-listed enterprise and the
ordinary one in both languages, with no serious accessibility violation (axe-core) and nothing scrolling sideways at a
phone's 390 px; a stop order for the white-listed enterprise is refused on the page with its clause."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.live import Live, logged_in, phone_logged_in, shot
from tests.browser.test_accessibility import violations


def test_the_enterprises_page(browser: Browser, live: Live) -> None:
    page = logged_in(browser, live, "command")
    problems: list[str] = []
    for lang in ("zh", "en"):
        page.goto(f"{live.base}/enterprises?lang={lang}", wait_until="load")
        problems += [f"{lang}: {v}" for v in violations(page)]
    assert problems == [], "\n".join(problems)
    expect(page.locator("#enterprises")).to_contain_text("Key enterprise (white list)")
    shot(page, "enterprises")
    form = page.locator("#enterprises tr", has_text="Key enterprise (white list)").locator("form[id^=stop-]")
    form.locator("input[name=reason]").fill("a case in the workshop")
    form.locator("input[name=approved_by]").fill("county command")
    form.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("m20.19")
    page.close()

    small = phone_logged_in(browser, live, "supervisor")
    phone = small.context
    for lang in ("zh", "en"):
        small.goto(f"{live.base}/enterprises?lang={lang}", wait_until="load")
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{lang}: {width}px wide"
    phone.close()
