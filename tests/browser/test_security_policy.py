"""The console and /docs under their Content-Security-Policy in Chromium (issue 17): no page's script, style,
chart, map or Swagger UI is refused by the policy, the behaviours moved out of inline handlers still work, and a
form posted from another site is refused."""

from __future__ import annotations

from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.browser.live import Live, logged_in

PAGES = [
    "/",
    "/worklists",
    "/persons",
    "/orders",
    "/infections",
    "/infections/1",
    "/trends",
    "/facilities",
    "/facilities/1",
    "/capacity",
    "/vaccination",
    "/vaccination/outreach",
    "/map",
    "/risk-areas",
    "/forms/order",
    "/forms/area",
    "/forms/campaign",
    "/command",
    "/policy",
    "/self-check",
    "/login",
]


def watch(page: Page) -> list[str]:
    refused: list[str] = []

    def seen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text[:200]}")

    page.on("console", seen)
    return refused


def test_no_page_breaks_the_policy_and_the_moved_behaviours_work(browser: Browser, live: Live) -> None:
    page = logged_in(browser, live, "command")
    refused = watch(page)
    for path in PAGES:
        page.goto(f"{live.base}{path}", wait_until="networkidle")
    page.goto(f"{live.base}/docs", wait_until="networkidle")
    # Swagger UI started by its hashed script; it lays out the whole OpenAPI (200-odd operations) before it shows the
    # title, which takes longer than the default 5 s on a busy machine
    expect(page.locator(".swagger-ui .info")).to_be_visible(timeout=30_000)
    page.goto(f"{live.base}/", wait_until="networkidle")
    widths = page.locator(".bar .fill").evaluate_all("bars => bars.map(b => b.style.width)")
    assert widths and all(w.endswith("%") for w in widths)  # the dashboard's bars, drawn by console.js
    page.goto(f"{live.base}/command", wait_until="networkidle")
    options = page.locator("#version option").evaluate_all("os => os.map(o => [o.value, o.dataset.effective])")
    page.select_option("#version", options[-1][0])
    expect(page.locator("#effective_on")).to_have_value(options[-1][1])  # console.js fills the day in
    page.set_viewport_size({"width": 390, "height": 844})
    page.click("#menu-toggle")
    expect(page.locator("#menu-toggle")).to_have_attribute("aria-expanded", "true")
    assert refused == []
    page.close()


def test_a_form_posted_from_another_site_is_refused(browser: Browser, live: Live) -> None:
    page = logged_in(browser, live, "worker1")
    # a page of another origin (about:blank's is opaque) posting the logout form with no token
    page.goto("about:blank")
    page.set_content(f'<form method="post" action="{live.base}/logout" id="f"></form>')
    with page.expect_navigation():
        page.eval_on_selector("#f", "f => f.submit()")
    assert page.url.endswith("/logout")
    expect(page.locator("h1")).to_contain_text("表单已失效")
    page.goto(f"{live.base}/persons")
    expect(page.locator("#who")).to_contain_text("worker1")  # still logged in
    page.close()
