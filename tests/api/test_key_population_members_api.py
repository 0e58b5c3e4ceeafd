"""The residents and staff of key institutions through the API (issue 19; measure 14, m20.14): members recorded,
paged and ended; bad input refused with 422 naming the field and nothing stored; an institution outside the caller's
scope not found; an infection recorded for a resident raises the institution's alert by itself, once; the members'
import is all or nothing and idempotent; a closed management is ended."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from fastapi import FastAPI

from fangkong.services.store import unit_of_work
from fangkong.services.users.service import create_user
from tests.api.helpers import C11, Api, Clock, Demo, error, infection, resident_id
from tests.stores import PASSWORD

SMALL = "110105001001"  # a community of the small county


def person(demo: Demo, name: str, seq: str, born: str, community: str = C11) -> dict[str, Any]:
    body = {
        "name": name,
        "document_type": "resident_id",
        "document_number": resident_id("110199", born, seq),
        "address": f"{community} building 9 unit 1",
        "building": "9",
        "unit": "1",
        "jurisdiction_code": community,
    }
    return dict(demo.post("epi", "/api/persons", body, status=201))


def home(demo: Demo, name: str = "Pine home") -> dict[str, Any]:
    body = {"name": name, "kind": "nursing_home", "jurisdiction_code": C11, "residents": 40, "staff": 12}
    return dict(demo.post("command", "/api/key-institutions", body, status=201))


def test_members_paged_ended_and_the_alert_an_infected_resident_raises(demo: Demo) -> None:
    h = home(demo)
    residents = [person(demo, f"Resident {i}", f"92{i}", "19380101") for i in range(3)]
    for r in residents:
        demo.post(
            "command",
            f"/api/key-institutions/{h['id']}/members",
            {"person_id": r["id"], "role": "resident", "started_on": "2021-05-01"},
            status=201,
        )
    nurse = person(demo, "Nurse", "930", "19900101")
    staff = demo.post(
        "command",
        f"/api/key-institutions/{h['id']}/members",
        {"person_id": nurse["id"], "role": "staff", "started_on": "2022-01-01"},
        status=201,
    )
    first = demo.get("command", f"/api/key-institutions/{h['id']}/members", limit=2)
    assert (first["total"], len(first["items"])) == (4, 2)
    second = demo.get("command", f"/api/key-institutions/{h['id']}/members", limit=2, offset=2)
    assert [m["role"] for m in first["items"] + second["items"]] == ["resident"] * 3 + ["staff"]
    assert demo.get("command", f"/api/key-institutions/{h['id']}/members", role="staff")["total"] == 1
    ended = demo.post("command", f"/api/institution-members/{staff['id']}/end", {"ended_on": "2022-11-10"})
    assert ended["ended_on"] == "2022-11-10"
    assert demo.get("command", f"/api/key-institutions/{h['id']}/members", on="2022-11-16")["total"] == 3
    # the nurse who left falls ill: no alert; a resident does: the home is alerted by itself, once
    infection(demo, nurse["id"], date(2022, 11, 16))
    assert demo.get("command", "/api/institution-alerts", institution_id=h["id"])["total"] == 0
    case = infection(demo, residents[0]["id"], date(2022, 11, 16))
    alerts = demo.get("command", "/api/institution-alerts", institution_id=h["id"])
    assert alerts["total"] == 1
    alert = alerts["items"][0]
    assert (alert["infection_id"], alert["infected"], alert["raised_by"]) == (case["id"], "resident", "epi")
    assert "m20.14" in {r["clause"] for r in alert["reasons"]}
    assert [i["step"] for i in alert["items"]] == ["transfer_severe", "isolate_on_site", "test_everyone"]
    again = demo.client.post(
        f"/api/key-institutions/{h['id']}/alerts", json={"infection_id": case["id"]}, headers=demo.as_("epi")
    )
    assert again.status_code == 422 and error(again)["field"] == "infection_id"


def test_bad_members_are_refused_naming_the_field(demo: Demo) -> None:
    h = home(demo, "Cedar home")
    p = person(demo, "Old Li", "940", "19400202")
    url = f"/api/key-institutions/{h['id']}/members"
    for body, field in [
        ({"person_id": 999_999, "role": "resident", "started_on": "2022-01-01"}, "person_id"),
        ({"person_id": p["id"], "role": "visitor", "started_on": "2022-01-01"}, "role"),
        ({"person_id": p["id"], "role": "resident", "started_on": "2022-03-01", "ended_on": "2022-02-01"}, "ended_on"),
        ({"person_id": p["id"], "role": "resident", "started_on": "2023-01-01"}, "started_on"),
        ({"person_id": p["id"], "role": "resident", "started_on": "not a day"}, "started_on"),
    ]:
        r = demo.client.post(url, json=body, headers=demo.as_("command"))
        assert r.status_code == 422 and error(r)["field"] == field, r.text
    assert demo.get("command", url)["total"] == 0
    m = demo.post("command", url, {"person_id": p["id"], "role": "resident", "started_on": "2022-01-01"}, status=201)
    r = demo.client.post(
        f"/api/institution-members/{m['id']}/end", json={"ended_on": "2021-12-31"}, headers=demo.as_("command")
    )
    assert r.status_code == 422 and error(r)["field"] == "ended_on"
    # an institution outside the caller's scope (worker2 serves another community): not found, reading or writing
    assert demo.client.get(url, headers=demo.as_("worker2")).status_code == 404
    r = demo.client.get(f"/api/key-institutions/{h['id']}/members", params={"limit": 0}, headers=demo.as_("command"))
    assert r.status_code == 422
    # a community worker may read the members but not manage the institution
    r = demo.client.post(
        url, json={"person_id": p["id"], "role": "staff", "started_on": "2022-06-01"}, headers=demo.as_("worker1")
    )
    assert r.status_code == 403
    assert demo.get("command", url)["total"] == 1


def test_the_members_import_is_all_or_nothing_and_idempotent(demo: Demo) -> None:
    h = home(demo, "Maple home")
    a = person(demo, "A", "951", "19410303")
    b = person(demo, "B", "952", "19880808")
    good = (
        "institution,document_number,role,started_on,ended_on\n"
        f"Maple home,{a['document_number']},resident,2022-02-01,\n"
        f"Maple home,{b['document_number']},staff,2021-09-01,\n"
    ).encode()
    headers = {**demo.as_("command"), "Content-Type": "text/csv"}
    r = demo.client.post("/api/institution-members/import", content=good, headers=headers)
    assert r.status_code == 200 and r.json()["added"] == 2, r.text
    again = demo.client.post("/api/institution-members/import", content=good, headers=headers)
    assert again.json()["already_imported"] is True
    bad = (
        "institution,document_number,role,started_on\n"
        f"Maple home,{a['document_number']},resident,2022-10-01\n"  # overlaps the stay recorded
        f"No such home,{b['document_number']},staff,2021-09-01\n"
    ).encode()
    r = demo.client.post("/api/institution-members/import", content=bad, headers=headers)
    assert r.status_code == 422 and error(r)["field"] in {"started_on", "institution"}
    assert demo.get("command", f"/api/key-institutions/{h['id']}/members")["total"] == 2


def test_a_closed_management_is_ended(demo: Demo) -> None:
    h = home(demo, "Birch home")
    period = demo.post("command", f"/api/key-institutions/{h['id']}/closures", {"starts_on": "2022-11-10"}, status=201)
    r = demo.client.post(
        f"/api/institution-closures/{period['id']}/end", json={"ends_on": "2022-11-09"}, headers=demo.as_("command")
    )
    assert r.status_code == 422 and error(r)["field"] == "ends_on"
    ended = demo.post("command", f"/api/institution-closures/{period['id']}/end", {"ends_on": "2022-11-15"})
    assert ended["ends_on"] == "2022-11-15"
    r = demo.client.post(
        f"/api/institution-closures/{period['id']}/end", json={"ends_on": "2022-11-16"}, headers=demo.as_("command")
    )
    assert r.status_code == 422 and error(r)["field"] == "closure_id"


def test_a_residents_positive_from_the_lab_import_alerts_the_home_once(api: Api, clock: Clock) -> None:
    """The lab import's path end to end (small county): a resident's positive single tube makes an infection whose
    follow-up alerts the nursing home; the same positive again, from another lab, adds no alert."""
    clock.today = date(2022, 11, 16)
    with unit_of_work(cast(FastAPI, api.client.app).state.sessions) as session:
        create_user(session, None, username="lab", password=PASSWORD, role="lab", jurisdiction_code="110105")
    body = {
        "name": "Grandma Zhao",
        "document_type": "resident_id",
        "document_number": resident_id("110105", "19380101", "611"),
        "address": "Road 611",
        "building": "611",
        "unit": "1",
        "jurisdiction_code": SMALL,
    }
    r = api.client.post("/api/persons", json=body, headers=api.as_("epi"))
    assert r.status_code == 201, r.text
    grandma = r.json()
    home = api.client.post(
        "/api/key-institutions",
        json={"name": "Riverside home", "kind": "nursing_home", "jurisdiction_code": SMALL},
        headers=api.as_("cc"),
    ).json()
    r = api.client.post(
        f"/api/key-institutions/{home['id']}/members",
        json={"person_id": grandma["id"], "role": "resident", "started_on": "2020-05-01"},
        headers=api.as_("cc"),
    )
    assert r.status_code == 201, r.text

    def upload(url: str, text: str) -> dict[str, Any]:
        headers = {**api.as_("lab"), "content-type": "text/csv"}
        r = api.client.post(url, content=text.encode(), params={"filename": "f.csv"}, headers=headers)
        assert r.status_code == 200, r.text
        return dict(r.json())

    doc = grandma["document_number"]
    upload(
        "/api/lab/samples",
        "barcode,pool_size,sampling_point,collected_at,members\n"
        f"S-1,1,Point 3,2022-11-16T07:00:00+08:00,{doc}\nS-2,1,Hospital,2022-11-16T07:30:00+08:00,{doc}\n",
    )
    first = upload(
        "/api/lab/results", "barcode,lab,reported_at,ct_orf1ab,ct_n\nS-1,City lab,2022-11-16T08:00:00+08:00,25,26\n"
    )
    assert first["consequences"]["infections"] == 1
    alerts = api.client.get("/api/institution-alerts", params={"institution_id": home["id"]}, headers=api.as_("cc"))
    assert alerts.json()["total"] == 1 and alerts.json()["items"][0]["infected"] == "resident"
    upload(
        "/api/lab/results", "barcode,lab,reported_at,ct_orf1ab,ct_n\nS-2,Other lab,2022-11-16T08:40:00+08:00,22,23\n"
    )
    again = api.client.get("/api/institution-alerts", params={"institution_id": home["id"]}, headers=api.as_("cc"))
    assert again.json()["total"] == 1
