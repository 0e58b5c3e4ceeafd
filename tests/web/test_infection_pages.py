"""The epidemiologist's pages (issue 16): the infections list, one infection with where it was found, its chain
and its proposed close contacts with their evidence; confirming or dismissing them (one, some, all — all or none),
an order placed by hand settling the matching proposal, and records of a drill dated on the drill's day. Through
HTTP on the demo county (16 Nov 2022): the 15 Nov infection of the demo has three proposals waiting — a housemate
and two people who scanned the market's code near the case's own scan."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fangkong.services.demo import DEMO_PASSWORD
from fangkong.services.infections.models import Infection
from fangkong.services.orders.models import ManagementOrder, OrderEvent
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.tracing.models import ContactCandidate
from tests.web.helpers import console, demo_store, login


@pytest.fixture
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("infections"))


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        yield c


def facts(url: str) -> tuple[int, str, list[tuple[int, int, str, str]]]:
    """The demo infection, its person's name, and its proposals (id, person, name, status)."""
    with unit_of_work(session_factory(make_engine(url))) as session:
        infection = session.scalars(select(Infection).order_by(Infection.id)).first()
        assert infection is not None
        name = session.get(Person, infection.person_id).name  # type: ignore[union-attr]
        rows = session.execute(
            select(ContactCandidate.id, ContactCandidate.person_id, Person.name, ContactCandidate.status)
            .join(Person, Person.id == ContactCandidate.person_id)
            .where(ContactCandidate.infection_id == infection.id)
            .order_by(ContactCandidate.id)
        ).all()
        return infection.id, name, [tuple(r) for r in rows]  # type: ignore[misc]


def statuses(url: str) -> list[str]:
    return [s for *_, s in facts(url)[2]]


def orders_of(url: str, person_id: int) -> int:
    with unit_of_work(session_factory(make_engine(url))) as session:
        return int(
            session.scalar(
                select(func.count()).select_from(ManagementOrder).where(ManagementOrder.person_id == person_id)
            )
            or 0
        )


def test_the_list_shows_the_infection_with_its_waiting_contacts_and_filters_it(client: TestClient, url: str) -> None:
    infection, name, proposals = facts(url)
    login(client, "epi")
    page = client.get("/infections", params={"lang": "zh"})
    assert page.status_code == 200
    assert name in page.text and "无症状感染者" in page.text and "混管阳性临时管控" in page.text
    assert f'href="/infections/{infection}#contacts"><strong>{len(proposals)}</strong>' in page.text
    assert name not in client.get("/infections", params={"kind": "confirmed"}).text
    assert name in client.get("/infections", params={"kind": "asymptomatic", "found_in": "temporary_control"}).text
    assert name not in client.get("/infections", params={"confirmed_from": "2022-11-16"}).text
    refused = client.get("/infections", params={"sort": "colour"})
    assert refused.status_code == 422 and "sort" in refused.text


def test_an_infection_shows_where_it_was_found_and_each_proposal_s_evidence(client: TestClient, url: str) -> None:
    infection, name, proposals = facts(url)
    login(client, "epi")
    zh = client.get(f"/infections/{infection}", params={"lang": "zh"}).text
    assert name in zh and "混管阳性临时管控" in zh  # found while held after a positive pool
    assert "同住一户" in zh  # the housemate's evidence
    # the market scans: both instants, the case's and the contact's, local time
    assert re.search(r"感染者 2022-11-14 \d\d:\d\d 扫码，本人 2022-11-14 10:12 扫码", zh), zh
    assert zh.count('name="candidate"') == len(proposals)
    assert "m20.2" in zh
    en = client.get(f"/infections/{infection}", params={"lang": "en"}).text
    assert "Lives in the same home" in en and "the case scanned at 2022-11-14" in en
    graph = client.get(f"/infections/{infection}/chain.json").json()
    assert [n["id"] for n in graph["nodes"]] == [str(infection)] and graph["edges"] == []


def test_the_epidemiologist_confirms_all_and_their_orders_appear_dated_on_the_drill_day(
    client: TestClient, url: str
) -> None:
    infection, _, proposals = facts(url)
    login(client, "epi")
    page = client.get(f"/infections/{infection}", params={"lang": "en"})
    assert f"Confirm all ({len(proposals)})" in page.text
    done = client.post(f"/infections/{infection}/decide", data={"action": "confirm_all"})
    assert done.status_code == 303
    after = client.get(done.headers["location"].split("#")[0] + "&lang=en").text
    assert f"{len(proposals)} confirmed: their orders are placed" in after
    assert after.count('class="order-link"') == len(proposals)
    assert 'name="candidate"' not in after
    assert statuses(url) == ["confirmed"] * len(proposals)
    with unit_of_work(session_factory(make_engine(url))) as session:
        placed = session.scalars(
            select(OrderEvent.at).join(ManagementOrder).where(ManagementOrder.person_id == proposals[0][1])
        ).all()
    assert placed and all(at.year == 2022 for at in placed)  # the drill's day, not the machine's
    person = client.get(f"/persons/{proposals[0][1]}", params={"lang": "en"}).text
    assert "2022-11-16" in person and "2026" not in person
    assert "Close contact" in person
    assert client.get("/contacts").text.count("#contacts") == 0  # the queue is empty


def test_a_chosen_few_are_confirmed_or_dismissed_and_a_refusal_changes_nothing(client: TestClient, url: str) -> None:
    infection, _, proposals = facts(url)
    (first, p1, _, _), (second, _, _, _), (third, _, _, _) = proposals
    login(client, "epi")
    # a dismissal needs a reason: refused, and nothing changes — not even the first of the chosen
    refused = client.post(f"/infections/{infection}/decide", data={"action": "dismiss", "candidate": [first, second]})
    assert refused.status_code == 422 and "reason" in refused.text
    assert statuses(url) == ["proposed"] * 3
    ok = client.post(
        f"/infections/{infection}/decide",
        data={"action": "dismiss", "candidate": [second], "reason": "scanned the code from the street"},
    )
    assert ok.status_code == 303
    assert statuses(url) == ["proposed", "dismissed", "proposed"]
    # one chosen is no longer waiting: all or none, with the person named
    again = client.post(f"/infections/{infection}/decide", data={"action": "confirm", "candidate": [first, second]})
    assert again.status_code == 409
    assert statuses(url) == ["proposed", "dismissed", "proposed"] and orders_of(url, p1) == 0
    one = client.post(f"/infections/{infection}/decide", data={"action": "confirm", "candidate": [first]})
    assert one.status_code == 303 and orders_of(url, p1) == 1
    assert statuses(url) == ["confirmed", "dismissed", "proposed"]
    assert client.post(f"/infections/{infection}/decide", data={"action": "confirm"}).status_code == 422
    assert (
        client.post(f"/infections/{infection}/decide", data={"action": "shout", "candidate": [third]}).status_code
        == 422
    )


def test_an_order_placed_by_hand_settles_the_matching_proposal(client: TestClient, url: str) -> None:
    infection, _, proposals = facts(url)
    (first, p1, _, _), (_, p2, _, _), _ = proposals
    login(client, "epi")
    placed = client.post(
        "/forms/order", data={"person_id": str(p1), "category": "close_contact", "anchor_date": "2022-11-15"}
    )
    assert placed.status_code == 303
    assert statuses(url)[0] == "confirmed"
    # and through the API
    token = client.post("/api/auth/token", json={"username": "epi", "password": DEMO_PASSWORD}).json()
    api = client.post(
        "/api/orders",
        json={"person_id": p2, "category": "close_contact", "anchor_date": "2022-11-14"},
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    assert api.status_code == 201, api.text
    assert statuses(url)[:2] == ["confirmed", "confirmed"]
    with unit_of_work(session_factory(make_engine(url))) as session:
        linked = session.scalar(select(ContactCandidate.order_id).where(ContactCandidate.id == first))
        assert linked == session.scalar(select(ManagementOrder.id).where(ManagementOrder.person_id == p1))
    page = client.get(f"/infections/{infection}", params={"lang": "en"}).text
    assert page.count('name="candidate"') == 1


def test_who_may_decide(client: TestClient, url: str) -> None:
    infection, name, _ = facts(url)
    login(client, "viewer")
    page = client.get(f"/infections/{infection}")
    assert page.status_code == 200 and name in page.text
    assert 'name="candidate"' not in page.text and "decide-form" not in page.text.split("<main")[0]
    refused = client.post(f"/infections/{infection}/decide", data={"action": "confirm_all"})
    assert refused.status_code == 403
    assert statuses(url) == ["proposed"] * 3
    login(client, "lab")
    assert client.get(f"/infections/{infection}").status_code == 403
    login(client, "worker2")  # another community: the infection is not theirs to see
    assert client.get(f"/infections/{infection}").status_code == 404
