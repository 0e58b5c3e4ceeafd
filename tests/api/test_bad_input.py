"""Bad input is refused with the field (or clause) it is about, and changes nothing: after every refusal the
people, orders, order events, samplings and audit entries are exactly as before."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, cast

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, text

from tests.api.helpers import Api, Clock, register, resident_id

A, B, C = "110105001001", "110105001002", "110106001001"
TABLES = ("person", "management_order", "order_event", "sampling", "audit_log")


def engine_of(api: Api) -> Engine:
    engine: Engine = cast(FastAPI, api.client.app).state.engine
    return engine


def snapshot(api: Api) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the registry's tables (not just their counts: a refused change must not touch a row)."""
    with engine_of(api).connect() as conn:
        return {t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY id"))] for t in TABLES}


@contextmanager
def unchanged(api: Api) -> Iterator[None]:
    before = snapshot(api)
    yield
    assert snapshot(api) == before


def refused(r: Any, status: int, field: str | None = None, clause: str | None = None) -> None:
    assert r.status_code == status, r.text
    err = r.json()["error"]
    if field is not None:
        assert err["field"] == field, err
    if clause is not None:
        assert err["clause"] == clause, err


def person_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "New Person",
        "document_type": "resident_id",
        "document_number": resident_id("110105", "19850615", "231"),
        "phone": "13800138000",
        "address": "Community A building 1",
        "jurisdiction_code": A,
    }
    return body | overrides


def flipped_check(number: str) -> str:
    wrong = "0" if number[-1] != "0" else "1"
    return number[:-1] + wrong


REGISTRATIONS: list[tuple[str, dict[str, Any], int, str | None]] = [
    ("epi", {"document_number": flipped_check(resident_id("110105", "19850615", "231"))}, 422, "document_number"),
    ("epi", {"document_number": "110105850615231"}, 422, "document_number"),  # first generation, 15 digits
    ("epi", {"document_number": resident_id("990105", "19850615", "231")}, 422, "document_number"),
    ("epi", {"document_number": "11010519850230231" + "0"}, 422, "document_number"),  # 30 Feb
    ("epi", {"birth_date": "1985-06-16"}, 422, "birth_date"),
    ("epi", {"jurisdiction_code": "110105001999"}, 422, "jurisdiction_code"),
    ("epi", {"jurisdiction_code": C}, 404, None),
    ("worker_a", {"jurisdiction_code": B}, 404, None),
    ("epi", {"document_type": "driving_licence"}, 422, "document_type"),
    ("epi", {"phone": "call me"}, 422, "phone"),
    ("epi", {"name": ""}, 422, "name"),
    ("epi", {"nationality": "CN"}, 422, "nationality"),
]


@pytest.mark.parametrize(("who", "overrides", "status", "field"), REGISTRATIONS)
def test_a_refused_registration_changes_nothing(
    api: Api, who: str, overrides: dict[str, Any], status: int, field: str | None
) -> None:
    register(api, "epi", name="Already here", community=A)
    with unchanged(api):
        r = api.client.post("/api/persons", json=person_body(**overrides), headers=api.as_(who))
        refused(r, status, field)


def test_a_matching_birth_date_is_accepted_and_sex_comes_from_the_number(api: Api) -> None:
    r = api.client.post("/api/persons", json=person_body(birth_date="1985-06-15"), headers=api.as_("epi"))
    assert r.status_code == 201, r.text
    assert r.json()["birth_date"] == "1985-06-15" and r.json()["sex"] == "male"  # sequence 231: odd


def test_a_duplicate_document_is_a_conflict(api: Api) -> None:
    # sequence 103 gives the check character X; a lower-case x is the same number
    number = resident_id("110105", "19900101", "103")
    assert number.endswith("X")
    first = api.client.post("/api/persons", json=person_body(document_number=number), headers=api.as_("epi"))
    assert first.status_code == 201, first.text
    with unchanged(api):
        for candidate, who, where in [(number, "epi", A), (number.lower(), "epi", B), (number, "worker_b", B)]:
            r = api.client.post(
                "/api/persons",
                json=person_body(document_number=candidate, jurisdiction_code=where, name="Twin"),
                headers=api.as_(who),
            )
            refused(r, 409, "document_number")
    # the same number under another document type is another document
    other = api.client.post(
        "/api/persons", json=person_body(document_type="other", document_number=number), headers=api.as_("epi")
    )
    assert other.status_code == 201, other.text


PLACEMENTS: list[tuple[dict[str, Any], int, str | None, str | None]] = [
    ({"category": "close_contacts"}, 422, "category", None),
    ({"category": ""}, 422, "category", None),
    ({"anchor_date": "2022-11-13", "start": "2022-11-14"}, 422, "start", None),
    ({"start": None}, 422, "start", None),
    ({"start": None, "anchor_date": "2022-11-15"}, 422, "anchor_date", None),  # after today (14 Nov)
    ({"start": "2022-11-06"}, 422, "start", None),  # 5 + 3 from the 6th: released on the 14th, today
    ({"start": None, "anchor_date": "2022-11-05"}, 422, "start", None),  # day 1 the 6th: the same
    ({"start": "2022-10-01"}, 422, "start", None),
    ({"category": "secondary_close_contact"}, 422, None, "m20.2"),
    ({"category": "medium_risk_spillover"}, 422, None, "m20.4"),
    ({"person_id": 987654}, 404, None, None),
    ({"start": "not a date"}, 422, "start", None),
    ({"extra": 1}, 422, "extra", None),
]


@pytest.mark.parametrize(("overrides", "status", "field", "clause"), PLACEMENTS)
def test_a_refused_order_changes_nothing(
    api: Api, overrides: dict[str, Any], status: int, field: str | None, clause: str | None
) -> None:
    person = register(api, "epi", name="Candidate", community=A)
    body = {"person_id": person["id"], "category": "close_contact", "start": "2022-11-14"} | overrides
    body = {k: v for k, v in body.items() if v is not None}
    with unchanged(api):
        refused(api.client.post("/api/orders", json=body, headers=api.as_("epi")), status, field, clause)


def test_the_plan_boundaries_of_placing_an_order(api: Api, clock: Clock) -> None:
    assert clock.today == date(2022, 11, 14)
    person = register(api, "epi", name="Boundary", community=A)
    # from the 7th, 5 + 3 days end on the 14th: released on the 15th, still running today
    r = api.client.post(
        "/api/orders",
        json={"person_id": person["id"], "category": "close_contact", "start": "2022-11-07"},
        headers=api.as_("epi"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["released_on"] == "2022-11-15"
    # an anchor today is allowed: day 1 is tomorrow
    other = register(api, "epi", name="Today", community=A, seq="125")
    r = api.client.post(
        "/api/orders",
        json={"person_id": other["id"], "category": "close_contact", "anchor_date": "2022-11-14"},
        headers=api.as_("epi"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["start"] == "2022-11-15" and r.json()["released_on"] == "2022-11-23"


def test_a_person_out_of_scope_cannot_be_placed(api: Api) -> None:
    person = register(api, "epi", name="Chaoyang", community=A)
    with unchanged(api):
        r = api.client.post(
            "/api/orders",
            json={"person_id": person["id"], "category": "close_contact", "start": "2022-11-14"},
            headers=api.as_("epi_fengtai"),
        )
        refused(r, 404)


def placed(api: Api, community: str = A, seq: str = "123") -> dict[str, Any]:
    person = register(api, "epi", name="Under order", community=community, seq=seq)
    r = api.client.post(
        "/api/orders",
        json={"person_id": person["id"], "category": "close_contact", "start": "2022-11-14"},
        headers=api.as_("epi"),
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_sampling_outside_the_plan_is_refused(api: Api, clock: Clock) -> None:
    order = placed(api)  # 14 Nov to 21 Nov, released on the 22nd
    clock.today = date(2022, 11, 22)  # every day of the plan is past: only the plan's bounds are at stake
    url = f"/api/orders/{order['id']}/samplings"
    with unchanged(api):
        for day in ("2022-11-13", "2022-11-22", "2023-01-01"):
            refused(api.client.post(url, json={"sampled_on": day}, headers=api.as_("worker_a")), 422, "sampled_on")
        refused(api.client.post(url, json={"sampled_on": "yesterday"}, headers=api.as_("worker_a")), 422, "sampled_on")
    for day in ("2022-11-14", "2022-11-21"):
        assert api.client.post(url, json={"sampled_on": day}, headers=api.as_("worker_a")).status_code == 201
    with unchanged(api):
        again = api.client.post(url, json={"sampled_on": "2022-11-14"}, headers=api.as_("worker_a"))
        refused(again, 409, "sampled_on")


def test_releasing_before_the_plan_ends_is_refused(api: Api, clock: Clock) -> None:
    order = placed(api)
    clock.today = date(2022, 11, 21)
    url = f"/api/orders/{order['id']}/release"
    with unchanged(api):
        for on in ("2022-11-14", "2022-11-21"):
            r = api.client.post(
                url,
                json={"row_version": order["row_version"], "on": on, "reason": "feels fine"},
                headers=api.as_("epi"),
            )
            refused(r, 422, "on")
        r = api.client.post(url, json={"row_version": order["row_version"], "on": "2022-11-22"}, headers=api.as_("epi"))
        refused(r, 422, "reason")
        r = api.client.post(
            url, json={"row_version": order["row_version"], "on": "2022-11-22", "reason": "ok"}, headers=api.as_("epi")
        )
        refused(r, 422, "reason")  # at least 3 characters
    current = api.client.get(f"/api/orders/{order['id']}", headers=api.as_("epi")).json()
    assert current["status"] == "active" and current["row_version"] == order["row_version"]


def test_a_cancelled_order_cannot_be_changed(api: Api) -> None:
    order = placed(api)
    r = api.client.post(
        f"/api/orders/{order['id']}/cancel",
        json={"row_version": order["row_version"], "on": "2022-11-14", "reason": "wrong person"},
        headers=api.as_("epi"),
    )
    assert r.status_code == 200, r.text
    current = r.json()
    assert current["status"] == "cancelled" and current["row_version"] == order["row_version"] + 1
    bodies: dict[str, dict[str, Any]] = {
        "release": {"on": "2022-11-22", "reason": "plan completed"},
        "cancel": {"on": "2022-11-15", "reason": "twice"},
        "transfer": {"on": "2022-11-15", "reason": "positive"},
        "centralize": {"on": "2022-11-19", "reason": "no room", "failed_checks": ["separate room"]},
        "hand-over": {"to_jurisdiction_code": B, "reason": "moved"},
    }
    for action, body in bodies.items():
        with unchanged(api):
            r = api.client.post(
                f"/api/orders/{order['id']}/{action}",
                json={"row_version": current["row_version"]} | body,
                headers=api.as_("cc"),
            )
            refused(r, 409, "status")
    assert api.client.get(f"/api/orders/{order['id']}", headers=api.as_("epi")).json() == current


def test_bad_changes_to_an_order_are_refused(api: Api) -> None:
    order = placed(api)
    oid, rv = order["id"], order["row_version"]
    cases: list[tuple[str, str, dict[str, Any], int, str | None]] = [
        ("centralize", "epi", {"on": "2022-11-19", "reason": "no room", "failed_checks": []}, 422, "failed_checks"),
        ("centralize", "epi", {"on": "2022-11-19", "reason": "no room"}, 422, "failed_checks"),
        # home isolation ends on the 21st: nothing left to switch on the 22nd
        ("centralize", "epi", {"on": "2022-11-22", "reason": "late", "failed_checks": ["x"]}, 422, "on"),
        ("hand-over", "epi", {"to_jurisdiction_code": "110105001999", "reason": "moved"}, 422, "to_jurisdiction_code"),
        ("hand-over", "epi", {"to_jurisdiction_code": C, "reason": "x"}, 422, "reason"),
        ("hand-over", "viewer", {"to_jurisdiction_code": C, "reason": "moved"}, 403, None),
        ("transfer", "epi", {"on": "2022-11-15"}, 422, "reason"),
        ("cancel", "epi", {"on": "someday", "reason": "wrong"}, 422, "on"),
        ("release", "epi", {"on": "2022-11-22", "reason": "done", "row_version": "one"}, 422, "row_version"),
    ]
    with unchanged(api):
        for action, who, body, status, field in cases:
            r = api.client.post(f"/api/orders/{oid}/{action}", json={"row_version": rv} | body, headers=api.as_(who))
            assert r.status_code == status, (action, body, r.text)
            assert r.json()["error"]["field"] == field, (action, body, r.text)


def test_bad_updates_of_a_person_are_refused(api: Api) -> None:
    person = register(api, "epi", name="Edited", community=A)
    url = f"/api/persons/{person['id']}"
    cases: list[tuple[str, dict[str, Any], int, str | None]] = [
        ("epi", {"phone": "13900139000"}, 422, "row_version"),
        ("epi", {"row_version": 1, "phone": "not a phone"}, 422, "phone"),
        ("epi", {"row_version": 1, "name": "Renamed"}, 422, "name"),
        ("epi", {"row_version": 1, "document_number": "E1"}, 422, "document_number"),
        ("epi", {"row_version": 1, "address": ""}, 422, "address"),
        ("epi", {"row_version": 1, "jurisdiction_code": "110105001999"}, 422, "jurisdiction_code"),
        ("epi", {"row_version": 1, "jurisdiction_code": C}, 404, None),
        ("epi", {"row_version": 2, "phone": "13900139000"}, 409, "row_version"),
    ]
    with unchanged(api):
        for who, body, status, field in cases:
            r = api.client.patch(url, json=body, headers=api.as_(who))
            assert r.status_code == status, (body, r.text)
            assert r.json()["error"]["field"] == field, (body, r.text)
    with unchanged(api):
        refused(api.client.patch("/api/persons/987654", json={"row_version": 1}, headers=api.as_("epi")), 404)


@pytest.mark.parametrize("field", ["address", "jurisdiction_code"])
def test_null_for_a_required_field_is_refused(api: Api, field: str) -> None:
    person = register(api, "epi", name="Nulled", community=A)
    with unchanged(api):
        r = api.client.patch(
            f"/api/persons/{person['id']}", json={"row_version": 1, field: None}, headers=api.as_("epi")
        )
        refused(r, 422, field)


def test_a_resident_id_born_after_today_is_refused(api: Api) -> None:
    with unchanged(api):
        body = person_body(document_number=resident_id("110105", "20300101", "231"))
        refused(api.client.post("/api/persons", json=body, headers=api.as_("epi")), 422, "document_number")


def test_a_release_cannot_be_dated_in_the_future(api: Api, clock: Clock) -> None:
    order = placed(api)
    assert clock.today == date(2022, 11, 14)
    with unchanged(api):
        r = api.client.post(
            f"/api/orders/{order['id']}/release",
            json={"row_version": order["row_version"], "on": "2022-11-22", "reason": "plan completed"},
            headers=api.as_("worker_a"),
        )
        refused(r, 422, "on")


def test_no_sampling_after_the_order_ended(api: Api, clock: Clock) -> None:
    order = placed(api)
    clock.today = date(2022, 11, 18)
    r = api.client.post(
        f"/api/orders/{order['id']}/transfer",
        json={"row_version": order["row_version"], "on": "2022-11-15", "reason": "positive result"},
        headers=api.as_("epi"),
    )
    assert r.status_code == 200, r.text
    with unchanged(api):
        s = api.client.post(
            f"/api/orders/{order['id']}/samplings", json={"sampled_on": "2022-11-18"}, headers=api.as_("worker_a")
        )
        assert s.status_code in (409, 422), s.text
