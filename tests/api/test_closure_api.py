"""Services during closure through the API (measure 17, m20.17; m20.16): a need raised with its deadline and reasons,
bad input refused with HTTP 422 naming the field and nothing stored, routed and met, a dialysis refused because of
the person's code back in the queue and in measure 16's findings, the escalation job run, receiving points and
hotline records paged."""

from __future__ import annotations

from datetime import timedelta

from tests.api.helpers import C11, Demo, error, resident


def test_needs_through_the_api(demo: Demo) -> None:
    person = resident(demo, "Wang Dialysis", "901", C11, "7")
    need = demo.post("worker1", "/api/needs", {"person_id": person["id"], "kind": "dialysis"}, status=201)
    assert (need["urgency"], need["status"]) == ("urgent", "open")
    assert [r["clause"] for r in need["reasons"]] == ["m20.17", "m20.17"]
    before = demo.get("command", "/api/needs", person_id=person["id"])["total"]
    for body, field in (
        ({"kind": "dialysis"}, "person_id"),
        ({"person_id": person["id"], "kind": "haircut"}, "kind"),
        ({"person_id": person["id"], "kind": "food", "deadline": "2022-11-15T09:00:00+08:00"}, "deadline"),
        ({"person_id": 99999, "kind": "food"}, "person_id"),
    ):
        r = demo.client.post("/api/needs", json=body, headers=demo.as_("worker1"))
        assert r.status_code == 422 and error(r)["field"] == field, r.text
    assert demo.get("command", "/api/needs", person_id=person["id"])["total"] == before

    refused = demo.post(
        "worker1",
        f"/api/needs/{need['id']}/refuse",
        {"ground": "health_code", "reason": "the centre will not take a red code"},
    )
    assert refused["medical"] and refused["over_reach"] and refused["need"]["status"] == "open"
    findings = demo.get("supervisor", "/api/overreach/findings", kind="refused_care")
    assert [f["id"] for f in findings["items"]] == [refused["finding_id"]]

    demo.post("worker1", f"/api/needs/{need['id']}/assign", {"assignee": "worker1"})
    bad = demo.client.post(f"/api/needs/{need['id']}/assign", json={"assignee": "nobody"}, headers=demo.as_("worker1"))
    assert bad.status_code == 422 and error(bad)["field"] == "assignee"
    assert demo.get("command", "/api/needs", status="assigned", kind="dialysis")["total"] >= 1

    # a day later the dialysis is overdue: the job escalates it to the street, once
    demo.clock.today += timedelta(days=1)
    overdue = demo.get("command", "/api/needs", overdue="true", kind="dialysis")
    assert need["id"] in [n["id"] for n in overdue["items"]]
    escalated = demo.post("command", "/api/needs/escalations")
    assert any(e["need_id"] == need["id"] and e["level"] == 1 for e in escalated)
    assert all(e["need_id"] != need["id"] for e in demo.post("command", "/api/needs/escalations"))
    steps = demo.get("command", f"/api/needs/{need['id']}/escalations")
    assert [(s["level"], s["to_jurisdiction_code"]) for s in steps["items"]] == [(1, "110199001")]
    done = demo.post("worker1", f"/api/needs/{need['id']}/done", {"note": "another centre took him"})
    assert done["status"] == "done"

    point = demo.post(
        "worker1",
        "/api/receiving-points",
        {"name": "East gate", "address": "East gate", "jurisdiction_code": C11, "hours": "08:00-20:00"},
        status=201,
    )
    assert point["id"] in [p["id"] for p in demo.get("worker1", "/api/receiving-points")["items"]]
    call = demo.post(
        "worker1",
        "/api/hotline",
        {
            "jurisdiction_code": C11,
            "caller_phone": "13800000001",
            "called_at": "2022-11-17T08:00:00+08:00",
            "summary": "asks for dialysis",
            "need_id": need["id"],
        },
        status=201,
    )
    assert call["id"] in [c["id"] for c in demo.get("worker1", "/api/hotline")["items"]]
    unknown = demo.client.get("/api/needs", params={"urgency": "soon"}, headers=demo.as_("worker1"))
    assert unknown.status_code == 422 and error(unknown)["field"] == "urgency"
