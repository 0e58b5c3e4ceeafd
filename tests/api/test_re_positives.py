"""Re-positives after discharge and entrants judged past infections do not restart a risk area's clean days
(measure 4; the 21 Nov 2022 risk-area plan, m20-docs.risk_area; interpretation register: not-new-infections).

A re-positive is not a new case: it is noted on the infection it belongs to (once per sampling day), proposes no
close contacts, and appears in the history of every risk area its person lives in as not counted, with the clause.
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.api.helpers import C12, Demo, error, infection, resident

BUILDING_5 = C12 + "005"


def test_a_re_positive_after_discharge_is_noted_and_does_not_restart_the_area(demo: Demo) -> None:
    d = date(2022, 11, 16)
    first = resident(demo, "First Case", "801", C12, "5", "1")
    other = resident(demo, "Other Case", "802", C12, "5", "2")
    old = infection(demo, other["id"], d - timedelta(days=12))  # found 4 Nov, discharged 12 Nov
    case = infection(demo, first["id"], d)
    area = demo.post(
        "command",
        "/api/risk-areas",
        {"area_code": BUILDING_5, "reason": "residence", "infection_ids": [case["id"]]},
        status=201,
    )
    url = f"/api/infections/{old['id']}/re-positives"
    body = {"sampled_on": "2022-11-18", "confirmed_at": "2022-11-18T08:00:00+08:00"}

    # not yet discharged: a positive of an infection in care is not a re-positive
    demo.clock.today = d + timedelta(days=2)
    r = demo.client.post(url, json=body, headers=demo.as_("epi"))
    assert r.status_code == 422 and error(r)["field"] == "infection_id", r.text
    r = demo.client.patch(f"/api/infections/{old['id']}", json={"discharged_on": "2022-11-12"}, headers=demo.as_("epi"))
    assert r.status_code == 200, r.text
    # sampled on the day of the discharge: not after it
    r = demo.client.post(url, json={**body, "sampled_on": "2022-11-12"}, headers=demo.as_("epi"))
    assert r.status_code == 422 and error(r)["field"] == "sampled_on", r.text
    before = demo.get("command", f"/api/risk-areas/{area['id']}/history")["items"]
    infections = demo.get("epi", "/api/infections")["total"]

    noted = demo.post("epi", url, body, status=201)
    assert (noted["infection_id"], noted["sampled_on"]) == (old["id"], "2022-11-18")
    again = demo.post("epi", url, {**body, "note": "the same result again"}, status=201)
    assert again["id"] == noted["id"]  # one note per sampling day
    assert [n["id"] for n in demo.get("epi", url)["items"]] == [noted["id"]]
    assert demo.get("epi", "/api/infections")["total"] == infections  # no new case

    history = demo.get("command", f"/api/risk-areas/{area['id']}/history")["items"]
    added = [e for e in history if e not in before]
    assert [(e["on"], e["kind"], e["clause"]) for e in added] == [("2022-11-18", "infection_not_counted", "m20.4")], (
        added
    )
    assert "re-positive after discharge: does not count" in added[0]["text"]

    # clean days from 17 Nov: low risk on the 22nd, as if the re-positives had not happened
    levels = {}
    for n in range(2, 8):
        demo.clock.today = d + timedelta(days=n)
        if n == 5:  # from 21 Nov the risk-area plan says so in words
            later = {"sampled_on": "2022-11-21", "confirmed_at": "2022-11-21T08:00:00+08:00"}
            demo.post("epi", url, later, status=201)
            last = demo.get("command", f"/api/risk-areas/{area['id']}/history")["items"]
            assert [(e["on"], e["clause"]) for e in last if e["kind"] == "infection_not_counted"] == [
                ("2022-11-18", "m20.4"),
                ("2022-11-21", "m20-docs.risk_area"),
            ]
        demo.post("command", "/api/risk-areas/advance", {})
        levels[demo.clock.today] = next(
            a["level"] for a in demo.get("command", "/api/risk-areas")["items"] if a["id"] == area["id"]
        )
    assert levels[date(2022, 11, 21)] == "high" and levels[date(2022, 11, 22)] == "low", levels


def test_a_re_positive_by_hand_needs_the_tracing_permission(demo: Demo) -> None:
    case = resident(demo, "Case", "811", C12, "5", "1")
    found = infection(demo, case["id"], date(2022, 11, 1))
    r = demo.client.patch(
        f"/api/infections/{found['id']}", json={"discharged_on": "2022-11-10"}, headers=demo.as_("epi")
    )
    assert r.status_code == 200, r.text
    r = demo.client.post(
        f"/api/infections/{found['id']}/re-positives",
        json={"sampled_on": "2022-11-15", "confirmed_at": "2022-11-15T08:00:00+08:00"},
        headers=demo.as_("viewer"),
    )
    assert r.status_code in (403, 404), r.text
    r = demo.client.post(
        f"/api/infections/{found['id']}/re-positives",
        json={"sampled_on": "2022-11-15", "confirmed_at": "2022-11-15T08:00:00+08:00", "extra": 1},
        headers=demo.as_("epi"),
    )
    assert r.status_code == 422 and error(r)["field"] == "extra", r.text
