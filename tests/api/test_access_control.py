"""Who may see and do what: jurisdiction scoping (404, existence not revealed), role permissions (403),
masked identifiers for roles without `see_identifiers`, and authentication (401, and 422 on a bad login)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import pytest
from fastapi import FastAPI

from fangkong.services.store import unit_of_work
from fangkong.services.users.service import create_user
from tests.api.helpers import Api, Clock, error, register, worklist
from tests.stores import PASSWORD

A, B, C = "110105001001", "110105001002", "110106001001"


def add_user(api: Api, username: str, role: str, jurisdiction_code: str) -> None:
    app = cast(FastAPI, api.client.app)
    with unit_of_work(app.state.sessions) as session:
        create_user(session, None, username=username, password=PASSWORD, role=role, jurisdiction_code=jurisdiction_code)


def place(api: Api, who: str, person_id: int, *, start: str = "2022-11-14") -> dict[str, Any]:
    r = api.client.post(
        "/api/orders",
        json={"person_id": person_id, "category": "close_contact", "start": start, "reason": "case interview"},
        headers=api.as_(who),
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_a_worker_gets_not_found_for_a_person_and_order_of_another_community(api: Api) -> None:
    person = register(api, "epi", name="Zhang San", community=A)
    order = place(api, "epi", person["id"])
    pid, oid = person["id"], order["id"]

    assert api.client.get(f"/api/persons/{pid}", headers=api.as_("worker_a")).status_code == 200
    assert api.client.get(f"/api/orders/{oid}", headers=api.as_("worker_a")).status_code == 200

    change = {"row_version": order["row_version"], "on": "2022-11-22", "reason": "not mine"}
    attempts = [
        api.client.get(f"/api/persons/{pid}", headers=api.as_("worker_b")),
        api.client.patch(
            f"/api/persons/{pid}", json={"row_version": 1, "phone": "13900139000"}, headers=api.as_("worker_b")
        ),
        api.client.get(f"/api/orders/{oid}", headers=api.as_("worker_b")),
        api.client.get(f"/api/orders/{oid}/events", headers=api.as_("worker_b")),
        api.client.post(f"/api/orders/{oid}/samplings", json={"sampled_on": "2022-11-14"}, headers=api.as_("worker_b")),
        api.client.post(f"/api/orders/{oid}/release", json=change, headers=api.as_("worker_b")),
        api.client.post(f"/api/orders/{oid}/cancel", json=change, headers=api.as_("worker_b")),
        api.client.get(f"/api/persons/{pid}", headers=api.as_("worker_c")),
        api.client.get(f"/api/orders/{oid}", headers=api.as_("epi_fengtai")),
    ]
    for r in attempts:
        assert r.status_code == 404, (r.request.method, r.request.url, r.text)

    # Out of scope reads exactly like "does not exist": same status, same message shape.
    missing_person = api.client.get("/api/persons/987654", headers=api.as_("worker_b"))
    missing_order = api.client.get("/api/orders/987654", headers=api.as_("worker_b"))
    assert missing_person.status_code == missing_order.status_code == 404
    assert error(attempts[0]) == {**error(missing_person), "message": f"no person {pid}"}
    assert error(attempts[2])["message"] == f"no person {pid}"  # the order is scoped by its person
    assert error(missing_order)["message"] == "no order 987654"

    # nothing changed
    assert api.client.get(f"/api/orders/{oid}", headers=api.as_("epi")).json()["status"] == "active"
    events = api.client.get(f"/api/orders/{oid}/events", headers=api.as_("epi")).json()["items"]
    assert [e["kind"] for e in events] == ["placed"]
    assert api.client.get(f"/api/persons/{pid}", headers=api.as_("epi")).json()["phone"] == "13800138000"


def test_work_lists_are_scoped_to_the_worker_s_community(api: Api) -> None:
    in_a = place(api, "epi", register(api, "epi", name="In A", community=A, seq="123")["id"])
    in_b = place(api, "epi", register(api, "epi", name="In B", community=B, seq="125")["id"])
    day = date(2022, 11, 14)

    def due(who: str, code: str | None = None) -> set[int]:
        return {t["order_id"] for t in worklist(api, who, day, code)["tests_due"]}

    assert due("worker_a") == {in_a["id"]}
    assert due("worker_b") == {in_b["id"]}
    assert due("worker_c") == set()
    assert due("epi") == {in_a["id"], in_b["id"]}
    assert due("epi", A) == {in_a["id"]}
    assert due("worker_a", A) == {in_a["id"]}
    assert worklist(api, "worker_a", day)["jurisdiction_code"] == A

    for who, code in [("worker_a", B), ("worker_b", A), ("worker_a", "110105001"), ("worker_c", "110105"), ("epi", C)]:
        r = api.client.get(
            "/api/worklists", params={"on": day.isoformat(), "jurisdiction_code": code}, headers=api.as_(who)
        )
        assert r.status_code == 404, (who, code, r.text)
    unknown = api.client.get("/api/worklists", params={"jurisdiction_code": "110105001999"}, headers=api.as_("epi"))
    assert unknown.status_code == 422 and error(unknown)["field"] == "jurisdiction_code"


def test_the_person_list_holds_only_people_of_the_actor_s_subtree(api: Api) -> None:
    a1 = register(api, "epi", name="A one", community=A, seq="123")
    a2 = register(api, "worker_a", name="A two", community=A, seq="125")
    b1 = register(api, "worker_b", name="B one", community=B, seq="127")
    c1 = register(api, "epi_fengtai", name="C one", community=C, seq="129")

    def listed(who: str, **params: str) -> tuple[list[int], int]:
        r = api.client.get("/api/persons", params=params, headers=api.as_(who))
        assert r.status_code == 200, r.text
        return [p["id"] for p in r.json()["items"]], r.json()["total"]

    assert listed("worker_a") == ([a1["id"], a2["id"]], 2)
    assert listed("worker_b") == ([b1["id"]], 1)
    assert listed("worker_c") == ([c1["id"]], 1)
    assert listed("epi") == ([a1["id"], a2["id"], b1["id"]], 3)
    assert listed("epi", jurisdiction_code=B) == ([b1["id"]], 1)
    assert listed("epi_fengtai") == ([c1["id"]], 1)
    assert listed("cc") == ([a1["id"], a2["id"], b1["id"], c1["id"]], 4)
    assert listed("worker_a", name="one") == ([a1["id"]], 1)  # a name search does not widen the scope
    assert listed("worker_a", limit="1", offset="1") == ([a2["id"]], 2)

    r = api.client.get("/api/persons", params={"jurisdiction_code": B}, headers=api.as_("worker_a"))
    assert r.status_code == 404


def test_a_worker_cannot_register_or_move_a_person_into_another_community(api: Api) -> None:
    person = register(api, "worker_a", name="Stays", community=A)
    moved = api.client.patch(
        f"/api/persons/{person['id']}", json={"row_version": 1, "jurisdiction_code": B}, headers=api.as_("worker_a")
    )
    assert moved.status_code == 404
    again = api.client.get(f"/api/persons/{person['id']}", headers=api.as_("worker_a")).json()
    assert again["jurisdiction_code"] == A and again["row_version"] == 1

    body = {
        "name": "Elsewhere",
        "document_type": "passport",
        "document_number": "E12345678",
        "address": "Community B building 1",
        "jurisdiction_code": B,
    }
    assert api.client.post("/api/persons", json=body, headers=api.as_("worker_a")).status_code == 404
    assert api.client.get("/api/persons", headers=api.as_("epi")).json()["total"] == 1


MASKED_ID = re.compile(r"^110105\*{8}[0-9]{3}[0-9X]$")


@pytest.mark.parametrize(("who", "role"), [("viewer", None), ("site_a", "site_manager")])
def test_read_only_and_site_roles_see_masked_identifiers(api: Api, who: str, role: str | None) -> None:
    if role is not None:
        add_user(api, who, role, "110105")
    person = register(api, "epi", name="Masked", community=A)
    number = person["document_number"]
    assert person["masked"] is False and len(number) == 18

    one = api.client.get(f"/api/persons/{person['id']}", headers=api.as_(who))
    assert one.status_code == 200, one.text
    listed = api.client.get("/api/persons", headers=api.as_(who)).json()["items"]
    for seen in (one.json(), listed[0]):
        assert seen["masked"] is True
        assert MASKED_ID.match(seen["document_number"]), seen["document_number"]
        assert seen["document_number"] == number[:6] + "********" + number[-4:]
        assert seen["phone"] == "138****8000"
        assert seen["name"] == "Masked" and seen["birth_date"] == "1990-01-01"


@pytest.mark.parametrize("who", ["epi", "worker_a", "cc"])
def test_staff_with_the_identifier_permission_see_them_unmasked(api: Api, who: str) -> None:
    person = register(api, "epi", name="Plain", community=A)
    for seen in (
        api.client.get(f"/api/persons/{person['id']}", headers=api.as_(who)).json(),
        api.client.get("/api/persons", headers=api.as_(who)).json()["items"][0],
    ):
        assert seen["masked"] is False
        assert seen["document_number"] == person["document_number"] and "*" not in seen["document_number"]
        assert seen["phone"] == "13800138000"


def test_a_passport_number_is_masked_too(api: Api) -> None:
    body = {
        "name": "Traveller",
        "document_type": "passport",
        "document_number": "E12345678901",
        "phone": "+86 138-0013-8000",
        "address": "Community A building 9",
        "jurisdiction_code": A,
    }
    created = api.client.post("/api/persons", json=body, headers=api.as_("epi"))
    assert created.status_code == 201, created.text
    seen = api.client.get(f"/api/persons/{created.json()['id']}", headers=api.as_("viewer")).json()
    assert seen["masked"] is True
    assert seen["document_number"] == "E12345**8901"
    assert seen["phone"] == "+86*******8000"


def test_roles_without_the_permission_are_forbidden(api: Api) -> None:
    add_user(api, "lab_a", "lab", "110105")
    person = register(api, "epi", name="Target", community=A)
    order = place(api, "epi", person["id"])
    body = {"person_id": person["id"], "category": "high_risk_spillover", "start": "2022-11-14"}
    change = {"row_version": order["row_version"], "on": "2022-11-22", "reason": "not allowed"}
    cases = [
        ("viewer", "POST", "/api/orders", body),
        ("supervisor", "POST", "/api/orders", body),
        ("worker_a", "POST", "/api/orders", body),
        ("viewer", "POST", f"/api/orders/{order['id']}/release", change),
        ("viewer", "POST", f"/api/orders/{order['id']}/cancel", change),
        ("viewer", "POST", f"/api/orders/{order['id']}/samplings", {"sampled_on": "2022-11-14"}),
        ("viewer", "PATCH", f"/api/persons/{person['id']}", {"row_version": 1, "phone": "13900139000"}),
        ("lab_a", "GET", f"/api/persons/{person['id']}", None),
        ("lab_a", "GET", "/api/persons", None),
        ("lab_a", "GET", "/api/worklists", None),
    ]
    for who, method, url, json in cases:
        r = api.client.request(method, url, json=json, headers=api.as_(who))
        assert r.status_code == 403, (who, method, url, r.text)
        assert error(r)["message"].startswith("role ")
    viewer_register = api.client.post(
        "/api/persons",
        json={
            "name": "X",
            "document_type": "passport",
            "document_number": "E99999999",
            "address": "somewhere",
            "jurisdiction_code": A,
        },
        headers=api.as_("viewer"),
    )
    assert viewer_register.status_code == 403

    # nothing was placed, changed or registered
    events = api.client.get(f"/api/orders/{order['id']}/events", headers=api.as_("epi")).json()["items"]
    assert [e["kind"] for e in events] == ["placed"]
    assert api.client.get("/api/persons", headers=api.as_("cc")).json()["total"] == 1
    assert api.client.get(f"/api/persons/{person['id']}", headers=api.as_("epi")).json()["row_version"] == 1


ENDPOINTS = [
    ("GET", "/api/persons"),
    ("GET", "/api/persons/1"),
    ("POST", "/api/persons"),
    ("PATCH", "/api/persons/1"),
    ("GET", "/api/persons/1/audit"),
    ("POST", "/api/orders"),
    ("GET", "/api/orders/1"),
    ("POST", "/api/orders/1/release"),
    ("GET", "/api/worklists"),
    ("GET", "/api/policy-transitions/preview?effective_on=2022-11-11"),
    ("GET", "/api/auth/me"),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_requests_without_a_valid_token_are_401(api: Api, method: str, url: str) -> None:
    register(api, "epi", name="Someone", community=A)
    for headers in (
        {},
        {"Authorization": "Basic ZXBpOmNvcnJlY3QgaG9yc2UgYmF0dGVyeQ=="},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer not-a-token"},
    ):
        r = api.client.request(method, url, headers=headers, json={} if method in ("POST", "PATCH") else None)
        assert r.status_code == 401, (method, url, headers, r.text)
        assert error(r)["field"] is None
    assert api.client.get("/api/persons/1", headers=api.as_("epi")).json()["row_version"] == 1


def test_a_token_expires_after_the_shift(api: Api, clock: Clock) -> None:
    headers = api.as_("epi")
    assert api.client.get("/api/auth/me", headers=headers).json() == {
        "username": "epi",
        "role": "epidemiologist",
        "jurisdiction_path": "/11/1101/110105/",
    }
    later = datetime.now(UTC) + timedelta(hours=13)  # the shift's 12 hours, on the real clock (issue 17)
    cast(FastAPI, api.client.app).state.wall_clock = lambda: later
    assert api.client.get("/api/auth/me", headers=headers).status_code == 401
    clock.today += timedelta(days=1)
    assert api.client.get("/api/auth/me", headers=api.as_("epi")).status_code == 200


def test_a_wrong_password_is_401_and_does_not_reveal_the_user(api: Api) -> None:
    wrong = api.client.post("/api/auth/token", json={"username": "epi", "password": "wrong horse battery"})
    unknown = api.client.post("/api/auth/token", json={"username": "nobody", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert error(wrong) == error(unknown)
    assert "access_token" not in wrong.json()


def test_a_moved_person_s_tests_follow_them_to_the_new_community(api: Api) -> None:
    person = register(api, "epi", name="Mover", community=A)
    order = place(api, "epi", person["id"])
    r = api.client.patch(
        f"/api/persons/{person['id']}", json={"row_version": 1, "jurisdiction_code": B}, headers=api.as_("epi")
    )
    assert r.status_code == 200, r.text
    # worker_a can no longer open the person or the order ...
    assert api.client.get(f"/api/orders/{order['id']}", headers=api.as_("worker_a")).status_code == 404
    day = date(2022, 11, 14)
    # ... so the person's name and address must not stay on A's work list, and B must be told to test them.
    assert order["id"] not in {t["order_id"] for t in worklist(api, "worker_a", day)["tests_due"]}
    assert order["id"] in {t["order_id"] for t in worklist(api, "worker_b", day)["tests_due"]}
