"""A close contact from placement to release through the API, with each day's work list checked against the plan."""

from __future__ import annotations

from datetime import date, timedelta

from tests.api.helpers import Api, Clock, register, worklist


def test_close_contact_from_placement_to_release(api: Api, clock: Clock) -> None:
    person = register(api, "epi", name="Zhang San", community="110105001001")
    assert person["birth_date"] == "1990-01-01" and person["sex"] == "male"

    # Last exposure on 13 Nov: day 1 is the 14th (interpretation register: day-one); m20 applies.
    r = api.client.post(
        "/api/orders",
        json={
            "person_id": person["id"],
            "category": "close_contact",
            "anchor_date": "2022-11-13",
            "reason": "named in case interview",
        },
        headers=api.as_("epi"),
    )
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["policy_version"] == "m20"
    assert order["start"] == "2022-11-14" and order["released_on"] == "2022-11-22"
    assert [p["kind"] for p in order["plan"]["phases"]] == ["centralized_isolation", "home_isolation"]

    test_dates = {date(2022, 11, d) for d in (14, 15, 16, 18, 19, 21)}
    day = date(2022, 11, 14)
    while day <= date(2022, 11, 22):
        clock.today = day
        wl = worklist(api, "worker_a", day)
        due = {t["order_id"]: t for t in wl["tests_due"]}
        if day in test_dates:
            assert order["id"] in due, day
            assert due[order["id"]]["where"] == ("centralized_site" if day <= date(2022, 11, 18) else "home_visit")
            s = api.client.post(
                f"/api/orders/{order['id']}/samplings",
                json={"sampled_on": day.isoformat()},
                headers=api.as_("worker_a"),
            )
            assert s.status_code == 201, s.text
        else:
            assert order["id"] not in due, day
        changes = [c["order_id"] for c in wl["phase_changes"]]
        assert (order["id"] in changes) == (day == date(2022, 11, 19))
        releases = [c["order_id"] for c in wl["releases"]]
        assert (order["id"] in releases) == (day == date(2022, 11, 22))
        assert wl["overdue_tests"] == []
        day += timedelta(days=1)

    current = api.client.get(f"/api/orders/{order['id']}", headers=api.as_("worker_a")).json()
    early = api.client.post(
        f"/api/orders/{order['id']}/release",
        json={"row_version": current["row_version"], "on": "2022-11-21", "reason": "done"},
        headers=api.as_("worker_a"),
    )
    assert early.status_code == 422 and early.json()["error"]["field"] == "on"
    done = api.client.post(
        f"/api/orders/{order['id']}/release",
        json={"row_version": current["row_version"], "on": "2022-11-22", "reason": "plan completed"},
        headers=api.as_("worker_a"),
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "released"
    events = api.client.get(f"/api/orders/{order['id']}/events", headers=api.as_("worker_a")).json()["items"]
    assert [e["kind"] for e in events] == ["placed", "released"]


def test_a_missed_test_is_overdue(api: Api, clock: Clock) -> None:
    person = register(api, "epi", name="Li Si", community="110105001001", seq="125")
    order = api.client.post(
        "/api/orders",
        json={"person_id": person["id"], "category": "close_contact", "start": "2022-11-14"},
        headers=api.as_("epi"),
    ).json()
    clock.today = date(2022, 11, 16)
    wl = worklist(api, "worker_a", date(2022, 11, 16))
    overdue = [o["detail"] for o in wl["overdue_tests"] if o["order_id"] == order["id"]]
    assert overdue == ["test of 2022-11-14 (day 1) not recorded", "test of 2022-11-15 (day 2) not recorded"]


def test_secondary_contacts_are_refused_with_the_clause(api: Api) -> None:
    person = register(api, "epi", name="Wang Wu", community="110105001002", seq="127")
    r = api.client.post(
        "/api/orders",
        json={"person_id": person["id"], "category": "secondary_close_contact", "start": "2022-11-14"},
        headers=api.as_("epi"),
    )
    assert r.status_code == 422
    assert r.json()["error"]["clause"] == "m20.2"
    assert (
        api.client.get("/api/worklists", params={"on": "2022-11-14"}, headers=api.as_("epi")).json()["tests_due"] == []
    )


def test_one_active_order_per_category(api: Api) -> None:
    person = register(api, "epi", name="Zhao Liu", community="110105001001", seq="129")
    body = {"person_id": person["id"], "category": "close_contact", "start": "2022-11-14"}
    assert api.client.post("/api/orders", json=body, headers=api.as_("epi")).status_code == 201
    again = api.client.post("/api/orders", json=body, headers=api.as_("epi"))
    assert again.status_code == 409 and again.json()["error"]["field"] == "person_id"
