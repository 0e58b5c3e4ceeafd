"""A registered address shared by more people than a home holds (a dormitory, or an address kept only to the
compound) does not make them all close contacts: nobody is proposed from it, the interview names contacts."""

from __future__ import annotations

from datetime import date
from typing import Any

from fangkong.policy import load_policy
from tests.api.helpers import Api, resident_id

A = "110105001001"
# the largest household in force on the day the infection is recorded (register household-size)
MAX_HOUSEHOLD = load_policy().at(date(2022, 11, 14)).integer("tracing.household_max_housemates").value or 0


def register(api: Api, n: int, address: str, building: str | None) -> dict[str, Any]:
    body = {
        "name": f"Resident {n}",
        "document_type": "resident_id",
        "document_number": resident_id("110105", "19700101", f"{n:03d}"),
        "address": address,
        "building": building,
        "jurisdiction_code": A,
    }
    r = api.client.post("/api/persons", json=body, headers=api.as_("epi"))
    assert r.status_code == 201, r.text
    return dict(r.json())


def infect(api: Api, person_id: int) -> int:
    r = api.client.post(
        "/api/infections",
        json={
            "person_id": person_id,
            "kind": "confirmed",
            "sampled_on": "2022-11-13",
            "confirmed_at": "2022-11-14T08:00:00+08:00",
        },
        headers=api.as_("epi"),
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def proposed(api: Api, infection: int) -> int:
    r = api.client.get("/api/contact-candidates", params={"infection_id": infection}, headers=api.as_("epi"))
    assert r.status_code == 200, r.text
    return int(r.json()["total"])


def test_a_dormitory_address_proposes_nobody_a_home_proposes_its_members(api: Api) -> None:
    dorm = [register(api, n, "Factory dormitory", None) for n in range(MAX_HOUSEHOLD + 2)]
    assert proposed(api, infect(api, dorm[0]["id"])) == 0
    home = [register(api, 100 + n, "Lane 4 No. 2", "2") for n in range(3)]
    assert proposed(api, infect(api, home[0]["id"])) == 2
