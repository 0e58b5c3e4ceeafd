"""Isolation sites: rooms assigned to people in centralized isolation, occupancy projected from their plans."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.api.helpers import Api, Clock, register


def _site(api: Api, rooms: list[str]) -> dict[str, Any]:
    r = api.client.post(
        "/api/sites",
        json={"name": "Hotel A", "address": "1 Road", "jurisdiction_code": "110105", "rooms": rooms},
        headers=api.as_("cc"),
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def _contact(api: Api, seq: str, start: str) -> dict[str, Any]:
    person = register(api, "epi", name=f"P{seq}", community="110105001001", seq=seq)
    r = api.client.post(
        "/api/orders",
        json={"person_id": person["id"], "category": "close_contact", "start": start},
        headers=api.as_("epi"),
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_rooms_fill_and_free_with_the_plans(api: Api, clock: Clock) -> None:
    site = _site(api, ["101", "102"])
    first = _contact(api, "201", "2022-11-14")  # centralized 14..18
    second = _contact(api, "203", "2022-11-14")
    third = _contact(api, "205", "2022-11-14")
    a = api.client.post(
        f"/api/sites/{site['id']}/assignments",
        json={"order_id": first["id"], "on": "2022-11-14"},
        headers=api.as_("cc"),
    )
    assert a.status_code == 201, a.text
    assert a.json()["room_number"] == "101" and a.json()["until"] == "2022-11-18"
    b = api.client.post(
        f"/api/sites/{site['id']}/assignments",
        json={"order_id": second["id"], "on": "2022-11-14"},
        headers=api.as_("cc"),
    )
    assert b.json()["room_number"] == "102"
    full = api.client.post(
        f"/api/sites/{site['id']}/assignments",
        json={"order_id": third["id"], "on": "2022-11-14"},
        headers=api.as_("cc"),
    )
    assert full.status_code == 409 and "no free room" in full.json()["error"]["message"]
    home = api.client.post(
        f"/api/sites/{site['id']}/assignments",
        json={"order_id": third["id"], "on": "2022-11-20"},
        headers=api.as_("cc"),
    )
    assert home.status_code == 422 and home.json()["error"]["field"] == "on"

    occ = api.client.get(
        f"/api/sites/{site['id']}/occupancy", params={"from": "2022-11-14", "days": 7}, headers=api.as_("cc")
    ).json()
    by_day = {d["on"]: (d["occupied"], d["free"], d["arriving"], d["leaving"]) for d in occ["days"]}
    assert by_day["2022-11-14"] == (2, 0, 2, 0)
    assert by_day["2022-11-18"] == (2, 0, 0, 0)
    assert by_day["2022-11-19"] == (0, 2, 0, 2)  # home isolation from the 19th: rooms free

    # A transfer to hospital on the 16th frees the room from that day.
    clock.today = date(2022, 11, 16)
    current = api.client.get(f"/api/orders/{first['id']}", headers=api.as_("cc")).json()
    t = api.client.post(
        f"/api/orders/{first['id']}/transfer",
        json={"row_version": current["row_version"], "on": "2022-11-16", "reason": "positive, Ct 28"},
        headers=api.as_("cc"),
    )
    assert t.status_code == 200, t.text
    occ = api.client.get(
        f"/api/sites/{site['id']}/occupancy", params={"from": "2022-11-14", "days": 5}, headers=api.as_("cc")
    ).json()
    assert [d["occupied"] for d in occ["days"]] == [2, 2, 1, 1, 1]
    again = api.client.post(
        f"/api/sites/{site['id']}/assignments",
        json={"order_id": third["id"], "on": "2022-11-16", "room_number": "101"},
        headers=api.as_("cc"),
    )
    assert again.status_code == 201, again.text


def test_sites_are_scoped_and_validated(api: Api) -> None:
    site = _site(api, ["1"])
    assert api.client.get(f"/api/sites/{site['id']}/occupancy", headers=api.as_("worker_c")).status_code == 404
    dup = api.client.post(
        "/api/sites",
        json={"name": "Hotel B", "address": "x", "jurisdiction_code": "110105", "rooms": ["1", "1"]},
        headers=api.as_("cc"),
    )
    assert dup.status_code == 422 and dup.json()["error"]["field"] == "rooms"
    worker = api.client.post(
        "/api/sites",
        json={"name": "Hotel C", "address": "x", "jurisdiction_code": "110105001001", "rooms": ["1"]},
        headers=api.as_("worker_a"),
    )
    assert worker.status_code == 403
