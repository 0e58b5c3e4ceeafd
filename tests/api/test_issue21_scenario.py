"""Issue 21's scenario, whole, through the API on the demo county, in the order a day would bring it (measures 18,
19 and 16): an outbreak in the demo school opens its response, one task goes late and escalates; keeping the school
closed beyond what one approval covers is refused without a new approval and recorded; a stop order for the
white-listed enterprise is refused; a complaint about a sealed building is routed, answered within its deadline and
closed with feedback — and the supervisor's over-reach report shows the school, the enterprise and the clue."""

from __future__ import annotations

from datetime import date

from tests.api.helpers import C11, Demo, error

APPROVAL = {"reference": "JPC-2022-121", "approved_by": "county command centre", "approved_on": "2022-11-16"}


def _findings(demo: Demo, kind: str | None = None) -> list[dict]:  # type: ignore[type-arg]
    params = {"limit": 200} if kind is None else {"limit": 200, "kind": kind}
    return list(demo.get("supervisor", "/api/overreach/findings", **params)["items"])


def test_a_day_of_campus_enterprise_and_complaint_work(demo: Demo) -> None:
    before = {f["id"] for f in _findings(demo)}

    # measure 18: the boarding school's outbreak opens the five tasks, each with an owner and a deadline
    school = demo.get("command", "/api/campuses", kind="secondary_school")["items"][0]
    opened = demo.post(
        "command",
        "/api/campus-responses",
        {
            "campus_id": school["id"],
            "outbreak_on": "2022-11-16",
            "owner": "epi",
            "tasks": [{"kind": "supplies", "owner": "command", "deadline": "2022-11-16T18:00:00+08:00"}],
        },
        status=201,
    )
    assert [t["kind"] for t in opened["tasks"]] == [
        "transfer_isolation",
        "nucleic_acid_testing",
        "tracing",
        "disinfection",
        "supplies",
    ]
    assert all(t["owner"] and t["deadline"] for t in opened["tasks"])
    for task in opened["tasks"]:
        if task["kind"] != "supplies":
            demo.post("epi" if task["owner"] == "epi" else "command", f"/api/campus-tasks/{task['id']}/done", {})
    supplies = next(t for t in opened["tasks"] if t["kind"] == "supplies")

    # the school is closed for three days with an approval; keeping it closed past that without one is refused
    closures = f"/api/campuses/{school['id']}/closures"
    demo.post("command", closures, {"kind": "close_campus", "days": 3, "approval": APPROVAL}, status=201)
    kept = demo.client.post(closures, json={"kind": "extend_closure", "days": 4}, headers=demo.as_("command"))
    assert kept.status_code == 422 and error(kept)["field"] == "approval" and error(kept)["clause"]
    assert demo.get("command", f"/api/campuses/{school['id']}")["closed_until"] == "2022-11-18"  # nothing changed

    # measure 19: the white-listed enterprise may not be told to stop, approval or not
    white = demo.get("command", "/api/enterprises", white_listed="true")["items"][0]
    stop = demo.client.post(
        f"/api/enterprises/{white['id']}/stop",
        json={"reason": "a case in the workshop", "approved_by": "county command", "approval_ref": "No. 9"},
        headers=demo.as_("command"),
    )
    assert stop.status_code == 422 and error(stop)["clause"] == "m20.19"
    assert demo.get("command", f"/api/enterprises/{white['id']}")["producing"] is True

    # measures 18 and 16: a hotline call about a building sealed with no risk area
    call = demo.post(
        "worker1",
        "/api/complaints",
        {
            "channel": "hotline",
            "complainant_kind": "resident",
            "complainant_name": "王五",
            "complainant_phone": "13900003333",
            "category": "sealed_building",
            "content": "Building 9's doors were chained this morning; nobody there is infected.",
            "place": "Building 9",
            "jurisdiction_code": C11,
        },
        status=201,
    )
    assert call["deadline"] and call["department"] and call["finding_id"]
    demo.post("worker1", f"/api/complaints/{call['id']}/answer", {"answer": "The chains were taken off at 10:30."})
    closed = demo.post(
        "worker1",
        f"/api/complaints/{call['id']}/close",
        {"feedback": "Told the caller by phone.", "rectification": "Chains removed; the street office criticised."},
    )
    assert closed["status"] == "closed" and not closed["overdue"]

    # the next morning the supplies task is late: escalated once, to the county; the complaint, answered, is not
    demo.clock.today = date(2022, 11, 17)
    escalated = demo.post("command", "/api/campus-tasks/escalate")
    assert [t["id"] for t in escalated if t["id"] == supplies["id"]] == [supplies["id"]]
    assert demo.post("command", "/api/campus-tasks/escalate") == []
    assert call["id"] not in [e["complaint_id"] for e in demo.post("command", "/api/complaints/escalations")]

    # the supervisor's over-reach findings: the school kept closed, the stopped enterprise, the hotline's clue
    new = [f for f in _findings(demo) if f["id"] not in before]
    kinds = sorted(f["kind"] for f in new)
    assert kinds.count("campus_closure") == 1 and kinds.count("complaint_clue") == 1, kinds
    assert any(f["clause"] == "m20.19" for f in new)
    assert call["finding_id"] in [f["id"] for f in new]
    report = demo.get("supervisor", "/api/overreach/report")["lines"]
    assert sum(line["findings"] for line in report if line["verdict"] == "over_reach") >= len(new)
