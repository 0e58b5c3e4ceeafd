"""Medicines and equipment in the console (issue 18, measure 13): the stock table in Chinese and English with days of
supply and alerts said in words, filtered, paged and exported; a site's page where a receipt, a dispensation and a
transfer change the stock, a dispensation beyond the stock is refused naming the field with nothing changed, a viewer
sees no forms, a site outside the reader's jurisdiction is not found, the requests' read is audited, and the
allocation serves the severe patient first, with its reasons and clauses in words."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fangkong.services.audit.models import AuditEntry
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.supplies.models import SupplyItem, SupplyMovement, SupplyRequest, SupplySite, SupplyStock
from fangkong.web import supplies_pages
from tests.web.helpers import DRILL_DAY, console, demo_store, login

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("supplies"))


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "command")
        yield c


def visible(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", html)
    return re.sub(r"(?s)<[^>]+>", " ", html)


def _site(url: str, kind: str, name_starts: str = "") -> tuple[int, str]:
    with unit_of_work(session_factory(make_engine(url))) as session:
        site = session.scalars(
            select(SupplySite)
            .where(SupplySite.kind == kind, SupplySite.name.like(f"{name_starts}%"))
            .order_by(SupplySite.id)
        ).first()
        assert site is not None
        return site.id, site.name


def _stock(url: str, site_id: int, code: str) -> int:
    with unit_of_work(session_factory(make_engine(url))) as session:
        found = session.scalar(
            select(SupplyStock.quantity)
            .join(SupplyItem, SupplyStock.item_id == SupplyItem.id)
            .where(SupplyStock.site_id == site_id, SupplyItem.code == code)
        )
        return int(found or 0)


def _moves(url: str) -> int:
    with unit_of_work(session_factory(make_engine(url))) as session:
        return int(session.scalar(select(func.count()).select_from(SupplyMovement)) or 0)


def test_the_stock_table_in_both_languages(client: TestClient) -> None:
    zh = client.get("/supplies?lang=zh")
    assert zh.status_code == 200
    text = visible(zh.text)
    for word in ("药品和医疗物资库存", "可供应天数", "补货点", "严重短缺", "抗病毒药", "退热药", "药店"):
        assert word in text, word
    assert SNAKE.findall(text) == []
    en = client.get("/supplies?lang=en")
    text = visible(en.text)
    for word in ("Days of supply", "Reorder point", "Critical shortage", "Antivirals", "Pharmacy", "boxes"):
        assert word in text, word
    assert SNAKE.findall(text) == []
    # an alert is said in words and a sign, not colour alone; the fewest days of supply first
    assert "⛔ Critical shortage" in text and "⚠ Reorder" in text
    days = [float(d) for d in re.findall(r'data-label="Days of supply">([0-9.]+)<', en.text)]
    assert days == sorted(days) and days


def test_filters_paging_and_csv(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    only = client.get("/supplies?lang=en&alert=critical")
    assert "⛔ Critical shortage" in only.text and "⚠ Reorder" not in only.text and "✓ Sufficient" not in only.text
    cat = client.get("/supplies?lang=en&category=antiviral")
    assert "Antivirals" in visible(cat.text) and "Antipyretics</td>" not in cat.text
    kind = client.get("/supplies?lang=en&site_kind=pharmacy")
    assert visible(kind.text).count("Pharmacy ·") >= 1 and "Hospital (pharmacy) ·" not in visible(kind.text)
    bad = client.get("/supplies?lang=en&category=sweets")
    assert bad.status_code == 422
    monkeypatch.setattr(supplies_pages, "PAGE", 10)  # the demo county has 35 lines: pages of 10 to see paging
    everything = client.get("/supplies?lang=en")
    total = int(re.search(r"(\d+) stock lines", everything.text).group(1))  # type: ignore[union-attr]
    assert total > 10 and 'rel="next"' in everything.text and everything.text.count('<tr class="supply-') == 10
    second = client.get("/supplies?lang=en&offset=10")
    assert 'rel="prev"' in second.text and "offset=20" in second.text
    exported = client.get("/supplies.csv?lang=zh&alert=any")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[0][0] == "物资点" and len(rows) > 1
    assert {r[10] for r in rows[1:]} <= {"需补货", "严重短缺"}


def test_forms_change_the_stock_and_a_dispensation_beyond_it_is_refused(client: TestClient, url: str) -> None:
    site_id, _ = _site(url, "pharmacy")
    other_id, other_name = _site(url, "hospital")
    page = client.get(f"/supplies/sites/{site_id}?lang=en")
    assert page.status_code == 200
    for form in ("form-receipt", "form-dispensation", "form-transfer"):
        assert f'id="{form}"' in page.text
    assert SNAKE.findall(visible(page.text)) == []
    before = _stock(url, site_id, "OXIMETER")
    day = DRILL_DAY.isoformat()
    r = client.post(
        f"/supplies/sites/{site_id}/movements",
        data={"kind": "receipt", "item_code": "OXIMETER", "quantity": "25", "day": day},
    )
    assert r.status_code == 303 and r.headers["location"].endswith("saved=receipt")
    assert _stock(url, site_id, "OXIMETER") == before + 25
    assert "Receipt recorded." in client.get(r.headers["location"] + "&lang=en").text
    r = client.post(
        f"/supplies/sites/{site_id}/movements",
        data={"kind": "dispensation", "item_code": "OXIMETER", "quantity": "5", "day": day},
    )
    assert r.status_code == 303 and _stock(url, site_id, "OXIMETER") == before + 20
    r = client.post(
        f"/supplies/sites/{site_id}/movements",
        data={"kind": "transfer", "item_code": "OXIMETER", "quantity": "4", "day": day, "to_site_id": str(other_id)},
    )
    assert r.status_code == 303 and _stock(url, site_id, "OXIMETER") == before + 16
    ledger = html.unescape(client.get(f"/supplies/sites/{site_id}?lang=en").text.split('id="site-ledger"', 1)[1])
    assert "Transfer out" in ledger and other_name in ledger and "-4" in ledger
    # beyond the stock: refused naming the quantity, in the page's language; nothing changed
    moves, stock = _moves(url), _stock(url, site_id, "OXIMETER")
    for lang, said in (("en", "would make it negative"), ("zh", "将使库存为负")):
        refused = client.post(
            f"/supplies/sites/{site_id}/movements?lang={lang}",
            data={"kind": "dispensation", "item_code": "OXIMETER", "quantity": str(stock + 1), "day": day},
        )
        assert refused.status_code == 422
        form = refused.text.split('id="form-dispensation"', 1)[1].split("</form>", 1)[0]
        assert 'data-field="quantity"' in form and said in form and f'value="{stock + 1}"' in form
    bad_day = client.post(
        f"/supplies/sites/{site_id}/movements?lang=en",
        data={"kind": "receipt", "item_code": "OXIMETER", "quantity": "1", "day": "2099-01-01"},
    )
    assert bad_day.status_code == 422 and 'data-field="day"' in bad_day.text
    assert (_moves(url), _stock(url, site_id, "OXIMETER")) == (moves, stock)


def test_a_viewer_sees_no_forms_and_another_jurisdiction_is_not_found(url: str) -> None:
    site_id, _ = _site(url, "pharmacy")
    with console(url) as c:
        login(c, "viewer")
        page = c.get(f"/supplies/sites/{site_id}?lang=en")
        assert page.status_code == 200 and "Stock at this site" in page.text
        main = page.text.split('id="main"', 1)[1]
        assert "<form" not in main  # no receipt, dispensation, transfer or allocation form
        refused = c.post(
            f"/supplies/sites/{site_id}/movements",
            data={"kind": "receipt", "item_code": "OXIMETER", "quantity": "1", "day": DRILL_DAY.isoformat()},
        )
        assert refused.status_code == 403
    far = _site(url, "community_health_centre", "第2社区")[0]
    with console(url) as c:
        login(c, "worker1")  # a community of street 1: the centre of another street is outside
        assert c.get(f"/supplies/sites/{far}").status_code == 404
        assert c.get("/supplies/sites/999999").status_code == 404


def test_requests_read_audited_and_allocation_serves_the_severe_first(client: TestClient, url: str) -> None:
    site_id, _ = _site(url, "community_health_centre", "第1社区")
    with unit_of_work(session_factory(make_engine(url))) as session:
        before = int(session.scalar(select(func.max(AuditEntry.id))) or 0)
    page = client.get(f"/supplies/sites/{site_id}?lang=en")
    requests = page.text.split('id="site-requests"', 1)[1].split("</table>", 1)[0]
    assert requests.count("Pending") == 5 and "severe" in requests
    with unit_of_work(session_factory(make_engine(url))) as session:
        listed = session.scalars(
            select(AuditEntry).where(
                AuditEntry.id > before, AuditEntry.action == "listed", AuditEntry.actor == "command"
            )
        ).all()
        persons = set(session.scalars(select(SupplyRequest.person_id).where(SupplyRequest.site_id == site_id)))
    assert {str(e.entity_id) for e in listed if e.entity == "person"} >= {str(p) for p in persons}
    r = client.post(f"/supplies/sites/{site_id}/allocate", data={"item_code": "O2-CONC"})
    assert r.status_code == 303
    shown = client.get(r.headers["location"] + "&lang=en").text
    table = shown.split('id="site-requests"', 1)[1].split("</table>", 1)[0]
    assert "Severe patients · turn 1" in table and "under the 20 measures, no. 13" in table
    assert "given all 2 asked" in table and "none left for the 2 asked" in table
    with unit_of_work(session_factory(make_engine(url))) as session:
        served = {
            r.severity: (r.turn, r.granted)
            for r in session.scalars(select(SupplyRequest).where(SupplyRequest.site_id == site_id))
            if r.severity == "severe"
        }
    assert served == {"severe": (1, 2)}
    zh = client.get(f"/supplies/sites/{site_id}?lang=zh").text.split('id="site-requests"', 1)[1]
    assert "重型、危重型患者" in zh and "依据《二十条》第13条" in zh
    assert SNAKE.findall(visible(zh.split("</table>", 1)[0])) == []
