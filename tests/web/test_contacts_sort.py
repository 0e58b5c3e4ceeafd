"""The close-contact queue sorts on the server (issue 16: sort, filter and page every list): by last exposure, by
evidence, by status and by infection, either way; the sort survives the status filter, the pages and the exports; an
unknown sort is refused in words naming the field, on the page and in the API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from fangkong.services.demo import DEMO_PASSWORD
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.tracing.models import ContactCandidate
from tests.web.helpers import console, demo_store, login

ROW = re.compile(r'<a href="/persons/(\d+)">')


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    found = demo_store(tmp_path_factory.mktemp("contacts-sort"))
    with unit_of_work(session_factory(make_engine(found))) as session:
        # spread the demo's proposals over several days so that the order by exposure is not the order of proposal
        rows = session.scalars(select(ContactCandidate).order_by(ContactCandidate.id)).all()
        assert len(rows) >= 3
        for n, row in enumerate(rows):
            row.last_exposure = date(2022, 11, 15 - (n * 7) % len(rows))
    return found


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "epi")
        yield c


def exposures(url: str) -> dict[int, tuple[date, int]]:
    with unit_of_work(session_factory(make_engine(url))) as session:
        rows = session.scalars(select(ContactCandidate).where(ContactCandidate.status == "proposed")).all()
        return {c.person_id: (c.last_exposure, c.id) for c in rows}


def shown(client: TestClient, **params: str) -> list[int]:
    r = client.get("/contacts", params={"lang": "en", **params})
    assert r.status_code == 200, r.text
    table = r.text.split('id="contacts"', 1)[1]
    return [int(p) for p in ROW.findall(table)]


def test_the_queue_sorts_by_last_exposure_either_way(client: TestClient, url: str) -> None:
    facts = exposures(url)
    newest_first = shown(client, sort="-last_exposure")
    assert newest_first == sorted(facts, key=lambda p: (-facts[p][0].toordinal(), facts[p][1]))
    oldest_first = shown(client, sort="last_exposure")
    assert oldest_first == sorted(facts, key=lambda p: facts[p])
    assert oldest_first != shown(client)  # the default, by proposal, differs: the sort did something
    page = client.get("/contacts", params={"sort": "last_exposure"}).text
    assert 'aria-sort="ascending"' in page and "sort=-last_exposure" in page  # the header turns it round
    assert 'href="/contacts.csv?status=proposed&amp;sort=last_exposure"' in page  # and the export keeps it


def test_the_sort_reaches_the_export(client: TestClient, url: str) -> None:
    facts = exposures(url)
    csv = client.get("/contacts.csv", params={"sort": "last_exposure", "lang": "en"}).text.splitlines()
    days = [line for line in csv[1:] if line]
    assert len(days) == len(facts)
    listed = sorted(f[0] for f in facts.values())
    assert [str(day) for day in listed] == [re.findall(r"\d{4}-\d{2}-\d{2}", line)[0] for line in days]


def test_an_unknown_sort_is_refused_naming_the_field(client: TestClient) -> None:
    r = client.get("/contacts", params={"sort": "colour", "lang": "zh"})
    assert r.status_code == 422 and 'id="problem"' in r.text and "colour" in r.text
    assert "提出时间、末次暴露、依据、研判结果、感染者" in r.text  # the sorts in words
    token = client.post("/api/auth/token", json={"username": "epi", "password": DEMO_PASSWORD}).json()["access_token"]
    api = client.get("/api/contact-candidates", params={"sort": "colour"}, headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 422 and api.json()["error"]["field"] == "sort"
    by_source = client.get(
        "/api/contact-candidates", params={"sort": "-evidence"}, headers={"Authorization": f"Bearer {token}"}
    ).json()["items"]
    assert [c["source"] for c in by_source] == sorted((c["source"] for c in by_source), reverse=True)
