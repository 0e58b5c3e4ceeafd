"""Arrivals from other provinces through the API (measure 15, the landing check): an arrival recorded with the test
it owes and by when, bad input refused with HTTP 422 naming the field and nothing stored, a person of another
community not found, the list paged and filtered by state, a missed test followed up, an import all-or-nothing and
idempotent, the daily counts of the early-warning channel."""

from __future__ import annotations

from typing import Any

from tests.api.helpers import C11, C23, Demo, error, resident


def test_arrivals_through_the_api(demo: Demo) -> None:
    person = resident(demo, "Huang Migrant", "931", C11, "7")
    arrived = demo.post(
        "worker1",
        "/api/arrivals",
        {
            "person_id": person["id"],
            "arrived_at": "2022-11-16T06:30:00+08:00",
            "from_province": "44",
            "from_place": "Dongguan",
            "migrant_worker": True,
        },
        status=201,
    )
    assert (arrived["status"], arrived["due_by"][:16]) == ("due", "2022-11-16T22:30")
    assert {r["clause"] for r in arrived["reasons"]} == {"m20.15"}
    before = demo.get("command", "/api/arrivals")["total"]
    for body, field in (
        ({"arrived_at": "2022-11-16T06:00:00+08:00", "from_province": "44"}, "person_id"),
        (
            {"person_id": person["id"], "arrived_at": "2022-11-16T06:00:00+08:00", "from_province": "11"},
            "from_province",
        ),
        (
            {"person_id": person["id"], "arrived_at": "2022-11-16T06:00:00+08:00", "from_province": "81"},
            "from_province",
        ),
        ({"person_id": person["id"], "arrived_at": "2022-11-17T06:00:00+08:00", "from_province": "44"}, "arrived_at"),
        ({"person_id": person["id"], "arrived_at": "yesterday", "from_province": "44"}, "arrived_at"),
    ):
        r = demo.client.post("/api/arrivals", json=body, headers=demo.as_("worker1"))
        assert r.status_code == 422 and error(r)["field"] == field, r.text
    twice = demo.client.post(
        "/api/arrivals",
        json={"person_id": person["id"], "arrived_at": "2022-11-16T06:30:00+08:00", "from_province": "44"},
        headers=demo.as_("worker1"),
    )
    assert twice.status_code == 409 and error(twice)["field"] == "arrived_at"
    other = resident(demo, "Zhao Elsewhere", "932", C23, "3")
    r = demo.client.post(
        "/api/arrivals",
        json={"person_id": other["id"], "arrived_at": "2022-11-16T06:00:00+08:00", "from_province": "44"},
        headers=demo.as_("worker1"),
    )
    assert r.status_code == 404
    assert demo.get("command", "/api/arrivals")["total"] == before

    # the day after, the test is missed: the worker reminds, and the person says no (the test is voluntary)
    demo.clock.today = demo.clock.today.replace(day=17)
    missed = demo.get("worker1", "/api/arrivals", status="missed", follow_up="true")
    assert arrived["id"] in [a["id"] for a in missed["items"]]
    demo.post("worker1", f"/api/arrivals/{arrived['id']}/follow-ups", {"outcome": "reminded"}, status=201)
    bad = demo.client.post(
        f"/api/arrivals/{arrived['id']}/follow-ups", json={"outcome": "arrested"}, headers=demo.as_("worker1")
    )
    assert bad.status_code == 422 and error(bad)["field"] == "outcome"
    closed = demo.post("worker1", f"/api/arrivals/{arrived['id']}/follow-ups", {"outcome": "declined"}, status=201)
    assert closed["status"] == "closed" and [f["outcome"] for f in closed["follow_ups"]] == ["reminded", "declined"]
    r = demo.client.get(f"/api/arrivals/{arrived['id']}", headers=demo.as_("worker2"))
    assert r.status_code in (200, 404)  # worker2's community decides; the record is never leaked across scopes
    page = demo.get("command", "/api/arrivals", limit=2, offset=1)
    assert page["limit"] == 2 and page["offset"] == 1 and len(page["items"]) <= 2
    bad_status = demo.client.get("/api/arrivals", params={"status": "lost"}, headers=demo.as_("command"))
    assert bad_status.status_code == 422 and error(bad_status)["field"] == "status"
    counts = demo.get("command", "/api/arrival-counts", **{"from": "2022-11-16", "to": "2022-11-16"})
    assert {"jurisdiction_code": C11, "on": "2022-11-16", "arrivals": 2} in counts["rows"]  # the demo's and this one


def test_an_import_is_all_or_nothing_and_idempotent(demo: Demo) -> None:
    a = resident(demo, "Li One", "933", C11, "8")
    b = resident(demo, "Li Two", "934", C11, "8")
    good = (
        "document_number,arrived_at,from_province,migrant_worker\n"
        f"{a['document_number']},2022-11-15T20:00:00+08:00,51,yes\n"
        f"{b['document_number']},2022-11-16T07:00:00+08:00,42,no\n"
    )

    def upload(data: str, name: str) -> Any:
        return demo.client.post(
            "/api/arrivals/import", content=data.encode(), params={"filename": name}, headers=demo.as_("worker1")
        )

    before = demo.get("command", "/api/arrivals")["total"]
    bad = upload(good + f"{a['document_number']},2022-11-16T08:00:00+08:00,65,perhaps\n", "bad.csv")
    assert bad.status_code == 422 and error(bad)["field"] == "migrant_worker", bad.text
    assert demo.get("command", "/api/arrivals")["total"] == before
    first = upload(good, "good.csv")
    assert first.status_code == 200 and (first.json()["added"], first.json()["already_imported"]) == (2, False)
    assert upload(good, "good.csv").json()["already_imported"] is True
    assert demo.get("command", "/api/arrivals")["total"] == before + 2
