"""Helpers of the tracing tests (tests/api/test_tracing.py, test_infection_follow_up.py): people, infections,
uploads and candidates through the API."""

from __future__ import annotations

from typing import Any, cast

from fastapi import FastAPI
from httpx2 import Response

from fangkong.services.store import unit_of_work
from fangkong.services.users.service import create_user
from tests.api.helpers import Api, resident_id
from tests.stores import PASSWORD

A = "110105001001"  # community A


def person(
    api: Api, name: str, seq: str, *, building: str, unit: str = "1", community: str = A, who: str = "epi"
) -> dict[str, Any]:
    """A person with an address of their own (distinct `building`), or a housemate (same building and unit)."""
    body = {
        "name": name,
        "document_type": "resident_id",
        "document_number": resident_id("110105", "19850101", seq),
        "address": f"Jianwai road {building}",
        "building": building,
        "unit": unit,
        "jurisdiction_code": community,
    }
    r = api.client.post("/api/persons", json=body, headers=api.as_(who))
    assert r.status_code == 201, r.text
    return dict(r.json())


def post(api: Api, who: str, url: str, body: Any = None) -> Response:
    return api.client.post(url, json=body if body is not None else {}, headers=api.as_(who))


def patch(api: Api, who: str, url: str, body: dict[str, Any]) -> Response:
    return api.client.patch(url, json=body, headers=api.as_(who))


def get(api: Api, who: str, url: str, **params: Any) -> Any:
    r = api.client.get(url, params=params, headers=api.as_(who))
    assert r.status_code == 200, r.text
    return r.json()


def error(r: Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    return dict(r.json()["error"])


def infection(
    api: Api,
    person_id: int,
    *,
    confirmed_at: str,
    sampled_on: str,
    onset_on: str | None = None,
    kind: str = "confirmed",
    **extra: Any,
) -> dict[str, Any]:
    body = {
        "person_id": person_id,
        "kind": kind,
        "sampled_on": sampled_on,
        "confirmed_at": confirmed_at,
        "onset_on": onset_on,
        **extra,
    }
    r = post(api, "epi", "/api/infections", body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def candidates(api: Api, who: str = "epi", **params: Any) -> dict[str, Any]:
    return dict(get(api, who, "/api/contact-candidates", **params))


def interview(api: Api, infection_id: int, *contacts: tuple[int, str]) -> Response:
    body = {"contacts": [{"person_id": pid, "last_exposure": day, "setting": "shared a meal"} for pid, day in contacts]}
    return post(api, "epi", f"/api/infections/{infection_id}/contacts", body)


def interviewed(api: Api, infection_id: int, *contacts: tuple[int, str]) -> list[dict[str, Any]]:
    r = interview(api, infection_id, *contacts)
    assert r.status_code == 201, r.text
    return list(r.json())


def confirm(api: Api, candidate_id: int, who: str = "epi") -> dict[str, Any]:
    r = post(api, who, f"/api/contact-candidates/{candidate_id}/confirm")
    assert r.status_code == 200, r.text
    return dict(r.json())


def add_venue(api: Api, code: str, name: str) -> None:
    body = {"code": code, "name": name, "address": f"{name} road 1", "jurisdiction_code": "110105"}
    r = post(api, "epi", "/api/venues", body)
    assert r.status_code == 201, r.text


def upload(api: Api, who: str, url: str, csv: str, name: str = "upload.csv") -> dict[str, Any]:
    r = api.client.post(
        url, content=csv.encode(), params={"filename": name}, headers={**api.as_(who), "content-type": "text/csv"}
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


def scans(api: Api, rows: list[tuple[dict[str, Any], str, str]]) -> None:
    csv = "document_number,venue_code,scanned_at\n" + "\n".join(f"{p['document_number']},{v},{at}" for p, v, at in rows)
    loaded = upload(api, "epi", "/api/venue-scans", csv, "scans.csv")
    assert loaded["added"] == len(rows)


def add_lab_user(api: Api) -> None:
    app = cast(FastAPI, api.client.app)
    with unit_of_work(app.state.sessions) as session:
        create_user(session, None, username="lab", password=PASSWORD, role="lab", jurisdiction_code="110105")


def clauses(candidate: dict[str, Any]) -> set[str]:
    return {r["clause"] for r in candidate["reasons"]}
