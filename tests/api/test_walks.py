"""Walks from placement to the end of the order, each day's work list checked against the plan the 20 measures
give (the expected plans below are written from the measures' texts, not read back from the rules):

- (10) entry personnel: 5 days centralized isolation (tests days 1, 2, 3, 5) + 3 days home isolation (tests
  days 1, 3); after quarantine at the port of entry, no second quarantine at the destination;
- (3) spill-over from a high-risk area: 7 days home isolation, tests days 1, 3, 5, 7;
- (5) high-risk post employees after closed-loop work: 5 days home health monitoring, tests days 1, 3, 5;
- (1) close contacts: 5 + 3 as for entrants; section 3: those not eligible for home isolation are isolated
  centrally; a positive result is transferred to hospital and the order ends.

Day 1 is the day after the anchor fact (interpretation register: day-one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

from fastapi import FastAPI
from sqlalchemy import Engine, text

from fangkong.services.store import unit_of_work
from fangkong.services.users.service import create_user
from tests.api.helpers import Api, Clock, register, worklist
from tests.stores import PASSWORD

A, C = "110105001001", "110106001001"
CENTRAL, HOME, MONITOR = "centralized_isolation", "home_isolation", "home_health_monitoring"


def d(day: int) -> date:
    return date(2022, 11, day)


@dataclass
class Expected:
    """What each day of a plan asks of staff: test days (where, phase, day of phase), phase changes, release."""

    tests: dict[date, tuple[str, str, int]] = field(default_factory=dict)
    phase_changes: dict[date, str] = field(default_factory=dict)
    release: date = date.min
    phases: list[tuple[str, str, str, list[int]]] = field(default_factory=list)


def plan_of(start: date, phases: list[tuple[str, int, list[int]]]) -> Expected:
    out = Expected()
    day, previous = start, None
    for kind, days, tests in phases:
        end = day + timedelta(days=days - 1)
        out.phases.append((kind, day.isoformat(), end.isoformat(), tests))
        if previous is not None:
            out.phase_changes[day] = f"{previous} → {kind} until {end}"
        for n in tests:
            out.tests[day + timedelta(days=n - 1)] = ("centralized_site" if kind == CENTRAL else "home_visit", kind, n)
        day, previous = end + timedelta(days=1), kind
    out.release = day
    return out


def phases_of(order: dict[str, Any]) -> list[tuple[str, str, str, list[int]]]:
    return [(p["kind"], p["start"], p["end"], p["test_days"]) for p in order["plan"]["phases"]]


def add_user(api: Api, username: str, role: str, code: str) -> None:
    with unit_of_work(cast(FastAPI, api.client.app).state.sessions) as session:
        create_user(session, None, username=username, password=PASSWORD, role=role, jurisdiction_code=code)


def order_count(api: Api) -> int:
    engine: Engine = cast(FastAPI, api.client.app).state.engine
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM management_order")).scalar_one())


def place(api: Api, who: str, person_id: int, category: str, **when: str) -> dict[str, Any]:
    r = api.client.post(
        "/api/orders", json={"person_id": person_id, "category": category, **when}, headers=api.as_(who)
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def walk(
    api: Api,
    clock: Clock,
    who: str,
    order_id: int,
    first: date,
    last: date,
    expected: Expected,
    *,
    check_phase_changes: bool = True,
) -> None:
    """Each morning from `first` to `last`: `who`'s work list holds exactly the plan's work, and the sample is
    recorded on every test day (so nothing is ever overdue)."""
    day = first
    while day <= last:
        clock.today = day
        wl = worklist(api, who, day)
        due = [t for t in wl["tests_due"] if t["order_id"] == order_id]
        if day in expected.tests:
            where, phase, n = expected.tests[day]
            assert [(t["where"], t["phase"], t["phase_day"], t["sampled"]) for t in due] == [
                (where, phase, n, False)
            ], day
            s = api.client.post(
                f"/api/orders/{order_id}/samplings", json={"sampled_on": day.isoformat()}, headers=api.as_(who)
            )
            assert s.status_code == 201, s.text
            again = [t for t in worklist(api, who, day)["tests_due"] if t["order_id"] == order_id]
            assert [t["sampled"] for t in again] == [True]
        else:
            assert due == [], day
        if check_phase_changes:
            changes = [c["detail"] for c in wl["phase_changes"] if c["order_id"] == order_id]
            assert changes == ([expected.phase_changes[day]] if day in expected.phase_changes else []), day
        releases = [c["order_id"] for c in wl["releases"] if c["order_id"] == order_id]
        assert releases == ([order_id] if day == expected.release else []), day
        assert [o for o in wl["overdue_tests"] if o["order_id"] == order_id] == [], day
        day += timedelta(days=1)


def test_an_entrant_is_handed_over_to_the_destination_after_centralized_isolation(api: Api, clock: Clock) -> None:
    add_user(api, "site_a", "site_manager", "110105")  # the quarantine hotel at the port county
    clock.today = d(14)
    person = register(api, "epi", name="Li Traveller", community="110105")
    order = place(api, "epi", person["id"], "entry_personnel", anchor_date="2022-11-13", reason="arrived by air")
    expected = plan_of(d(14), [(CENTRAL, 5, [1, 2, 3, 5]), (HOME, 3, [1, 3])])
    assert (order["policy_version"], order["anchor_kind"], order["jurisdiction_code"]) == ("m20", "entry", "110105")
    assert (order["start"], order["released_on"]) == ("2022-11-14", expected.release.isoformat())
    assert phases_of(order) == expected.phases
    assert order["plan"]["reasons"][0]["clause"] == "m20.10"

    walk(api, clock, "site_a", order["id"], d(14), d(18), expected)

    # the evening of day 5: centralized isolation done, handed over to the home community in Fengtai
    r = api.client.post(
        f"/api/orders/{order['id']}/hand-over",
        json={"row_version": order["row_version"], "to_jurisdiction_code": C, "reason": "home isolation at home"},
        headers=api.as_("epi"),
    )
    assert r.status_code == 200, r.text
    handed = r.json()
    assert handed["jurisdiction_code"] == C and handed["status"] == "active"
    for key in ("start", "released_on", "plan", "policy_version", "anchor_date", "category"):
        assert handed[key] == order[key], key

    # the port county lets go; the destination takes over
    assert api.client.get(f"/api/persons/{person['id']}", headers=api.as_("epi")).status_code == 404
    assert api.client.get(f"/api/orders/{order['id']}", headers=api.as_("site_a")).status_code == 404
    assert api.client.get(f"/api/persons/{person['id']}", headers=api.as_("worker_c")).json()["jurisdiction_code"] == C

    clock.today = d(19)
    assert order["id"] not in {t["order_id"] for t in worklist(api, "epi", d(19))["tests_due"]}
    # (10): no second quarantine at the destination, whatever day 1 it is given
    before = order_count(api)
    for when in ({"anchor_date": "2022-11-13"}, {"start": "2022-11-19"}, {"anchor_date": "2022-11-18"}):
        again = api.client.post(
            "/api/orders",
            json={"person_id": person["id"], "category": "entry_personnel", **when},
            headers=api.as_("epi_fengtai"),
        )
        assert again.status_code == 422, again.text
        assert again.json()["error"]["clause"] == "m20.10"
    assert order_count(api) == before

    walk(api, clock, "worker_c", order["id"], d(19), d(22), expected)
    assert expected.tests[d(19)][0] == expected.tests[d(21)][0] == "home_visit"
    done = api.client.post(
        f"/api/orders/{order['id']}/release",
        json={"row_version": handed["row_version"], "on": "2022-11-22", "reason": "plan completed"},
        headers=api.as_("worker_c"),
    )
    assert done.status_code == 200, done.text
    events = api.client.get(f"/api/orders/{order['id']}/events", headers=api.as_("worker_c")).json()["items"]
    assert [e["kind"] for e in events] == ["placed", "handed_over", "released"]
    assert events[1]["detail"]["frm"] == "110105" and events[1]["detail"]["to"] == C
    assert "m20.10" in events[1]["detail"]["cite"]


def test_a_person_who_left_a_high_risk_area(api: Api, clock: Clock) -> None:
    person = register(api, "epi", name="Spill Over", community=A)
    order = place(api, "epi", person["id"], "high_risk_spillover", anchor_date="2022-11-13")
    expected = plan_of(d(14), [(HOME, 7, [1, 3, 5, 7])])
    assert (order["anchor_kind"], order["start"], order["released_on"]) == ("left_area", "2022-11-14", "2022-11-21")
    assert phases_of(order) == expected.phases
    assert order["plan"]["may_go_out"] == "no" and order["plan"]["code_managed"] is True
    assert {t[0] for t in expected.tests.values()} == {"home_visit"}

    walk(api, clock, "worker_a", order["id"], d(14), d(22), expected)
    clock.today = d(21)
    done = api.client.post(
        f"/api/orders/{order['id']}/release",
        json={"row_version": order["row_version"], "on": "2022-11-21", "reason": "7 days completed"},
        headers=api.as_("worker_a"),
    )
    assert done.status_code == 200 and done.json()["status"] == "released"
    assert order["id"] not in {t["order_id"] for t in worklist(api, "worker_a", d(21))["releases"]}


def test_a_high_risk_post_employee_after_closed_loop_work(api: Api, clock: Clock) -> None:
    person = register(api, "epi", name="Port Worker", community=A)
    order = place(api, "epi", person["id"], "high_risk_post_worker", anchor_date="2022-11-13")
    expected = plan_of(d(14), [(MONITOR, 5, [1, 3, 5])])
    assert (order["anchor_kind"], order["start"], order["released_on"]) == (
        "closed_loop_end",
        "2022-11-14",
        "2022-11-19",
    )
    assert phases_of(order) == expected.phases
    assert order["plan"]["may_go_out"] == "if_necessary"
    assert order["plan"]["restrictions"] == ["no_crowded_places", "no_public_transport"]
    assert order["plan"]["code_managed"] is True

    walk(api, clock, "worker_a", order["id"], d(14), d(20), expected)
    done = api.client.post(
        f"/api/orders/{order['id']}/release",
        json={"row_version": order["row_version"], "on": "2022-11-19", "reason": "5 days completed"},
        headers=api.as_("worker_a"),
    )
    assert done.status_code == 200, done.text
    assert [
        e["kind"] for e in api.client.get(f"/api/orders/{order['id']}/events", headers=api.as_("epi")).json()["items"]
    ] == [
        "placed",
        "released",
    ]


def test_a_person_not_eligible_for_home_isolation_is_isolated_centrally(api: Api, clock: Clock) -> None:
    # two close contacts, last exposure 13 Nov: 5 + 3 from the 14th
    no_room = register(api, "epi", name="No Room", community=A, seq="123")
    fails_check = register(api, "epi", name="Fails Check", community=A, seq="125")
    before_home = place(api, "epi", no_room["id"], "close_contact", anchor_date="2022-11-13")
    mid_home = place(api, "epi", fails_check["id"], "close_contact", anchor_date="2022-11-13")
    planned = plan_of(d(14), [(CENTRAL, 5, [1, 2, 3, 5]), (HOME, 3, [1, 3])])
    assert phases_of(before_home) == phases_of(mid_home) == planned.phases
    walk(api, clock, "worker_a", before_home["id"], d(14), d(18), planned)
    walk(api, clock, "worker_a", mid_home["id"], d(14), d(18), planned)

    # day 5: the home of the first has no separate room; from day 6 the whole home isolation is centralized
    switched = api.client.post(
        f"/api/orders/{before_home['id']}/centralize",
        json={"row_version": 1, "on": "2022-11-19", "reason": "home check failed", "failed_checks": ["separate room"]},
        headers=api.as_("worker_a"),
    )
    assert switched.status_code == 200, switched.text
    first = switched.json()
    assert (first["start"], first["released_on"]) == (before_home["start"], before_home["released_on"])
    # one stretch of centralized isolation, days 1-8, keeping the test days of both phases: no phase change
    assert [(p["kind"], p["start"], p["end"], p["test_days"]) for p in first["plan"]["phases"]] == [
        (CENTRAL, "2022-11-14", "2022-11-21", [1, 2, 3, 5, 6, 8])
    ]
    expected_first = Expected(
        tests={**planned.tests, d(19): ("centralized_site", CENTRAL, 6), d(21): ("centralized_site", CENTRAL, 8)},
        release=planned.release,
    )
    walk(api, clock, "worker_a", before_home["id"], d(19), d(22), expected_first)

    # the second goes home on day 6, is tested there, and on day 7 the home fails the check
    walk(api, clock, "worker_a", mid_home["id"], d(19), d(19), planned)
    clock.today = d(20)
    switched = api.client.post(
        f"/api/orders/{mid_home['id']}/centralize",
        json={
            "row_version": 1,
            "on": "2022-11-20",
            "reason": "family member symptomatic",
            "failed_checks": ["no other residents at risk"],
        },
        headers=api.as_("worker_a"),
    )
    assert switched.status_code == 200, switched.text
    second = switched.json()
    assert second["released_on"] == mid_home["released_on"]
    assert [(p["kind"], p["start"], p["end"]) for p in second["plan"]["phases"]] == [
        (CENTRAL, "2022-11-14", "2022-11-18"),
        (HOME, "2022-11-19", "2022-11-19"),
        (CENTRAL, "2022-11-20", "2022-11-21"),
    ]
    expected_second = Expected(
        tests={**planned.tests, d(21): ("centralized_site", CENTRAL, 2)},  # home day 3 = day 2 of the new phase
        phase_changes={d(20): f"{HOME} → {CENTRAL} until 2022-11-21"},
        release=planned.release,
    )
    walk(api, clock, "worker_a", mid_home["id"], d(20), d(22), expected_second)

    for order in (before_home, mid_home):
        events = api.client.get(f"/api/orders/{order['id']}/events", headers=api.as_("worker_a")).json()["items"]
        assert [e["kind"] for e in events] == ["placed", "switched_to_centralized"]
        assert events[1]["detail"]["failed_checks"] and "m20.s3" in events[1]["detail"]["cite"]


def test_a_transfer_to_hospital_ends_the_order(api: Api, clock: Clock) -> None:
    person = register(api, "epi", name="Positive", community=A)
    order = place(api, "epi", person["id"], "close_contact", anchor_date="2022-11-13")
    expected = plan_of(d(14), [(CENTRAL, 5, [1, 2, 3, 5]), (HOME, 3, [1, 3])])
    walk(api, clock, "worker_a", order["id"], d(14), d(16), expected)

    # the sample of day 3 is positive: transferred to the designated hospital
    r = api.client.post(
        f"/api/orders/{order['id']}/transfer",
        json={"row_version": order["row_version"], "on": "2022-11-16", "reason": "positive, Ct 28"},
        headers=api.as_("worker_a"),
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["status_reason"]) == ("transferred", "positive, Ct 28")

    for day in range(16, 24):
        clock.today = d(day)
        wl = worklist(api, "worker_a", d(day))
        for part in ("tests_due", "phase_changes", "releases", "overdue_tests"):
            assert order["id"] not in {item["order_id"] for item in wl[part]}, (day, part)
    assert api.client.get(f"/api/orders/{order['id']}", headers=api.as_("worker_a")).json()["status"] == "transferred"
    events = api.client.get(f"/api/orders/{order['id']}/events", headers=api.as_("worker_a")).json()["items"]
    assert [e["kind"] for e in events] == ["placed", "transferred"]
    assert events[1]["detail"]["cite"] == ["m20.s3"]
