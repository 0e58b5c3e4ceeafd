"""The epidemiologist's day in Chromium (issue 16), on the demo county as a drill on 16 Nov 2022: from the menu to
the infections, to the 15 Nov infection found while held after a positive pool, its proposed close contacts with
their evidence (the housemate; two market scans, with both times), confirming them all, and their orders on their
pages — in Chinese, then the same page in English."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.live import Live, logged_in, shot


def test_the_epidemiologist_confirms_the_15_nov_infection_s_contacts(browser: Browser, live: Live) -> None:
    epi = logged_in(browser, live, "epi")
    epi.locator("#main-nav a[href='/infections']").click()
    expect(epi.locator("h1")).to_have_text("感染者")
    row = epi.locator("#infections tbody tr").first
    expect(row).to_contain_text("无症状感染者")
    expect(row).to_contain_text("混管阳性临时管控")
    row.locator("a").first.click()

    # where it was found, the chain, and three proposals with their evidence
    expect(epi.locator("#found-in")).to_have_text("混管阳性临时管控")
    expect(epi.locator("#chain-list li")).to_have_count(1)
    proposals = epi.locator("#contact-table tbody tr[data-status=proposed]")
    expect(proposals).to_have_count(3)
    expect(epi.locator("#contact-table")).to_contain_text("同住一户")
    expect(epi.locator("#contact-table")).to_contain_text("本人 2022-11-14 10:12 扫码")
    shot(epi, "infection-proposals")

    epi.locator("#confirm-all").click()
    expect(epi.locator("#done")).to_contain_text("已判定 3 人为密切接触者")
    expect(epi.locator("#contact-table tbody tr[data-status=confirmed]")).to_have_count(3)
    expect(epi.locator("#contact-table .order-link")).to_have_count(3)
    expect(epi.locator("#confirm-all")).to_have_count(0)
    shot(epi, "infection-confirmed")

    # in English the same page says the same
    epi.click("#switch-language")
    expect(epi.locator("#contact-table")).to_contain_text("Confirmed")
    expect(epi.locator("#contact-table")).to_contain_text("Lives in the same home")

    # the order is on the contact's page, dated on the drill's day
    epi.locator("#contact-table .order-link").first.click()
    expect(epi.locator(".order h3").first).to_contain_text("Close contact")
    expect(epi.locator(".order").first).to_contain_text("2022-11-16")
    expect(epi.locator(".order").first).not_to_contain_text("2026-")
    epi.close()

    # the queue of proposals is empty now
    queue = logged_in(browser, live, "epi")
    queue.goto(f"{live.base}/contacts?lang=en")
    expect(queue.locator("#total")).to_have_text("0 found")
    queue.close()


def test_the_supervisor_sees_who_looked_and_the_viewer_sees_no_form(browser: Browser, live: Live) -> None:
    """After the epidemiologist's day: the supervisor finds the epidemiologist's reads in the audit log (in
    English, then in Chinese); the viewer reads the same infection with no form to submit. The epidemiologist's
    read is made here, not left to the walk above: pytest-xdist may run this test first or on another worker."""
    epi = logged_in(browser, live, "epi")
    epi.goto(f"{live.base}/infections/1")
    expect(epi.locator("#contact-table")).to_be_visible()
    epi.close()

    supervisor = logged_in(browser, live, "supervisor")
    supervisor.goto(f"{live.base}/audit?lang=en")
    supervisor.fill("#user", "epi")
    supervisor.locator("#audit-filters button[type=submit]").click()
    rows = supervisor.locator("#audit tbody tr")
    expect(rows.first).to_contain_text("epi")
    assert rows.count() > 0
    expect(supervisor.locator("#audit")).not_to_contain_text("worker1")
    supervisor.click("#switch-language")
    expect(supervisor.locator("#audit")).to_contain_text("查看")
    shot(supervisor, "audit")
    supervisor.close()

    viewer = logged_in(browser, live, "viewer")
    viewer.goto(f"{live.base}/infections/1")
    expect(viewer.locator("#contact-table")).to_be_visible()
    expect(viewer.locator("#decide-form button")).to_have_count(0)
    expect(viewer.locator("input[name=candidate]")).to_have_count(0)
    expect(viewer.locator("#main-nav a[href='/forms/order']")).to_have_count(0)
    viewer.close()
