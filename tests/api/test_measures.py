"""Appeals and complaints (measures 16, 18), stranded persons (measure 20) and testing campaigns (measure 6)
through the API, on the demo county (SQLite and PostgreSQL; the drill day is 16 Nov 2022, the API's now 09:00).

Appeals are due 24 hours after they are opened and listed as overdue only once that has passed; a corrected
health-code appeal recomputes the person's code at once, recorded as a change by the answering user. A stranded
person not in a high-risk area is cleared to leave (and the destination may not refuse them); one in the demo's
high-risk building or in centralized isolation is not. Area-wide testing where there is no outbreak is refused
(and the refusal kept as a finding) unless all three of measure 6's conditions are recorded; in a community with
an active high-risk area it is an outbreak area and allowed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, cast

from fastapi import FastAPI
from httpx2 import Response
from sqlalchemy import update

from fangkong.policy import load_policy
from fangkong.services.health_codes.models import HealthCode
from fangkong.services.store import unit_of_work
from tests.api.helpers import C11, C12, C23, Demo, resident

HIGH_RISK_BUILDING = C11 + "007"  # the demo's building 7 in community 1-1, high risk since 15 Nov
STREET_1 = "110199001"
DAY = date(2022, 11, 16)


def post(demo: Demo, who: str, url: str, body: dict[str, Any]) -> Response:
    return demo.client.post(url, json=body, headers=demo.as_(who))


def get(demo: Demo, who: str, url: str, **params: Any) -> Response:
    return demo.client.get(url, params=params, headers=demo.as_(who))


def ids(page: dict[str, Any]) -> list[int]:
    return [int(item["id"]) for item in page["items"]]


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


# ---- appeals and complaints -------------------------------------------------------------------------------


def appeal(demo: Demo, who: str, person_id: int, text: str = "my code is wrong") -> dict[str, Any]:
    body = {"kind": "health_code", "channel": "hotline", "text": text, "person_id": person_id}
    return dict(demo.post(who, "/api/appeals", body, status=201))


def test_a_health_code_appeal_is_due_in_24_hours_and_overdue_only_after(demo: Demo) -> None:
    person = resident(demo, "Appellant", "601", C12, "3")

    missing = post(demo, "worker2", "/api/appeals", {"kind": "health_code", "text": "my code is red"})
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "person_id", missing.text

    ticket = appeal(demo, "worker2", person["id"])
    opened = at(ticket["opened_at"])
    assert opened == demo.clock()
    assert at(ticket["due_at"]) - opened == timedelta(hours=24)
    assert ticket["clause"] == "m20.16"
    hours = load_policy().at(DAY)
    assert hours.version == "m20" and hours.get("appeals.response_hours").source.clause == "m20.16"
    assert (ticket["kind"], ticket["jurisdiction_code"], ticket["status"]) == ("health_code", C12, "open")
    assert (ticket["opened_by"], ticket["outcome"], ticket["answered_at"]) == ("worker2", None, None)

    def overdue(flag: bool) -> list[int]:
        return ids(demo.get("worker2", "/api/appeals", overdue=str(flag).lower()))

    assert overdue(True) == [] and overdue(False) == [ticket["id"]]
    # 09:00 the next day is exactly the deadline: not yet overdue
    demo.clock.today = DAY + timedelta(days=1)
    assert overdue(True) == [] and overdue(False) == [ticket["id"]]
    demo.clock.today = DAY + timedelta(days=2)
    assert overdue(True) == [ticket["id"]] and overdue(False) == []
    assert ids(demo.get("epi", "/api/appeals", overdue="true")) == [ticket["id"]]
    assert ids(demo.get("worker2", "/api/appeals", status="open", kind="health_code")) == [ticket["id"]]
    assert ids(demo.get("worker2", "/api/appeals", kind="complaint")) == []

    # answered late, it is no longer overdue
    demo.post("worker2", f"/api/appeals/{ticket['id']}/answer", {"outcome": "upheld", "answer": "the code is right"})
    assert overdue(True) == [] and overdue(False) == [ticket["id"]]
    assert ids(demo.get("worker2", "/api/appeals", status="answered")) == [ticket["id"]]
    assert ids(demo.get("worker2", "/api/appeals", status="open")) == []

    bad = get(demo, "worker2", "/api/appeals", status="closed")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "status", bad.text


def test_a_corrected_appeal_recomputes_the_code_and_a_ticket_is_answered_once(demo: Demo) -> None:
    person = resident(demo, "Wrongly Red", "602", C12, "4")
    order = demo.post(
        "epi",
        "/api/orders",
        {"person_id": person["id"], "category": "close_contact", "anchor_date": "2022-11-15"},
        status=201,
    )
    assert demo.get("epi", f"/api/health-codes/person/{person['id']}")["colour"] == "red"
    # the contact was a mistake: the order is cancelled, and the code follows at once
    demo.post(
        "epi",
        f"/api/orders/{order['id']}/cancel",
        {"row_version": order["row_version"], "on": DAY.isoformat(), "reason": "not a contact after all"},
    )
    assert demo.get("epi", f"/api/health-codes/person/{person['id']}")["colour"] == "green"
    # a stored colour gone wrong some other way: the appeal desk corrects it
    app = cast(FastAPI, demo.client.app)
    with unit_of_work(app.state.sessions) as session:
        session.execute(update(HealthCode).where(HealthCode.person_id == person["id"]).values(colour="yellow"))
    ticket = appeal(demo, "worker2", person["id"], "my code is yellow, the order was cancelled")
    answered = demo.post(
        "worker2", f"/api/appeals/{ticket['id']}/answer", {"outcome": "corrected", "answer": "code corrected"}
    )
    assert (answered["status"], answered["outcome"], answered["answered_by"]) == ("answered", "corrected", "worker2")
    assert at(answered["answered_at"]) == demo.clock()
    changes = demo.get("epi", f"/api/health-codes/person/{person['id']}/changes")["items"]
    assert [(c["from_colour"], c["to_colour"], c["by"], c["cause"]) for c in changes] == [
        (None, "green", "epi", "person.registered"),
        ("green", "red", "epi", "order.placed"),
        ("red", "green", "epi", "order.cancelled"),
        ("yellow", "green", "worker2", "appeal.corrected"),
    ]
    assert demo.get("epi", f"/api/health-codes/person/{person['id']}")["colour"] == "green"

    again = post(demo, "worker2", f"/api/appeals/{ticket['id']}/answer", {"outcome": "rejected", "answer": "no way"})
    assert again.status_code == 409 and again.json()["error"]["field"] == "status", again.text
    # the second answer changed nothing
    stored = demo.get("worker2", "/api/appeals")["items"]
    assert [(t["id"], t["outcome"], t["answer"]) for t in stored] == [(ticket["id"], "corrected", "code corrected")]

    # an upheld appeal does not touch the code
    other = resident(demo, "Upheld", "603", C12, "5")
    upheld = appeal(demo, "worker2", other["id"])
    demo.post("worker2", f"/api/appeals/{upheld['id']}/answer", {"outcome": "upheld", "answer": "green is right"})
    kept = demo.get("epi", f"/api/health-codes/person/{other['id']}/changes")["items"]
    assert [c["cause"] for c in kept] == ["person.registered"]

    unknown = post(demo, "worker2", "/api/appeals/999999/answer", {"outcome": "upheld", "answer": "none"})
    assert unknown.status_code == 404, unknown.text


def test_complaints_are_routed_within_scope_and_workers_see_only_their_community(demo: Demo) -> None:
    elsewhere = post(
        demo, "worker1", "/api/appeals", {"kind": "complaint", "text": "the gate is locked", "jurisdiction_code": C12}
    )
    assert elsewhere.status_code == 404, elsewhere.text
    nowhere = post(demo, "worker1", "/api/appeals", {"kind": "complaint", "text": "the gate is locked"})
    assert nowhere.status_code == 422 and nowhere.json()["error"]["field"] == "jurisdiction_code", nowhere.text
    # an appeal about someone outside the worker's community is not found either
    neighbour = resident(demo, "Other Community", "604", C12, "6")
    outside = post(
        demo, "worker1", "/api/appeals", {"kind": "health_code", "text": "wrong", "person_id": neighbour["id"]}
    )
    assert outside.status_code == 404, outside.text
    # read-only staff may not open tickets
    viewer = post(demo, "viewer", "/api/appeals", {"kind": "complaint", "text": "locked", "jurisdiction_code": C11})
    assert viewer.status_code == 403, viewer.text
    assert demo.get("epi", "/api/appeals")["total"] == 0

    mine = demo.post(
        "worker1",
        "/api/appeals",
        {"kind": "complaint", "channel": "online", "text": "the gate is locked", "jurisdiction_code": C11},
        status=201,
    )
    assert (mine["jurisdiction_code"], mine["person_id"], mine["clause"]) == (C11, None, "m20.16")
    theirs = appeal(demo, "worker2", neighbour["id"])

    assert ids(demo.get("worker1", "/api/appeals")) == [mine["id"]]
    assert ids(demo.get("worker2", "/api/appeals")) == [theirs["id"]]
    assert sorted(ids(demo.get("epi", "/api/appeals"))) == sorted([mine["id"], theirs["id"]])
    # nor may worker2 answer worker1's ticket: it does not exist for them
    cross = post(demo, "worker2", f"/api/appeals/{mine['id']}/answer", {"outcome": "upheld", "answer": "seen"})
    assert cross.status_code == 404, cross.text
    assert demo.get("worker1", "/api/appeals")["items"][0]["status"] == "open"


# ---- stranded persons -------------------------------------------------------------------------------------


def strand(demo: Demo, person_id: int, destination: str, who: str = "epi") -> dict[str, Any]:
    return dict(demo.post(who, "/api/stranded", {"person_id": person_id, "destination": destination}, status=201))


def clear(demo: Demo, stranded_id: int) -> dict[str, Any]:
    return dict(demo.post("epi", f"/api/stranded/{stranded_id}/clearance"))


def test_departure_clearance_cites_m20_20_and_blocks_the_high_risk_area_and_isolation(demo: Demo) -> None:
    free = resident(demo, "Free To Go", "611", C12, "3")
    inside = resident(demo, "In Building 7", "612", C11, "7", "2")
    contact = resident(demo, "Close Contact", "613", C23, "2")
    order = demo.post(
        "epi",
        "/api/orders",
        {"person_id": contact["id"], "category": "close_contact", "anchor_date": "2022-11-15"},
        status=201,
    )
    assert order["plan"]["phases"][0]["kind"] == "centralized_isolation"
    assert order["start"] <= DAY.isoformat()

    listed = strand(demo, free["id"], "Guangzhou")
    assert (listed["status"], listed["origin_code"], listed["reported_on"], listed["assessed_on"]) == (
        "waiting",
        C12,
        DAY.isoformat(),
        None,
    )
    assert listed["assessment"] == []
    cleared = clear(demo, listed["id"])
    assert (cleared["status"], cleared["assessed_on"]) == ("cleared", DAY.isoformat())
    reasons = cleared["assessment"]
    assert reasons[0]["clause"] == "m20.20" and "may leave" in reasons[0]["text"]
    assert reasons[-1] == {"clause": "m20.20", "text": "the destination may not refuse them nor add controls"}

    blocked = clear(demo, strand(demo, inside["id"], "Shanghai")["id"])
    assert blocked["status"] == "not_cleared"
    assert blocked["assessment"][0] == {"clause": "m20.20", "text": "not cleared: the person may not leave yet"}
    assert blocked["assessment"][1:] == [{"clause": "m20.4", "text": "lives in a high-risk area"}], blocked
    assert all("refuse" not in r["text"] for r in blocked["assessment"])

    isolated = clear(demo, strand(demo, contact["id"], "Shanghai")["id"])
    assert isolated["status"] == "not_cleared"
    assert isolated["assessment"][0]["clause"] == "m20.20"
    day = (DAY - date.fromisoformat(order["start"])).days + 1
    assert isolated["assessment"][1:] == [
        {"clause": "m20.1", "text": f"close contact: day {day} of centralized isolation"}
    ], isolated

    # listed twice while still waiting (or assessed): a conflict
    for person in (free, inside):
        twice = post(demo, "epi", "/api/stranded", {"person_id": person["id"], "destination": "Chengdu"})
        assert twice.status_code == 409 and twice.json()["error"]["field"] == "person_id", twice.text

    # only a cleared person departs
    refused = post(demo, "epi", f"/api/stranded/{blocked['id']}/departed", {})
    assert refused.status_code == 409 and refused.json()["error"]["field"] == "status", refused.text
    waiting = strand(demo, resident(demo, "Not Yet Assessed", "614", C12, "4")["id"], "Xi'an")
    early = post(demo, "epi", f"/api/stranded/{waiting['id']}/departed", {})
    assert early.status_code == 409, early.text
    gone = demo.post("epi", f"/api/stranded/{cleared['id']}/departed")
    assert gone["status"] == "departed"
    again = post(demo, "epi", f"/api/stranded/{cleared['id']}/departed", {})
    assert again.status_code == 409, again.text
    reassessed = post(demo, "epi", f"/api/stranded/{cleared['id']}/clearance", {})
    assert reassessed.status_code == 409, reassessed.text
    # once departed, the person may be listed again (a new trip)
    assert strand(demo, free["id"], "Chengdu")["status"] == "waiting"

    # a worker cannot see or assess someone outside their community
    hidden = post(demo, "worker1", f"/api/stranded/{isolated['id']}/clearance", {})
    assert hidden.status_code == 404, hidden.text


def test_stranded_summary_counts_and_the_list_pages_and_filters(demo: Demo) -> None:
    people = [resident(demo, f"Stranded {i}", f"62{i}", C12 if i < 3 else C23, "3") for i in range(5)]
    inside = resident(demo, "Inside", "629", C11, "7")
    rows = [
        strand(demo, people[0]["id"], "Guangzhou"),
        strand(demo, people[1]["id"], "Guangzhou"),
        strand(demo, people[2]["id"], "Shanghai"),
        strand(demo, people[3]["id"], "Guangzhou"),
        strand(demo, people[4]["id"], "Guangzhou"),
        strand(demo, inside["id"], "Guangzhou"),
    ]
    clear(demo, rows[0]["id"])
    clear(demo, rows[3]["id"])
    clear(demo, rows[5]["id"])
    demo.post("epi", f"/api/stranded/{rows[3]['id']}/departed")

    lines = demo.get("epi", "/api/stranded/summary")["lines"]
    assert lines == [
        {"origin_code": C11, "destination": "Guangzhou", "status": "not_cleared", "persons": 1},
        {"origin_code": C12, "destination": "Guangzhou", "status": "cleared", "persons": 1},
        {"origin_code": C12, "destination": "Guangzhou", "status": "waiting", "persons": 1},
        {"origin_code": C23, "destination": "Guangzhou", "status": "departed", "persons": 1},
        {"origin_code": C23, "destination": "Guangzhou", "status": "waiting", "persons": 1},
        {"origin_code": C12, "destination": "Shanghai", "status": "waiting", "persons": 1},
    ]
    # a community worker's summary is their community's
    assert demo.get("worker2", "/api/stranded/summary")["lines"] == [
        {"origin_code": C12, "destination": "Guangzhou", "status": "cleared", "persons": 1},
        {"origin_code": C12, "destination": "Guangzhou", "status": "waiting", "persons": 1},
        {"origin_code": C12, "destination": "Shanghai", "status": "waiting", "persons": 1},
    ]

    everyone = [r["id"] for r in rows]
    first = demo.get("epi", "/api/stranded", limit=4)
    second = demo.get("epi", "/api/stranded", limit=4, offset=4)
    assert (first["total"], second["total"], first["limit"], second["offset"]) == (6, 6, 4, 4)
    assert ids(first) + ids(second) == everyone
    assert ids(demo.get("epi", "/api/stranded", status="waiting")) == [everyone[1], everyone[2], everyone[4]]
    assert ids(demo.get("epi", "/api/stranded", status="cleared")) == [everyone[0]]
    assert ids(demo.get("epi", "/api/stranded", status="not_cleared")) == [everyone[5]]
    assert ids(demo.get("epi", "/api/stranded", status="departed")) == [everyone[3]]
    assert ids(demo.get("epi", "/api/stranded", destination="Shanghai")) == [everyone[2]]
    assert ids(demo.get("epi", "/api/stranded", status="waiting", destination="Guangzhou")) == [
        everyone[1],
        everyone[4],
    ]
    assert ids(demo.get("worker2", "/api/stranded")) == everyone[0:3]

    for bad in ("gone", "WAITING"):
        r = get(demo, "epi", "/api/stranded", status=bad)
        assert r.status_code == 422 and r.json()["error"]["field"] == "status", r.text


# ---- testing campaigns ------------------------------------------------------------------------------------


def campaign(
    demo: Demo,
    area: str,
    scope: str = "all_residents",
    *,
    who: str = "epi",
    start_on: date = DAY,
    **extra: Any,
) -> Response:
    body = {"area_code": area, "scope": scope, "start_on": start_on.isoformat(), **extra}
    return post(demo, who, "/api/campaigns", body)


def refusals(demo: Demo) -> list[dict[str, Any]]:
    return list(demo.get("supervisor", "/api/overreach/findings", kind="refusal")["items"])


ALL_CONDITIONS = ["source_unclear", "chain_unclear", "long_community_transmission"]


def test_campaign_input_is_checked_before_the_review(demo: Demo) -> None:
    """What is refused before the rules are applied: a start in the past, bounds, roles and unknown areas."""
    past = campaign(demo, C12, conditions=ALL_CONDITIONS, start_on=DAY - timedelta(days=1))
    assert past.status_code == 422 and past.json()["error"]["field"] == "start_on", past.text
    assert "before today (2022-11-16)" in past.json()["error"]["message"]
    too_many = campaign(demo, C12, "risk_posts_and_key_persons", tests_per_day=11)
    assert too_many.status_code == 422 and too_many.json()["error"]["field"] == "tests_per_day", too_many.text
    none = campaign(demo, C12, "risk_posts_and_key_persons", tests_per_day=0)
    assert none.status_code == 422 and none.json()["error"]["field"] == "tests_per_day", none.text
    # a round every 1 to 30 days, 1 to 30 rounds
    for field in ("every_days", "rounds"):
        for value in (0, 31):
            options: dict[str, Any] = {field: value}
            r = campaign(demo, C11, **options)
            assert r.status_code == 422 and r.json()["error"]["field"] == field, r.text
    unknown = campaign(demo, C12, conditions=["rumours"])
    assert unknown.status_code == 422, unknown.text
    scope = campaign(demo, C12, "everyone")
    assert scope.status_code == 422 and scope.json()["error"]["field"] == "scope", scope.text

    # only staff who manage areas propose, and only for a known area
    worker = campaign(demo, C12, "risk_posts_and_key_persons", who="worker2")
    assert worker.status_code == 403, worker.text
    nowhere = campaign(demo, "110199009", "risk_posts_and_key_persons")
    assert nowhere.status_code == 422 and nowhere.json()["error"]["field"] == "area_code", nowhere.text
    assert refusals(demo) == []  # bad input is not a refusal of the rules
    missing = get(demo, "epi", "/api/campaigns/999999")
    assert missing.status_code == 404, missing.text


def test_area_wide_testing_needs_an_outbreak_and_all_three_conditions(demo: Demo) -> None:
    """Measure 6 (register campaign-branches): without an outbreak never area-wide, whatever is recorded; with
    one, only when the source and chain are unclear and community transmission has gone on long."""
    assert refusals(demo) == []
    bare = campaign(demo, C12)
    assert bare.status_code == 422, bare.text
    error = bare.json()["error"]
    assert error["clause"] == "m20.6" and "where there is no outbreak" in error["message"], error
    found = refusals(demo)
    assert len(found) == 1
    assert (found[0]["kind"], found[0]["verdict"], found[0]["clause"], found[0]["actor"]) == (
        "refusal",
        "refused",
        "m20.6",
        "epi",
    )
    assert found[0]["subject"] == "POST /api/campaigns"
    # the conditions cannot arise where there is no outbreak: recording them changes nothing
    every = campaign(demo, C12, conditions=ALL_CONDITIONS)
    assert every.status_code == 422 and "where there is no outbreak" in every.json()["error"]["message"], every.text

    # an outbreak with a clear chain of transmission: no area-wide testing
    clear = campaign(demo, C11)
    assert clear.status_code == 422 and clear.json()["error"]["clause"] == "m20.6", clear.text
    assert "missing: source unclear, chain unclear, long community transmission" in clear.json()["error"]["message"]
    two = campaign(demo, C11, conditions=ALL_CONDITIONS[:2])
    assert two.status_code == 422 and "missing: long community transmission" in two.json()["error"]["message"]

    made = campaign(demo, C11, conditions=ALL_CONDITIONS, every_days=3, rounds=2)
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["area_code"], body["scope"], body["outbreak"], body["tests_per_day"]) == (
        C11,
        "all_residents",
        True,
        1,
    )
    assert sorted(body["conditions"]) == sorted(ALL_CONDITIONS)
    assert (body["every_days"], body["rounds"], body["start_on"], body["created_by"]) == (3, 2, "2022-11-16", "epi")
    assert [r["clause"] for r in body["reasons"]] == ["m20.6"]
    assert demo.get("epi", f"/api/campaigns/{body['id']}")["id"] == body["id"]

    twice = campaign(demo, C12, "risk_posts_and_key_persons", tests_per_day=2)
    assert twice.status_code == 422 and twice.json()["error"]["clause"] == "m20.6", twice.text
    assert "2 tests a day: at most 1 a day" in twice.json()["error"]["message"]
    outbreak_twice = campaign(demo, C11, tests_per_day=3, conditions=ALL_CONDITIONS)
    assert outbreak_twice.status_code == 422 and outbreak_twice.json()["error"]["clause"] == "m20.6"
    assert len(refusals(demo)) == 6


def test_a_community_with_an_active_high_risk_area_is_an_outbreak_area(demo: Demo) -> None:
    inside = campaign(demo, C11, conditions=ALL_CONDITIONS)
    assert inside.status_code == 201, inside.text
    assert inside.json()["outbreak"] is True
    assert [r["clause"] for r in inside.json()["reasons"]] == ["m20.6"]
    # the area's street contains it, and its building is inside it
    street = campaign(demo, STREET_1, conditions=ALL_CONDITIONS)
    assert street.status_code == 201 and street.json()["outbreak"] is True, street.text
    building = campaign(demo, HIGH_RISK_BUILDING, conditions=ALL_CONDITIONS)
    assert building.status_code == 201 and building.json()["outbreak"] is True, building.text
    # next door, and in the other street, there is no outbreak
    assert campaign(demo, C12, conditions=ALL_CONDITIONS).status_code == 422
    assert campaign(demo, "110199002", conditions=ALL_CONDITIONS).status_code == 422
    assert len(refusals(demo)) == 2


def test_the_sampling_list_walks_community_building_unit_on_round_days(demo: Demo) -> None:
    extra = [
        resident(demo, "Walk A", "631", C12, "9", "2"),
        resident(demo, "Walk B", "632", C12, "9", "1"),
        resident(demo, "Walk C", "633", C11, "2", "4"),
    ]
    made = campaign(demo, STREET_1, conditions=ALL_CONDITIONS, every_days=2, rounds=3)
    assert made.status_code == 201, made.text
    cid = made.json()["id"]

    day1 = demo.get("epi", f"/api/campaigns/{cid}/sampling")  # today, the first round
    assert (day1["on"], day1["round"], day1["campaign_id"]) == ("2022-11-16", 1, cid)
    items = day1["items"]
    assert day1["total"] == len(items) > len(extra)
    assert {p["id"] for p in extra} <= {i["person_id"] for i in items}
    assert all(i["jurisdiction_code"].startswith(STREET_1) for i in items)
    keys = [(i["jurisdiction_code"], i["building"], i["unit"], i["person_id"]) for i in items]
    assert keys == sorted(keys)
    assert len({i["jurisdiction_code"] for i in items}) > 1
    walk = [i["person_id"] for i in items]
    assert walk.index(extra[1]["id"]) < walk.index(extra[0]["id"])  # unit 1 before unit 2 of building 9
    assert walk.index(extra[2]["id"]) < walk.index(extra[1]["id"])  # community 1-1 before 1-2

    # the whole street of residents, none from the other street
    persons = demo.get("epi", "/api/persons", jurisdiction_code=STREET_1, limit=500)
    assert day1["total"] == persons["total"]

    off = demo.get("epi", f"/api/campaigns/{cid}/sampling", on="2022-11-17")
    assert (off["round"], off["items"], off["total"]) == (None, [], 0)
    day3 = demo.get("epi", f"/api/campaigns/{cid}/sampling", on="2022-11-18")
    assert day3["round"] == 2 and [i["person_id"] for i in day3["items"]] == walk
    assert demo.get("epi", f"/api/campaigns/{cid}/sampling", on="2022-11-20")["round"] == 3
    after = demo.get("epi", f"/api/campaigns/{cid}/sampling", on="2022-11-22")
    assert (after["round"], after["items"]) == (None, [])
    before = demo.get("epi", f"/api/campaigns/{cid}/sampling", on="2022-11-14")
    assert (before["round"], before["items"]) == (None, [])

    page = demo.get("epi", f"/api/campaigns/{cid}/sampling", limit=3, offset=2)
    assert [i["person_id"] for i in page["items"]] == walk[2:5] and page["total"] == len(walk)


def test_risk_posts_and_key_persons_lists_only_people_under_active_orders(demo: Demo) -> None:
    plain = resident(demo, "Not Managed", "641", C23, "1")
    managed = resident(demo, "Managed", "642", C23, "2")
    cancelled = resident(demo, "Cancelled", "643", C23, "3")
    demo.post(
        "epi",
        "/api/orders",
        {"person_id": managed["id"], "category": "close_contact", "anchor_date": "2022-11-15"},
        status=201,
    )
    order = demo.post(
        "epi",
        "/api/orders",
        {"person_id": cancelled["id"], "category": "close_contact", "anchor_date": "2022-11-15"},
        status=201,
    )
    demo.post(
        "epi",
        f"/api/orders/{order['id']}/cancel",
        {"row_version": order["row_version"], "on": DAY.isoformat(), "reason": "placed in error"},
    )
    made = campaign(demo, "110199", "risk_posts_and_key_persons")
    assert made.status_code == 201, made.text
    assert made.json()["outbreak"] is True  # the county contains the high-risk building

    listed = demo.get("epi", f"/api/campaigns/{made.json()['id']}/sampling")
    assert listed["round"] == 1
    got = {i["person_id"] for i in listed["items"]}
    under = demo.get("epi", "/api/orders", under_management_on=DAY.isoformat(), limit=500)["items"]
    assert got == {o["person_id"] for o in under}
    assert managed["id"] in got and plain["id"] not in got and cancelled["id"] not in got
    assert len(got) == listed["total"] > 1

    residents = demo.get(
        "epi", f"/api/campaigns/{campaign(demo, '110199', conditions=ALL_CONDITIONS).json()['id']}/sampling"
    )
    assert residents["total"] > listed["total"] and plain["id"] in {i["person_id"] for i in residents["items"]}


def test_a_community_worker_reads_their_part_of_a_wider_campaign(demo: Demo) -> None:
    made = campaign(demo, STREET_1, conditions=ALL_CONDITIONS)
    assert made.status_code == 201, made.text
    cid = made.json()["id"]
    everyone = demo.get("epi", f"/api/campaigns/{cid}/sampling")["items"]
    mine = demo.get("worker2", f"/api/campaigns/{cid}/sampling")
    assert mine["round"] == 1
    assert [i["person_id"] for i in mine["items"]] == [
        i["person_id"] for i in everyone if i["jurisdiction_code"] == C12
    ]


def test_area_wide_testing_stops_after_three_clean_rounds_and_a_final_one(demo: Demo) -> None:
    """The 21 Nov testing rules (m20-docs.testing): a round a day; after three in a row without a community
    infection, one more three days later (register campaign-final-round); clean, the testing stops — its sampling
    list empties, and a round after it is refused. An infection found starts the count again."""
    start = date(2022, 11, 22)
    made = campaign(demo, C11, conditions=ALL_CONDITIONS, start_on=start)
    assert made.status_code == 201 and made.json()["outbreak"] is True, made.text
    cid = made.json()["id"]

    def held(on: date, found: int, who: str = "epi") -> Response:
        demo.clock.today = on
        return post(demo, who, f"/api/campaigns/{cid}/rounds", {"on": on.isoformat(), "community_infections": found})

    state = demo.get("epi", f"/api/campaigns/{cid}/progress")
    assert (state["step"], state["next_round_on"], state["rounds"]) == ("daily", "2022-11-22", [])
    assert "m20-docs.testing" in [r["clause"] for r in state["reasons"]]

    # a round found an infection: the count starts again after it
    for offset, found in enumerate((0, 2, 0, 0)):
        r = held(start + timedelta(days=offset), found)
        assert r.status_code == 201, r.text
    assert (r.json()["step"], r.json()["clean_in_a_row"], r.json()["next_round_on"]) == ("daily", 2, "2022-11-26")

    third = held(date(2022, 11, 26), 0).json()
    assert (third["step"], third["next_round_on"], third["clean_in_a_row"]) == ("final_round", "2022-11-29", 3)
    # the wait: no sampling list, and a round is refused with the rule's clause
    assert demo.get("epi", f"/api/campaigns/{cid}/sampling", on="2022-11-27")["round"] is None
    early = held(date(2022, 11, 28), 0)
    assert early.status_code == 422 and early.json()["error"]["clause"] == "m20-docs.testing", early.text
    assert "the final round is on 2022-11-29" in early.json()["error"]["message"]
    final_list = demo.get("epi", f"/api/campaigns/{cid}/sampling", on="2022-11-29")
    assert final_list["round"] == 6 and final_list["total"] > 0

    done = held(date(2022, 11, 29), 0).json()
    assert (done["step"], done["stopped_on"], len(done["rounds"])) == ("stopped", "2022-11-29", 6)
    assert demo.get("epi", f"/api/campaigns/{cid}/sampling", on="2022-11-30")["round"] is None
    after = held(date(2022, 11, 30), 0)
    assert after.status_code == 422 and "stopped on 2022-11-29" in after.json()["error"]["message"], after.text
    # a past round day keeps its list (the record of who was sampled)
    assert demo.get("epi", f"/api/campaigns/{cid}/sampling", on="2022-11-23")["round"] == 2


def test_recording_a_round_checks_its_input_and_changes_nothing_when_refused(demo: Demo) -> None:
    start = date(2022, 11, 22)
    cid = campaign(demo, C11, conditions=ALL_CONDITIONS, start_on=start).json()["id"]
    key = campaign(demo, C11, "risk_posts_and_key_persons", start_on=start).json()["id"]
    demo.clock.today = start + timedelta(days=1)

    def send(body: dict[str, Any], who: str = "epi", which: int = cid) -> Response:
        return post(demo, who, f"/api/campaigns/{which}/rounds", body)

    for body, field in (
        ({"on": "2022-11-24", "community_infections": 0}, "on"),  # after today
        ({"on": "2022-11-21", "community_infections": 0}, "on"),  # before the start
        ({"on": "2022-11-22", "community_infections": -1}, "community_infections"),
        ({"on": "2022-11-22"}, "community_infections"),
        ({"on": "someday", "community_infections": 0}, "on"),
    ):
        r = send(body)
        assert r.status_code == 422 and r.json()["error"]["field"] == field, (body, r.text)
    assert send({"on": "2022-11-22", "community_infections": 0}, which=key).json()["error"]["field"] == "campaign_id"
    assert send({"on": "2022-11-22", "community_infections": 0}, who="worker2").status_code == 403
    assert (
        post(demo, "epi", "/api/campaigns/999999/rounds", {"on": "2022-11-22", "community_infections": 0}).status_code
        == 404
    )
    assert demo.get("epi", f"/api/campaigns/{cid}/progress")["rounds"] == []  # nothing was recorded

    assert send({"on": "2022-11-22", "community_infections": 0}).status_code == 201
    twice = send({"on": "2022-11-22", "community_infections": 1})
    assert twice.status_code == 409 and twice.json()["error"]["field"] == "on", twice.text
    rounds = demo.get("epi", f"/api/campaigns/{cid}/progress")["rounds"]
    assert [(r["on"], r["community_infections"], r["recorded_by"]) for r in rounds] == [("2022-11-22", 0, "epi")]
