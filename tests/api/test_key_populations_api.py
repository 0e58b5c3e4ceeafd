"""Key populations and key institutions through the API (issue 19; measure 14): the 82-year-old living alone put on
the registry is graded high and checked daily, a check recorded, overdue checks listed; a nursing home with an
infection among its staff raises an alert whose checklist is marked done; refusals name their field and change
nothing; the registry import is idempotent."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.api.helpers import C11, C12, Demo, error, infection, resident_id

COUNTY = "110199"


def person(demo: Demo, name: str, seq: str, born: str, community: str = C11) -> dict[str, Any]:
    body = {
        "name": name,
        "document_type": "resident_id",
        "document_number": resident_id("110199", born, seq),
        "address": f"{community} building 9 unit 1",
        "building": "9",
        "unit": "1",
        "jurisdiction_code": community,
    }
    return dict(demo.post("epi", "/api/persons", body, status=201))


def test_the_registry_grade_plan_checks_and_overdue(demo: Demo) -> None:
    old = person(demo, "Wang 82", "901", "19400301")
    entry = demo.post(
        "worker1",
        "/api/key-populations",
        {"person_id": old["id"], "kinds": ["elderly_living_alone"], "checker": "worker1"},
        status=201,
    )
    assert (entry["grade"], entry["check_every_days"], entry["vaccination_status"]) == ("high", 1, "unvaccinated")
    assert {r["clause"] for r in entry["reasons"]} == {"m20.14", "m20.12"}
    mine = demo.get("worker1", f"/api/persons/{old['id']}/key-population")
    assert mine["on_registry"] and mine["plan"]["next_due_at"].startswith("2022-11-17")
    listed = demo.get("command", "/api/key-populations", grade="high", kind="elderly_living_alone")
    assert old["id"] in [e["person_id"] for e in listed["items"]]
    demo.clock.today = date(2022, 11, 18)
    overdue = demo.get("worker1", "/api/key-populations/overdue", checker="worker1", limit=200)
    assert old["id"] in [o["person_id"] for o in overdue["items"]]  # beside the demo's own key people
    demo.post(
        "worker1",
        f"/api/key-populations/{entry['id']}/checks",
        {"checked_at": "2022-11-18T08:30:00+08:00", "outcome": "needs_help", "note": "medicine running out"},
        status=201,
    )
    after = demo.get("worker1", "/api/key-populations/overdue", checker="worker1", limit=200)
    assert old["id"] not in [o["person_id"] for o in after["items"]] and after["total"] == overdue["total"] - 1
    r = demo.client.post(
        f"/api/key-populations/{entry['id']}/checks",
        json={"checked_at": "2022-11-19T08:30:00+08:00", "outcome": "well"},
        headers=demo.as_("worker1"),
    )
    assert r.status_code == 422 and error(r)["field"] == "checked_at"
    changed = demo.client.put(
        f"/api/key-populations/{entry['id']}",
        json={"person_id": old["id"], "kinds": ["elderly_living_alone"], "vaccination_status": "boosted"},
        headers=demo.as_("worker1"),
    )
    assert changed.status_code == 200 and changed.json()["grade"] == "high"  # 80 and over: high whatever else
    ended = demo.post("worker1", f"/api/key-populations/{entry['id']}/end")
    assert ended["ended_at"] is not None
    assert not demo.get("worker1", f"/api/persons/{old['id']}/key-population")["on_registry"]


def test_bad_registry_input_names_the_field(demo: Demo) -> None:
    p = person(demo, "Li 30", "902", "19920505")
    before = demo.get("command", "/api/key-populations")["total"]
    for body, field in [
        ({"person_id": p["id"], "kinds": ["astronaut"]}, "kinds"),
        ({"person_id": p["id"], "kinds": ["pregnant"], "vaccination_status": "twice"}, "vaccination_status"),
        ({"person_id": 999_999, "kinds": ["pregnant"]}, "person_id"),
    ]:
        r = demo.client.post("/api/key-populations", json=body, headers=demo.as_("worker1"))
        assert r.status_code == 422 and error(r)["field"] == field, r.text
    outsider = person(demo, "Zhao 70", "903", "19520101", community=C12)
    r = demo.client.post(
        "/api/key-populations",
        json={"person_id": outsider["id"], "kinds": ["hemodialysis"]},
        headers=demo.as_("worker1"),
    )
    assert r.status_code == 422 and error(r)["field"] == "person_id"
    assert demo.get("command", "/api/key-populations")["total"] == before
    assert (
        demo.client.get(f"/api/persons/{outsider['id']}/key-population", headers=demo.as_("worker1")).status_code == 404
    )


def test_a_nursing_home_alert_with_its_checklist(demo: Demo) -> None:
    home = demo.post(
        "command",
        "/api/key-institutions",
        {"name": "Evergreen home", "kind": "nursing_home", "jurisdiction_code": C11, "residents": 120, "staff": 30},
        status=201,
    )
    for body, field in [
        ({"name": "Bad home", "kind": "nursing_home", "jurisdiction_code": C11, "residents": -1}, "residents"),
        ({"name": "Bad home", "kind": "prison", "jurisdiction_code": C11}, "kind"),
        ({"name": "Bad home", "kind": "welfare_home", "jurisdiction_code": "999"}, "jurisdiction_code"),
    ]:
        r = demo.client.post("/api/key-institutions", json=body, headers=demo.as_("command"))
        assert r.status_code == 422 and error(r)["field"] == field, r.text
    assert demo.get("command", "/api/key-institutions", kind="nursing_home")["total"] >= 1
    r = demo.client.patch(f"/api/key-institutions/{home['id']}", json={"staff": -2}, headers=demo.as_("command"))
    assert r.status_code == 422 and error(r)["field"] == "staff"
    demo.post(
        "command",
        f"/api/key-institutions/{home['id']}/closures",
        {"starts_on": "2022-11-16", "ends_on": "2022-11-20"},
        status=201,
    )
    detail = demo.get("command", f"/api/key-institutions/{home['id']}")
    assert (detail["staff"], [c["starts_on"] for c in detail["closures"]]) == (30, ["2022-11-16"])
    carer = person(demo, "Carer", "904", "19850101")
    case = infection(demo, carer["id"], date(2022, 11, 16))
    alert = demo.post(
        "epi",
        f"/api/key-institutions/{home['id']}/alerts",
        {"infection_id": case["id"], "infected": "staff"},
        status=201,
    )
    assert [(i["step"], i["due_at"][:16]) for i in alert["items"]] == [
        ("transfer_severe", "2022-11-16T03:00"),
        ("isolate_on_site", "2022-11-16T07:00"),
        ("test_everyone", "2022-11-17T01:00"),
    ]
    demo.clock.today += timedelta(days=1)
    overdue = demo.get("command", "/api/institution-alerts", overdue="true")
    assert [a["id"] for a in overdue["items"]] == [alert["id"]]
    # 09:00 the next day is the very deadline of testing everyone: not yet past it
    assert overdue["items"][0]["overdue"] == ["transfer_severe", "isolate_on_site"]
    for step in ("transfer_severe", "isolate_on_site", "test_everyone"):
        done = demo.post("command", f"/api/institution-alerts/{alert['id']}/items/{step}/done", {})
    assert done["status"] == "closed" and done["overdue"] == []
    r = demo.client.post(
        f"/api/institution-alerts/{alert['id']}/items/test_everyone/done", json={}, headers=demo.as_("command")
    )
    assert r.status_code == 422 and error(r)["field"] == "step"


def test_the_registry_import_is_idempotent_and_checks_the_check_digit(demo: Demo) -> None:
    a = person(demo, "Dialysis", "905", "19600202")
    b = person(demo, "Pregnant", "906", "19960606")
    csv = (
        "document_number,kinds,vaccination_status\n"
        f"{a['document_number']},hemodialysis,boosted\n"
        f"{b['document_number']},pregnant,full_course\n"
    )

    def upload(data: str) -> Any:
        return demo.client.post(
            "/api/key-populations/import",
            content=data.encode(),
            params={"filename": "key.csv"},
            headers=demo.as_("command"),
        )

    first = upload(csv)
    assert first.status_code == 200 and (first.json()["added"], first.json()["already_imported"]) == (2, False)
    assert upload(csv).json()["already_imported"] is True
    number = b["document_number"]
    bad = number[:-1] + ("1" if number[-1] != "1" else "2")
    r = upload(f"document_number,kinds\n{bad},pregnant\n")
    assert r.status_code == 422 and error(r)["field"] == "document_number", r.text


def test_a_change_for_another_person_and_an_end_twice_are_refused(demo: Demo) -> None:
    a = person(demo, "Chen 70", "907", "19520303")
    b = person(demo, "Liu 75", "908", "19470404")
    entry = demo.post(
        "worker1", "/api/key-populations", {"person_id": a["id"], "kinds": ["elderly_disabled"]}, status=201
    )
    assert entry["grade"] == "high"
    r = demo.client.put(
        f"/api/key-populations/{entry['id']}",
        json={"person_id": b["id"], "kinds": ["pregnant"]},
        headers=demo.as_("worker1"),
    )
    assert r.status_code == 422 and error(r)["field"] == "person_id"
    demo.post("worker1", f"/api/key-populations/{entry['id']}/end")
    r = demo.client.post(f"/api/key-populations/{entry['id']}/end", headers=demo.as_("worker1"))
    assert r.status_code == 422 and error(r)["field"] == "entry_id"
    assert demo.get("worker1", "/api/key-populations", ended="true")["total"] >= 1
