"""The console in Debian's Chromium (Playwright), against a live server on the demo county as a drill on
16 Nov 2022: an epidemiologist places a close contact and finds them on tomorrow's test list, the lab records
a positive result, the building is delineated and drawn on the map, the language is switched, and a community
worker of another community cannot open the person. Screenshots of the main pages go to build/screenshots/."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from fangkong.services.infections.models import Infection
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.browser.live import Live, logged_in, phone_logged_in, shot, upload


def test_a_day_in_the_console(browser: Browser, live: Live) -> None:
    epi = logged_in(browser, live, "epi")
    # Chinese by default; the switch turns the console to English and it stays so
    expect(epi.locator("h1")).to_contain_text("今日概况")
    epi.click("#switch-language")
    expect(epi.locator("h1")).to_contain_text("Today")
    shot(epi, "dashboard")

    # place a close contact exposed on the 15th: day 1 is the 16th
    epi.goto(f"{live.base}/forms/order")
    epi.fill("input[name=person_id]", str(live.person_id))
    epi.select_option("select[name=category]", "close_contact")
    epi.fill("input[name=anchor_date]", "2022-11-15")
    epi.click("#order-form button[type=submit]")
    expect(epi.locator(".timeline .day.centralized_isolation").first).to_be_visible()
    expect(epi.locator(".order .reasons").first).to_contain_text("m20.1")
    shot(epi, "person")

    # a refused order shows its message next to the field
    epi.goto(f"{live.base}/forms/order")
    epi.fill("input[name=person_id]", "not a number")
    epi.click("#order-form button[type=submit]")
    expect(epi.locator('[data-field="person_id"]')).to_be_visible()

    # tomorrow's test list carries them, at the isolation site
    epi.goto(f"{live.base}/worklists?on=2022-11-17")
    expect(epi.locator("#tests-due")).to_contain_text("Browser Walk")
    shot(epi, "worklists")

    # the lab records a positive single tube from the 16th
    lab = logged_in(browser, live, "lab")
    upload(
        lab,
        live,
        "samples",
        "samples.csv",
        f"barcode,pool_size,sampling_point,collected_at,members\nBW-1,1,Hotel,2022-11-16T07:00:00+08:00,{live.document}\n",
    )
    upload(
        lab,
        live,
        "results",
        "results.csv",
        "barcode,lab,reported_at,ct_orf1ab,ct_n\nBW-1,Lab,2022-11-16T08:00:00+08:00,25,26\n",
    )
    expect(lab.locator("#import-summary")).to_contain_text("infections: 1")
    with unit_of_work(session_factory(make_engine(live.url))) as session:
        infection = session.scalar(select(Infection.id).where(Infection.person_id == live.person_id))
    assert infection is not None

    # the building is delineated (a whole community would be refused with its clause)
    command = logged_in(browser, live, "command")
    command.goto(f"{live.base}/forms/area?lang=en")
    command.fill("input[name=area_code]", "第1街道第2社区 Community 1-2")
    command.click("#area-form button[type=submit]")
    expect(command.locator("#form-error")).to_contain_text("m20.s3")
    # picked by name from the list, not typed as a 15-digit code
    expect(command.locator("#places option[value='第1街道第2社区 Community 1-2 · 3号楼 Building 3']")).to_have_count(1)
    command.fill("input[name=area_code]", "第1街道第2社区 Community 1-2 · 3号楼 Building 3")
    command.fill("input[name=infection_ids]", str(infection))
    command.click("#area-form button[type=submit]")
    # checked, then shown for confirmation before it acts
    expect(command.locator("#confirm-area")).to_contain_text("3号楼 Building 3")
    command.click("#confirm")
    expect(command.locator("#level")).to_have_attribute("data-level", "high")
    expect(command.locator("#level")).to_have_text("High risk")

    # and drawn on the map beside the demo's own high-risk building
    command.goto(f"{live.base}/map")
    expect(command.locator("#map[data-features='2']")).to_be_attached()
    expect(command.locator("path.leaflet-interactive").first).to_be_visible()
    shot(command, "map")

    # a community worker of another community cannot open the person
    worker = logged_in(browser, live, "worker1")
    response = worker.goto(f"{live.base}/persons/{live.person_id}")
    assert response is not None and response.status == 404
    expect(worker.locator("h1")).to_contain_text("未找到")
    for page in (epi, lab, command, worker):
        page.close()


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width} px wide at 390"


def test_a_community_worker_s_day_on_a_phone(browser: Browser, live: Live) -> None:
    """390×844, as a community worker carries it: the navigation folds under a menu button, the lists become
    cards, five people ticked as sampled leave the lists of tests owed and due, nothing scrolls sideways."""
    page = phone_logged_in(browser, live, "worker1")
    context = page.context
    # the navigation is behind the menu button
    expect(page.locator("#main-nav")).to_be_hidden()
    page.tap("#menu-toggle")
    expect(page.locator("#main-nav")).to_be_visible()
    expect(page.locator("#menu-toggle")).to_have_attribute("aria-expanded", "true")
    page.locator("#main-nav a[href='/worklists']").tap()
    expect(page.locator("h1")).to_contain_text("今日工作")
    no_sideways_scroll(page)
    # rows are cards: a labelled line per field, the table's head out of sight
    expect(page.locator("#tests-due thead")).not_to_be_in_viewport()
    owed = page.locator("#overdue_tests input[name=sample]")
    due = page.locator("#tests-due input[name=sample]")
    owed_before, due_before = owed.count(), due.count()
    assert owed_before >= 2 and due_before >= 3
    shot(page, "phone-worklist")
    ticked = [owed.nth(i).get_attribute("value") for i in range(2)] + [
        due.nth(i).get_attribute("value") for i in range(3)
    ]
    for value in ticked:
        page.locator(f"input[name=sample][value='{value}']").tap()
    page.locator("#mark-sampled").tap()
    expect(page.locator("#notice")).to_contain_text("已记录 5 人采样")
    for value in ticked:
        expect(page.locator(f"input[name=sample][value='{value}']")).to_have_count(0)
    assert owed.count() == owed_before - 2 and due.count() == due_before - 3
    no_sideways_scroll(page)
    shot(page, "phone-worklist-after")
    # a person's page: the phone number is a tap-to-call link, nothing scrolls sideways
    page.locator("#tests-due tbody a").first.tap()  # the header's links sort the list
    expect(page.locator("h1")).to_be_visible()
    no_sideways_scroll(page)
    shot(page, "phone-person")
    context.close()
