"""The key-population and key-institution forms in a browser at phone width (issue 19, measure 14): the command
centre, at 390×844 in Chromium, with every form of /key-populations open, has no sideways scroll and no serious
accessibility violation in Chinese or English; puts a person on the registry from their page's button; records a
resident of the demo nursing home by ID number and sees them listed with a link to their page; and a start in the
future is refused on the page with the field named, nothing stored. Screenshots go to build/screenshots/."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, ViewportSize, expect
from sqlalchemy import func, select

from fangkong.services.demo import DEMO_PASSWORD
from fangkong.services.key_populations.demo import NURSING_HOME
from fangkong.services.key_populations.models import InstitutionMember, KeyInstitution, KeyPerson
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.browser.live import Live, shot
from tests.browser.test_accessibility import violations

PHONE: ViewportSize = {"width": 390, "height": 844}


def _signed_in(browser: Browser, live: Live, who: str = "command") -> Page:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live.base}/login")
    page.fill("input[name=username]", who)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#who")).to_contain_text(who)
    return page


def _free_people(live: Live, n: int) -> list[tuple[int, str]]:
    """Adults of the first community neither on the registry nor in an institution: (id, ID number)."""
    with unit_of_work(session_factory(make_engine(live.url))) as session:
        taken = select(KeyPerson.person_id).union(select(InstitutionMember.person_id))
        rows = session.execute(
            select(Person.id, Person.document_number)
            .where(Person.jurisdiction_code == "110199001001", Person.id.not_in(taken), Person.birth_date.is_not(None))
            .order_by(Person.id.desc())
            .limit(n)
        ).all()
    return [(int(i), str(d)) for i, d in rows]


def _home(live: Live) -> int:
    with unit_of_work(session_factory(make_engine(live.url))) as session:
        found = session.scalar(select(KeyInstitution.id).where(KeyInstitution.name == NURSING_HOME))
    assert found is not None
    return int(found)


def _members(live: Live) -> int:
    with unit_of_work(session_factory(make_engine(live.url))) as session:
        return int(session.scalar(select(func.count()).select_from(InstitutionMember)) or 0)


def test_every_form_open_fits_a_phone_in_both_languages(browser: Browser, live: Live) -> None:
    page = _signed_in(browser, live)
    wide: list[str] = []
    problems: list[str] = []
    for lang in ("zh", "en"):
        page.goto(f"{live.base}/key-populations?lang={lang}", wait_until="load")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide.append(f"[{lang}]: {width} px")
        problems += [f"[{lang}]: {v}" for v in violations(page)]
        shot(page, f"phone-key-population-forms-{lang}")
    assert wide == []
    assert problems == []


def test_added_from_the_person_page_and_a_resident_recorded(browser: Browser, live: Live) -> None:
    (person_id, _), (resident_id, number) = _free_people(live, 2)
    page = _signed_in(browser, live)
    page.goto(f"{live.base}/persons/{person_id}", wait_until="load")
    page.click("#add-to-key-populations")
    expect(page.locator("#candidate")).to_be_visible()
    page.locator("#add-entry input[name=kinds][value=underlying_disease]").check()
    page.fill("#add-entry input[name=checker]", "worker1")
    page.click("#add-entry button[type=submit]")
    expect(page.locator("#notice")).to_contain_text("已登记为重点人群")
    home = _home(live)
    before = _members(live)
    page.goto(f"{live.base}/key-populations?lang=en", wait_until="load")
    form = page.locator(f"#member-{home}")
    page.locator(f"#institution-{home} details:has(#member-{home}) summary").click()
    form.locator("input[name=document_number]").fill(number)
    form.locator("select[name=role]").select_option("resident")
    form.locator("input[name=started_on]").fill("2030-01-01")
    form.locator("button[type=submit]").click()
    refused = page.locator(f"#member-{home} [data-field=started_on]")
    expect(refused).to_be_visible()
    expect(refused).to_contain_text("in the future")
    assert _members(live) == before
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    form = page.locator(f"#member-{home}")
    form.locator("input[name=started_on]").fill("2022-06-01")
    form.locator("button[type=submit]").click()
    expect(page.locator("#notice")).to_contain_text("Member recorded")
    expect(page.locator(f"#members-{home} a[href='/persons/{resident_id}']")).to_be_visible()
    assert _members(live) == before + 1
    shot(page, "phone-key-population-member")
