"""An infection under the new ten (n10.3), through the API and the lab import, on SQLite and PostgreSQL.

"具备居家隔离条件的无症状感染者和轻型病例一般采取居家隔离……隔离第6、7天连续2次核酸检测Ct值≥35解除隔离": a close contact
found infected on 10 Dec 2022 is not transferred to hospital; their contact order is superseded and they are
isolated at home under an order of their infection's own, seven days from the positive sample with tests on days 6
and 7. A day-7 test below 35 extends the isolation two days with a test each day; the release waits for two passing
tests in a row, and the release discharges the infection, so the code turns green that day and not before. Under
the 20 measures (November) the same infection is transferred to hospital.
"""

from __future__ import annotations

from datetime import date

from tests.api.helpers import Api, Clock, error
from tests.api.test_lab_imports import RESULTS_HEADER, SAMPLES_HEADER, add_lab_user, get, person, upload


def colour(api: Api, person_id: int) -> str:
    return str(get(api, "epi", f"/api/health-codes/person/{person_id}")["colour"])


def test_an_infection_under_the_new_ten_is_isolated_at_home_until_its_tests_pass(api: Api, clock: Clock) -> None:
    add_lab_user(api)
    clock.today = date(2022, 12, 9)
    case = person(api, "Case", "401")
    doc = case["document_number"]
    contact = api.client.post(
        "/api/orders",
        json={"person_id": case["id"], "category": "close_contact", "anchor_date": "2022-12-08"},
        headers=api.as_("epi"),
    )
    assert contact.status_code == 201, contact.text

    clock.today = date(2022, 12, 10)
    upload(api, "lab", "/api/lab/samples", SAMPLES_HEADER + f"S-1,1,Point 3,2022-12-10T07:00:00+08:00,{doc}\n")
    found = upload(api, "lab", "/api/lab/results", RESULTS_HEADER + "S-1,City lab,2022-12-10T08:30:00+08:00,25,26\n")
    assert found["consequences"] == {"infections": 1}  # no transfer: nothing ends in hospital
    orders = {o["category"]: o for o in get(api, "epi", "/api/orders", person_id=case["id"])["items"]}
    assert orders["close_contact"]["status"] == "superseded"
    events = get(api, "epi", f"/api/orders/{orders['close_contact']['id']}/events")["items"]
    assert events[-1]["kind"] == "superseded" and events[-1]["detail"]["cite"] == ["n10.3"]
    home = orders["mild_infection"]
    assert (home["status"], home["start"], home["released_on"]) == ("active", "2022-12-11", "2022-12-18")
    assert [(p["kind"], p["test_days"]) for p in home["plan"]["phases"]] == [("home_isolation", [6, 7])]
    assert "n10.3" in home["plan"]["reasons"][0]["clause"]
    assert colour(api, case["id"]) == "red"

    # days 6 and 7 (16 and 17 Dec): the second is below 35
    clock.today = date(2022, 12, 17)
    upload(
        api,
        "lab",
        "/api/lab/samples",
        SAMPLES_HEADER
        + f"S-6,1,Home visit,2022-12-16T09:00:00+08:00,{doc}\nS-7,1,Home visit,2022-12-17T07:00:00+08:00,{doc}\n",
    )
    later = upload(
        api,
        "lab",
        "/api/lab/results",
        RESULTS_HEADER + "S-6,City lab,2022-12-16T20:00:00+08:00,36,37\nS-7,City lab,2022-12-17T08:30:00+08:00,30,31\n",
    )
    assert later["consequences"].get("isolations_extended") == 1
    assert "transferred" not in later["consequences"]
    home = get(api, "epi", f"/api/orders/{home['id']}")
    assert (home["status"], home["released_on"]) == ("active", "2022-12-20")
    assert home["plan"]["phases"][0]["test_days"] == [6, 7, 8, 9]
    extended = get(api, "epi", f"/api/orders/{home['id']}/events")["items"][-1]
    assert extended["kind"] == "extended" and extended["detail"]["cite"] == ["n10.3"]
    work = get(api, "worker_a", "/api/worklists", on="2022-12-18")
    assert any(t["order_id"] == home["id"] for t in work["tests_due"]), work

    # the release waits for two passing tests in a row
    clock.today = date(2022, 12, 20)
    body = {"row_version": home["row_version"], "on": "2022-12-20", "reason": "isolation over"}
    r = api.client.post(f"/api/orders/{home['id']}/release", json=body, headers=api.as_("worker_a"))
    assert r.status_code == 422 and error(r)["clause"] == "n10.3", r.text
    assert "no result yet for 2022-12-18, 2022-12-19" in error(r)["message"]
    upload(
        api,
        "lab",
        "/api/lab/samples",
        SAMPLES_HEADER
        + f"S-8,1,Home visit,2022-12-18T09:00:00+08:00,{doc}\nS-9,1,Home visit,2022-12-19T09:00:00+08:00,{doc}\n",
    )
    upload(
        api,
        "lab",
        "/api/lab/results",
        RESULTS_HEADER + "S-8,City lab,2022-12-18T20:00:00+08:00,36,36\nS-9,City lab,2022-12-19T20:00:00+08:00,,\n",
    )
    assert colour(api, case["id"]) == "red"
    home = get(api, "epi", f"/api/orders/{home['id']}")
    body["row_version"] = home["row_version"]
    r = api.client.post(f"/api/orders/{home['id']}/release", json=body, headers=api.as_("worker_a"))
    assert r.status_code == 200, r.text
    infection = get(api, "epi", "/api/infections")["items"][0]
    assert infection["discharged_on"] == "2022-12-20"
    assert colour(api, case["id"]) == "green"


def test_under_the_twenty_measures_an_infection_is_still_transferred(api: Api, clock: Clock) -> None:
    add_lab_user(api)
    clock.today = date(2022, 11, 16)
    case = person(api, "Case", "402")
    r = api.client.post(
        "/api/orders",
        json={"person_id": case["id"], "category": "close_contact", "anchor_date": "2022-11-15"},
        headers=api.as_("epi"),
    )
    assert r.status_code == 201, r.text
    upload(
        api,
        "lab",
        "/api/lab/samples",
        SAMPLES_HEADER + f"S-1,1,Point 3,2022-11-16T07:00:00+08:00,{case['document_number']}\n",
    )
    found = upload(api, "lab", "/api/lab/results", RESULTS_HEADER + "S-1,City lab,2022-11-16T08:30:00+08:00,25,26\n")
    assert found["consequences"] == {"infections": 1, "transferred": 1}
    categories = {o["category"]: o["status"] for o in get(api, "epi", "/api/orders", person_id=case["id"])["items"]}
    assert categories == {"close_contact": "transferred"}
