"""Vaccination through the API (issue 19; measure 12): doses recorded one at a time and imported, the status on a day
with the booster interval of the elderly plan (29 Nov 2022), outreach outcomes, and the closed-loop bubble's booster
check (measure 8) reading the records; every refusal is a 422 naming the field, with nothing changed."""

from __future__ import annotations

from typing import Any

from tests.api.helpers import Api, error, register, resident_id

COMMUNITY = "110105001001"


def _post(api: Api, who: str, url: str, body: Any) -> Any:
    return api.client.post(url, json=body, headers=api.as_(who))


def _get(api: Api, who: str, url: str, **params: Any) -> Any:
    r = api.client.get(url, params=params, headers=api.as_(who))
    assert r.status_code == 200, r.text
    return r.json()


def test_doses_status_and_the_bubble(api: Api) -> None:
    person = register(api, "epi", name="Vax 1", community=COMMUNITY, seq="201")
    url = f"/api/persons/{person['id']}"
    r = _post(
        api, "epi", f"{url}/vaccinations", {"product": "sinovac_coronavac", "dose_number": 1, "given_on": "2021-05-01"}
    )
    assert r.status_code == 201, r.text
    assert r.json()["vaccination"]["status"] == "partial"
    r = _post(
        api,
        "epi",
        f"{url}/vaccinations",
        {"product": "sinopharm_bbibp", "dose_number": 2, "given_on": "2021-06-01", "site": "Clinic", "lot": "B7"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["vaccination"]["status"] == "full_course"
    listed = _get(api, "epi", f"{url}/vaccinations")
    assert listed["total"] == 2 and [d["dose_number"] for d in listed["items"]] == [1, 2]
    status = _get(api, "epi", f"{url}/vaccination-status", on="2022-11-14")
    assert status["status"] == "full_course" and status["booster_due"] is True
    assert {r["clause"] for r in status["reasons"]} >= {"m20.12"}
    bubble = _get(api, "epi", f"{url}/bubble-entry", on="2022-11-14")
    assert bubble["entry"]["allowed"] is False
    assert bubble["vaccination"]["status"] == "full_course"
    assert any(r["clause"] == "m20.8" for r in bubble["entry"]["reasons"])
    r = _post(
        api,
        "epi",
        f"{url}/vaccinations",
        {"product": "cansino_ad5_inhaled", "dose_number": 3, "given_on": "2022-11-10"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["vaccination"]["status"] == "boosted"
    assert _get(api, "epi", f"{url}/bubble-entry", on="2022-11-14")["entry"]["allowed"] is True
    assert _get(api, "epi", f"{url}/bubble-entry", on="2022-11-14", chinese_personnel="false")["entry"]["allowed"]


def test_bad_doses_name_the_field_and_change_nothing(api: Api) -> None:
    person = register(api, "epi", name="Vax 2", community=COMMUNITY, seq="202")
    url = f"/api/persons/{person['id']}/vaccinations"
    cases = [
        ({"product": "moderna", "dose_number": 1, "given_on": "2021-05-01"}, "product"),
        ({"product": "sinovac_coronavac", "dose_number": 1, "given_on": "2022-11-15"}, "given_on"),
        ({"product": "sinovac_coronavac", "dose_number": 1, "given_on": "1989-12-31"}, "given_on"),
        ({"product": "sinovac_coronavac", "dose_number": 2, "given_on": "2021-05-01"}, "dose_number"),
        ({"product": "sinovac_coronavac", "dose_number": 0, "given_on": "2021-05-01"}, "dose_number"),
    ]
    for body, field in cases:
        r = _post(api, "epi", url, body)
        assert r.status_code == 422, (body, r.text)
        assert field in error(r)["field"], (body, error(r))
    assert _get(api, "epi", url)["total"] == 0
    r = _post(api, "epi", "/api/persons/999999/vaccinations", cases[0][0] | {"product": "sinovac_coronavac"})
    assert r.status_code == 404


def test_outreach(api: Api) -> None:
    person = register(api, "epi", name="Vax 3", community=COMMUNITY, seq="203")
    url = f"/api/persons/{person['id']}/vaccination-outreach"
    r = _post(api, "epi", url, {"outcome": "contraindication", "asked_on": "2022-11-14"})
    assert r.status_code == 422 and error(r)["field"] == "reason"
    r = _post(api, "epi", url, {"outcome": "refusal", "asked_on": "2022-11-14"})
    assert r.status_code == 201, r.text
    assert [o["outcome"] for o in _get(api, "epi", url)["items"]] == ["refusal"]


def test_import(api: Api) -> None:
    person = register(api, "epi", name="Vax 4", community=COMMUNITY, seq="204")
    number = person_number = resident_id("110105", "19900101", "204")
    assert number == person_number
    good = (
        "document_number,product,dose_number,given_on\n"
        f"{number},zhifei_zf2001,1,2022-01-01\n"
        f"{number},zhifei_zf2001,2,2022-02-01\n"
        f"{number},zhifei_zf2001,3,2022-03-01\n"
    ).encode()
    headers = api.as_("epi") | {"Content-Type": "text/csv"}
    r = api.client.post("/api/vaccinations/import", content=good, headers=headers, params={"filename": "d.csv"})
    assert r.status_code == 200, r.text
    assert r.json()["added"] == 3
    r = api.client.post("/api/vaccinations/import", content=good, headers=headers, params={"filename": "d.csv"})
    assert r.json()["already_imported"] is True
    status = _get(api, "epi", f"/api/persons/{person['id']}/vaccination-status", on="2022-11-14")
    assert status["status"] == "full_course" and status["doses_counted"] == 3
    bad_digit = number[:17] + ("0" if number[17] != "0" else "1")
    bad = f"document_number,product,dose_number,given_on\n{bad_digit},zhifei_zf2001,4,2022-10-01\n".encode()
    r = api.client.post("/api/vaccinations/import", content=bad, headers=headers)
    assert r.status_code == 422 and error(r)["field"] == "document_number"
    assert _get(api, "epi", f"/api/persons/{person['id']}/vaccinations")["total"] == 3


def test_coverage_and_outreach_routes(api: Api) -> None:
    person = register(api, "epi", name="Vax 5", community=COMMUNITY, seq="205")
    cover = _get(api, "epi", "/api/vaccination/coverage", on="2022-11-14")
    assert cover["on"] == "2022-11-14"
    counted = sum(r["persons"] for r in cover["rows"])
    assert counted >= 1 and all(r["any_dose"] <= r["persons"] for r in cover["rows"])
    listed = _get(api, "epi", "/api/vaccination/outreach", on="2022-11-14")
    assert person["id"] not in [r["person_id"] for r in listed["items"]]  # born 1990: not elderly
    r = api.client.get("/api/vaccination/coverage", params={"jurisdiction_code": "999999"}, headers=api.as_("epi"))
    assert r.status_code in (404, 422)


def test_doses_due_route(api: Api) -> None:
    found = _get(api, "epi", "/api/vaccination/doses-due", **{"from": "2022-11-14", "to": "2022-11-20"})
    assert len(found["days"]) == 7
    r = api.client.get(
        "/api/vaccination/doses-due", params={"from": "2022-11-14", "to": "2024-11-20"}, headers=api.as_("epi")
    )
    assert r.status_code == 422 and error(r)["field"] == "to"


def test_coverage_trend_route(api: Api) -> None:
    register(api, "epi", name="Vax 6", community=COMMUNITY, seq="206")
    found = _get(api, "epi", "/api/vaccination/coverage-trend", **{"from": "2022-11-11", "to": "2022-11-14", "step": 2})
    assert sorted({p["on"] for p in found["points"]}) == ["2022-11-11", "2022-11-13", "2022-11-14"]
