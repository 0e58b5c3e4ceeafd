"""Spill-over under the version in force on the day a person left (measure 3; the 9th edition's medium-risk areas had
a plan of their own): a person who left a v9 medium-risk area is placed under `medium_risk_spillover`, one who left
a high-risk area under `high_risk_spillover`, and one who left an area after it became low-risk is refused."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fangkong.rules.resident_id import check_digit
from tests.api.helpers import Api, Clock

ELSEWHERE = "an infection reported by another city"  # the basis of an area with no infection recorded here

COMMUNITY_A, COMMUNITY_B = "110105001001", "110105001002"


def _resident_id(seq: str) -> str:
    body = "110105" + "19900101" + seq
    return body + check_digit(body)


def _person(api: Api, community: str, seq: str) -> dict[str, Any]:
    body = {
        "name": f"Resident {seq}",
        "document_type": "resident_id",
        "document_number": _resident_id(seq),
        "address": f"{community} building 1",
        "jurisdiction_code": community,
    }
    r = api.client.post("/api/persons", json=body, headers=api.as_("epi"))
    assert r.status_code == 201, r.text
    return dict(r.json())


def _confirm(api: Api, area: dict[str, Any], person: dict[str, Any], left_on: str) -> Any:
    declared = api.client.post(
        f"/api/risk-areas/{area['id']}/spillover",
        json={"person_id": person["id"], "left_on": left_on},
        headers=api.as_("epi"),
    )
    assert declared.status_code == 201, declared.text
    return api.client.post(f"/api/spillover/{declared.json()['id']}/confirm", headers=api.as_("epi"))


@pytest.mark.parametrize(
    ("level", "category", "clause"),
    [("medium", "medium_risk_spillover", "v9.risk_area_spillover"), ("high", "high_risk_spillover", None)],
)
def test_under_v9_the_plan_follows_the_level_of_the_area(
    api: Api, clock: Clock, level: str, category: str, clause: str | None
) -> None:
    clock.today = date(2022, 10, 10)  # the 9th edition: areas by residential compound, medium-risk areas exist
    r = api.client.post(
        "/api/risk-areas",
        json={"area_code": COMMUNITY_A, "reason": "residence", "level": level, "note": ELSEWHERE},
        headers=api.as_("cc"),
    )
    assert r.status_code == 201, r.text
    area = r.json()
    clock.today = date(2022, 10, 11)
    leaver = _person(api, COMMUNITY_A, "611")
    confirmed = _confirm(api, area, leaver, "2022-10-11")
    assert confirmed.status_code == 200, confirmed.text
    orders = api.client.get("/api/orders", params={"person_id": leaver["id"]}, headers=api.as_("epi")).json()
    (order,) = orders["items"]
    assert (order["category"], order["policy_version"]) == (category, "v9")
    if clause is not None:
        assert clause in [r["clause"] for r in order["plan"]["reasons"]]


def test_under_m20_a_high_risk_area_gives_the_high_risk_plan(api: Api, clock: Clock) -> None:
    clock.today = date(2022, 11, 14)
    r = api.client.post(
        "/api/risk-areas",
        json={"area_code": COMMUNITY_B + "", "reason": "residence", "note": ELSEWHERE},
        headers=api.as_("cc"),
    )
    # a whole community is wider than m20's unit or building: refused without a section-3 justification
    assert r.status_code == 422, r.text
    r = api.client.post(
        "/api/risk-areas",
        json={
            "area_code": COMMUNITY_B,
            "reason": "residence",
            "justification": "transmission_risk_unclear",
            "note": ELSEWHERE,
        },
        headers=api.as_("cc"),
    )
    assert r.status_code == 201, r.text
    leaver = _person(api, COMMUNITY_B, "612")
    confirmed = _confirm(api, r.json(), leaver, "2022-11-14")
    assert confirmed.status_code == 200, confirmed.text
    orders = api.client.get("/api/orders", params={"person_id": leaver["id"]}, headers=api.as_("epi")).json()
    assert [o["category"] for o in orders["items"]] == ["high_risk_spillover"]
