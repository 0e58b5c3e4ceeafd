"""Complaints in Chromium (measures 18 and 16; issue 21): the command centre's queue with the demo's late complaint
marked in words, the sealed-building clue answered and closed with feedback from its page (closing without feedback
refused, the field named), the supervisor's over-reach page linking to the complaint, and the public page of typical
cases without a login; the queue fits a phone's 390 px in both languages."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.live import Live, logged_in, phone_logged_in, shot


def test_the_queue_a_clue_closed_with_feedback_and_the_public_cases(browser: Browser, live: Live) -> None:
    page = logged_in(browser, live, "command")
    page.goto(f"{live.base}/complaints?lang=en")
    expect(page.locator("#complaints")).to_contain_text("Overdue")
    expect(page.locator("#complaints")).to_contain_text("Building sealed without a risk area")
    shot(page, "complaints-queue")
    page.click("#complaints a:has-text('Building sealed without a risk area')")
    expect(page.locator("#status")).to_contain_text("To answer")
    page.click("#close button[type=submit]")
    expect(page.locator("#close [data-field=feedback]")).to_be_visible()
    page.fill("#answer textarea[name=answer]", "The wire was removed at 10:00.")
    page.click("#answer button[type=submit]")
    expect(page.locator("#status")).to_contain_text("Answered")
    page.fill("#close textarea[name=feedback]", "Told the caller by phone.")
    page.click("#close button[type=submit]")
    expect(page.locator("#status")).to_contain_text("Closed")
    page.close()

    supervisor = logged_in(browser, live, "supervisor")
    supervisor.goto(f"{live.base}/overreach?kind=complaint_clue&lang=en")
    supervisor.click("a.complaint-link >> nth=0")
    expect(supervisor.locator("#complaint")).to_be_visible()
    supervisor.close()

    anonymous = browser.new_page()
    anonymous.goto(f"{live.base}/public/cases?lang=en")
    expect(anonymous.locator("main")).to_contain_text("A school without cases")
    anonymous.close()

    small = phone_logged_in(browser, live, "worker2")
    phone = small.context
    wide = []
    for lang in ("zh", "en"):
        small.goto(f"{live.base}/complaints?lang={lang}")
        width = small.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide.append(f"/complaints [{lang}]: {width} px")
        shot(small, f"phone-complaints-{lang}")
    phone.close()
    assert wide == []
