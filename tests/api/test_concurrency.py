"""Two staff working on the same record: the first change wins, the second (sent with the row version it read)
is a 409 on row_version, never a lost update. Sequential, racing threads, and two interleaved transactions."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any, TypeVar, cast

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from fangkong.errors import Conflict
from fangkong.policy import load_policy
from fangkong.services.access import Actor, Role
from fangkong.services.orders.schemas import OrderChange
from fangkong.services.orders.service import cancel, order_in_scope, release
from fangkong.services.persons.schemas import PersonUpdate
from fangkong.services.persons.service import person_in_scope, update_person
from tests.api.helpers import Api, Clock, register

A = "110105001001"
T = TypeVar("T")
BODIES: dict[str, dict[str, str]] = {
    "release": {"on": "2022-11-22", "reason": "plan completed"},
    "cancel": {"on": "2022-11-22", "reason": "placed in error"},
    "transfer": {"on": "2022-11-22", "reason": "positive result"},
}


def placed(api: Api, seq: str) -> dict[str, Any]:
    person = register(api, "epi", name=f"Person {seq}", community=A, seq=seq)
    r = api.client.post(
        "/api/orders",
        json={"person_id": person["id"], "category": "close_contact", "start": "2022-11-14"},
        headers=api.as_("epi"),
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def kinds(api: Api, order_id: int) -> list[str]:
    return [e["kind"] for e in api.client.get(f"/api/orders/{order_id}/events", headers=api.as_("cc")).json()["items"]]


STATUS = {"release": "released", "cancel": "cancelled", "transfer": "transferred"}


def test_the_second_change_of_an_order_with_a_stale_row_version_is_a_conflict(api: Api, clock: Clock) -> None:
    pairs = [("release", "release"), ("release", "cancel"), ("cancel", "release"), ("cancel", "cancel")]
    pairs += [("transfer", "release"), ("release", "transfer")]
    orders = [placed(api, seq=str(123 + 2 * i)) for i in range(len(pairs))]
    clock.today = date(2022, 11, 22)  # the plans' release day
    for (first, second), order in zip(pairs, orders, strict=True):
        url = f"/api/orders/{order['id']}"
        # both staff open the order and see the same version
        seen_by_worker = api.client.get(url, headers=api.as_("worker_a")).json()
        seen_by_epi = api.client.get(url, headers=api.as_("epi")).json()
        assert seen_by_worker["row_version"] == seen_by_epi["row_version"] == 1

        won = api.client.post(f"{url}/{first}", json={"row_version": 1} | BODIES[first], headers=api.as_("worker_a"))
        assert won.status_code == 200, won.text
        assert won.json()["status"] == STATUS[first] and won.json()["row_version"] == 2

        lost = api.client.post(f"{url}/{second}", json={"row_version": 1} | BODIES[second], headers=api.as_("epi"))
        assert lost.status_code == 409, (first, second, lost.text)
        assert lost.json()["error"]["field"] == "row_version"

        assert api.client.get(url, headers=api.as_("epi")).json() == won.json()
        assert kinds(api, order["id"]) == ["placed", STATUS[first]]


def test_stale_switch_and_hand_over_are_conflicts(api: Api, clock: Clock) -> None:
    order = placed(api, seq="123")
    url = f"/api/orders/{order['id']}"
    clock.today = date(2022, 11, 18)
    switched = api.client.post(
        f"{url}/centralize",
        json={"row_version": 1, "on": "2022-11-19", "reason": "shares a room", "failed_checks": ["separate room"]},
        headers=api.as_("worker_a"),
    )
    assert switched.status_code == 200, switched.text
    stale: list[tuple[str, dict[str, Any]]] = [
        ("hand-over", {"to_jurisdiction_code": "110105001002", "reason": "moved in with family"}),
        ("centralize", {"on": "2022-11-19", "reason": "again", "failed_checks": ["separate room"]}),
        ("cancel", {"on": "2022-11-18", "reason": "placed in error"}),
    ]
    for action, body in stale:
        r = api.client.post(f"{url}/{action}", json={"row_version": 1} | body, headers=api.as_("epi"))
        assert r.status_code == 409 and r.json()["error"]["field"] == "row_version", (action, r.text)
    assert api.client.get(url, headers=api.as_("epi")).json() == switched.json()


def test_the_second_update_of_a_person_with_a_stale_row_version_is_a_conflict(api: Api) -> None:
    person = register(api, "epi", name="Wang Fang", community=A)
    url = f"/api/persons/{person['id']}"
    read_by_worker = api.client.get(url, headers=api.as_("worker_a")).json()
    read_by_epi = api.client.get(url, headers=api.as_("epi")).json()
    assert read_by_worker["row_version"] == read_by_epi["row_version"] == 1

    first = api.client.patch(url, json={"row_version": 1, "phone": "13900139000"}, headers=api.as_("worker_a"))
    assert first.status_code == 200, first.text
    assert first.json()["row_version"] == 2

    second = api.client.patch(url, json={"row_version": 1, "address": "elsewhere"}, headers=api.as_("epi"))
    assert second.status_code == 409
    assert second.json()["error"]["field"] == "row_version"

    now = api.client.get(url, headers=api.as_("epi")).json()
    assert (now["phone"], now["address"], now["row_version"]) == ("13900139000", person["address"], 2)
    # reload and try again: accepted
    retry = api.client.patch(url, json={"row_version": 2, "address": "elsewhere"}, headers=api.as_("epi"))
    assert retry.status_code == 200 and retry.json()["row_version"] == 3
    assert retry.json()["phone"] == "13900139000"


def race(n: int, call: Any) -> list[Any]:
    barrier = threading.Barrier(n)

    def run(i: int) -> Any:
        barrier.wait()
        return call(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def test_racing_changes_of_an_order_leave_exactly_one_winner(api: Api, clock: Clock) -> None:
    order = placed(api, seq="123")
    clock.today = date(2022, 11, 22)
    staff = ["epi", "worker_a", "cc"]
    headers = {who: api.as_(who) for who in staff}  # log in before the race
    actions = ["release", "cancel", "transfer"]

    def change(i: int) -> Any:
        action = actions[i % 3]
        return api.client.post(
            f"/api/orders/{order['id']}/{action}",
            json={"row_version": 1} | BODIES[action],
            headers=headers[staff[i % 3]],
        )

    results = race(6, change)
    won = [r for r in results if r.status_code == 200]
    lost = [r for r in results if r.status_code != 200]
    assert len(won) == 1, [r.text for r in results]
    assert all(r.status_code == 409 and r.json()["error"]["field"] == "row_version" for r in lost), [
        r.text for r in lost
    ]
    assert kinds(api, order["id"]) == ["placed", won[0].json()["status"]]
    audit = api.client.get(f"/api/persons/{order['person_id']}/audit", headers=api.as_("supervisor")).json()["items"]
    assert [e["detail"].get("event") for e in audit if e["action"] == "update"] == [
        {"released": "released", "cancelled": "cancelled", "transferred": "transferred"}[won[0].json()["status"]]
    ]


def test_racing_updates_of_a_person_leave_exactly_one_winner(api: Api) -> None:
    person = register(api, "epi", name="Raced", community=A)
    headers = api.as_("epi")
    phones = [f"1390013900{i}" for i in range(6)]

    def patch(i: int) -> Any:
        return api.client.patch(
            f"/api/persons/{person['id']}", json={"row_version": 1, "phone": phones[i]}, headers=headers
        )

    results = race(6, patch)
    won = [i for i, r in enumerate(results) if r.status_code == 200]
    assert len(won) == 1, [r.text for r in results]
    assert all(r.json()["error"]["field"] == "row_version" for r in results if r.status_code == 409)
    assert sorted(r.status_code for r in results) == [200] + [409] * 5
    now = api.client.get(f"/api/persons/{person['id']}", headers=headers).json()
    assert (now["phone"], now["row_version"]) == (phones[won[0]], 2)


def sessions_of(api: Api) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = cast(FastAPI, api.client.app).state.sessions
    return factory


def call(service: Callable[..., T], *args: Any, today: date) -> T:
    """Call an order service, giving it today's date if it takes one (as the routes do)."""
    parameters = inspect.signature(service).parameters
    extra: dict[str, Any] = {"today": today} if "today" in parameters else {}
    if "policy" in parameters:
        extra["policy"] = load_policy()
    return service(*args, **extra)


EPI = Actor("epi", Role.epidemiologist, "/11/1101/110105/")
WORKER_A = Actor("worker_a", Role.community_worker, "/11/1101/110105/110105001/110105001001/")


def test_interleaved_transactions_cannot_both_end_an_order(api: Api) -> None:
    """Both transactions pass the row-version check on what they read; the database decides at the write."""
    order = placed(api, seq="123")
    sessions = sessions_of(api)
    first, second = sessions(), sessions()
    try:
        assert order_in_scope(first, EPI, order["id"]).row_version == 1
        assert order_in_scope(second, WORKER_A, order["id"]).row_version == 1
        mistake = OrderChange(row_version=1, on=date(2022, 11, 14), reason="placed in error")
        call(cancel, first, EPI, order["id"], mistake, today=date(2022, 11, 14))
        first.commit()
        completed = OrderChange(row_version=1, on=date(2022, 11, 22), reason="plan completed")
        with pytest.raises(Conflict) as conflict:
            call(release, second, WORKER_A, order["id"], completed, today=date(2022, 11, 22))
        assert conflict.value.field == "row_version"
        second.rollback()
    finally:
        first.close()
        second.close()
    final = api.client.get(f"/api/orders/{order['id']}", headers=api.as_("epi")).json()
    assert (final["status"], final["row_version"]) == ("cancelled", 2)
    assert kinds(api, order["id"]) == ["placed", "cancelled"]


def test_interleaved_transactions_cannot_both_update_a_person(api: Api) -> None:
    person = register(api, "epi", name="Interleaved", community=A)
    sessions = sessions_of(api)
    first, second = sessions(), sessions()
    try:
        assert person_in_scope(first, EPI, person["id"]).row_version == 1
        assert person_in_scope(second, WORKER_A, person["id"]).row_version == 1
        update_person(first, EPI, person["id"], PersonUpdate(row_version=1, phone="13900139000"))
        first.commit()
        with pytest.raises(Conflict) as conflict:
            update_person(second, WORKER_A, person["id"], PersonUpdate(row_version=1, address="lost update"))
        assert conflict.value.field == "row_version"
        second.rollback()
    finally:
        first.close()
        second.close()
    now = api.client.get(f"/api/persons/{person['id']}", headers=api.as_("epi")).json()
    assert (now["phone"], now["address"], now["row_version"]) == ("13900139000", person["address"], 2)
