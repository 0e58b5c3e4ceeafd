"""Infections, close-contact tracing, secondary close contacts, transmission chains and timeliness through the API,
on SQLite and PostgreSQL.

The 20 measures (from 11 Nov 2022) unless a test moves the clock: measure 2 determines close contacts promptly
(look-back 4 days before onset, or sampling; venue co-presence within 30 minutes; household members) and no
longer determines secondary close contacts (m20.2), which the 9th edition did (7 days of home isolation).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.api.helpers import Api, Clock
from tests.api.tracing_helpers import (
    add_lab_user,
    add_venue,
    candidates,
    clauses,
    confirm,
    error,
    get,
    infection,
    interview,
    interviewed,
    patch,
    person,
    post,
    scans,
    upload,
)

A = "110105001001"  # community A
B = "110105001002"  # community B
C = "110106001001"  # community C, in another county (outside epi's scope)


# -- recording an infection ------------------------------------------------------------------------------------


def test_recording_an_infection_checks_each_field(api: Api) -> None:
    case = person(api, "Case", "101", building="1")
    good = {
        "person_id": case["id"],
        "kind": "confirmed",
        "sampled_on": "2022-11-13",
        "confirmed_at": "2022-11-14T08:00:00+08:00",
        "onset_on": "2022-11-12",
    }
    invalid: list[tuple[dict[str, Any], str]] = [
        ({"kind": "mild"}, "kind"),
        ({"confirmed_at": "2022-11-14T10:00:00+08:00"}, "confirmed_at"),  # now is 09:00
        ({"onset_on": "2022-11-15"}, "onset_on"),  # after the confirmation on the 14th
        ({"person_id": "someone"}, "person_id"),
        ({"surprise": 1}, "surprise"),
    ]
    for change, field in invalid:
        assert error(post(api, "epi", "/api/infections", good | change), 422)["field"] == field, change
    assert get(api, "epi", "/api/infections")["total"] == 0

    # a person of another county is not revealed to exist
    elsewhere = person(api, "Elsewhere", "102", building="2", community=C, who="epi_fengtai")
    error(post(api, "epi", "/api/infections", good | {"person_id": elsewhere["id"]}), 404)
    error(post(api, "epi", "/api/infections", good | {"person_id": 999_999}), 404)

    r = post(api, "epi", "/api/infections", good)
    assert r.status_code == 201, r.text
    made = r.json()
    assert (made["person_id"], made["kind"], made["onset_on"], made["found_in"]) == (
        case["id"],
        "confirmed",
        "2022-11-12",
        "community",
    )
    assert (made["jurisdiction_code"], made["created_by"], made["reported_at"]) == (A, "epi", None)
    again = error(post(api, "epi", "/api/infections", good | {"kind": "asymptomatic"}), 409)
    assert again["field"] == "person_id"
    assert get(api, "epi", "/api/infections")["total"] == 1
    assert get(api, "epi", f"/api/infections/{made['id']}")["kind"] == "confirmed"


def test_a_confirmation_instant_without_a_zone_is_invalid_input(api: Api) -> None:
    case = person(api, "Case", "103", building="1")
    body = {
        "person_id": case["id"],
        "kind": "confirmed",
        "sampled_on": "2022-11-13",
        "confirmed_at": "2022-11-14T08:00",
    }
    assert error(post(api, "epi", "/api/infections", body), 422)["field"] == "confirmed_at"


def test_a_report_instant_without_a_zone_is_invalid_input(api: Api) -> None:
    case = person(api, "Case", "104", building="1")
    made = infection(api, case["id"], confirmed_at="2022-11-14T08:00:00+08:00", sampled_on="2022-11-13")
    r = patch(api, "epi", f"/api/infections/{made['id']}", {"reported_at": "2022-11-14T08:30"})
    assert error(r, 422)["field"] == "reported_at"


def test_a_sample_taken_after_the_confirmation_is_invalid_input(api: Api) -> None:
    case = person(api, "Case", "105", building="1")
    body = {
        "person_id": case["id"],
        "kind": "confirmed",
        "sampled_on": "2022-11-20",  # after the confirmation on the 14th, and after today
        "confirmed_at": "2022-11-14T08:00:00+08:00",
    }
    assert error(post(api, "epi", "/api/infections", body), 422)["field"] == "sampled_on"


def test_an_onset_after_the_confirmation_is_refused_when_completing_the_record(api: Api) -> None:
    case = person(api, "Case", "106", building="1")
    made = infection(
        api, case["id"], kind="asymptomatic", confirmed_at="2022-11-14T08:00:00+08:00", sampled_on="2022-11-13"
    )
    r = patch(api, "epi", f"/api/infections/{made['id']}", {"kind": "confirmed", "onset_on": "2022-11-15"})
    assert error(r, 422)["field"] == "onset_on"
    assert get(api, "epi", f"/api/infections/{made['id']}")["onset_on"] is None


def test_household_members_are_proposed_at_once(api: Api) -> None:
    case = person(api, "Case", "111", building="1", unit="1")
    housemate = person(api, "Housemate", "112", building="1", unit="1")
    person(api, "Neighbour", "113", building="1", unit="2")  # same building, another unit: not a housemate
    person(api, "Stranger", "114", building="7")
    made = infection(api, case["id"], confirmed_at="2022-11-14T08:00:00+08:00", sampled_on="2022-11-13")
    listed = candidates(api, infection_id=made["id"])
    assert listed["total"] == 1
    (c,) = listed["items"]
    assert (c["person_id"], c["source"], c["category"], c["status"]) == (
        housemate["id"],
        "household",
        "close_contact",
        "proposed",
    )
    # exposed at home until the case stopped mixing with others (not yet: today)
    assert (c["last_exposure"], c["via_candidate_id"], c["order_id"], c["proposed_by"]) == (
        "2022-11-14",
        None,
        None,
        "epi",
    )
    assert "m20.2" in clauses(c)

    # looking again proposes nobody twice
    r = post(api, "epi", f"/api/infections/{made['id']}/contacts/propose")
    assert r.status_code == 200 and r.json() == [], r.text
    assert candidates(api, infection_id=made["id"])["total"] == 1


# -- interview contacts --------------------------------------------------------------------------------------


def test_interview_contacts_inside_the_look_back_window(api: Api) -> None:
    case = person(api, "Case", "121", building="1")
    friend = person(api, "Friend", "122", building="2")
    colleague = person(api, "Colleague", "123", building="3")
    # onset on the 12th: exposures count from the 8th
    made = infection(
        api, case["id"], confirmed_at="2022-11-14T08:00:00+08:00", sampled_on="2022-11-13", onset_on="2022-11-12"
    )
    url = f"/api/infections/{made['id']}/contacts"

    # one before the window: the whole interview is refused, naming the contact
    r = interview(api, made["id"], (friend["id"], "2022-11-08"), (colleague["id"], "2022-11-07"))
    err = error(r, 422)
    assert err["field"] == "contacts[1].last_exposure" and "2022-11-08" in err["message"]
    assert candidates(api, infection_id=made["id"])["total"] == 0
    assert error(interview(api, made["id"], (colleague["id"], "2022-11-07")), 422)["field"] == (
        "contacts[0].last_exposure"
    )
    # the infected person themself, and a contact in the future
    assert error(interview(api, made["id"], (case["id"], "2022-11-13")), 422)["field"] == "contacts[0].person_id"
    assert error(interview(api, made["id"], (friend["id"], "2022-11-15")), 422)["field"] == (
        "contacts[0].last_exposure"
    )
    # an empty interview, a setting too short to say anything
    assert error(post(api, "epi", url, {"contacts": []}), 422)["field"] == "contacts"
    short = {"contacts": [{"person_id": friend["id"], "last_exposure": "2022-11-10", "setting": "x"}]}
    assert error(post(api, "epi", url, short), 422)["field"] == "contacts.0.setting"
    # a person of another county is not revealed to exist
    elsewhere = person(api, "Elsewhere", "124", building="4", community=C, who="epi_fengtai")
    error(interview(api, made["id"], (elsewhere["id"], "2022-11-10")), 404)
    assert candidates(api, infection_id=made["id"])["total"] == 0

    # the first day of the window counts
    (c,) = interviewed(api, made["id"], (friend["id"], "2022-11-08"))
    assert (c["person_id"], c["source"], c["category"], c["status"]) == (
        friend["id"],
        "interview",
        "close_contact",
        "proposed",
    )
    assert (c["last_exposure"], c["detail"], c["infection_id"]) == ("2022-11-08", "shared a meal", made["id"])
    assert "m20.2" in clauses(c)
    # named again: not proposed twice
    assert interviewed(api, made["id"], (friend["id"], "2022-11-10")) == []
    assert candidates(api, infection_id=made["id"])["total"] == 1


def test_without_onset_the_window_opens_four_days_before_sampling(api: Api) -> None:
    case = person(api, "Case", "131", building="1")
    early = person(api, "Early", "132", building="2")
    # asymptomatic, sampled on the 13th: exposures from the 9th
    made = infection(
        api, case["id"], kind="asymptomatic", confirmed_at="2022-11-14T08:00:00+08:00", sampled_on="2022-11-13"
    )
    r = interview(api, made["id"], (early["id"], "2022-11-08"))
    assert error(r, 422)["field"] == "contacts[0].last_exposure"
    (c,) = interviewed(api, made["id"], (early["id"], "2022-11-09"))
    assert (c["source"], c["last_exposure"]) == ("interview", "2022-11-09")


def test_an_interview_contact_after_the_case_was_isolated_is_outside_the_window(api: Api) -> None:
    case = person(api, "Case", "141", building="1")
    visitor = person(api, "Visitor", "142", building="2")
    made = infection(api, case["id"], confirmed_at="2022-11-12T08:00:00+08:00", sampled_on="2022-11-11")
    r = patch(api, "epi", f"/api/infections/{made['id']}", {"isolated_at": "2022-11-12T10:00:00+08:00"})
    assert r.status_code == 200, r.text
    # isolated since the 12th; a meeting on the 14th is not an exposure to this case
    assert error(interview(api, made["id"], (visitor["id"], "2022-11-14")), 422)["field"] == (
        "contacts[0].last_exposure"
    )


# -- confirming and dismissing -----------------------------------------------------------------------------------


def test_confirming_places_a_close_contact_order_and_dismissing_needs_a_reason(api: Api) -> None:
    case = person(api, "Case", "151", building="1")
    friend = person(api, "Friend", "152", building="2")
    cousin = person(api, "Cousin", "153", building="3")
    made = infection(
        api, case["id"], confirmed_at="2022-11-14T08:00:00+08:00", sampled_on="2022-11-13", onset_on="2022-11-13"
    )
    first, second = interviewed(api, made["id"], (friend["id"], "2022-11-13"), (cousin["id"], "2022-11-12"))

    done = confirm(api, first["id"])
    assert (done["status"], done["decided_by"]) == ("confirmed", "epi")
    assert done["order_id"] is not None and done["decided_at"] is not None
    order = get(api, "epi", f"/api/orders/{done['order_id']}")
    assert (order["person_id"], order["category"], order["status"]) == (friend["id"], "close_contact", "active")
    # anchored at the last exposure: day 1 is the next day; 5 days centralized + 3 at home (m20.1)
    assert (order["anchor_kind"], order["anchor_date"], order["start"], order["released_on"]) == (
        "last_exposure",
        "2022-11-13",
        "2022-11-14",
        "2022-11-22",
    )
    assert order["policy_version"] == "m20"
    phases = [(p["kind"], p["start"], p["end"], p["test_days"]) for p in order["plan"]["phases"]]
    assert phases == [
        ("centralized_isolation", "2022-11-14", "2022-11-18", [1, 2, 3, 5]),
        ("home_isolation", "2022-11-19", "2022-11-21", [1, 3]),
    ]
    twice = error(post(api, "epi", f"/api/contact-candidates/{first['id']}/confirm"), 409)
    assert twice["field"] == "status"
    assert len(get(api, "epi", "/api/orders", person_id=friend["id"])["items"]) == 1

    # dismissing: a reason of three characters or more
    url = f"/api/contact-candidates/{second['id']}/dismiss"
    assert error(post(api, "epi", url), 422)["field"] == "reason"
    assert error(post(api, "epi", url, {"reason": " no "}), 422)["field"] == "reason"
    assert candidates(api, status="proposed")["total"] == 1
    r = post(api, "epi", url, {"reason": "was abroad that day"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["order_id"], r.json()["decided_by"]) == ("dismissed", None, "epi")
    assert error(post(api, "epi", f"/api/contact-candidates/{second['id']}/confirm"), 409)["field"] == "status"
    assert error(post(api, "epi", url, {"reason": "again, for the record"}), 409)["field"] == "status"
    assert error(post(api, "epi", f"/api/contact-candidates/{first['id']}/dismiss", {"reason": "too late"}), 409)
    assert get(api, "epi", "/api/orders", person_id=cousin["id"])["items"] == []

    assert [c["id"] for c in candidates(api, status="confirmed")["items"]] == [first["id"]]
    assert [c["id"] for c in candidates(api, status="dismissed")["items"]] == [second["id"]]
    error(post(api, "epi", "/api/contact-candidates/999999/confirm"), 404)


# -- secondary close contacts ------------------------------------------------------------------------------------


def test_under_the_ninth_edition_secondary_close_contacts_are_proposed_and_managed(api: Api, clock: Clock) -> None:
    clock.today = date(2022, 9, 5)
    case = person(api, "Case", "161", building="1")
    contact = person(api, "Contact", "162", building="2", unit="3")
    contact_home = person(api, "Contact's spouse", "163", building="2", unit="3")
    gym_mate = person(api, "Gym mate", "164", building="4")
    gym_later = person(api, "Gym later", "165", building="5")
    cafe_later = person(api, "Cafe later", "166", building="6")
    add_venue(api, "V-CAFE-1", "Cafe")
    add_venue(api, "V-GYM-1", "Gym")
    scans(
        api,
        [
            (case, "V-CAFE-1", "2022-09-03T12:00:00+08:00"),
            (contact, "V-CAFE-1", "2022-09-03T12:10:00+08:00"),  # with the case: a close contact
            (cafe_later, "V-CAFE-1", "2022-09-03T12:35:00+08:00"),  # 35 min after the case, 25 after the contact
            (contact, "V-GYM-1", "2022-09-03T18:00:00+08:00"),
            (gym_mate, "V-GYM-1", "2022-09-03T18:20:00+08:00"),
            (gym_later, "V-GYM-1", "2022-09-03T19:30:00+08:00"),  # 90 minutes later: not together
        ],
    )
    made = infection(
        api, case["id"], confirmed_at="2022-09-05T08:00:00+08:00", sampled_on="2022-09-04", onset_on="2022-09-04"
    )
    (close,) = candidates(api, infection_id=made["id"])["items"]
    assert (close["person_id"], close["source"], close["last_exposure"]) == (contact["id"], "venue", "2022-09-03")
    assert "v9.close_contact_definition" in clauses(close)

    # not before the close contact is confirmed
    url = f"/api/contact-candidates/{close['id']}/secondary"
    assert error(post(api, "epi", url), 409)["field"] == "status"

    placed = confirm(api, close["id"])
    order = get(api, "epi", f"/api/orders/{placed['order_id']}")
    assert (order["category"], order["policy_version"], order["start"]) == ("close_contact", "v9", "2022-09-04")
    assert [p["kind"] for p in order["plan"]["phases"]] == ["centralized_isolation", "home_health_monitoring"]

    r = post(api, "epi", url)
    assert r.status_code == 200, r.text
    secondary = {c["person_id"]: c for c in r.json()}
    # the contact's household and the people with them at a venue — never the case they caught it from
    assert set(secondary) == {contact_home["id"], gym_mate["id"], cafe_later["id"]}
    assert case["id"] not in secondary
    for c in secondary.values():
        assert (c["category"], c["via_candidate_id"], c["infection_id"], c["status"]) == (
            "secondary_close_contact",
            close["id"],
            made["id"],
            "proposed",
        )
        assert "v9.secondary_close_contact" in clauses(c)
    assert (secondary[contact_home["id"]]["source"], secondary[contact_home["id"]]["last_exposure"]) == (
        "household",
        "2022-09-05",  # at home with the contact until the contact was placed today
    )
    assert (secondary[gym_mate["id"]]["source"], secondary[gym_mate["id"]]["last_exposure"]) == (
        "venue",
        "2022-09-03",
    )
    assert secondary[cafe_later["id"]]["source"] == "venue"
    listed = candidates(api, category="secondary_close_contact")
    assert listed["total"] == 3
    # asked again: nobody twice
    again = post(api, "epi", url)
    assert again.status_code == 200 and again.json() == [], again.text

    # a secondary close contact's own contacts are not traced
    assert error(post(api, "epi", f"/api/contact-candidates/{secondary[gym_mate['id']]['id']}/secondary"), 409)

    confirmed = confirm(api, secondary[gym_mate["id"]]["id"])
    order = get(api, "epi", f"/api/orders/{confirmed['order_id']}")
    assert (order["person_id"], order["category"], order["policy_version"]) == (
        gym_mate["id"],
        "secondary_close_contact",
        "v9",
    )
    assert (order["anchor_date"], order["start"]) == ("2022-09-03", "2022-09-04")
    phases = [(p["kind"], p["start"], p["end"], p["test_days"]) for p in order["plan"]["phases"]]
    assert phases == [("home_isolation", "2022-09-04", "2022-09-10", [1, 4, 7])]


def test_under_the_20_measures_secondary_close_contacts_are_refused(api: Api) -> None:
    case = person(api, "Case", "171", building="1")
    contact = person(api, "Contact", "172", building="2")
    person(api, "Contact's spouse", "173", building="2")
    made = infection(api, case["id"], confirmed_at="2022-11-14T08:00:00+08:00", sampled_on="2022-11-13")
    (close,) = interviewed(api, made["id"], (contact["id"], "2022-11-12"))
    confirm(api, close["id"])
    before = candidates(api)["total"]

    err = error(post(api, "epi", f"/api/contact-candidates/{close['id']}/secondary"), 422)
    assert err["clause"] == "m20.2"
    assert candidates(api, category="secondary_close_contact")["total"] == 0
    assert candidates(api)["total"] == before == 1
    # refused whatever the candidate's state
    (other,) = interviewed(api, made["id"], (person(api, "Other", "174", building="4")["id"], "2022-11-12"))
    assert error(post(api, "epi", f"/api/contact-candidates/{other['id']}/secondary"), 422)["clause"] == "m20.2"


# -- transmission chains ---------------------------------------------------------------------------------------


def _chain(api: Api, who: str, infection_id: int) -> dict[str, Any]:
    return dict(get(api, who, f"/api/infections/{infection_id}/chain"))


def test_a_transmission_chain_reads_the_same_from_every_link_and_refuses_a_cycle(api: Api) -> None:
    a = infection(
        api,
        person(api, "A", "181", building="1")["id"],
        confirmed_at="2022-11-12T08:00:00+08:00",
        sampled_on="2022-11-11",
    )
    b = infection(
        api,
        person(api, "B", "182", building="2")["id"],
        confirmed_at="2022-11-13T08:00:00+08:00",
        sampled_on="2022-11-12",
    )
    c = infection(
        api,
        person(api, "C", "183", building="3")["id"],
        confirmed_at="2022-11-14T08:00:00+08:00",
        sampled_on="2022-11-13",
    )
    alone = _chain(api, "epi", b["id"])
    assert (alone["root"], [n["infection_id"] for n in alone["nodes"]], alone["edges"]) == (b["id"], [b["id"]], [])

    for target, source in [(b, a), (c, b)]:
        r = patch(api, "epi", f"/api/infections/{target['id']}", {"source_infection_id": source["id"]})
        assert r.status_code == 200 and r.json()["source_infection_id"] == source["id"], r.text

    expected_edges = [{"source": a["id"], "target": b["id"]}, {"source": b["id"], "target": c["id"]}]
    for start in (a, b, c):
        chain = _chain(api, "epi", start["id"])
        assert chain["root"] == a["id"]
        assert [n["infection_id"] for n in chain["nodes"]] == [a["id"], b["id"], c["id"]]
        assert all(n["person_id"] is not None and n["jurisdiction_code"] == A for n in chain["nodes"])
        assert chain["edges"] == expected_edges

    # A caught it from C, or from themself: a cycle
    for source in (c, a):
        r = patch(api, "epi", f"/api/infections/{a['id']}", {"source_infection_id": source["id"]})
        assert error(r, 422)["field"] == "source_infection_id"
    assert get(api, "epi", f"/api/infections/{a['id']}")["source_infection_id"] is None
    error(patch(api, "epi", f"/api/infections/{a['id']}", {"source_infection_id": 999_999}), 404)
    assert _chain(api, "epi", c["id"])["edges"] == expected_edges
    error(api.client.get("/api/infections/999999/chain", headers=api.as_("epi")), 404)


def test_a_chain_across_communities_hides_the_people_outside_the_readers_jurisdiction(api: Api) -> None:
    in_a = person(api, "Source", "191", building="1", community=A)
    in_b = person(api, "Caught it", "192", building="2", community=B)
    source = infection(api, in_a["id"], confirmed_at="2022-11-13T08:00:00+08:00", sampled_on="2022-11-12")
    caught = infection(
        api,
        in_b["id"],
        confirmed_at="2022-11-14T08:00:00+08:00",
        sampled_on="2022-11-13",
        source_infection_id=source["id"],
        source_note="dinner together on the 11th",
    )
    assert caught["jurisdiction_code"] == B

    chain = _chain(api, "worker_b", caught["id"])
    assert chain["root"] == source["id"]
    nodes = {n["infection_id"]: n for n in chain["nodes"]}
    assert list(nodes) == [source["id"], caught["id"]]
    assert (nodes[source["id"]]["person_id"], nodes[source["id"]]["jurisdiction_code"]) == (None, None)
    assert nodes[source["id"]]["kind"] == "confirmed"
    assert (nodes[caught["id"]]["person_id"], nodes[caught["id"]]["jurisdiction_code"]) == (in_b["id"], B)
    assert chain["edges"] == [{"source": source["id"], "target": caught["id"]}]
    # the source itself stays out of reach
    error(api.client.get(f"/api/infections/{source['id']}", headers=api.as_("worker_b")), 404)
    error(api.client.get(f"/api/infections/{source['id']}/chain", headers=api.as_("worker_b")), 404)

    # and the other way round
    mirrored = _chain(api, "worker_a", source["id"])
    hidden = {n["infection_id"]: n["person_id"] for n in mirrored["nodes"]}
    assert hidden == {source["id"]: in_a["id"], caught["id"]: None}
    assert {n["person_id"] for n in _chain(api, "epi", source["id"])["nodes"]} == {in_a["id"], in_b["id"]}
    # worker C's county sees neither
    error(api.client.get(f"/api/infections/{caught['id']}/chain", headers=api.as_("worker_c")), 404)


# -- timeliness ------------------------------------------------------------------------------------------------


def test_timeliness_of_reporting_and_of_placing_contacts(api: Api, clock: Clock) -> None:
    p1 = person(api, "Case one", "201", building="1")
    p2 = person(api, "Case two", "202", building="2")
    p3 = person(api, "Case three", "203", building="3")
    c1, c2, c3, c4, c5 = (person(api, f"Contact {i}", f"21{i}", building=f"1{i}") for i in range(1, 6))

    # 14 Nov: case one confirmed at 03:00 and reported at 06:00 (3 h: late); case two at 07:00, reported 08:00
    first = infection(api, p1["id"], confirmed_at="2022-11-14T03:00:00+08:00", sampled_on="2022-11-13")
    second = infection(api, p2["id"], confirmed_at="2022-11-14T07:00:00+08:00", sampled_on="2022-11-13")
    for inf, at in [(first, "2022-11-14T06:00:00+08:00"), (second, "2022-11-14T08:00:00+08:00")]:
        r = patch(api, "epi", f"/api/infections/{inf['id']}", {"reported_at": at})
        assert r.status_code == 200, r.text
    bad = patch(api, "epi", f"/api/infections/{first['id']}", {"reported_at": "2022-11-14T02:00:00+08:00"})
    assert error(bad, 422)["field"] == "reported_at"
    bad = patch(api, "epi", f"/api/infections/{first['id']}", {"reported_at": "2022-11-14T10:00:00+08:00"})
    assert error(bad, 422)["field"] == "reported_at"
    k1, k2, k3 = interviewed(
        api, first["id"], (c1["id"], "2022-11-12"), (c2["id"], "2022-11-12"), (c3["id"], "2022-11-12")
    )
    (k4,) = interviewed(api, second["id"], (c4["id"], "2022-11-13"))
    confirm(api, k4["id"])  # 09:00: 2 h after confirmation

    # 15 Nov, 09:00: 30 h after case one's confirmation
    clock.today = date(2022, 11, 15)
    confirm(api, k1["id"])  # late
    r = post(api, "epi", f"/api/contact-candidates/{k3['id']}/dismiss", {"reason": "not in town"})
    assert r.status_code == 200, r.text  # a dismissed candidate is not counted
    assert k2["status"] == "proposed"  # still waiting after 30 h: late
    third = infection(api, p3["id"], confirmed_at="2022-11-15T08:00:00+08:00", sampled_on="2022-11-14")
    (k5,) = interviewed(api, third["id"], (c5["id"], "2022-11-14"))  # 1 h: waiting

    report = get(api, "epi", "/api/timeliness", since="2022-11-14", until="2022-11-15")
    assert (report["report_within_hours"], report["contacts_placed_within_hours"]) == (2, 24)
    rows = {row["infection_id"]: row for row in report["infections"]}
    assert list(rows) == [first["id"], second["id"], third["id"]]
    t1, t2, t3 = (rows[i["id"]]["timeliness"] for i in (first, second, third))
    assert rows[first["id"]]["contacts"] == 2
    assert (t1["report_hours"], t1["report_late"], t1["placement_hours"]) == (3.0, True, [30.0])
    assert (t1["contacts_on_time"], t1["contacts_late"], t1["contacts_waiting"]) == (0, 2, 0)
    assert (t2["report_hours"], t2["report_late"], t2["placement_hours"]) == (1.0, False, [2.0])
    assert (t2["contacts_on_time"], t2["contacts_late"], t2["contacts_waiting"]) == (1, 0, 0)
    assert (t3["report_hours"], t3["report_late"], t3["placement_hours"]) == (None, False, [])  # 1 h: not yet late
    assert (t3["contacts_on_time"], t3["contacts_late"], t3["contacts_waiting"]) == (0, 0, 1)
    assert any(r["clause"] == "m20.2" for r in t1["reasons"])
    (county,) = report["jurisdictions"]
    assert (county["jurisdiction_code"], county["infections"], county["reported_late"]) == (A, 3, 1)
    assert (county["contacts_placed"], county["contacts_late"], county["contacts_waiting"]) == (2, 2, 1)
    assert (county["median_report_hours"], county["median_placement_hours"], county["max_placement_hours"]) == (
        2.0,
        16.0,
        30.0,
    )

    # without until: up to today; without since: today only
    only_today = get(api, "epi", "/api/timeliness", since="2022-11-15")
    assert [row["infection_id"] for row in only_today["infections"]] == [third["id"]]
    assert [row["infection_id"] for row in get(api, "epi", "/api/timeliness")["infections"]] == [third["id"]]
    # an unreported infection is late once its deadline has passed
    clock.today = date(2022, 11, 16)
    (late,) = get(api, "epi", "/api/timeliness", since="2022-11-15", until="2022-11-15")["infections"]
    assert late["timeliness"]["report_late"] and late["timeliness"]["contacts_late"] == 1
    assert k5["status"] == "proposed"

    r = api.client.get("/api/timeliness", params={"since": "2022-11-15", "until": "2022-11-14"}, headers=api.as_("epi"))
    assert error(r, 422)["field"] == "until"
    r = api.client.get("/api/timeliness", params={"since": "2021-01-01", "until": "2022-11-14"}, headers=api.as_("epi"))
    assert error(r, 422)["field"] == "until"
    r = api.client.get("/api/timeliness", params={"since": "yesterday"}, headers=api.as_("epi"))
    assert error(r, 422)["field"] == "since"
    # scoped: community B has no infections
    assert get(api, "worker_b", "/api/timeliness", since="2022-11-14", until="2022-11-15")["infections"] == []


# -- access ----------------------------------------------------------------------------------------------------


def test_who_may_record_read_and_decide(api: Api) -> None:
    case = person(api, "Case", "221", building="1")
    housemate = person(api, "Housemate", "222", building="1")
    body = {
        "person_id": case["id"],
        "kind": "confirmed",
        "sampled_on": "2022-11-13",
        "confirmed_at": "2022-11-14T08:00:00+08:00",
    }
    for who in ("worker_a", "viewer", "supervisor"):
        error(post(api, who, "/api/infections", body), 403)
    made = infection(api, case["id"], confirmed_at=body["confirmed_at"], sampled_on=body["sampled_on"])
    (c,) = candidates(api, infection_id=made["id"])["items"]
    assert c["person_id"] == housemate["id"]

    for who in ("worker_a", "viewer"):
        error(post(api, who, f"/api/contact-candidates/{c['id']}/confirm"), 403)
        error(post(api, who, f"/api/contact-candidates/{c['id']}/dismiss", {"reason": "not at home"}), 403)
        error(
            post(
                api,
                who,
                f"/api/infections/{made['id']}/contacts",
                {"contacts": [{"person_id": housemate["id"], "last_exposure": "2022-11-13", "setting": "at home"}]},
            ),
            403,
        )
        error(patch(api, who, f"/api/infections/{made['id']}", {"kind": "asymptomatic"}), 403)
    listed = get(api, "viewer", "/api/infections")
    assert [i["id"] for i in listed["items"]] == [made["id"]] and listed["total"] == 1
    assert get(api, "worker_a", f"/api/infections/{made['id']}")["person_id"] == case["id"]
    assert candidates(api, "worker_a", infection_id=made["id"])["total"] == 1

    # another community: not revealed to exist
    error(api.client.get(f"/api/infections/{made['id']}", headers=api.as_("worker_b")), 404)
    assert get(api, "worker_b", "/api/infections")["total"] == 0
    r = api.client.get("/api/contact-candidates", params={"infection_id": made["id"]}, headers=api.as_("worker_b"))
    error(r, 404)
    # another county's epidemiologist may trace, but not here
    error(post(api, "epi_fengtai", f"/api/contact-candidates/{c['id']}/confirm"), 404)
    error(patch(api, "epi_fengtai", f"/api/infections/{made['id']}", {"kind": "asymptomatic"}), 404)
    assert candidates(api)["items"][0]["status"] == "proposed"
    assert get(api, "cc", "/api/infections")["total"] == 1  # the command centre sees the province


def test_the_candidate_list_is_scoped_paged_and_checks_its_filters(api: Api) -> None:
    case = person(api, "Case", "231", building="1")
    in_a = [person(api, f"A{i}", f"24{i}", building=f"2{i}") for i in range(3)]
    in_b = [person(api, f"B{i}", f"25{i}", building=f"3{i}", community=B) for i in range(2)]
    made = infection(api, case["id"], confirmed_at="2022-11-14T08:00:00+08:00", sampled_on="2022-11-13")
    interviewed(api, made["id"], *((p["id"], "2022-11-12") for p in [*in_a, *in_b]))

    everyone = candidates(api, limit=500)
    assert everyone["total"] == 5
    ids = [c["id"] for c in everyone["items"]]
    assert ids == sorted(ids)
    pages = [candidates(api, offset=offset, limit=2) for offset in (0, 2, 4)]
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    assert all(p["total"] == 5 and p["limit"] == 2 for p in pages)
    assert [c["id"] for p in pages for c in p["items"]] == ids
    assert candidates(api, offset=10)["items"] == []

    assert {c["person_id"] for c in candidates(api, "worker_a")["items"]} == {p["id"] for p in in_a}
    assert candidates(api, "worker_b")["total"] == 2
    assert {c["person_id"] for c in candidates(api, "worker_b")["items"]} == {p["id"] for p in in_b}
    assert candidates(api, "worker_c")["total"] == 0
    assert candidates(api, "viewer", status="proposed", category="close_contact")["total"] == 5

    bad: list[tuple[dict[str, str | int], str]] = [
        ({"status": "pending"}, "status"),
        ({"category": "contact"}, "category"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"offset": -1}, "offset"),
        ({"infection_id": "x"}, "infection_id"),
    ]
    for params, field in bad:
        r = api.client.get("/api/contact-candidates", params=params, headers=api.as_("epi"))
        assert error(r, 422)["field"] == field, params
    error(api.client.get("/api/contact-candidates", params={"infection_id": 999_999}, headers=api.as_("epi")), 404)


# -- a positive during home isolation ----------------------------------------------------------------------------


def test_a_positive_found_in_home_isolation_is_cited_and_its_order_transferred(api: Api, clock: Clock) -> None:
    add_lab_user(api)
    contact = person(api, "Contact", "261", building="1")
    spouse = person(api, "Spouse", "262", building="1")
    r = post(
        api,
        "epi",
        "/api/orders",
        {"person_id": contact["id"], "category": "close_contact", "anchor_date": "2022-11-13"},
    )
    assert r.status_code == 201, r.text
    order = r.json()
    # centralized isolation 14–18 Nov, then home isolation 19–21
    home = next(p for p in order["plan"]["phases"] if p["kind"] == "home_isolation")
    assert (home["start"], home["end"]) == ("2022-11-19", "2022-11-21")

    clock.today = date(2022, 11, 20)
    upload(
        api,
        "lab",
        "/api/lab/samples",
        "barcode,pool_size,sampling_point,collected_at,members\n"
        f"S-H1,1,Home visit,2022-11-20T07:00:00+08:00,{contact['document_number']}\n",
    )
    done = upload(
        api,
        "lab",
        "/api/lab/results",
        "barcode,lab,reported_at,ct_orf1ab,ct_n\nS-H1,City lab,2022-11-20T08:00:00+08:00,25,26\n",
    )
    assert done["outcomes"] == {"positive": 1}
    assert (done["consequences"]["infections"], done["consequences"]["transferred"]) == (1, 1)

    (found,) = get(api, "epi", "/api/infections", found_in="home_isolation")["items"]
    assert (found["person_id"], found["kind"], found["found_in"]) == (contact["id"], "asymptomatic", "home_isolation")
    assert "m20.s3" in found["cite"]
    assert (found["sampled_on"], found["isolated_at"]) == ("2022-11-20", "2022-11-20T00:00:00Z")
    assert get(api, "epi", "/api/infections", found_in="community")["total"] == 0

    after = get(api, "epi", f"/api/orders/{order['id']}")
    assert after["status"] == "transferred" and str(found["id"]) in after["status_reason"]
    assert get(api, "epi", "/api/orders", person_id=contact["id"], status="active")["items"] == []
    events = get(api, "epi", f"/api/orders/{order['id']}/events")["items"]
    assert [e["kind"] for e in events] == ["placed", "transferred"]
    # the spouse at home with them is proposed at once
    (c,) = candidates(api, infection_id=found["id"])["items"]
    assert (c["person_id"], c["source"], c["category"]) == (spouse["id"], "household", "close_contact")
