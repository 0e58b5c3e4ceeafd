"""Complaints and clues through the API (measure 18, m20.18; measure 16, m20.16): a sealed-building clue received,
routed with its deadline, in the supervisor's findings, answered in time and closed only with feedback; bad input
(no content, a deadline in the past, a case still holding a name or ID number) refused naming the field with nothing
stored; the complainant masked in the list and every read audited; a late complaint escalated once per level; a
rectified case published on the public list, read without login."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.services.audit.models import AuditEntry
from fangkong.services.complaints.models import Complaint, ComplaintCase
from tests.api.helpers import C11, Demo, error

SEALED = {
    "channel": "hotline",
    "complainant_kind": "resident",
    "complainant_name": "李四",
    "complainant_phone": "13900002222",
    "complainant_id_number": "110101199001011234",
    "category": "sealed_building",
    "content": "Building 3 was sealed with iron bars this morning; no one in it is infected.",
    "place": "Building 3, east compound",
    "affected": "about 60 households",
    "jurisdiction_code": C11,
}


def _count(demo: Demo, table: type) -> int:
    with Session(demo.client.app.state.engine) as s:  # type: ignore[attr-defined]
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def test_a_sealed_building_clue_is_routed_answered_closed_and_published(demo: Demo) -> None:
    c = demo.post("worker1", "/api/complaints", SEALED, status=201)
    assert (c["status"], c["urgency"], c["department"]) == ("open", "urgent", "command_centre")
    assert c["complainant_phone"] == "139****2222" and c["complainant_name"] == "李*"
    assert [r["clause"] for r in c["reasons"]] == ["m20.16", "m20.18"]
    assert c["finding_id"] is not None
    findings = demo.get("supervisor", "/api/overreach/findings", kind="complaint_clue")
    mine = [f for f in findings["items"] if f["id"] == c["finding_id"]]
    assert [r["clause"] for r in mine[0]["reasons"]] == ["m20.16", "m20.4"]

    # the list masks, the detail read (a role that sees identifiers) does not; both audited
    listed = demo.get("command", "/api/complaints", clues="true", status="open")
    assert c["id"] in [i["id"] for i in listed["items"]]
    assert all(i["masked"] for i in listed["items"])
    one = demo.get("command", f"/api/complaints/{c['id']}")
    assert one["complainant_phone"] == "13900002222" and not one["masked"]
    with Session(demo.client.app.state.engine) as s:  # type: ignore[attr-defined]
        entities = set(s.scalars(select(AuditEntry.entity).where(AuditEntry.actor == "command")))
    assert {"complaint", "complaints"} <= entities

    # closing without feedback is refused; with an answer and feedback it closes
    r = demo.client.post(f"/api/complaints/{c['id']}/close", json={}, headers=demo.as_("worker1"))
    assert r.status_code == 422 and error(r)["field"] == "feedback"
    demo.post("worker1", f"/api/complaints/{c['id']}/answer", {"answer": "The bars were removed at 11:00."})
    closed = demo.post(
        "worker1",
        f"/api/complaints/{c['id']}/close",
        {"feedback": "Told the caller by phone.", "rectification": "Bars removed; the street office criticised."},
    )
    assert closed["status"] == "closed" and not closed["overdue"]

    # a case that still holds the name or an ID number is refused naming the field; nothing is published
    cases_before = _count(demo, ComplaintCase)
    for body, field in (
        ({"title": "李四's building", "summary": "sealed"}, "title"),
        ({"title": "A sealed building", "summary": "caller 110101199001011234"}, "summary"),
        ({"title": "A sealed building", "summary": "ring 13900002222"}, "summary"),
        ({"title": "A sealed building"}, "summary"),
    ):
        r = demo.client.post(f"/api/complaints/{c['id']}/case", json=body, headers=demo.as_("supervisor"))
        assert r.status_code == 422 and error(r)["field"] == field, r.text
    assert _count(demo, ComplaintCase) == cases_before
    case = demo.post(
        "supervisor",
        f"/api/complaints/{c['id']}/case",
        {"title": "A building sealed without a risk area", "summary": "A street office sealed a building."},
        status=201,
    )
    assert case["clause"] == "m20.4" and "李" not in str(case)
    public = demo.client.get("/api/public/cases")  # no login
    assert public.status_code == 200 and public.json()["items"][0]["id"] == case["id"]  # newest first


def test_bad_input_names_the_field_and_stores_nothing(demo: Demo) -> None:
    before = _count(demo, Complaint)
    for body, field in (
        ({**SEALED, "content": "  "}, "content"),
        ({k: v for k, v in SEALED.items() if k != "content"}, "content"),
        ({**SEALED, "deadline": "2022-11-15T09:00:00+08:00"}, "deadline"),
        ({**SEALED, "category": "gossip"}, "category"),
        ({**SEALED, "department": "police"}, "department"),
        ({**SEALED, "received_at": "2022-11-20T09:00:00+08:00"}, "received_at"),
    ):
        r = demo.client.post("/api/complaints", json=body, headers=demo.as_("worker1"))
        assert r.status_code == 422 and error(r)["field"] == field, r.text
    assert _count(demo, Complaint) == before
    r = demo.client.get("/api/complaints", params={"status": "pending"}, headers=demo.as_("command"))
    assert r.status_code == 422 and error(r)["field"] == "status"


def test_a_late_complaint_escalates_once_a_level(demo: Demo) -> None:
    c = demo.post(
        "worker1",
        "/api/complaints",
        {"content": "No answer about the testing site hours.", "jurisdiction_code": C11, "urgency": "urgent"},
        status=201,
    )
    assert c["finding_id"] is None and c["department"] == "community"
    demo.clock.today += timedelta(days=1)
    late = demo.get("command", "/api/complaints", overdue="true")
    assert c["id"] in [i["id"] for i in late["items"]]
    made = demo.post("command", "/api/complaints/escalations")
    assert [e["level"] for e in made if e["complaint_id"] == c["id"]] == [1]
    assert all(e["complaint_id"] != c["id"] for e in demo.post("command", "/api/complaints/escalations"))
    demo.clock.today += timedelta(days=1)
    again = demo.post("command", "/api/complaints/escalations")
    assert [e["level"] for e in again if e["complaint_id"] == c["id"]] == [2]
    steps = demo.get("command", f"/api/complaints/{c['id']}/escalations")
    assert [(s["level"], s["to_jurisdiction_code"]) for s in steps["items"]] == [(1, "110199001"), (2, "110199")]
