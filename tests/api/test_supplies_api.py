"""Medicines and equipment through the API (measure 13, m20.13): a site and an item created, stock received and
dispensed to a reorder alert, a dispensation that would make stock negative refused naming `quantity` with nothing
changed, a site outside any jurisdiction refused naming `jurisdiction_code`, and a shortage allocated to the severe,
high-risk and elderly first."""

from __future__ import annotations

from tests.api.helpers import C11, Demo, error, resident

COUNTY = "110199"


def test_stock_alerts_refusals_and_allocation(demo: Demo) -> None:
    site = demo.post(
        "command",
        "/api/supplies/sites",
        {"name": "API pharmacy", "kind": "pharmacy", "jurisdiction_code": COUNTY},
        status=201,
    )
    outside = demo.client.post(
        "/api/supplies/sites",
        json={"name": "Nowhere", "kind": "pharmacy", "jurisdiction_code": "999999"},
        headers=demo.as_("command"),
    )
    assert outside.status_code == 422 and error(outside)["field"] == "jurisdiction_code"
    demo.post(
        "command",
        "/api/supplies/items",
        {"code": "API-PAX", "name": "Paxlovid", "category": "antiviral", "unit": "box"},
        status=201,
    )
    moves = f"/api/supplies/sites/{site['id']}/movements"
    demo.post(
        "command", moves, {"kind": "receipt", "item_code": "API-PAX", "quantity": 20, "day": "2022-11-10"}, status=201
    )
    demo.post(
        "command",
        moves,
        {"kind": "dispensation", "item_code": "API-PAX", "quantity": 14, "day": "2022-11-15"},
        status=201,
    )
    table = demo.get("command", "/api/supplies/stock", site_id=site["id"], alerts="true")
    (line,) = table["items"]
    assert (line["stock"], line["daily_use"], line["days_of_supply"], line["alert"]) == (6, 1.0, 6.0, "reorder")
    too_many = demo.client.post(
        moves,
        json={"kind": "dispensation", "item_code": "API-PAX", "quantity": 7, "day": "2022-11-16"},
        headers=demo.as_("command"),
    )
    assert too_many.status_code == 422 and error(too_many)["field"] == "quantity"
    assert demo.get("command", "/api/supplies/stock", site_id=site["id"])["items"][0]["stock"] == 6
    requests = f"/api/supplies/sites/{site['id']}/requests"
    keys = []
    for n, (age, severity) in enumerate([(30, "mild"), (75, "mild"), (50, "critical")]):
        person = resident(demo, f"Supply {n}", f"80{n}", C11, "3")
        made = demo.post(
            "command",
            requests,
            {
                "item_code": "API-PAX",
                "person_id": person["id"],
                "quantity": 3,
                "age": age,
                "severity": severity,
                "requested_at": f"2022-11-16T0{n + 1}:00:00+08:00",
            },
            status=201,
        )
        keys.append(made["id"])
    shared = demo.post("command", f"/api/supplies/sites/{site['id']}/allocate", {"item_code": "API-PAX"})
    assert [(g["key"], g["granted"]) for g in shared["grants"]] == [(keys[2], 3), (keys[1], 3), (keys[0], 0)]
    assert shared["grants"][1]["group"] == "high_risk" and "m20.13" in [
        r["clause"] for r in shared["grants"][1]["reasons"]
    ]
    assert demo.get("command", "/api/supplies/stock", site_id=site["id"])["items"][0]["alert"] == "critical"


def test_ledger_and_requests_pages_and_changes(demo: Demo) -> None:
    """The ledger and the requests as pages with filters (requests audited as person reads), and sites and items
    changed with bad values refused naming the field, nothing changed (m20.13)."""
    sites = demo.get("command", "/api/supplies/sites", limit=100)["items"]
    centre = next(s for s in sites if s["kind"] == "community_health_centre" and s["name"].startswith("第1社区"))
    moves = f"/api/supplies/sites/{centre['id']}/movements"
    everything = demo.get("command", moves, limit=500)
    assert everything["total"] == len(everything["items"]) > 0
    days = [m["day"] for m in everything["items"]]
    assert days == sorted(days, reverse=True)  # the latest first
    only = demo.get("command", moves, item_code="IBUPROFEN", kind="receipt")
    assert only["total"] == 1 and only["items"][0]["kind"] == "receipt"
    window = demo.get("command", moves, kind="dispensation", day_from="2022-11-15", day_to="2022-11-16", limit=500)
    assert window["total"] > 0 and {m["day"] for m in window["items"]} <= {"2022-11-15", "2022-11-16"}
    for params, field in (
        ({"kind": "theft"}, "kind"),
        ({"item_code": "NOPE"}, "item_code"),
        ({"day_from": "2022-11-16", "day_to": "2022-11-01"}, "day_to"),
    ):
        r = demo.client.get(moves, params=params, headers=demo.as_("command"))
        assert r.status_code == 422 and error(r)["field"] == field, r.text
    pending = demo.get("command", "/api/supplies/requests", site_id=centre["id"], status="pending")
    assert pending["total"] == 5 and all(
        r["severity"] in (None, "mild", "moderate", "severe") for r in pending["items"]
    )
    bad = demo.client.get("/api/supplies/requests", params={"status": "lost"}, headers=demo.as_("command"))
    assert bad.status_code == 422 and error(bad)["field"] == "status"
    paged = demo.get("command", "/api/supplies/requests", limit=2, offset=2)
    assert paged["total"] == 5 and len(paged["items"]) == 2
    # changes: a site renamed and its kind changed; a bad kind, an unknown jurisdiction, a taken name refused
    url = f"/api/supplies/sites/{centre['id']}"
    r = demo.client.patch(url, json={"kind": "clinic"}, headers=demo.as_("command"))
    assert r.status_code == 422 and error(r)["field"] == "kind"
    r = demo.client.patch(url, json={"jurisdiction_code": "999999"}, headers=demo.as_("command"))
    assert r.status_code == 422 and error(r)["field"] == "jurisdiction_code"
    r = demo.client.patch(url, json={"name": sites[0]["name"]}, headers=demo.as_("command"))
    assert r.status_code == 409 and error(r)["field"] == "name"
    r = demo.client.patch(url, json={"colour": "red"}, headers=demo.as_("command"))
    assert r.status_code == 422
    unchanged = demo.get("command", "/api/supplies/sites", limit=100)["items"]
    assert next(s for s in unchanged if s["id"] == centre["id"]) == centre
    r = demo.client.patch(url, json={"name": "Renamed centre", "kind": "pharmacy"}, headers=demo.as_("command"))
    assert r.status_code == 200 and (r.json()["name"], r.json()["kind"]) == ("Renamed centre", "pharmacy")
    # items: the category (and so its reorder point) changes; a bad category or a blank unit refused
    r = demo.client.patch("/api/supplies/items/IBUPROFEN", json={"category": "sweets"}, headers=demo.as_("command"))
    assert r.status_code == 422 and error(r)["field"] == "category"
    r = demo.client.patch("/api/supplies/items/IBUPROFEN", json={"unit": "  "}, headers=demo.as_("command"))
    assert r.status_code == 422 and error(r)["field"] == "unit"
    r = demo.client.patch("/api/supplies/items/NOPE", json={"name": "x"}, headers=demo.as_("command"))
    assert r.status_code == 404
    r = demo.client.patch(
        "/api/supplies/items/IBUPROFEN", json={"name": "Ibuprofen 0.3 g"}, headers=demo.as_("command")
    )
    assert r.status_code == 200 and r.json()["name"] == "Ibuprofen 0.3 g" and r.json()["category"] == "antipyretic"
    # a viewer reads but does not change
    r = demo.client.patch("/api/supplies/items/IBUPROFEN", json={"name": "y"}, headers=demo.as_("viewer"))
    assert r.status_code == 403
