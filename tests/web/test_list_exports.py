"""The lists that are work products export as CSV and XLSX (issue 16): the infections, the close-contact proposals
and the risk areas, with the filters of the page, in the reader's language; each export of personal data is an
audit entry naming the persons whose data went out. On the demo county (16 Nov 2022)."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import select

from fangkong.services.audit.models import AuditEntry
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.web.helpers import console, demo_store, login


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("list-exports"), persons=30)


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "epi")
        yield c


def table(r: object) -> list[list[str]]:
    body = r.content.decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body)))


def sheet(r: object) -> list[list[object]]:
    book = load_workbook(io.BytesIO(r.content))  # type: ignore[attr-defined]
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def exports(url: str, entity: str) -> list[AuditEntry]:
    with unit_of_work(session_factory(make_engine(url))) as session:
        found = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "exported", AuditEntry.entity == entity)
        ).all()
        session.expunge_all()
        return list(found)


def link(page: str, anchor: str) -> str:
    found = re.search(rf'href="([^"]+)" id="{anchor}"', page)
    assert found is not None, anchor
    return html.unescape(found.group(1))


def test_the_infections_export_as_the_list_shows_them_and_is_audited(client: TestClient, url: str) -> None:
    page = client.get("/infections?lang=zh").text
    names = re.findall(r'<a href="/infections/\d+">([^<]+)</a>', page)
    assert names
    r = client.get(link(page, "export-csv"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = table(r)
    assert rows[0][:3] == ["姓名", "感染类型", "发现途径"] or rows[0][0] == "姓名"
    assert [row[0] for row in rows[1:]] == names
    assert not any("_" in cell for row in rows for cell in row)  # no raw enum values in the file
    xlsx = client.get("/infections.xlsx?lang=en")
    assert xlsx.status_code == 200 and [row[0] for row in sheet(xlsx)[1:]] == names
    assert sheet(xlsx)[0][0] == "Name"
    # a filter the list keeps is kept by the export
    kept = client.get("/infections", params={"found_in": "temporary_control"}).text
    some = table(client.get(link(kept, "export-csv")))
    assert [row[0] for row in some[1:]] == re.findall(r'<a href="/infections/\d+">([^<]+)</a>', kept)
    none = table(client.get("/infections.csv", params={"confirmed_from": "2030-01-01"}))
    assert len(none) == 1
    done = exports(url, "infections")
    assert len(done) == 4 and done[-1].detail["rows"] == 0 and done[1].detail["rows"] == len(names)
    assert done[1].detail["persons"] and done[1].detail["format"] == "xlsx"
    assert done[2].detail["filters"] == {"found_in": "temporary_control", "sort": "-confirmed_at"}
    bad = client.get("/infections.csv", params={"sort": "colour"})
    assert bad.status_code == 422


def test_the_contact_proposals_export_with_their_evidence(client: TestClient, url: str) -> None:
    page = client.get("/contacts?lang=en").text
    names = re.findall(r'<a href="/persons/\d+">([^<]+)</a>', page)
    assert names
    rows = table(client.get(link(page, "export-csv")))
    assert rows[0][0] == "Name" and sorted(row[0] for row in rows[1:]) == sorted(names)
    assert all(row[3] for row in rows[1:]) and all(row[4] for row in rows[1:])  # status, whose contact
    confirmed = table(client.get("/contacts.csv", params={"status": "confirmed"}))
    assert len(confirmed) - 1 < len(rows) - 1 or len(confirmed) == 1
    xlsx = client.get("/contacts.xlsx?lang=zh")
    assert xlsx.status_code == 200 and sheet(xlsx)[0][0] == "姓名"
    done = exports(url, "contact_candidates")
    assert len(done) >= 3 and done[0].detail["persons"] and done[0].detail["format"] == "csv"
    assert client.get("/contacts.pdf").status_code == 404


def test_the_risk_areas_export_with_the_list_s_filters(client: TestClient, url: str) -> None:
    page = client.get("/risk-areas?level=high&lang=zh").text
    r = client.get(link(page, "export-csv"))
    rows = table(r)
    assert rows[0][:2] == ["风险区", "风险等级"] or len(rows[0]) == 5
    assert len(rows) == 2 and "7号楼" in rows[1][0] and rows[1][1] == "高风险"
    assert len(table(client.get("/risk-areas.csv", params={"level": "low"}))) == 1
    xlsx = client.get("/risk-areas.xlsx?lang=en&status=active")
    assert xlsx.status_code == 200 and len(sheet(xlsx)) == 2
    assert len(exports(url, "risk_areas")) >= 3
    login(client, "lab")
    assert client.get("/risk-areas.csv").status_code == 403
