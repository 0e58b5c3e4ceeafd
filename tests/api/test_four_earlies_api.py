"""The four earlies report through the API (measure 15): an infection found two days after onset, reported in an hour
and admitted the next day at the level its severity asked shows late on detection only; one not reported yet is late
on reporting once two hours have passed; the week and the street are counted; bad days are refused naming the field;
pending until the deadline passes."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.api.helpers import C11, Demo, error, infection, resident


def _steps(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["step"]: s for s in report["overall"]}


def test_the_four_earlies(demo: Demo) -> None:
    facility = demo.post(
        "command",
        "/api/facilities",
        {
            "name": "Four earlies hospital",
            "kind": "designated_hospital",
            "jurisdiction_code": "110199",
            "beds": {"general": 5, "icu": 1},
            "staff": {"doctor": 5, "nurse": 5, "critical_care_nurse": 3},
        },
        status=201,
    )
    a = resident(demo, "Early One", "941", C11, "3")
    case = infection(demo, a["id"], date(2022, 11, 16))  # confirmed 16 Nov 08:00
    url = f"/api/infections/{case['id']}"
    demo.client.patch(
        url,
        json={"onset_on": "2022-11-14", "reported_at": "2022-11-16T09:00:00+08:00"},
        headers=demo.as_("epi"),
    ).raise_for_status()
    demo.post("epi", f"{url}/severity", {"severity": "moderate", "on": "2022-11-16"}, status=201)
    demo.post("command", f"{url}/admissions", {"facility_id": facility["id"], "on": "2022-11-17"}, status=201)
    b = resident(demo, "Early Two", "942", C11, "4")
    unreported = infection(demo, b["id"], date(2022, 11, 16))
    pending = demo.get("command", "/api/four-earlies", **{"from": "2022-11-14", "to": "2022-11-16"})
    assert (unreported["id"], "reporting") not in [(e["infection_id"], e["step"]) for e in pending["late"]]
    demo.clock.today = date(2022, 11, 17)  # a day on: the report is overdue
    report = demo.get("command", "/api/four-earlies", **{"from": "2022-11-14", "to": "2022-11-16"})
    mine = {case["id"], unreported["id"]}
    late = [(entry["infection_id"], entry["step"]) for entry in report["late"] if entry["infection_id"] in mine]
    assert (case["id"], "detection") in late  # 2 days from onset to the sample
    assert (case["id"], "reporting") not in late and (case["id"], "treatment") not in late  # 1 h; next day
    assert (unreported["id"], "reporting") in late
    steps = _steps(report)
    assert steps["reporting"]["measured"] >= 2 and steps["treatment"]["done"] >= 1
    week = [w for w in report["weeks"] if w["week_start"] == "2022-11-14"]
    assert week and sum(w["infections"] for w in week) == report["infections"]
    for params, field in (
        ({"from": "2022-11-16", "to": "2022-11-10"}, "to"),
        ({"from": "2021-01-01", "to": "2022-11-16"}, "to"),
    ):
        r = demo.client.get("/api/four-earlies", params=params, headers=demo.as_("command"))
        assert r.status_code == 422 and error(r)["field"] == field, r.text
