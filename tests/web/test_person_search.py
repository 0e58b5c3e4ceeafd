"""Finding people in the console (issue 16): one search box for a name, an ID number or a phone number, filters,
server-side sorting and paging; identifiers stay masked for roles that do not see them, and every person listed is
noted in their audit trail."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fangkong.services.audit.models import AuditEntry
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.web.person_pages import search_terms
from tests.web.helpers import console, demo_store, login


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = demo_store(tmp_path_factory.mktemp("persons"))
    with unit_of_work(session_factory(make_engine(url))) as session:
        first = session.scalar(select(Person).order_by(Person.id))
        assert first is not None
        first.phone = "138-0013-8000"
    return url


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        yield c


def names(html: str) -> list[str]:
    return re.findall(r'<td data-label="[^"]*"><a href="/persons/\d+">([^<]+)</a>', html)


@pytest.mark.parametrize(
    ("q", "meant"),
    [
        ("王", {"name": "王"}),
        ("110199198001010012", {"document_number": "110199198001010012"}),
        ("11019919800101001X", {"document_number": "11019919800101001X"}),
        ("EB1234567", {"document_number": "EB1234567"}),
        ("138-0013-8000", {"phone": "138-0013-8000"}),
        ("  ", {}),
    ],
)
def test_one_box_reads_a_name_a_document_or_a_phone(q: str, meant: dict[str, str]) -> None:
    assert search_terms(q) == meant


def first_person(url: str) -> Person:
    with unit_of_work(session_factory(make_engine(url))) as session:
        person = session.scalar(select(Person).order_by(Person.id))
        assert person is not None
        session.expunge(person)
        return person


def test_search_by_name_id_and_phone(client: TestClient, url: str) -> None:
    person = first_person(url)
    login(client, "epi")
    by_name = client.get("/persons", params={"q": person.name[:2]}).text
    assert person.name in names(by_name)
    by_document = client.get("/persons", params={"q": person.document_number}).text
    assert names(by_document) == [person.name]
    by_phone = client.get("/persons", params={"q": "13800138000"}).text
    assert names(by_phone) == [person.name]
    assert 'href="tel:138-0013-8000"' in by_phone


def test_a_worker_without_identifiers_is_told_why_and_sees_masks(client: TestClient, url: str) -> None:
    person = first_person(url)
    login(client, "viewer")
    r = client.get("/persons", params={"q": person.document_number, "lang": "en"})
    assert r.status_code == 403 and 'id="problem"' in r.text
    listed = client.get("/persons").text
    assert person.document_number not in listed and "*" in listed


def test_lists_sort_and_page_on_the_server(client: TestClient, url: str) -> None:
    login(client, "epi")
    first = client.get("/persons", params={"sort": "name"}).text
    total = int(re.search(r'id="total">\D*(\d+)', first).group(1))  # type: ignore[union-attr]
    seen: list[str] = []
    offset = 0
    while offset < total:
        page = client.get("/persons", params={"sort": "name", "offset": offset}).text
        seen += names(page)
        offset += 25
    assert len(seen) == total and seen == sorted(seen)
    reverse = names(client.get("/persons", params={"sort": "-name"}).text)
    assert reverse == sorted(seen, reverse=True)[: len(reverse)]
    assert client.get("/persons", params={"sort": "birthday"}).status_code == 422
    managed = client.get("/persons", params={"under_management": "yes", "category": "close_contact"}).text
    assert 0 < len(names(managed)) < total


def test_each_person_listed_is_audited(client: TestClient, url: str) -> None:
    login(client, "epi")
    with unit_of_work(session_factory(make_engine(url))) as session:
        before = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "listed"))
    shown = names(client.get("/persons").text)
    with unit_of_work(session_factory(make_engine(url))) as session:
        after = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "listed"))
    assert (after or 0) - (before or 0) == len(shown) > 0
