"""Care through the API (issue 18; measure 11): a facility, a severity, a proposal, an admission, a transfer to ICU
when the case turns critical, a discharge and the census; refusals name their field and change nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.api.helpers import C11, Demo, error, infection, resident

COUNTY = "110199"


def _facility(demo: Demo, **fields: Any) -> Any:
    body = {
        "name": "API hospital",
        "kind": "designated_hospital",
        "jurisdiction_code": COUNTY,
        "beds": {"general": 2, "icu": 1},
        "staff": {"doctor": 5, "nurse": 5, "critical_care_nurse": 3},
    } | fields
    return demo.client.post("/api/facilities", json=body, headers=demo.as_("command"))


def test_admission_transfer_discharge_and_census(demo: Demo) -> None:
    r = _facility(demo)
    assert r.status_code == 201, r.text
    hospital = r.json()
    person = resident(demo, "Care 801", "801", C11, "3")
    case = infection(demo, person["id"], date(2022, 11, 16))
    url = f"/api/infections/{case['id']}"
    sev = demo.post("epi", f"{url}/severity", {"severity": "moderate", "on": "2022-11-16"}, status=201)
    assert (sev["level"], sev["facility"]) == ("inpatient", "designated_hospital")
    proposal = demo.get("command", f"{url}/admission-proposal", on="2022-11-16")
    # the demo's own designated hospital may be the nearer one; either way a general bed of a designated hospital
    assert proposal["facility_id"] is not None and proposal["bed_kind"] == "general"
    demo.post("command", f"{url}/admissions", {"facility_id": hospital["id"], "on": "2022-11-16"}, status=201)
    demo.post("epi", f"{url}/severity", {"severity": "critical", "on": "2022-11-17"}, status=201)
    proposal = demo.get("command", f"{url}/admission-proposal", on="2022-11-17")
    assert (proposal["bed_kind"], proposal["transfer"]) == ("icu", True)
    stay = demo.post("command", f"{url}/admissions", {"facility_id": hospital["id"], "on": "2022-11-17"}, status=201)
    assert stay["bed_kind"] == "icu"
    assert [s["severity"] for s in demo.get("command", f"{url}/severity")["severities"]] == ["moderate", "critical"]
    census = demo.get("command", "/api/census", on="2022-11-17")["rows"]
    icu = next(r for r in census if r["facility_id"] == hospital["id"] and r["bed_kind"] == "icu")
    assert (icu["occupied"], icu["free"], icu["admissions"]) == (1, 0, 1)
    demo.post("command", f"{url}/discharge", {"on": "2022-11-25"})
    listed = demo.get("command", "/api/facilities", kind="designated_hospital")
    assert hospital["id"] in [f["id"] for f in listed["items"]]


def test_bad_input_names_the_field(demo: Demo) -> None:
    before = demo.get("command", "/api/facilities")["total"]
    r = _facility(demo, jurisdiction_code="999999")
    assert r.status_code == 422 and error(r)["field"] == "jurisdiction_code"
    r = _facility(demo, beds={"general": -1})
    assert r.status_code == 422 and error(r)["field"] == "beds.general"
    assert demo.get("command", "/api/facilities")["total"] == before
    r = demo.client.post(
        "/api/infections/999999/severity", json={"severity": "mild", "on": "2022-11-16"}, headers=demo.as_("epi")
    )
    assert r.status_code == 422 and error(r)["field"] == "infection_id"
    person = resident(demo, "Care 802", "802", C11, "3")
    case = infection(demo, person["id"], date(2022, 11, 16))
    r = demo.client.post(
        f"/api/infections/{case['id']}/severity", json={"severity": "dire", "on": "2022-11-16"}, headers=demo.as_("epi")
    )
    assert r.status_code == 422 and error(r)["field"] == "severity"
