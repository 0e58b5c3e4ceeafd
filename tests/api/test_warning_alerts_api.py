"""Early-warning alerts through the API (measure 15): the demo's daily job raised yesterday's and today's alerts for
the outbreak's communities; run again on the drill day it raises nothing twice; an alert is assigned and verified,
bad input refused with HTTP 422 naming the field; a community worker cannot read the queue; the list is paged and
filtered by status and lateness."""

from __future__ import annotations

from tests.api.helpers import Demo, error


def test_alerts_through_the_api(demo: Demo) -> None:
    queue = demo.get("command", "/api/warning-alerts")
    assert queue["total"] == 4  # two communities, yesterday and today
    first = queue["items"][0]
    assert first["overdue"] and first["kind"] == "multi_channel" and "fever_clinic" in first["channels"]
    assert {r["clause"] for r in first["reasons"]} == {"m20.15"}
    confirmed = demo.get("command", "/api/warning-alerts", status="confirmed")
    assert confirmed["total"] == 1 and confirmed["items"][0]["infection_ids"]
    again = demo.post("command", "/api/warning-alerts/run", {"on": "2022-11-16"})
    assert again["raised"] == [] and again["already"] == 2 and again["method"] == "ears-c2"
    tried = demo.post("command", "/api/warning-alerts/run", {"on": "2022-11-16", "method": "ears-c3"})
    assert tried["method"] == "ears-c3"
    bad = demo.client.post("/api/warning-alerts/run", json={"method": "guess"}, headers=demo.as_("command"))
    assert bad.status_code == 422 and error(bad)["field"] == "method"
    today = demo.get("command", "/api/warning-alerts", status="open", overdue="false")
    alert_id = today["items"][0]["id"]
    r = demo.client.post(f"/api/warning-alerts/{alert_id}/assign", json={"assignee": "nobody"}, headers=demo.as_("epi"))
    assert r.status_code == 422 and error(r)["field"] == "assignee"
    assigned = demo.post("epi", f"/api/warning-alerts/{alert_id}/assign", {"assignee": "epi"})
    assert (assigned["status"], assigned["assignee"]) == ("assigned", "epi")
    r = demo.client.post(
        f"/api/warning-alerts/{alert_id}/verify", json={"outcome": "confirmed"}, headers=demo.as_("epi")
    )
    assert r.status_code == 422 and error(r)["field"] == "infection_ids"
    done = demo.post("epi", f"/api/warning-alerts/{alert_id}/verify", {"outcome": "false_alarm", "note": "sale"})
    assert done["status"] == "false_alarm" and not done["overdue"]
    twice = demo.client.post(
        f"/api/warning-alerts/{alert_id}/verify", json={"outcome": "false_alarm"}, headers=demo.as_("epi")
    )
    assert twice.status_code == 409
    assert demo.client.get("/api/warning-alerts", headers=demo.as_("worker1")).status_code == 403
    page = demo.get("command", "/api/warning-alerts", limit=2, offset=2)
    assert page["total"] == 4 + len(tried["raised"]) and len(page["items"]) == 2
