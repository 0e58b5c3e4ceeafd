"""An outbreak in the demo county over two weeks, through the API, on SQLite and PostgreSQL.

Under the 20 measures (16–30 Nov 2022): an infection in building 7 of community 1-1 makes it a high-risk area
(the whole community is refused as over-reach); a second infection two days later starts the clean days
again; a third, found in centralized isolation after the 21 Nov rules, does not; the daily job downgrades
the building to low risk on the day after its fifth clean day. Meanwhile people who left the building are
proposed as spill-over and placed on measure 3's plan, and health codes are red inside the building, green
next door and far away — and green again once it is lifted. Under the 9th edition (September 2022) a whole
community may be delineated, and it steps down high → medium → low with an all-negative screening.
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.api.helpers import C12, C23, Demo, infection, resident, token_of

BUILDING_7 = C12 + "007"  # the demo already has a high-risk building 7 in community 1-1


def colour(demo: Demo, person_id: int) -> str:
    return str(demo.get("epi", f"/api/health-codes/person/{person_id}")["colour"])


def test_two_weeks_of_an_outbreak_under_the_20_measures(demo: Demo) -> None:
    d = date(2022, 11, 16)
    first = resident(demo, "First Case", "701", C12, "7", "1")
    neighbour = resident(demo, "Neighbour", "702", C12, "7", "2")  # same building, another unit
    next_door = resident(demo, "Next Door", "703", C12, "8", "1")
    far = resident(demo, "Far Away", "704", C23, "3", "1")
    leaver = resident(demo, "Leaver", "705", C12, "7", "3")
    visitor = resident(demo, "Visitor", "706", C23, "2", "1")
    declared = resident(demo, "Declared", "707", C12, "7", "4")
    second = resident(demo, "Second Case", "708", C12, "7", "1")
    isolated = resident(demo, "Isolated Case", "709", C12, "7", "2")
    mover = resident(demo, "Mover", "710", C12, "7", "3")

    case = infection(demo, first["id"], d)
    # the whole community: refused as over-reach, with the clause, and nothing delineated
    r = demo.client.post(
        "/api/risk-areas",
        json={"area_code": C12, "reason": "residence", "infection_ids": [case["id"]]},
        headers=demo.as_("command"),
    )
    assert r.status_code == 422 and r.json()["error"]["clause"] == "m20.s3", r.text
    assert "over-reach" in r.json()["error"]["message"]
    assert demo.get("command", "/api/risk-areas")["total"] == 1  # only the demo's own
    area = demo.post(
        "command",
        "/api/risk-areas",
        {"area_code": BUILDING_7, "reason": "residence", "infection_ids": [case["id"]]},
        status=201,
    )
    assert (area["level"], area["delineated_on"]) == ("high", "2022-11-16")

    # venues: a shop in building 7 and a supermarket in community 1-2; scans after the delineation
    for code, where in [("V-SHOP-7", BUILDING_7), ("V-SUPER-12", C23)]:
        demo.post(
            "epi",
            "/api/venues",
            {"code": code, "name": code, "address": "x", "jurisdiction_code": where},
            status=201,
        )
    scans = "document_number,venue_code,scanned_at\n" + "\n".join(
        [
            f"{leaver['document_number']},V-SUPER-12,2022-11-17T07:00:00+08:00",  # a resident seen outside
            f"{visitor['document_number']},V-SHOP-7,2022-11-17T07:30:00+08:00",  # a visitor inside
            f"{next_door['document_number']},V-SUPER-12,2022-11-17T08:00:00+08:00",  # not a resident: nothing
        ]
    )
    demo.clock.today = d + timedelta(days=1)
    r = demo.client.post(
        "/api/venue-scans", content=scans.encode(), headers={**demo.as_("epi"), "content-type": "text/csv"}
    )
    assert r.status_code == 200, r.text

    # a resident moves out to building 9 on the 17th (their old home is kept)
    r = demo.client.patch(
        f"/api/persons/{mover['id']}",
        json={"row_version": mover["row_version"], "building": "9", "address": f"{C12} building 9 unit 3"},
        headers=demo.as_("epi"),
    )
    assert r.status_code == 200, r.text
    proposed = demo.post("epi", f"/api/risk-areas/{area['id']}/spillover/propose")
    assert {(c["person_id"], c["left_on"], c["source"]) for c in proposed} == {
        (leaver["id"], "2022-11-17", "venue_scan"),
        (visitor["id"], "2022-11-17", "venue_scan"),
        (mover["id"], "2022-11-17", "address_change"),
    }
    declaration = demo.post(
        "worker2",
        f"/api/risk-areas/{area['id']}/spillover",
        {"person_id": declared["id"], "left_on": "2022-11-17"},
        status=201,
    )
    confirmed = demo.post("epi", f"/api/spillover/{declaration['id']}/confirm")
    order = demo.get("epi", f"/api/orders/{confirmed['order_id']}")
    assert (order["category"], order["start"]) == ("high_risk_spillover", "2022-11-18")
    assert [(p["kind"], p["test_days"]) for p in order["plan"]["phases"]] == [("home_isolation", [1, 3, 5, 7])]

    # the second infection (18th) starts the clean days again
    demo.clock.today = d + timedelta(days=2)
    infection(demo, second["id"], d + timedelta(days=2))
    # a close contact in centralized isolation found positive on the 21st: the 21 Nov rules exclude it
    contact_order = demo.post(
        "epi",
        "/api/orders",
        {"person_id": isolated["id"], "category": "close_contact", "anchor_date": "2022-11-17"},
        status=201,
    )
    assert contact_order["plan"]["phases"][0]["kind"] == "centralized_isolation"

    levels: dict[date, str] = {}
    due: dict[date, list[int]] = {}
    for n in range(0, 15):
        day = d + timedelta(days=n)
        demo.clock.today = day
        if day == date(2022, 11, 22):  # a downgrade before its time is refused
            r = demo.client.post(
                f"/api/risk-areas/{area['id']}/lower", json={"on": day.isoformat()}, headers=demo.as_("command")
            )
            assert r.status_code == 422 and r.json()["error"]["field"] == "on", r.text
            assert "still high-risk" in r.json()["error"]["message"]
        if day == date(2022, 11, 21):
            late = infection(demo, isolated["id"], day)
            assert late["found_in"] == "centralized_isolation"
        due[day] = [
            a["id"]
            for a in demo.get("command", "/api/risk-areas", due_on=day.isoformat())["items"]
            if a["area_code"] == BUILDING_7
        ]
        demo.post("command", "/api/risk-areas/advance", {})
        levels[day] = demo.get("command", "/api/risk-areas")["items"][0]["level"]
        if day == date(2022, 11, 20):
            demo.post("command", "/api/health-codes/recompute", {})
            assert colour(demo, neighbour["id"]) == "red"  # lives in the high-risk building
            assert colour(demo, next_door["id"]) == "green"
            assert colour(demo, far["id"]) == "green"
            assert colour(demo, first["id"]) == "red"  # the infection itself
            assert colour(demo, declared["id"]) == "red"  # home isolation (the default table: red)
            code = demo.get("epi", f"/api/health-codes/person/{neighbour['id']}")
            assert any(r["clause"] == "m20.4" for r in code["reasons"]), code

    # clean days 19–23 Nov (the excluded infection of the 21st does not count): low risk from the 24th
    assert {day: lvl for day, lvl in levels.items() if day <= date(2022, 11, 23)} == {
        day: "high" for day in levels if day <= date(2022, 11, 23)
    }
    assert all(lvl == "low" for day, lvl in levels.items() if day >= date(2022, 11, 24))
    assert due[date(2022, 11, 24)] == [area["id"]]
    assert all(not ids for day, ids in due.items() if day != date(2022, 11, 24))

    history = demo.get("command", f"/api/risk-areas/{area['id']}/history")["items"]
    kinds = [(e["on"], e["kind"], e["level"]) for e in history]
    assert ("2022-11-18", "infection", None) in kinds
    assert ("2022-11-21", "infection_not_counted", None) in kinds
    assert ("2022-11-24", "level_change", "low") in kinds
    not_counted = next(e for e in history if e["kind"] == "infection_not_counted")
    assert not_counted["clause"] == "m20-docs.risk_area"

    # after the lifting the building's residents are green again, with no recompute; the change is recorded
    assert colour(demo, neighbour["id"]) == "green"
    changes = demo.get("epi", f"/api/health-codes/person/{neighbour['id']}/changes")["items"]
    # each change the day its event was committed (issue 14): registered, the building delineated, lowered
    assert [(c["on"], c["from_colour"], c["to_colour"], c["cause"]) for c in changes] == [
        ("2022-11-16", None, "green", "person.registered"),
        ("2022-11-16", "green", "red", "area.delineated,area.infection"),
        ("2022-11-24", "red", "green", "area.level_change"),
    ]
    # what a venue check sees when it scans the neighbour's code
    token = token_of(demo, neighbour["id"])
    assert demo.get("worker2", f"/api/health-codes/token/{token}")["colour"] == "green"


def test_the_9th_edition_delineates_a_community_and_steps_down_through_medium(demo: Demo) -> None:
    d = date(2022, 9, 1)
    demo.clock.today = d
    case = infection(demo, resident(demo, "V9 Case", "801", C12, "5")["id"], d)
    area = demo.post(
        "command",
        "/api/risk-areas",
        {"area_code": C12, "reason": "residence", "infection_ids": [case["id"]]},
        status=201,
    )
    levels = {}
    for n in range(0, 14):
        day = d + timedelta(days=n)
        demo.clock.today = day
        if day == date(2022, 9, 8):  # the seventh clean day: everyone in the area screened negative
            demo.post(
                "command", f"/api/risk-areas/{area['id']}/screenings", {"on": day.isoformat(), "all_negative": True}
            )
        demo.post("command", "/api/risk-areas/advance", {})
        levels[day] = next(a["level"] for a in demo.get("command", "/api/risk-areas")["items"] if a["id"] == area["id"])
    assert levels[date(2022, 9, 8)] == "high"
    assert levels[date(2022, 9, 9)] == "medium"
    assert levels[date(2022, 9, 11)] == "medium"
    assert levels[date(2022, 9, 12)] == "low"
