"""Registering a person from the console (issue 16: a community worker's task): the community picked by its
name, the same checks as the API (a resident ID against GB 11643, a duplicate refused), a refusal re-shown with
its field named and nothing stored; a role that may not register sees no form."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.web.helpers import console, demo_store, login

COMMUNITY = "第1街道第1社区 Community 1-1"
FORM = {
    "name": "Zhang Wei",
    "document_type": "passport",
    "document_number": "EZ7654321",
    "phone": "138 0000 1111",
    "place": COMMUNITY,
    "address": "110199001001 building 9 unit 2",
    "building": "9",
    "unit": "2",
}


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("register"))


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        yield c


def people(url: str) -> int:
    with unit_of_work(session_factory(make_engine(url))) as session:
        return int(session.scalar(select(func.count()).select_from(Person)) or 0)


def test_a_worker_registers_a_person_by_the_community_s_name(client: TestClient, url: str) -> None:
    login(client, "worker1")
    form = client.get("/persons/new", params={"lang": "zh"})
    assert form.status_code == 200 and f'<option value="{COMMUNITY}">' in form.text
    assert "护照" in form.text and "所属社区" in form.text
    before = people(url)
    done = client.post("/persons/new", data=FORM)
    assert done.status_code == 303 and done.headers["location"].startswith("/persons/")
    page = client.get(done.headers["location"], params={"lang": "en"}).text
    assert "Zhang Wei" in page and "Community 1-1" in page
    assert people(url) == before + 1
    # the same document again: refused, the field named, nothing stored
    again = client.post("/persons/new", data=FORM)
    assert again.status_code == 409 and 'data-field="document_number"' in again.text
    assert people(url) == before + 1


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"document_type": "resident_id", "document_number": "110101199003071234"}, "document_number", 422),
        ({"phone": "call me"}, "phone", 422),
        ({"place": "Nowhere"}, "place", 422),
        ({"place": "第2街道第1社区 Community 2-1"}, "place", 422),  # another community: not among worker1's
        ({"name": ""}, "name", 422),
    ],
)
def test_a_bad_registration_names_its_field_and_stores_nothing(
    client: TestClient, url: str, change: dict[str, str], field: str, status: int
) -> None:
    login(client, "worker1")
    before = people(url)
    refused = client.post("/persons/new", data={**FORM, "document_number": "EZ1111111", **change})
    assert refused.status_code == status, refused.text
    assert f'data-field="{field}"' in refused.text
    assert people(url) == before


def test_who_may_register(client: TestClient) -> None:
    login(client, "viewer")
    assert 'id="register-person"' not in client.get("/persons").text
    assert client.get("/persons/new").status_code == 403
    assert client.post("/persons/new", data=FORM).status_code == 403
    login(client, "worker1")
    assert 'id="register-person"' in client.get("/persons").text
    assert 'id="place-order-for"' not in client.get("/persons/1").text  # a worker does not place orders
    login(client, "epi")
    assert 'href="/forms/order?person_id=1"' in client.get("/persons/1").text
