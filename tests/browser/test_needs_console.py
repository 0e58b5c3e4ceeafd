"""Services for people under closure on a phone (issue 19, measure 17 with 16): at 390×844 in Chromium the community
worker raises a medicine need from a person's page, routes it, records that a pharmacy refused it for the person's
health code, and sees the refusal flagged as over-reach in words — in Chinese, then in English. The needs pages do
not scroll sideways in either language and have no serious accessibility violation. A screenshot goes to
build/screenshots/phone-need-over-reach.png."""

from __future__ import annotations

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.browser.live import C11, Live, phone_logged_in, shot
from tests.browser.test_accessibility import violations


def _person_of_c11(live: Live) -> int:
    with unit_of_work(session_factory(make_engine(live.url))) as session:
        found = session.scalars(select(Person.id).where(Person.jurisdiction_code == C11).order_by(Person.id)).all()
    return int(found[-1])  # the last: not one of the demo's own needs


def test_raise_route_refuse_flagged_on_a_phone(browser: Browser, live: Live) -> None:
    person_id = _person_of_c11(live)
    page = phone_logged_in(browser, live, "worker1")
    context = page.context

    page.goto(f"{live.base}/persons/{person_id}?lang=zh")
    page.click("#raise-need-for")
    expect(page.locator("#deadline-by-urgency")).to_contain_text("紧急（数小时内）")
    page.select_option("#kind", "medicine")
    page.fill("#detail", "降压药")
    page.click("#save-need")
    expect(page.locator("#notice")).to_contain_text("需求已登记")
    expect(page.locator("#need-kind")).to_contain_text("购药")
    need_url = page.url.split("?")[0]

    page.select_option("#assignee", "worker1")
    page.click("#route-need")
    expect(page.locator("#need-assignee")).to_contain_text("worker1")

    page.select_option("#ground", "health_code")
    page.fill("#refused_by", "第三药店")
    page.fill("#refused_where", "正街")
    page.fill("#reason", "红码不接待")
    page.click("#record-refusal")
    expect(page.locator("#over-reach")).to_contain_text("已标记为层层加码")
    expect(page.locator("#need-state")).to_contain_text("待分派")  # medical: back on the queue
    shot(page, "phone-need-over-reach")

    page.goto(f"{need_url}?lang=en")
    expect(page.locator("#over-reach")).to_contain_text("Flagged as over-reach")
    expect(page.locator("#refusals")).to_contain_text("The person's health code")

    wide: list[str] = []
    problems: list[str] = []
    paths = ("/needs", "/needs/new", need_url.removeprefix(live.base), "/needs/escalations", "/needs/points")
    for path in (*paths, "/needs/hotline"):
        for lang in ("zh", "en"):
            page.goto(f"{live.base}{path}?lang={lang}", wait_until="load")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                wide.append(f"{path} [{lang}]: {width} px")
            problems += [f"{path} [{lang}]: {v}" for v in violations(page)]
    assert wide == []
    assert problems == []
    context.close()
