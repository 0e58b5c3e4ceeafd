"""Medicines and equipment on a phone (issue 18, measure 13): at 390×844 in Chromium the stock table and a site's
page do not scroll sideways in Chinese or English, and the command centre records a receipt from the phone and
sees the stock rise. Screenshots go to build/screenshots/phone-supplies-*.png."""

from __future__ import annotations

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.supplies.models import SupplyItem, SupplySite, SupplyStock
from tests.browser.live import Live, phone_logged_in, shot


def _pharmacy(live: Live) -> int:
    with unit_of_work(session_factory(make_engine(live.url))) as session:
        found = session.scalar(select(SupplySite.id).where(SupplySite.kind == "pharmacy").order_by(SupplySite.id))
    assert found is not None
    return int(found)


def _stock(live: Live, site_id: int, code: str) -> int:
    with unit_of_work(session_factory(make_engine(live.url))) as session:
        found = session.scalar(
            select(SupplyStock.quantity)
            .join(SupplyItem, SupplyStock.item_id == SupplyItem.id)
            .where(SupplyStock.site_id == site_id, SupplyItem.code == code)
        )
    return int(found or 0)


def test_supplies_on_a_phone(browser: Browser, live: Live) -> None:
    site_id = _pharmacy(live)
    page = phone_logged_in(browser, live, "command")
    context = page.context
    wide: list[str] = []
    for path in ("/supplies", "/supplies?alert=any", f"/supplies/sites/{site_id}"):
        for lang in ("zh", "en"):
            joiner = "&" if "?" in path else "?"
            page.goto(f"{live.base}{path}{joiner}lang={lang}", wait_until="load")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                wide.append(f"{path} [{lang}]: {width} px")
    assert wide == []
    page.goto(f"{live.base}/supplies?lang=en", wait_until="load")
    shot(page, "phone-supplies")
    expect(page.locator("#stock")).to_contain_text("Days of supply")
    # a receipt recorded from the phone: the form, the redirect, the notice, the stock risen
    before = _stock(live, site_id, "IBUPROFEN")
    page.goto(f"{live.base}/supplies/sites/{site_id}?lang=en", wait_until="load")
    form = page.locator("#form-receipt")
    form.locator("select[name=item_code]").select_option("IBUPROFEN")
    form.locator("input[name=quantity]").fill("120")
    form.locator("#save-receipt").click()
    expect(page.locator("#notice")).to_contain_text("Receipt recorded.")
    shot(page, "phone-supplies-site")
    assert _stock(live, site_id, "IBUPROFEN") == before + 120
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
