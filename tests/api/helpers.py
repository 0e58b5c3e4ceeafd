"""What the API tests share besides their fixtures (those are in conftest.py): the API's clock, clients that log in
as each user once a day, and the calls many tests make (register a resident, read a work list, record an infection).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, cast

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from fangkong.rules.resident_id import check_digit
from fangkong.services.calendar import JURISDICTION_ZONE
from fangkong.services.demo import DEMO_PASSWORD
from fangkong.services.health_codes.models import HealthCode
from fangkong.services.store import unit_of_work
from tests.stores import PASSWORD

# The demo county's communities 1-1, 1-2 and 2-3
C11, C12, C23 = "110199001001", "110199001002", "110199002003"


@dataclass
class Clock:
    """The API's "now", moved day by day by the tests (09:00 in the jurisdiction's zone)."""

    today: date

    def __call__(self) -> datetime:
        return datetime.combine(self.today, time(9), JURISDICTION_ZONE).astimezone(UTC)


class Api:
    """A TestClient on the small county that logs in as each user once a day (tokens last a shift) and sends the
    token."""

    def __init__(self, client: TestClient, clock: Clock) -> None:
        self.client = client
        self.clock = clock
        self.tokens: dict[tuple[str, date], str] = {}

    def as_(self, username: str) -> dict[str, str]:
        key = (username, self.clock.today)
        if key not in self.tokens:
            r = self.client.post("/api/auth/token", json={"username": username, "password": PASSWORD})
            assert r.status_code == 200, r.text
            self.tokens[key] = r.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[key]}"}


@dataclass
class Demo:
    """A TestClient on the demo county, logging in like Api, with calls that check their status."""

    client: TestClient
    clock: Clock
    tokens: dict[tuple[str, date], str]

    def as_(self, username: str) -> dict[str, str]:
        key = (username, self.clock.today)
        if key not in self.tokens:
            r = self.client.post("/api/auth/token", json={"username": username, "password": DEMO_PASSWORD})
            assert r.status_code == 200, r.text
            self.tokens[key] = r.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[key]}"}

    def get(self, who: str, url: str, **params: Any) -> Any:
        r = self.client.get(url, params=params, headers=self.as_(who))
        assert r.status_code == 200, r.text
        return r.json()

    def post(self, who: str, url: str, body: Any = None, status: int = 200) -> Any:
        r = self.client.post(url, json=body if body is not None else {}, headers=self.as_(who))
        assert r.status_code == status, r.text
        return r.json()


def resident_id(division: str, born: str, seq: str) -> str:
    first17 = division + born + seq
    return first17 + check_digit(first17)


def error(r: Any) -> dict[str, Any]:
    """The error of a refused request: the body is {"error": {...}} and nothing else."""
    body = r.json()
    assert set(body) == {"error"}, body
    return dict(body["error"])


# --- the small county (Api) --------------------------------------------------------------------------------------


def register(api: Api, who: str, *, name: str, community: str, seq: str = "123") -> dict[str, Any]:
    body = {
        "name": name,
        "document_type": "resident_id",
        "document_number": resident_id("110105", "19900101", seq),
        "phone": "13800138000",
        "address": f"{community} building 3 unit 2",
        "building": "3",
        "unit": "2",
        "jurisdiction_code": community,
    }
    r = api.client.post("/api/persons", json=body, headers=api.as_(who))
    assert r.status_code == 201, r.text
    return dict(r.json())


def worklist(api: Api, who: str, on: date, code: str | None = None) -> dict[str, Any]:
    params = {"on": on.isoformat()} | ({"jurisdiction_code": code} if code else {})
    r = api.client.get("/api/worklists", params=params, headers=api.as_(who))
    assert r.status_code == 200, r.text
    return dict(r.json())


# --- the demo county (Demo) --------------------------------------------------------------------------------------


def resident(demo: Demo, name: str, seq: str, community: str, building: str, unit: str = "1") -> dict[str, Any]:
    return dict(
        demo.post(
            "epi",
            "/api/persons",
            {
                "name": name,
                "document_type": "resident_id",
                "document_number": resident_id("110199", "19800101", seq),
                "address": f"{community} building {building} unit {unit}",
                "building": building,
                "unit": unit,
                "jurisdiction_code": community,
            },
            status=201,
        )
    )


def infection(demo: Demo, person_id: int, day: date) -> dict[str, Any]:
    return dict(
        demo.post(
            "epi",
            "/api/infections",
            {
                "person_id": person_id,
                "kind": "confirmed",
                "sampled_on": day.isoformat(),
                "confirmed_at": f"{day.isoformat()}T08:00:00+08:00",
            },
            status=201,
        )
    )


def token_of(demo: Demo, person_id: int) -> str:
    """The health code token of a person, as the store holds it."""
    app = cast(FastAPI, demo.client.app)
    with unit_of_work(app.state.sessions) as session:
        token = session.scalar(select(HealthCode.token).where(HealthCode.person_id == person_id))
    assert token is not None
    return str(token)
