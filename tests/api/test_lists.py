"""Every list in the API is paged and filtered, stays inside the actor's scope, and leaves a trail.

People, orders, order events, audit trails, isolation sites and the day's work lists all answer with
`{items, total, offset, limit}` (the work list with a `totals` per section); a filter that names something
unknown is a 422 on that field; a person seen in a list gets a `listed` entry in their audit trail.
"""

from __future__ import annotations

from typing import Any, cast

import pytest
from fastapi import FastAPI

from tests.api.helpers import Api, Clock, error, register

A, B = "110105001001", "110105001002"


def get(api: Api, who: str, url: str, **params: Any) -> dict[str, Any]:
    r = api.client.get(url, params=params, headers=api.as_(who))
    assert r.status_code == 200, r.text
    return dict(r.json())


def place(api: Api, person_id: int, category: str = "close_contact", **facts: str) -> dict[str, Any]:
    body: dict[str, Any] = {"person_id": person_id, "category": category, "reason": "case interview", **facts}
    if "start" not in facts and "anchor_date" not in facts:
        body["start"] = "2022-11-14"
    r = api.client.post("/api/orders", json=body, headers=api.as_("epi"))
    assert r.status_code == 201, r.text
    return dict(r.json())


def all_pages(api: Api, who: str, url: str, limit: int, **params: Any) -> tuple[list[dict[str, Any]], int]:
    seen: list[dict[str, Any]] = []
    offset, total = 0, None
    while True:
        page = get(api, who, url, offset=offset, limit=limit, **params)
        assert (page["offset"], page["limit"]) == (offset, limit)
        assert total is None or page["total"] == total  # the total does not move between pages
        total = page["total"]
        assert len(page["items"]) <= limit
        if not page["items"]:
            break
        seen.extend(page["items"])
        offset += limit
    assert total is not None
    return seen, total


@pytest.fixture
def people(api: Api) -> list[dict[str, Any]]:
    """Seven people in community A (odd sequence numbers keep the resident IDs female/male alike), two in B."""
    made = [register(api, "epi", name=f"Wang {n}", community=A, seq=f"{200 + n:03d}") for n in range(7)]
    made += [register(api, "epi", name=f"Li {n}", community=B, seq=f"{300 + n:03d}") for n in range(2)]
    return made


def test_no_list_in_the_api_is_a_bare_array(api: Api) -> None:
    schema = cast(FastAPI, api.client.app).openapi()
    lists = []
    for path, operations in schema["paths"].items():
        get_op = operations.get("get")
        if get_op is None:
            continue
        body = get_op["responses"]["200"]["content"]["application/json"]["schema"]
        assert body.get("type") != "array", f"GET {path} returns a bare array: page it"
        ref = body.get("$ref", "")
        if ref.split("/")[-1].startswith("Page_"):
            params = {p["name"] for p in get_op.get("parameters", [])}
            assert {"offset", "limit"} <= params, path
            lists.append(path)
    assert set(lists) == {
        "/api/persons",
        "/api/persons/{person_id}/audit",
        "/api/orders",
        "/api/orders/{order_id}/events",
        "/api/sites",
        "/api/lab/imports",
        "/api/lab/retests",
        "/api/infections",
        "/api/infections/{infection_id}/re-positives",
        "/api/contact-candidates",
        "/api/risk-areas",
        "/api/risk-areas/{risk_id}/history",
        "/api/risk-areas/{risk_id}/spillover",
        "/api/health-codes/person/{person_id}/changes",
        "/api/overreach/findings",
        "/api/appeals",
        "/api/stranded",
        "/api/visits",
        "/api/users",
        "/api/facilities",
        "/api/facilities/{facility_id}/stays",
        "/api/supplies/items",
        "/api/supplies/sites",
        "/api/supplies/stock",
        "/api/supplies/sites/{site_id}/movements",
        "/api/supplies/requests",
        "/api/persons/{person_id}/vaccinations",
        "/api/persons/{person_id}/vaccination-outreach",
        "/api/vaccination/outreach",
        "/api/key-populations",
        "/api/key-populations/overdue",
        "/api/key-institutions",
        "/api/institution-alerts",
        "/api/needs",
        "/api/needs/{need_id}/escalations",
        "/api/receiving-points",
        "/api/hotline",
        "/api/arrivals",
        "/api/signals",
        "/api/key-institutions/{institution_id}/members",
        "/api/warning-alerts",
        # enterprises and parks (measure 19; issue 21)
        "/api/parks",
        "/api/enterprises",
        "/api/enterprise-plans/{plan_id}/checks",
        "/api/enterprises/{enterprise_id}/return-checks",
        "/api/enterprises/{enterprise_id}/stop-orders",
        # ---- complaints (issue 21) ----
        "/api/complaints",
        "/api/complaints/{complaint_id}/escalations",
        "/api/public/cases",
        # campuses (issue 21)
        "/api/campuses",
        "/api/campuses/{campus_id}/closures",
        "/api/campus-responses",
        "/api/campus-tasks",
        "/api/simulations",  # saved policy comparisons (issue 22)
    }


def test_people_page_through_without_gaps_or_repeats(api: Api, people: list[dict[str, Any]]) -> None:
    for limit in (1, 3, 7, 50):
        seen, total = all_pages(api, "epi", "/api/persons", limit)
        assert total == 9
        assert [p["id"] for p in seen] == sorted(p["id"] for p in people)
    # a community worker's pages hold only their community
    seen, total = all_pages(api, "worker_b", "/api/persons", 1)
    assert total == 2 and {p["jurisdiction_code"] for p in seen} == {B}


def test_people_are_filtered_by_name_document_jurisdiction_and_management(
    api: Api, people: list[dict[str, Any]]
) -> None:
    assert [p["name"] for p in get(api, "epi", "/api/persons", name="Li")["items"]] == ["Li 0", "Li 1"]
    assert get(api, "epi", "/api/persons", jurisdiction_code=B)["total"] == 2
    target = people[3]
    found = get(api, "epi", "/api/persons", document_number=target["document_number"].lower())
    assert [p["id"] for p in found["items"]] == [target["id"]]
    # only roles that see identifiers may search by them (a masked role could otherwise probe for numbers)
    probe = api.client.get(
        "/api/persons", params={"document_number": target["document_number"]}, headers=api.as_("viewer")
    )
    assert probe.status_code == 403

    place(api, people[0]["id"])
    place(api, people[1]["id"], "entry_personnel", anchor_date="2022-11-13")
    assert {p["id"] for p in get(api, "epi", "/api/persons", under_management=True)["items"]} == {
        people[0]["id"],
        people[1]["id"],
    }
    assert get(api, "epi", "/api/persons", under_management=False)["total"] == 7
    assert [p["id"] for p in get(api, "epi", "/api/persons", category="close_contact")["items"]] == [people[0]["id"]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"offset": -1}, "offset"),
        ({"category": "friend_of_a_friend"}, "category"),
        ({"under_management": "perhaps"}, "under_management"),
    ],
)
def test_bad_person_list_parameters_name_the_field(api: Api, params: dict[str, Any], field: str) -> None:
    r = api.client.get("/api/persons", params=params, headers=api.as_("epi"))
    assert r.status_code == 422, r.text
    assert error(r)["field"] == field


def test_a_jurisdiction_filter_outside_the_scope_is_not_found(api: Api, people: list[dict[str, Any]]) -> None:
    for url in ("/api/persons", "/api/orders", "/api/sites", "/api/worklists"):
        r = api.client.get(url, params={"jurisdiction_code": B}, headers=api.as_("worker_a"))
        assert r.status_code == 404, (url, r.text)


def test_each_person_on_a_page_gets_a_listed_entry(api: Api, people: list[dict[str, Any]]) -> None:
    page = get(api, "viewer", "/api/persons", limit=2, reason="morning check")
    shown = {p["id"] for p in page["items"]}
    assert all(p["masked"] for p in page["items"])
    for person in people:
        trail = get(api, "supervisor", f"/api/persons/{person['id']}/audit", action="listed")["items"]
        if person["id"] in shown:
            assert [(e["actor"], e["reason"], e["detail"]["unmasked"]) for e in trail] == [
                ("viewer", "morning check", False)
            ]
        else:
            assert trail == []
    get(api, "epi", "/api/persons", name="Wang 6")
    trail = get(api, "supervisor", f"/api/persons/{people[6]['id']}/audit", action="listed")["items"]
    assert [(e["actor"], e["detail"]) for e in trail] == [("epi", {"filters": {"name": "Wang 6"}, "unmasked": True})]


def test_a_document_search_is_logged_without_the_number(api: Api, people: list[dict[str, Any]]) -> None:
    number = people[2]["document_number"]
    get(api, "epi", "/api/persons", document_number=number)
    trail = get(api, "supervisor", f"/api/persons/{people[2]['id']}/audit", action="listed")["items"]
    logged = trail[0]["detail"]["filters"]["document_number"]
    assert logged != number and logged[:6] == number[:6] and logged[-4:] == number[-4:]


def test_orders_are_filtered_and_each_read_is_audited(api: Api, clock: Clock, people: list[dict[str, Any]]) -> None:
    contact = place(api, people[0]["id"])  # 5 + 3 from the 14th: released on the 22nd
    entrant = place(api, people[1]["id"], "entry_personnel", anchor_date="2022-11-13")
    other = place(api, people[7]["id"])  # community B
    cancelled = api.client.post(
        f"/api/orders/{other['id']}/cancel",
        json={"row_version": 1, "on": "2022-11-14", "reason": "wrong person"},
        headers=api.as_("epi"),
    )
    assert cancelled.status_code == 200, cancelled.text

    def ids(who: str = "epi", **params: Any) -> list[int]:
        return [o["id"] for o in get(api, who, "/api/orders", **params)["items"]]

    assert ids() == [other["id"], entrant["id"], contact["id"]]  # newest first
    assert ids(status="active") == [entrant["id"], contact["id"]]
    assert ids(status="cancelled") == [other["id"]]
    assert ids(category="entry_personnel") == [entrant["id"]]
    assert ids(person_id=people[0]["id"]) == [contact["id"]]
    assert ids(policy_version="m20") == [other["id"], entrant["id"], contact["id"]]
    assert ids(policy_version="v9") == []
    assert contact["released_on"] == entrant["released_on"] == "2022-11-22"  # both 5 + 3 from the 14th
    assert ids(under_management_on="2022-11-13") == []
    assert ids(under_management_on="2022-11-21") == [entrant["id"], contact["id"]]
    assert ids(under_management_on="2022-11-22") == []
    assert ids(releases_on="2022-11-22") == [other["id"], entrant["id"], contact["id"]]
    assert ids(status="active", releases_on="2022-11-22") == [entrant["id"], contact["id"]]
    assert ids("worker_b") == [other["id"]]
    assert ids("worker_a") == [entrant["id"], contact["id"]]
    assert ids("epi", jurisdiction_code=B) == [other["id"]]
    for params, field in [({"status": "paused"}, "status"), ({"policy_version": "v99"}, "policy_version")]:
        r = api.client.get("/api/orders", params=params, headers=api.as_("epi"))
        assert r.status_code == 422 and error(r)["field"] == field

    assert api.client.get(f"/api/orders/{contact['id']}", params={"reason": "call"}, headers=api.as_("worker_a"))
    trail = get(api, "supervisor", f"/api/persons/{people[0]['id']}/audit")["items"]
    assert ("worker_a", "read", "call", {"order": contact["id"]}) in [
        (e["actor"], e["action"], e["reason"], e["detail"]) for e in trail
    ]
    assert ("worker_a", "listed") in [(e["actor"], e["action"]) for e in trail]


def test_order_events_page(api: Api, people: list[dict[str, Any]]) -> None:
    order = place(api, people[0]["id"])
    switched = api.client.post(
        f"/api/orders/{order['id']}/centralize",
        json={"row_version": 1, "on": "2022-11-19", "reason": "no room", "failed_checks": ["separate room"]},
        headers=api.as_("epi"),
    )
    assert switched.status_code == 200, switched.text
    released = api.client.post(
        f"/api/orders/{order['id']}/cancel",
        json={"row_version": 2, "on": "2022-11-14", "reason": "disproved"},
        headers=api.as_("epi"),
    )
    assert released.status_code == 200, released.text
    seen, total = all_pages(api, "epi", f"/api/orders/{order['id']}/events", 2)
    assert total == 3 and [e["kind"] for e in seen] == ["placed", "switched_to_centralized", "cancelled"]


def test_audit_trail_pages(api: Api, people: list[dict[str, Any]]) -> None:
    pid = people[0]["id"]
    for _ in range(4):
        assert api.client.get(f"/api/persons/{pid}", headers=api.as_("worker_a")).status_code == 200
    seen, total = all_pages(api, "supervisor", f"/api/persons/{pid}/audit", 2)
    assert total == 5 and [e["action"] for e in seen] == ["create", "read", "read", "read", "read"]
    assert get(api, "supervisor", f"/api/persons/{pid}/audit", action="read")["total"] == 4


def test_sites_page_and_filter(api: Api) -> None:
    for name, code in [("Hotel C", "110105"), ("Hotel A", "110105"), ("Dorm B", "110105001"), ("Far", "110106")]:
        r = api.client.post(
            "/api/sites",
            json={"name": name, "address": "x", "jurisdiction_code": code, "rooms": ["1", "2"]},
            headers=api.as_("cc"),
        )
        assert r.status_code == 201, r.text
    seen, total = all_pages(api, "epi", "/api/sites", 2)
    assert total == 3 and [s["name"] for s in seen] == ["Dorm B", "Hotel A", "Hotel C"]
    assert [s["name"] for s in get(api, "epi", "/api/sites", name="Hotel")["items"]] == ["Hotel A", "Hotel C"]
    assert [s["name"] for s in get(api, "epi", "/api/sites", jurisdiction_code="110105001")["items"]] == ["Dorm B"]
    assert get(api, "cc", "/api/sites")["total"] == 4


def test_work_lists_filter_by_place_and_category_and_page_each_section(
    api: Api, clock: Clock, people: list[dict[str, Any]]
) -> None:
    # six close contacts from the 14th (centralized test days 1, 2, 3, 5) and one entrant from the 14th
    contacts = [place(api, p["id"]) for p in people[:6]]
    entrant = place(api, people[6]["id"], "entry_personnel", anchor_date="2022-11-13")
    day = get(api, "worker_a", "/api/worklists", on="2022-11-14")
    assert day["totals"]["tests_due"] == 7 and len(day["tests_due"]) == 7
    only = get(api, "worker_a", "/api/worklists", on="2022-11-14", category="entry_personnel")
    assert [t["order_id"] for t in only["tests_due"]] == [entrant["id"]]
    assert get(api, "worker_a", "/api/worklists", on="2022-11-14", where="home_visit")["tests_due"] == []

    pages = [get(api, "worker_a", "/api/worklists", on="2022-11-14", offset=o, limit=3) for o in (0, 3, 6)]
    assert [len(p["tests_due"]) for p in pages] == [3, 3, 1]
    assert all(p["totals"]["tests_due"] == 7 for p in pages)
    assert sorted(t["order_id"] for p in pages for t in p["tests_due"]) == sorted(
        [o["id"] for o in contacts] + [entrant["id"]]
    )
    bad: list[tuple[dict[str, Any], str]] = [({"where": "hospital"}, "where"), ({"category": "x"}, "category")]
    for params, field in [*bad, ({"limit": 0}, "limit")]:
        r = api.client.get("/api/worklists", params=params, headers=api.as_("worker_a"))
        assert r.status_code == 422 and error(r)["field"] == field, r.text


def test_people_are_found_by_phone_and_sorted_on_the_server(api: Api, people: list[dict[str, Any]]) -> None:
    r = api.client.get("/api/persons", params={"phone": "138 0013 8000", "limit": 50}, headers=api.as_("epi"))
    assert r.status_code == 200 and r.json()["total"] == 9  # every registered person has that phone here
    r = api.client.get("/api/persons", params={"phone": "139"}, headers=api.as_("epi"))
    assert r.status_code == 422 and r.json()["error"]["field"] == "phone"
    by_name = api.client.get("/api/persons", params={"sort": "-name", "limit": 50}, headers=api.as_("epi")).json()
    shown = [p["name"] for p in by_name["items"]]
    assert shown == sorted(shown, reverse=True) and len(shown) == 9
    r = api.client.get("/api/persons", params={"sort": "phone"}, headers=api.as_("epi"))
    assert r.status_code == 422 and r.json()["error"]["field"] == "sort"


def test_work_lists_are_searched_and_sorted_on_the_server(api: Api, people: list[dict[str, Any]]) -> None:
    # issue 16: the day's lists take a name or address search and a sort, as the other lists do
    for p in people[:7]:
        place(api, p["id"])
    names = [
        t["person_name"] for t in get(api, "worker_a", "/api/worklists", on="2022-11-14", sort="name")["tests_due"]
    ]
    assert names == sorted(names) and len(names) == 7
    back = get(api, "worker_a", "/api/worklists", on="2022-11-14", sort="-name")["tests_due"]
    assert [t["person_name"] for t in back] == names[::-1]
    found = get(api, "worker_a", "/api/worklists", on="2022-11-14", q="wang 3")
    assert [t["person_name"] for t in found["tests_due"]] == ["Wang 3"] and found["totals"]["tests_due"] == 1
    first = get(api, "worker_a", "/api/worklists", on="2022-11-14", sort="-name", limit=2)
    assert [t["person_name"] for t in first["tests_due"]] == names[::-1][:2]
    r = api.client.get("/api/worklists", params={"sort": "phone"}, headers=api.as_("worker_a"))
    assert r.status_code == 422 and error(r)["field"] == "sort", r.text
