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


IMPORT_CSV = (
    "name,kind,jurisdiction_code,general_beds,icu_beds,doctors,nurses,critical_care_nurses\n"
    "Upload hospital,designated_hospital,110199,40,4,10,20,8\n"
    "Upload cabin,makeshift_hospital,110199,200,0,4,30,0\n"
)


def _upload(demo: Demo, data: str, filename: str = "facilities.csv") -> Any:
    return demo.client.post(
        "/api/facilities/import", content=data.encode(), params={"filename": filename}, headers=demo.as_("command")
    )


def test_facilities_import_is_all_or_nothing_and_idempotent(demo: Demo) -> None:
    before = demo.get("command", "/api/facilities")["total"]
    bad = _upload(demo, IMPORT_CSV.replace(",200,", ",-5,"))
    assert bad.status_code == 422 and error(bad)["field"] == "beds.general" and error(bad)["row"] == 2
    assert demo.get("command", "/api/facilities")["total"] == before  # the good first row did not stay either
    r = _upload(demo, IMPORT_CSV)
    assert r.status_code == 200, r.text
    assert (r.json()["rows"], r.json()["outcomes"], r.json()["already_imported"]) == (
        2,
        {"added": 2, "updated": 0},
        False,
    )
    again = _upload(demo, IMPORT_CSV)
    assert again.status_code == 200 and again.json()["already_imported"] is True
    assert demo.get("command", "/api/facilities")["total"] == before + 2
    # a changed file updates the facility it names, in JSON as in CSV
    body = (
        '[{"name": "Upload cabin", "kind": "makeshift_hospital", "jurisdiction_code": "110199", "general_beds": 250}]'
    )
    r = _upload(demo, body, "facilities.json")
    assert r.status_code == 200 and r.json()["outcomes"] == {"added": 0, "updated": 1}
    cabin = next(f for f in demo.get("command", "/api/facilities", limit=500)["items"] if f["name"] == "Upload cabin")
    assert cabin["general_beds"] == 250
    r = _upload(demo, IMPORT_CSV, "facilities.txt")
    assert r.status_code == 422 and error(r)["field"] == "format"


def test_a_facility_lists_its_stays_paged_and_filtered(demo: Demo) -> None:
    hospital = _facility(demo, name="Stay hospital", beds={"general": 5, "icu": 1}).json()
    url = f"/api/facilities/{hospital['id']}/stays"
    cases = []
    for n, day in enumerate((16, 17, 18)):
        person = resident(demo, f"Care 81{n}", f"81{n}", C11, "3")
        case = infection(demo, person["id"], date(2022, 11, 16))
        demo.post(
            "epi", f"/api/infections/{case['id']}/severity", {"severity": "moderate", "on": f"2022-11-{day}"}, 201
        )
        body = {"facility_id": hospital["id"], "on": f"2022-11-{day}"}
        demo.post("command", f"/api/infections/{case['id']}/admissions", body, status=201)
        cases.append((case, person))
    demo.post("command", f"/api/infections/{cases[0][0]['id']}/discharge", {"on": "2022-11-20"})
    page = demo.get("command", url, limit=2)
    assert page["total"] == 3 and [s["started_on"] for s in page["items"]] == ["2022-11-18", "2022-11-17"]
    assert page["items"][0]["person_id"] == cases[2][1]["id"]
    rest = demo.get("command", url, limit=2, offset=2)
    assert [s["infection_id"] for s in rest["items"]] == [cases[0][0]["id"]]
    assert demo.get("command", url, state="current")["total"] == 2
    ended = demo.get("command", url, state="ended")["items"]
    assert [(s["infection_id"], s["end"]) for s in ended] == [(cases[0][0]["id"], "discharged")]
    assert demo.get("command", url, **{"from": "2022-11-21"})["total"] == 2  # the discharged stay ended before
    assert demo.get("command", url, to="2022-11-16")["total"] == 1
    r = demo.client.get(url, params={"state": "gone"}, headers=demo.as_("command"))
    assert r.status_code == 422 and error(r)["field"] == "state"
    r = demo.client.get(url, params={"from": "2022-11-20", "to": "2022-11-19"}, headers=demo.as_("command"))
    assert r.status_code == 422 and error(r)["field"] == "to"
    assert demo.client.get("/api/facilities/999999/stays", headers=demo.as_("command")).status_code == 404


def test_census_over_a_range_counts_admissions_and_discharges_per_day(demo: Demo) -> None:
    hospital = _facility(demo, name="Range hospital").json()
    person = resident(demo, "Care 820", "820", C11, "3")
    case = infection(demo, person["id"], date(2022, 11, 16))
    url = f"/api/infections/{case['id']}"
    demo.post("epi", f"{url}/severity", {"severity": "moderate", "on": "2022-11-16"}, status=201)
    demo.post("command", f"{url}/admissions", {"facility_id": hospital["id"], "on": "2022-11-16"}, status=201)
    demo.post("command", f"{url}/discharge", {"on": "2022-11-18"})
    report = demo.get("command", "/api/census", **{"from": "2022-11-15", "to": "2022-11-19"})
    assert (report["on"], report["date_from"], report["date_to"]) == (None, "2022-11-15", "2022-11-19")
    general = [r for r in report["rows"] if r["facility_id"] == hospital["id"] and r["bed_kind"] == "general"]
    assert [(r["on"], r["occupied"], r["admissions"], r["discharges"]) for r in general] == [
        ("2022-11-15", 0, 0, 0),
        ("2022-11-16", 1, 1, 0),
        ("2022-11-17", 1, 0, 0),
        ("2022-11-18", 0, 0, 1),
        ("2022-11-19", 0, 0, 0),
    ]
    one = demo.get("command", "/api/census", on="2022-11-16")
    assert one["on"] == "2022-11-16" and {r["on"] for r in one["rows"]} == {"2022-11-16"}
    for params, field in (
        ({}, "on"),
        ({"from": "2022-11-15"}, "to"),
        ({"from": "2022-11-19", "to": "2022-11-15"}, "to"),
        ({"from": "2022-01-01", "to": "2022-11-15"}, "to"),
        ({"on": "2022-11-16", "from": "2022-11-15", "to": "2022-11-16"}, "on"),
    ):
        r = demo.client.get("/api/census", params=params, headers=demo.as_("command"))
        assert r.status_code == 422 and error(r)["field"] == field, (params, r.text)
