"""A realistic day (and the next two) of testing and tracing, through the API, on SQLite and PostgreSQL.

16 Nov 2022 (the 20 measures): a sampling point registers a 10-in-1 pool, a 5-in-1 pool and an entrant's
single tube; the lab reports the first pool negative, the second positive (Ct 30) and the entrant at Ct 36.5.
The five pool members are held and owed single-tube retests; the entrant is owed a retest 24 h later.
17 Nov: the retests — four negative, one positive (Ct 25): a new infection, found while held, whose household
member and two people who scanned the same mall within 30 minutes are proposed as close contacts (a third,
2.5 hours later, and a fourth, before the look-back window, are not). The entrant's retest is Ct 38: a past
infection, placed in home isolation. The epidemiologist confirms the contacts; secondary contacts are refused
(m20.2). 18 Nov: the work lists carry the new close contacts' tests and the past infection's; the timeliness
report shows half an hour from confirmation to placement.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from fastapi import FastAPI

from fangkong.services.store import unit_of_work
from fangkong.services.users.service import create_user
from tests.api.helpers import Api, Clock, resident_id
from tests.stores import PASSWORD

A = "110105001001"


def add_lab_user(api: Api) -> None:
    app = cast(FastAPI, api.client.app)
    with unit_of_work(app.state.sessions) as session:
        create_user(session, None, username="lab", password=PASSWORD, role="lab", jurisdiction_code="110105")


def person(api: Api, name: str, seq: str, *, building: str, unit: str = "1") -> dict[str, Any]:
    body = {
        "name": name,
        "document_type": "resident_id",
        "document_number": resident_id("110105", "19850101", seq),
        "address": f"Jianwai road {building}",
        "building": building,
        "unit": unit,
        "jurisdiction_code": A,
    }
    r = api.client.post("/api/persons", json=body, headers=api.as_("epi"))
    assert r.status_code == 201, r.text
    return dict(r.json())


def upload(api: Api, who: str, url: str, csv: str, name: str = "upload.csv") -> dict[str, Any]:
    r = api.client.post(
        url, content=csv.encode(), params={"filename": name}, headers={**api.as_(who), "content-type": "text/csv"}
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


def get(api: Api, who: str, url: str, **params: Any) -> Any:
    r = api.client.get(url, params=params, headers=api.as_(who))
    assert r.status_code == 200, r.text
    return r.json()


def test_a_day_of_pooled_results_retests_a_new_case_and_its_contacts(api: Api, clock: Clock) -> None:
    add_lab_user(api)
    clock.today = date(2022, 11, 14)
    # the entrant: entered on the 13th, centralized isolation 14–18 (tests 14, 15, 16, 18), home 19–21
    traveller = person(api, "Traveller", "901", building="90")
    r = api.client.post(
        "/api/orders",
        json={"person_id": traveller["id"], "category": "entry_personnel", "anchor_date": "2022-11-13"},
        headers=api.as_("epi"),
    )
    assert r.status_code == 201, r.text
    entry_order = r.json()

    negatives = [person(api, f"Neg {i}", f"{100 + i:03d}", building=f"{i}") for i in range(10)]
    pooled = [person(api, f"Pool {i}", f"{200 + i:03d}", building=f"2{i}") for i in range(5)]
    case = pooled[2]
    housemate = person(api, "Housemate", "301", building=case["building"], unit=case["unit"])
    near1 = person(api, "Near One", "302", building="31")
    near2 = person(api, "Near Two", "303", building="32")
    later = person(api, "Later", "304", building="33")
    before = person(api, "Before", "305", building="34")

    # venues and scans, uploaded by the epidemiologist's team on the 16th
    clock.today = date(2022, 11, 16)
    r = api.client.post(
        "/api/venues",
        json={"code": "V-MALL-1", "name": "Mall", "address": "1 Mall road", "jurisdiction_code": "110105"},
        headers=api.as_("epi"),
    )
    assert r.status_code == 201, r.text
    scans = "document_number,venue_code,scanned_at\n" + "\n".join(
        f"{p['document_number']},V-MALL-1,{at}"
        for p, at in [
            (case, "2022-11-15T12:00:00+08:00"),
            (near1, "2022-11-15T12:10:00+08:00"),
            (near2, "2022-11-15T11:45:00+08:00"),
            (later, "2022-11-15T14:30:00+08:00"),
            (case, "2022-11-10T12:00:00+08:00"),  # before the window (from the 13th)
            (before, "2022-11-10T12:05:00+08:00"),
        ]
    )
    loaded = upload(api, "epi", "/api/venue-scans", scans, "scans.csv")
    assert (loaded["rows"], loaded["added"]) == (6, 6)

    def docs(people: list[dict[str, Any]]) -> str:
        return ";".join(p["document_number"] for p in people)

    day1_samples = (
        "barcode,pool_size,sampling_point,collected_at,members\n"
        f"P10-1,10,Jianwai point 3,2022-11-16T07:00:00+08:00,{docs(negatives)}\n"
        f"P5-1,5,Jianwai point 3,2022-11-16T07:05:00+08:00,{docs(pooled)}\n"
        f"S-T1,1,Hotel A,2022-11-16T07:30:00+08:00,{traveller['document_number']}\n"
    )
    registered = upload(api, "lab", "/api/lab/samples", day1_samples, "day1-samples.csv")
    assert (registered["rows"], registered["added"]) == (3, 3)
    day1_results = (
        "barcode,lab,reported_at,ct_orf1ab,ct_n\n"
        "P10-1,City lab,2022-11-16T08:00:00+08:00,,\n"
        "P5-1,City lab,2022-11-16T08:00:00+08:00,30,31\n"
        "S-T1,City lab,2022-11-16T08:00:00+08:00,37,36.5\n"
    )
    day1 = upload(api, "lab", "/api/lab/results", day1_results, "day1-results.csv")
    assert day1["outcomes"] == {"pool_negative": 1, "pool_positive": 1, "retest_24h": 1}
    assert day1["consequences"] == {"held": 5, "retests_ordered": 6}

    wl = get(api, "worker_a", "/api/worklists", on="2022-11-16")
    owed = {(r["person_id"], r["reason"], r["held"]) for r in wl["retests_due"]}
    assert owed == {(p["id"], "pool_positive", True) for p in pooled}  # the entrant's is due tomorrow
    assert wl["retests_due"][0]["cite"] == ["v9.testing"]  # the 21 Nov testing rules are not out yet

    # the same file again changes nothing
    again = upload(api, "lab", "/api/lab/results", day1_results, "day1-results.csv")
    assert again["already_imported"] and again["import_id"] == day1["import_id"]

    clock.today = date(2022, 11, 17)
    wl = get(api, "worker_a", "/api/worklists", on="2022-11-17")
    assert {r["person_id"] for r in wl["retests_due"]} == {p["id"] for p in pooled} | {traveller["id"]}
    day2_samples = (
        "barcode,pool_size,sampling_point,collected_at,members\n"
        + "".join(
            f"S-R{i},1,Jianwai point 3,2022-11-17T07:00:00+08:00,{p['document_number']}\n" for i, p in enumerate(pooled)
        )
        + f"S-T2,1,Hotel A,2022-11-17T08:00:00+08:00,{traveller['document_number']}\n"
    )
    upload(api, "lab", "/api/lab/samples", day2_samples, "day2-samples.csv")
    day2_results = (
        "barcode,lab,reported_at,ct_orf1ab,ct_n\n"
        + "".join(
            f"S-R{i},City lab,2022-11-17T08:30:00+08:00,{'25,26' if p is case else ','}\n" for i, p in enumerate(pooled)
        )
        + "S-T2,City lab,2022-11-17T08:40:00+08:00,38,38\n"
    )
    day2 = upload(api, "lab", "/api/lab/results", day2_results, "day2-results.csv")
    assert day2["outcomes"] == {"negative": 4, "positive": 1, "past_infection": 1}
    assert day2["consequences"] == {
        "infections": 1,
        "past_infections": 1,
        "released_from_hold": 5,
        "retests_done": 6,
    }
    assert get(api, "worker_a", "/api/worklists", on="2022-11-17")["retests_due"] == []

    # the infection: found while held after the pool, isolated since the pool result
    infections = get(api, "epi", "/api/infections")
    assert infections["total"] == 1
    infection = infections["items"][0]
    assert (infection["person_id"], infection["kind"], infection["found_in"]) == (
        case["id"],
        "asymptomatic",
        "temporary_control",
    )
    assert infection["sampled_on"] == "2022-11-17"

    # its close contacts were proposed at once: household and the two co-present scans only
    proposed = get(api, "epi", "/api/contact-candidates", infection_id=infection["id"])["items"]
    found = {c["person_id"]: (c["source"], c["last_exposure"]) for c in proposed}
    assert found == {
        housemate["id"]: ("household", "2022-11-16"),
        near1["id"]: ("venue", "2022-11-15"),
        near2["id"]: ("venue", "2022-11-15"),
    }
    assert all(any(r["clause"] == "m20.2" for r in c["reasons"]) for c in proposed)

    # the past infection is in home isolation under its own order; the entry order runs on (measure 10)
    orders = get(api, "epi", "/api/orders", person_id=traveller["id"], status="active")["items"]
    assert sorted(o["category"] for o in orders) == ["entry_personnel", "past_infection_ct35_40"]
    assert any(o["id"] == entry_order["id"] for o in orders)

    # the epidemiologist confirms the three; each is placed from their last exposure
    placed = {}
    for c in proposed:
        r = api.client.post(f"/api/contact-candidates/{c['id']}/confirm", json={}, headers=api.as_("epi"))
        assert r.status_code == 200, r.text
        placed[c["person_id"]] = r.json()["order_id"]
    for pid, start in [(housemate["id"], "2022-11-17"), (near1["id"], "2022-11-16"), (near2["id"], "2022-11-16")]:
        order = get(api, "epi", f"/api/orders/{placed[pid]}")
        assert (order["category"], order["start"], order["status"]) == ("close_contact", start, "active")

    # secondary close contacts: refused under the 20 measures, with the clause
    housemate_candidate = next(c for c in proposed if c["person_id"] == housemate["id"])
    r = api.client.post(f"/api/contact-candidates/{housemate_candidate['id']}/secondary", headers=api.as_("epi"))
    assert r.status_code == 422 and r.json()["error"]["clause"] == "m20.2", r.text

    # reported twenty minutes after confirmation
    r = api.client.patch(
        f"/api/infections/{infection['id']}",
        json={"reported_at": "2022-11-17T08:50:00+08:00", "kind": "asymptomatic", "workplace": "Office tower"},
        headers=api.as_("epi"),
    )
    assert r.status_code == 200, r.text
    report = get(api, "epi", "/api/timeliness", since="2022-11-17", until="2022-11-17")
    (row,) = report["infections"]
    assert row["timeliness"]["report_hours"] == 0.33 and not row["timeliness"]["report_late"]
    assert row["timeliness"]["placement_hours"] == [0.5, 0.5, 0.5]
    assert row["timeliness"]["contacts_on_time"] == 3
    (county,) = report["jurisdictions"]
    assert (county["jurisdiction_code"], county["median_placement_hours"]) == (A, 0.5)

    # a second positive sample of the same person the next day: still one infection
    clock.today = date(2022, 11, 18)
    upload(
        api,
        "lab",
        "/api/lab/samples",
        "barcode,pool_size,sampling_point,collected_at,members\n"
        f"S-X2,1,Hospital,2022-11-18T07:00:00+08:00,{case['document_number']}\n",
    )
    upload(
        api,
        "lab",
        "/api/lab/results",
        "barcode,lab,reported_at,ct_orf1ab,ct_n\nS-X2,City lab,2022-11-18T08:00:00+08:00,27,28\n",
    )
    assert get(api, "epi", "/api/infections")["total"] == 1

    # the next day's work list: the contacts' tests and the past infection's
    wl = get(api, "worker_a", "/api/worklists", on="2022-11-18")
    due: dict[int, set[tuple[str, str, int]]] = {}
    for t in wl["tests_due"]:
        due.setdefault(t["person_id"], set()).add((t["category"], t["where"], t["phase_day"]))
    assert due[near1["id"]] == {("close_contact", "centralized_site", 3)}
    assert due[near2["id"]] == {("close_contact", "centralized_site", 3)}
    assert due[housemate["id"]] == {("close_contact", "centralized_site", 2)}
    # the entrant: day 5 of centralized isolation, and day 1 of the past infection's home isolation
    assert due[traveller["id"]] == {
        ("entry_personnel", "centralized_site", 5),
        ("past_infection_ct35_40", "home_visit", 1),
    }
    assert case["id"] not in due and wl["retests_due"] == []
