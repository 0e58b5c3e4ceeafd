"""Enterprises and parks through the API (issue 21, measure 19): the demo park with its white-listed enterprise and an
ordinary one, their plans and ledgers; a stop order for the white-listed enterprise refused with m20.19 cited and
recorded as an over-reach finding; a stop of the other refused without an approval, kept with one; returning workers
checked against the risk areas and their orders; the logistics pass; bad input refused naming the field, nothing
changed; lists paged and filtered."""

from __future__ import annotations

from tests.api.helpers import Demo, error


def _by_name(demo: Demo) -> dict[str, dict[str, object]]:
    listed = demo.get("command", "/api/enterprises")
    return {str(e["name"]): e for e in listed["items"]}


def test_demo_park_and_its_enterprises(demo: Demo) -> None:
    parks = demo.get("command", "/api/parks")
    assert parks["total"] == 1
    park_id = parks["items"][0]["id"]
    listed = demo.get("command", "/api/enterprises", park_id=park_id)
    assert listed["total"] == 2 and all(e["plan_id"] for e in listed["items"])
    white = demo.get("command", "/api/enterprises", white_listed="true")
    assert white["total"] == 1 and white["items"][0]["key_supply_chain"]
    page = demo.get("command", "/api/enterprises", limit=1, offset=1)
    assert page["total"] == 2 and len(page["items"]) == 1
    plan_id = white["items"][0]["plan_id"]
    plan = demo.get("command", f"/api/enterprise-plans/{plan_id}")
    assert list(plan["chain"]) == ["management", "workshop", "team"] and plan["policy"] == "m20"
    ledger = demo.get("command", f"/api/enterprise-plans/{plan_id}/checks")
    assert [c["level"] for c in ledger["items"]] == ["management", "workshop", "team"]
    checks = demo.get("command", f"/api/enterprises/{white['items'][0]['id']}/return-checks")
    assert checks["total"] >= 1 and checks["items"][-1]["cleared"] is False


def test_stop_orders_and_the_guard(demo: Demo) -> None:
    names = _by_name(demo)
    white = next(e for e in names.values() if e["white_listed"])
    other = next(e for e in names.values() if not e["white_listed"])
    before = demo.get("supervisor", "/api/overreach/findings")["total"]
    r = demo.client.post(
        f"/api/enterprises/{white['id']}/stop",
        json={"reason": "a case in the workshop", "approved_by": "county command"},
        headers=demo.as_("command"),
    )
    assert r.status_code == 422 and error(r)["clause"] == "m20.19"
    r = demo.client.post(
        f"/api/enterprises/{other['id']}/stop", json={"reason": "a case in the workshop"}, headers=demo.as_("command")
    )
    assert r.status_code == 422 and error(r)["clause"] == "m20.16"
    findings = demo.get("supervisor", "/api/overreach/findings")
    assert findings["total"] == before + 2
    assert {f["clause"] for f in findings["items"][:2]} == {"m20.19", "m20.16"}
    assert demo.get("command", f"/api/enterprises/{other['id']}")["producing"] is True  # nothing changed
    stopped = demo.post(
        "command",
        f"/api/enterprises/{other['id']}/stop",
        {"reason": "a case in the workshop", "approved_by": "county command", "approval_ref": "No. 7"},
        status=201,
    )
    assert stopped["approved_by"] == "county command" and stopped["reasons"][0]["clause"] == "m20.16"
    assert demo.get("command", f"/api/enterprises/{other['id']}")["producing"] is False
    assert demo.get("command", f"/api/enterprises/{other['id']}/stop-orders")["total"] == 1
    # taken off the white list, the key enterprise is an ordinary one
    off = demo.post("command", f"/api/enterprises/{white['id']}/white-list", {"white_listed": False})
    assert off["white_listed"] is False


def test_bad_input_names_the_field(demo: Demo) -> None:
    total = demo.get("command", "/api/enterprises")["total"]
    r = demo.client.post("/api/enterprises", json={"name": "无辖区企业"}, headers=demo.as_("command"))
    assert r.status_code == 422 and error(r)["field"] == "jurisdiction_code"
    r = demo.client.post(
        "/api/enterprises", json={"name": "x", "jurisdiction_code": "999999"}, headers=demo.as_("command")
    )
    assert r.status_code == 422 and error(r)["field"] == "jurisdiction_code"
    assert demo.get("command", "/api/enterprises")["total"] == total
    chain = {"management": "a", "workshop": "b", "team": "c"}
    r = demo.client.post(
        "/api/enterprise-plans", json={"enterprise_id": 99999, "chain": chain}, headers=demo.as_("command")
    )
    assert r.status_code == 422 and error(r)["field"] == "enterprise_id"
    made = demo.post(
        "command",
        "/api/enterprises",
        {"name": "新企业 New Co", "jurisdiction_code": "110199", "workers": 12},
        status=201,
    )
    r = demo.client.post(
        "/api/enterprise-plans",
        json={"enterprise_id": made["id"], "chain": {"management": "a"}},
        headers=demo.as_("command"),
    )
    assert r.status_code == 422 and error(r)["field"] == "chain"
    assert demo.get("command", f"/api/enterprises/{made['id']}")["plan_id"] is None  # nothing stored
    plan = demo.post("command", "/api/enterprise-plans", {"enterprise_id": made["id"], "chain": chain}, status=201)
    r = demo.client.post(
        "/api/enterprise-plans", json={"enterprise_id": made["id"], "chain": chain}, headers=demo.as_("command")
    )
    assert r.status_code == 422 and error(r)["field"] == "enterprise_id"  # one enterprise, one policy
    r = demo.client.post(
        f"/api/enterprise-plans/{plan['id']}/checks",
        json={"level": "ceo", "checker": "x", "passed": True},
        headers=demo.as_("command"),
    )
    assert r.status_code == 422 and error(r)["field"] == "level"
    assert demo.client.post("/api/parks", json={"name": "P"}, headers=demo.as_("command")).status_code == 422
    assert (
        demo.client.post(
            "/api/enterprises", json={"name": "y", "jurisdiction_code": "110199"}, headers=demo.as_("viewer")
        ).status_code
        == 403
    )


def test_returning_workers_and_logistics(demo: Demo) -> None:
    names = _by_name(demo)
    white = next(e for e in names.values() if e["white_listed"])
    persons = demo.get("command", "/api/persons", limit=1)["items"]
    person_id = persons[0]["id"]
    checked = demo.post(
        "command", f"/api/enterprises/{white['id']}/return-checks", {"person_id": person_id}, status=201
    )
    assert checked["policy"] == "m20" and checked["reasons"][0]["clause"] == "m20.19"
    r = demo.client.post(
        f"/api/enterprises/{white['id']}/return-checks",
        json={"person_id": person_id, "returning_from": "nowhere"},
        headers=demo.as_("command"),
    )
    assert r.status_code == 422 and error(r)["field"] == "returning_from"
    moves = demo.post("command", "/api/logistics/check", {"enterprise_id": white["id"]})
    assert moves["may_move"] is True and moves["policy"] == "m20"
    later = demo.post("command", "/api/logistics/check", {"key_supply_chain": True, "on": "2023-02-01"})
    assert later["policy"] == "classb" and later["may_move"] is True
