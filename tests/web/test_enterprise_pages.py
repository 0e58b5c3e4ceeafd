"""Enterprises and parks in the console (measure 19): the command centre sees the demo park, its white-listed
enterprise and the ordinary one with their chains and ledgers, in Chinese and English with no raw values; a stop of
the white-listed enterprise is refused citing m20.19, a stop of the other without an approval citing m20.16, each
kept as an over-reach finding; with an approval the stop is recorded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fangkong.services.enterprises.models import Enterprise
from fangkong.services.overreach.models import OverreachFinding
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.web.helpers import console, demo_store, login


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("enterprises"), persons=20)


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "command")
        yield c


def _ids(url: str) -> tuple[int, int]:
    with unit_of_work(session_factory(make_engine(url))) as s:
        white = s.scalar(select(Enterprise.id).where(Enterprise.white_listed.is_(True)))
        other = s.scalar(select(Enterprise.id).where(Enterprise.white_listed.is_(False)))
    assert white is not None and other is not None
    return white, other


def _document_of(url: str, person_id: int) -> str:
    with unit_of_work(session_factory(make_engine(url))) as s:
        number = s.scalar(select(Person.document_number).where(Person.id == person_id))
    assert number
    return str(number)


def _findings(url: str) -> int:
    with unit_of_work(session_factory(make_engine(url))) as s:
        return int(s.scalar(select(func.count()).select_from(OverreachFinding)) or 0)


def test_the_registry_page(client: TestClient) -> None:
    assert 'href="/enterprises"' in client.get("/").text
    zh = client.get("/enterprises")
    assert zh.status_code == 200
    assert "重点企业（白名单）" in zh.text and "管理层" in zh.text and "防控台账" in zh.text and "需整改" in zh.text
    en = client.get("/enterprises?lang=en")
    assert "Key enterprise (white list)" in en.text and "Workshop" in en.text and "Private" in en.text
    for raw in ("ent_level_", "ent_ownership_", ">management<", ">private<"):
        assert raw not in zh.text and raw not in en.text
    only = client.get("/enterprises?white=yes&lang=en").text
    assert "1 enterprises" in only


def test_stop_orders_through_the_console(client: TestClient, url: str) -> None:
    white, other = _ids(url)
    before = _findings(url)
    refused = client.post(f"/enterprises/{white}/stop", data={"reason": "a case", "approved_by": "county"})
    assert refused.status_code == 422 and "m20.19" in refused.text
    unapproved = client.post(f"/enterprises/{other}/stop", data={"reason": "a case"})
    assert unapproved.status_code == 422 and "m20.16" in unapproved.text
    assert _findings(url) == before + 2
    done = client.post(
        f"/enterprises/{other}/stop", data={"reason": "a case", "approved_by": "county", "approval_ref": "7"}
    )
    assert done.status_code == 303
    assert "Stopped (approved)" in client.get("/enterprises?lang=en").text


def test_returning_worker_through_the_console(client: TestClient, url: str) -> None:
    white, _ = _ids(url)
    bad = client.post(f"/enterprises/{white}/return-checks", data={"document_number": "x"})
    assert bad.status_code == 422 and 'data-field="document_number"' in bad.text
    elsewhere = client.post(f"/enterprises/{white}/return-checks", data={"document_number": "NOBODY-1"})
    assert elsewhere.status_code == 422 and 'data-field="document_number"' in elsewhere.text
    number = _document_of(url, 1)
    held = client.post(
        f"/enterprises/{white}/return-checks", data={"document_number": number.lower()}, params={"lang": "en"}
    )
    assert held.status_code == 200 and 'id="returned"' in held.text and "m20.19" in held.text
