"""Campuses through the API (issue 21; measure 18, with 16), on the demo county on the drill day: the registry (two
schools), an outbreak in the boarding school opens its response with measure 18's five tasks, one task goes late and
escalates once however often the job runs; a closure without an approval record is refused (422 naming the field and
the clause) and recorded as an over-reach finding the supervisor sees; with one it is recorded, and keeping the school
closed beyond the days one approval covers is refused again; a stricter rule for the off-campus families is reported.
Bad input (a deadline in the past, an unknown school, an unknown owner, a future outbreak) changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from tests.api.helpers import Demo, error


def _school(demo: Demo) -> dict:  # type: ignore[type-arg]
    found = demo.get("command", "/api/campuses", kind="secondary_school")
    assert found["total"] == 1
    return dict(found["items"][0])


def test_the_registry_lists_the_demo_schools_with_filters(demo: Demo) -> None:
    everything = demo.get("command", "/api/campuses")
    assert everything["total"] == 2
    assert demo.get("command", "/api/campuses", boarding="true")["total"] == 1
    assert demo.get("command", "/api/campuses", jurisdiction_code="110199002")["total"] == 1
    assert demo.get("command", "/api/campuses", limit=1, offset=1)["items"][0]["code"] == "DEMO-SCH-02"
    bad = demo.client.get("/api/campuses", params={"kind": "castle"}, headers=demo.as_("command"))
    assert bad.status_code == 422 and error(bad)["field"] == "kind"
    # the primary school's response of yesterday: five tasks, one done, the others due this morning
    responses = demo.get("command", "/api/campus-responses")
    assert responses["total"] == 1
    tasks = responses["items"][0]["tasks"]
    assert len(tasks) == 5 and sum(t["status"] == "done" for t in tasks) == 1


def test_register_and_bad_input(demo: Demo) -> None:
    body = {
        "code": "T-1",
        "name": "Test school",
        "kind": "university",
        "jurisdiction_code": "110199001",
        "boarding": True,
        "students": 10000,
        "staff": 900,
        "off_campus_families": 400,
    }
    made = demo.post("command", "/api/campuses", body, status=201)
    assert made["closed_until"] is None
    again = demo.client.post("/api/campuses", json=body, headers=demo.as_("command"))
    assert again.status_code == 409 and error(again)["field"] == "code"
    unknown = demo.client.post(
        "/api/campuses", json={**body, "code": "T-2", "jurisdiction_code": "999"}, headers=demo.as_("command")
    )
    assert unknown.status_code == 422 and error(unknown)["field"] == "jurisdiction_code"
    assert demo.client.post("/api/campuses", json=body, headers=demo.as_("worker1")).status_code == 403
    assert demo.get("command", "/api/campuses")["total"] == 3


def test_an_outbreak_opens_the_response_and_a_late_task_escalates(demo: Demo) -> None:
    school = _school(demo)
    base = {"campus_id": school["id"], "outbreak_on": "2022-11-16", "owner": "epi"}
    refused = [
        ({**base, "campus_id": 9999}, "campus_id"),
        ({**base, "owner": "nobody"}, "owner"),
        ({**base, "outbreak_on": "2022-11-17"}, "outbreak_on"),
        ({**base, "tasks": [{"kind": "tracing", "deadline": "2022-11-15T10:00:00+08:00"}]}, "tasks[0].deadline"),
        ({**base, "tasks": [{"kind": "prayer"}]}, "tasks[0].kind"),
    ]
    for body, field in refused:
        r = demo.client.post("/api/campus-responses", json=body, headers=demo.as_("command"))
        assert r.status_code == 422 and error(r)["field"] == field, (field, r.text)
    assert demo.get("command", "/api/campus-responses", campus_id=school["id"])["total"] == 0  # nothing changed
    opened = demo.post(
        "command",
        "/api/campus-responses",
        {
            **base,
            "tasks": [{"kind": "nucleic_acid_testing", "owner": "command", "deadline": "2022-11-16T12:00:00+08:00"}],
        },
        status=201,
    )
    kinds = [t["kind"] for t in opened["tasks"]]
    assert kinds == ["transfer_isolation", "nucleic_acid_testing", "tracing", "disinfection", "supplies"]
    assert {r["clause"] for r in opened["reasons"]} == {"m20.18"}
    twice = demo.client.post("/api/campus-responses", json=base, headers=demo.as_("command"))
    assert twice.status_code == 409 and error(twice)["field"] == "campus_id"
    testing = next(t for t in opened["tasks"] if t["kind"] == "nucleic_acid_testing")
    tracing = next(t for t in opened["tasks"] if t["kind"] == "tracing")
    # a task is closed by its owner or the command centre, not by a reader
    viewer = demo.client.post(f"/api/campus-tasks/{tracing['id']}/done", json={}, headers=demo.as_("viewer"))
    assert viewer.status_code == 403
    done = demo.post("epi", f"/api/campus-tasks/{tracing['id']}/done", {"note": "chains traced"})
    assert done["status"] == "done" and not done["late"]
    # the next day the testing task (due at noon) is late and escalates to the county, once
    demo.clock.today = date(2022, 11, 17)
    late = demo.get("command", "/api/campus-tasks", late="true")
    assert testing["id"] in [t["id"] for t in late["items"]]
    first = demo.post("command", "/api/campus-tasks/escalate")
    mine = [t for t in first if t["id"] == testing["id"]]
    assert mine and mine[0]["escalated_to"] == "110199"
    second = demo.post("command", "/api/campus-tasks/escalate")
    assert second == []


def test_closures_need_an_approval_and_a_refusal_is_a_finding(demo: Demo) -> None:
    school = _school(demo)
    url = f"/api/campuses/{school['id']}/closures"
    before = demo.get("supervisor", "/api/overreach/findings", kind="campus_closure")["total"]
    r = demo.client.post(url, json={"kind": "close_campus", "days": 3}, headers=demo.as_("command"))
    assert r.status_code == 422
    body = r.json()["error"]
    assert body["field"] == "approval" and body["clause"] == "m20.16" and body["finding_id"]
    assert demo.get("command", url)["total"] == 0  # nothing closed
    findings = demo.get("supervisor", "/api/overreach/findings", kind="campus_closure")
    assert findings["total"] == before + 1
    approval = {"reference": "JPC-2022-118", "approved_by": "county command centre", "approved_on": "2022-11-16"}
    ok = demo.post("command", url, {"kind": "close_campus", "days": 3, "approval": approval}, status=201)
    assert ok["allowed"] and ok["closure_id"]
    assert _school(demo)["closed_until"] == "2022-11-18"
    assert demo.get("command", "/api/campuses", closed_on="2022-11-17")["total"] == 1
    # keeping it closed beyond the days one approval covers
    longer = demo.client.post(
        url, json={"kind": "extend_closure", "days": 10, "approval": approval}, headers=demo.as_("command")
    )
    assert longer.status_code == 422 and longer.json()["error"]["field"] == "days"
    unapproved = demo.client.post(url, json={"kind": "extend_closure", "days": 2}, headers=demo.as_("command"))
    assert unapproved.status_code == 422 and unapproved.json()["error"]["field"] == "approval"
    assert demo.get("supervisor", "/api/overreach/findings", kind="campus_closure")["total"] == before + 3
    extended = demo.post("command", url, {"kind": "extend_closure", "days": 2, "approval": approval}, status=201)
    assert extended["allowed"]
    closures = demo.get("command", url)["items"]
    assert [(c["first_day"], c["last_day"]) for c in closures] == [
        ("2022-11-16", "2022-11-18"),
        ("2022-11-19", "2022-11-20"),
    ]
    past = demo.client.post(
        url,
        json={"kind": "suspend_classes", "days": 1, "first_day": str(date(2022, 11, 16) - timedelta(days=1))},
        headers=demo.as_("command"),
    )
    assert past.status_code == 422 and error(past)["field"] == "first_day"
    other = demo.client.post(
        "/api/campuses/9999/closures", json={"kind": "close_campus", "days": 1}, headers=demo.as_("command")
    )
    assert other.status_code == 404


def test_a_stricter_rule_for_the_off_campus_is_reported(demo: Demo) -> None:
    school = _school(demo)
    url = f"/api/campuses/{school['id']}/off-campus-rules"
    stricter = demo.post(
        "command",
        url,
        {"phases": [{"kind": "home_health_monitoring", "days": 7}], "description": "staff families stay home"},
    )
    assert stricter["over_reach"] and stricter["finding_id"]
    same = demo.post("command", url, {"phases": []})
    assert not same["over_reach"] and same["finding_id"] is None
    found = demo.get("supervisor", "/api/overreach/findings", kind="campus_off_campus")
    assert found["total"] == 1 and found["items"][0]["clause"] == "m20.16"
