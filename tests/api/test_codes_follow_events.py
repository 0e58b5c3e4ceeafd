"""Codes follow events (issue 14): what a venue scanner sees on the very next request after each event, with
no recompute in between, on SQLite and PostgreSQL — and on the days after, with no event at all."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from fastapi import FastAPI
from sqlalchemy import or_, select, update

from fangkong.policy import load_policy
from fangkong.services.access import SYSTEM
from fangkong.services.health_codes.models import HealthCode
from fangkong.services.health_codes.service import lookup
from fangkong.services.store import unit_of_work
from tests.api.helpers import C12, Demo, resident, token_of

DAY = date(2022, 11, 16)  # the demo's clock
BUILDING_8 = C12 + "008"


def check(demo: Demo, token: str) -> dict[str, Any]:
    r = demo.client.get(f"/api/health-codes/check/{token}")
    assert r.status_code == 200, r.text
    return dict(r.json())


def upload(demo: Demo, url: str, csv: str, name: str) -> dict[str, Any]:
    r = demo.client.post(
        url, content=csv.encode(), params={"filename": name}, headers={**demo.as_("lab"), "content-type": "text/csv"}
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


def stored(demo: Demo, person_id: int) -> HealthCode:
    with unit_of_work(cast(FastAPI, demo.client.app).state.sessions) as session:
        row = session.scalar(select(HealthCode).where(HealthCode.person_id == person_id))
    assert row is not None
    return row


def on_the_spot(demo: Demo, person_id: int, day: date) -> str:
    """The rule computed from the records for `day`, ignoring what is stored."""
    app = cast(FastAPI, demo.client.app)
    with unit_of_work(app.state.sessions) as session:
        session.execute(update(HealthCode).where(HealthCode.person_id == person_id).values(on=date.max))
        colour = lookup(session, SYSTEM, on=day, person_id=person_id, policy=app.state.policy).colour
        session.rollback()
    return colour


def test_a_positive_single_tube_turns_the_check_red_on_the_next_request(demo: Demo) -> None:
    person = resident(demo, "Tube Positive", "901", C12, "5", "1")
    members = [resident(demo, f"Pool Member {i}", f"91{i}", C12, "6", str(i)) for i in range(1, 6)]
    token = token_of(demo, person["id"])
    pool_tokens = [token_of(demo, m["id"]) for m in members]
    assert check(demo, token)["colour"] == "green"
    assert {check(demo, t)["colour"] for t in pool_tokens} == {"green"}
    samples = (
        "barcode,pool_size,sampling_point,collected_at,members\n"
        f"S-1,1,Point 1,2022-11-16T07:00:00+08:00,{person['document_number']}\n"
        f"P5-1,5,Point 1,2022-11-16T07:05:00+08:00,{';'.join(m['document_number'] for m in members)}\n"
    )
    upload(demo, "/api/lab/samples", samples, "samples.csv")
    results = (
        "barcode,lab,reported_at,ct_orf1ab,ct_n\n"
        "S-1,City lab,2022-11-16T08:00:00+08:00,25,26\n"
        "P5-1,City lab,2022-11-16T08:00:00+08:00,30,31\n"
    )
    done = upload(demo, "/api/lab/results", results, "results.csv")
    assert done["consequences"]["held"] == 5
    assert check(demo, token) == {"colour": "red", "on": DAY.isoformat()}  # the infection, at once
    held = {check(demo, t)["colour"] for t in pool_tokens}
    assert held == {on_the_spot(demo, members[0]["id"], DAY)} and held != {"green"}  # under temporary control
    assert stored(demo, members[0]["id"]).on == DAY
    changes = demo.get("epi", f"/api/health-codes/person/{person['id']}/changes")["items"]
    assert changes[-1]["to_colour"] == "red" and "infection.recorded" in changes[-1]["cause"]

    # the next morning the members' single-tube retests come back negative: released, green again at once
    demo.clock.today = DAY + timedelta(days=1)
    retests = "barcode,pool_size,sampling_point,collected_at,members\n" + "".join(
        f"R-{i},1,Point 1,2022-11-17T07:00:00+08:00,{m['document_number']}\n" for i, m in enumerate(members)
    )
    upload(demo, "/api/lab/samples", retests, "retests.csv")
    negatives = "barcode,lab,reported_at,ct_orf1ab,ct_n\n" + "".join(
        f"R-{i},City lab,2022-11-17T08:00:00+08:00,,\n" for i in range(len(members))
    )
    assert upload(demo, "/api/lab/results", negatives, "negatives.csv")["consequences"]["released_from_hold"] == 5
    assert {check(demo, t)["colour"] for t in pool_tokens} == {"green"}


def test_an_infection_recorded_by_an_epidemiologist_turns_the_check_red(demo: Demo) -> None:
    person = resident(demo, "Recorded Case", "902", C12, "5", "2")
    token = token_of(demo, person["id"])
    assert check(demo, token)["colour"] == "green"
    demo.post(
        "epi",
        "/api/infections",
        {
            "person_id": person["id"],
            "kind": "confirmed",
            "sampled_on": "2022-11-15",
            "confirmed_at": "2022-11-16T08:00:00+08:00",
        },
        status=201,
    )
    assert check(demo, token)["colour"] == "red"


def test_moving_into_a_high_risk_building_and_its_lifting_follow(demo: Demo) -> None:
    case = resident(demo, "Case In 8", "903", C12, "8", "1")
    mover = resident(demo, "Mover", "904", C12, "4", "1")
    token = token_of(demo, mover["id"])
    infection = demo.post(
        "epi",
        "/api/infections",
        {
            "person_id": case["id"],
            "kind": "confirmed",
            "sampled_on": "2022-11-15",
            "confirmed_at": "2022-11-16T08:00:00+08:00",
        },
        status=201,
    )
    demo.post(
        "command",
        "/api/risk-areas",
        {"area_code": BUILDING_8, "reason": "residence", "infection_ids": [infection["id"]]},
        status=201,
    )
    assert check(demo, token)["colour"] == "green"  # lives elsewhere
    r = demo.client.patch(
        f"/api/persons/{mover['id']}",
        json={"row_version": mover["row_version"], "building": "8", "address": f"{C12} building 8 unit 1"},
        headers=demo.as_("epi"),
    )
    assert r.status_code == 200, r.text
    assert check(demo, token)["colour"] == on_the_spot(demo, mover["id"], DAY) != "green"


def test_a_plan_that_ends_overnight_is_green_the_next_morning_without_an_event(demo: Demo) -> None:
    """The day's rollover: a status of a phase stands for its day only; the next day's check computes it (no
    daily job yet), and the daily job stores only the codes that do not stand on the day."""
    contact = resident(demo, "Ending Plan", "905", C12, "9", "1")
    quiet = resident(demo, "Nothing Happens", "906", C12, "9", "2")
    order = demo.post(
        "epi",
        "/api/orders",
        {"person_id": contact["id"], "category": "close_contact", "anchor_date": "2022-11-10"},
        status=201,
    )
    released_on = date.fromisoformat(order["plan"]["released_on"])
    token, quiet_token = token_of(demo, contact["id"]), token_of(demo, quiet["id"])
    assert check(demo, token)["colour"] == "yellow"  # day 1 of the home phase of 5+3 (the common pattern)
    # nothing bears on it: green until something happens or the rules change (the 21 Nov documents)
    rules_change = load_policy().next_change_after(DAY)
    assert rules_change == date(2022, 11, 21)
    assert stored(demo, quiet["id"]).until == rules_change - timedelta(days=1)
    assert stored(demo, contact["id"]).until == DAY  # "day N of home isolation": a status of the day

    day = released_on
    demo.clock.today = day
    assert check(demo, token) == {"colour": "green", "on": day.isoformat()}  # computed: the stored one ended
    assert check(demo, quiet_token) == {"colour": "green", "on": day.isoformat()}  # the stored one stands
    assert stored(demo, contact["id"]).on == DAY  # a check is a read

    with unit_of_work(cast(FastAPI, demo.client.app).state.sessions) as session:
        everyone = len(session.scalars(select(HealthCode.person_id)).all())
        standing = session.scalars(
            select(HealthCode.person_id).where(or_(HealthCode.until.is_(None), HealthCode.until >= day))
        ).all()
    due = demo.post("command", "/api/health-codes/recompute", {"due_only": True})
    assert quiet["id"] in standing and 0 < due["written"] <= everyone - len(standing)
    after = stored(demo, contact["id"])
    assert (after.on, after.colour) == (day, "green")
