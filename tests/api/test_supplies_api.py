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
