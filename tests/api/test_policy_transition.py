"""The 20 measures take effect on 11 Nov 2022 while close contacts are in the 9th edition's 7 + 3.

Under v9 a close contact has 7 days of centralized isolation (tests days 1, 2, 3, 5, 7) and 3 days of home
health monitoring (test day 3): released on day 11. Under m20 (1): 5 days centralized (tests 1, 2, 3, 5) +
3 days home isolation (tests 1, 3): released on day 9. The transition (interpretation register: transition)
recomputes the plan from the original day 1, keeps the days already served (with their tests) before 11 Nov,
takes the new plan from 11 Nov on, and releases on 11 Nov anyone the new plan would already have released.
(2) secondary close contacts are no longer managed: released on 11 Nov. (5) high-risk post employees go from
7 days home isolation (tests 1, 4, 7) to 5 days home health monitoring (tests 1, 3, 5).

Every expected plan below was worked out by hand from those texts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.api.helpers import Api, Clock, register, worklist

A, B = "110105001001", "110105001002"
CI, HI, HM = "centralized_isolation", "home_isolation", "home_health_monitoring"
Phase = tuple[str, str, str, list[int]]


def d(day: int, month: int = 11) -> date:
    return date(2022, month, day)


def summary(phases: list[Phase]) -> list[str]:
    return [f"{kind} 2022-11-{a}..2022-11-{b} tests {tests}" for kind, a, b, tests in phases]


def v9_close_contact(start: int) -> list[Phase]:
    return [(CI, f"{start:02}", f"{start + 6:02}", [1, 2, 3, 5, 7]), (HM, f"{start + 7:02}", f"{start + 9:02}", [3])]


# label: (category, anchor day in Nov (Oct 31 as 0), community, v9 phases, v9 release,
#         m20 phases, m20 release, next test before, next test after)
CASES: dict[str, tuple[str, int, str, list[Phase], int, list[Phase], int, int | None, int | None]] = {
    # new plan would have ended on the 10th: released on the 11th; the 3rd monitoring day (test) not reached
    "day 10 on the 11th": (
        "close_contact", 1, A, v9_close_contact(2), 12,
        [(CI, "02", "08", [1, 2, 3, 5, 7]), (HM, "09", "10", [])], 11, 11, None,
    ),
    # new plan ends on the 10th (released on the 11th): released on the 11th
    "day 9 on the 11th": (
        "close_contact", 2, A, v9_close_contact(3), 13,
        [(CI, "03", "09", [1, 2, 3, 5, 7]), (HM, "10", "10", [])], 11, 12, None,
    ),
    # 7 centralized days served; the 11th is day 8 = home isolation day 3, tested; released on the 12th
    "day 8 on the 11th": (
        "close_contact", 3, A, v9_close_contact(4), 14,
        [(CI, "04", "10", [1, 2, 3, 5, 7]), (HI, "11", "11", [1])], 12, 13, 11,
    ),
    # 6 centralized days served (tests 1, 2, 3, 5); the 11th is home day 2, the 12th home day 3 (tested)
    "day 7 on the 11th": (
        "close_contact", 4, A, v9_close_contact(5), 15,
        [(CI, "05", "10", [1, 2, 3, 5]), (HI, "11", "12", [2])], 13, 11, 12,
    ),
    # exactly 5 centralized days served: home isolation from the 11th, tests on its days 1 and 3
    "day 6 on the 11th": (
        "close_contact", 5, A, v9_close_contact(6), 16,
        [(CI, "06", "10", [1, 2, 3, 5]), (HI, "11", "13", [1, 3])], 14, 12, 11,
    ),
    # 3 days served: centralized to day 5 (the 12th), then home isolation; the next test stays the 12th
    "day 4 on the 11th": (
        "close_contact", 7, B, v9_close_contact(8), 18,
        [(CI, "08", "12", [1, 2, 3, 5]), (HI, "13", "15", [1, 3])], 16, 12, 12,
    ),
    "day 2 on the 11th": (
        "close_contact", 9, A, v9_close_contact(10), 20,
        [(CI, "10", "14", [1, 2, 3, 5]), (HI, "15", "17", [1, 3])], 18, 11, 11,
    ),
    # day 1 is the 11th itself: the whole m20 plan
    "day 1 on the 11th": (
        "close_contact", 10, A, v9_close_contact(11), 21,
        [(CI, "11", "15", [1, 2, 3, 5]), (HI, "16", "18", [1, 3])], 19, 11, 11,
    ),
    # (2): no longer managed; released on the 11th, the day served kept
    "secondary close contact": (
        "secondary_close_contact", 9, A, [(HI, "10", "16", [1, 4, 7])], 17,
        [(HI, "10", "10", [1])], 11, 13, None,
    ),
    # (5): 3 days of home isolation served (test day 1); monitoring days 4 and 5 from the 11th, test on day 5
    "high-risk post employee": (
        "high_risk_post_worker", 7, A, [(HI, "08", "14", [1, 4, 7])], 15,
        [(HI, "08", "10", [1]), (HM, "11", "12", [2])], 13, 11, 12,
    ),
}  # fmt: skip


def place_v9(api: Api, clock: Clock) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """On 10 Nov: every case above, plus one whose plan ends on the 11th anyway (not in flight)."""
    assert clock.today == d(10)
    orders: dict[str, dict[str, Any]] = {}
    for i, (label, (category, anchor, where, v9, v9_release, *_)) in enumerate(CASES.items()):
        person = register(api, "epi", name=label, community=where, seq=f"{101 + 2 * i:03}")
        anchor_on = d(anchor) if anchor else d(31, 10)
        r = api.client.post(
            "/api/orders",
            json={"person_id": person["id"], "category": category, "anchor_date": anchor_on.isoformat()},
            headers=api.as_("epi"),
        )
        assert r.status_code == 201, (label, r.text)
        order = r.json()
        assert order["policy_version"] == "v9", label
        assert [(p["kind"], p["start"], p["end"], p["test_days"]) for p in order["plan"]["phases"]] == [
            (kind, f"2022-11-{a}", f"2022-11-{b}", tests) for kind, a, b, tests in v9
        ], label
        assert order["released_on"] == d(v9_release).isoformat(), label
        orders[label] = order
    person = register(api, "epi", name="ends on the 11th", community=A, seq="199")
    done = api.client.post(
        "/api/orders",
        json={"person_id": person["id"], "category": "close_contact", "anchor_date": "2022-10-31"},
        headers=api.as_("epi"),
    )
    assert done.status_code == 201 and done.json()["released_on"] == "2022-11-11", done.text
    return orders, dict(done.json())


def expected_changes(orders: dict[str, dict[str, Any]]) -> dict[int, dict[str, Any]]:
    out = {}
    for label, (category, _, _, v9, v9_release, m20, m20_release, before, after) in CASES.items():
        order = orders[label]
        out[order["id"]] = {
            "order_id": order["id"],
            "person_id": order["person_id"],
            "category": category,
            "from_version": "v9",
            "to_version": "m20",
            "released_on_before": d(v9_release).isoformat(),
            "released_on_after": d(m20_release).isoformat(),
            "released_early": True,
            "phases_before": summary(v9),
            "phases_after": summary(m20),
            "next_test_before": d(before).isoformat() if before else None,
            "next_test_after": d(after).isoformat() if after else None,
        }
    return out


def preview(api: Api, who: str, effective_on: str) -> Any:
    return api.client.get(
        "/api/policy-transitions/preview", params={"effective_on": effective_on}, headers=api.as_(who)
    )


def test_people_in_7_plus_3_move_to_5_plus_3_on_11_november(api: Api, clock: Clock) -> None:
    clock.today = d(10)
    orders, ends_anyway = place_v9(api, clock)
    expected = expected_changes(orders)
    a_stale_copy = api.client.get(f"/api/orders/{orders['day 2 on the 11th']['id']}", headers=api.as_("worker_a"))

    # the evening before: the command centre previews who changes and how
    r = preview(api, "cc", "2022-11-11")
    assert r.status_code == 200, r.text
    seen = r.json()
    assert (seen["effective_on"], seen["to_version"], seen["orders_checked"]) == ("2022-11-11", "m20", len(CASES))
    assert {c["order_id"]: c for c in seen["changes"]} == expected
    assert ends_anyway["id"] not in {c["order_id"] for c in seen["changes"]}
    # the three kinds of change the command centre is shown
    assert {c["order_id"] for c in seen["changes"] if c["released_on_after"] == "2022-11-11"} == {
        orders[k]["id"] for k in ("day 10 on the 11th", "day 9 on the 11th", "secondary close contact")
    }
    moved = {c["order_id"] for c in seen["changes"] if c["next_test_before"] != c["next_test_after"]}
    assert moved == {
        orders[k]["id"]
        for k in (
            "day 10 on the 11th",
            "day 9 on the 11th",
            "day 8 on the 11th",
            "day 7 on the 11th",
            "day 6 on the 11th",
            "secondary close contact",
            "high-risk post employee",
        )
    }
    # a preview changes nothing
    for order in orders.values():
        now = api.client.get(f"/api/orders/{order['id']}", headers=api.as_("epi")).json()
        assert (now["policy_version"], now["row_version"], now["plan"]) == ("v9", 1, order["plan"])

    # 11 Nov: an order placed today is already under m20 and is left alone
    clock.today = d(11)
    newcomer = register(api, "epi", name="placed under m20", community=A, seq="197")
    fresh = api.client.post(
        "/api/orders",
        json={"person_id": newcomer["id"], "category": "close_contact", "anchor_date": "2022-11-10"},
        headers=api.as_("epi"),
    ).json()
    assert (fresh["policy_version"], fresh["start"], fresh["released_on"]) == ("m20", "2022-11-11", "2022-11-19")

    applied = api.client.post(
        "/api/policy-transitions",
        json={"effective_on": "2022-11-11", "reason": "the 20 measures are in force"},
        headers=api.as_("cc"),
    )
    assert applied.status_code == 200, applied.text
    assert applied.json()["orders_checked"] == len(CASES) + 1
    assert {c["order_id"]: c for c in applied.json()["changes"]} == expected

    for label, order in orders.items():
        now = api.client.get(f"/api/orders/{order['id']}", headers=api.as_("epi")).json()
        change = expected[order["id"]]
        assert (now["policy_version"], now["policy_date"], now["status"]) == ("m20", "2022-11-11", "active"), label
        assert now["released_on"] == change["released_on_after"], label
        assert now["start"] == order["start"] and now["row_version"] == 2, label
        got = [(p["kind"], p["start"], p["end"], p["test_days"]) for p in now["plan"]["phases"]]
        assert summary([(k, s[-2:], e[-2:], t) for k, s, e, t in got]) == change["phases_after"], label
        events = api.client.get(f"/api/orders/{order['id']}/events", headers=api.as_("epi")).json()["items"]
        assert [e["kind"] for e in events] == ["placed", "policy_transition"], label
        assert events[1]["actor"] == "cc" and events[1]["detail"]["reason"] == "the 20 measures are in force"
        assert events[1]["detail"]["to_version"] == "m20"
    for untouched in (ends_anyway, fresh):
        now = api.client.get(f"/api/orders/{untouched['id']}", headers=api.as_("epi")).json()
        assert (now["policy_version"], now["row_version"], now["plan"]) == (
            untouched["policy_version"],
            1,
            untouched["plan"],
        )

    # 11 Nov's work list follows the new plans
    wl = worklist(api, "epi", d(11))
    ids = {label: o["id"] for label, o in orders.items()}
    assert {r["order_id"] for r in wl["releases"]} == {
        ids["day 10 on the 11th"],
        ids["day 9 on the 11th"],
        ids["secondary close contact"],
        ends_anyway["id"],
    }
    assert {(t["order_id"], t["where"], t["phase_day"]) for t in wl["tests_due"]} == {
        (ids["day 8 on the 11th"], "home_visit", 1),
        (ids["day 6 on the 11th"], "home_visit", 1),
        (ids["day 2 on the 11th"], "centralized_site", 2),
        (ids["day 1 on the 11th"], "centralized_site", 1),
        (fresh["id"], "centralized_site", 1),
    }
    assert {(c["order_id"], c["detail"]) for c in wl["phase_changes"]} == {
        (ids["day 8 on the 11th"], f"{CI} → {HI} until 2022-11-11"),
        (ids["day 7 on the 11th"], f"{CI} → {HI} until 2022-11-12"),
        (ids["day 6 on the 11th"], f"{CI} → {HI} until 2022-11-13"),
        (ids["high-risk post employee"], f"{HI} → {HM} until 2022-11-12"),
    }

    # what staff read before the transition is stale now
    stale = api.client.post(
        f"/api/orders/{ids['day 2 on the 11th']}/cancel",
        json={"row_version": a_stale_copy.json()["row_version"], "on": "2022-11-11", "reason": "stale copy"},
        headers=api.as_("worker_a"),
    )
    assert stale.status_code == 409 and stale.json()["error"]["field"] == "row_version"
    released = api.client.post(
        f"/api/orders/{ids['day 10 on the 11th']}/release",
        json={"row_version": 2, "on": "2022-11-11", "reason": "released under the 20 measures"},
        headers=api.as_("worker_a"),
    )
    assert released.status_code == 200, released.text

    # applying again changes nothing: only the plans still running after the 11th are checked
    again = api.client.post(
        "/api/policy-transitions", json={"effective_on": "2022-11-11", "reason": "once more"}, headers=api.as_("cc")
    )
    assert again.status_code == 200
    assert again.json()["changes"] == []
    assert again.json()["orders_checked"] == 8  # day 8, 7, 6, 4, 2, 1, the employee and the newcomer


def test_a_transition_is_previewed_only_from_a_version_s_first_day(api: Api, clock: Clock) -> None:
    clock.today = d(10)
    orders, _ = place_v9(api, clock)
    for effective_on in ("2022-11-12", "2022-11-10", "2022-11-21", "2022-12-06"):  # 21 Nov: a supplement
        r = preview(api, "cc", effective_on)
        assert r.status_code == 422, (effective_on, r.text)
        assert r.json()["error"]["field"] == "effective_on"
        r = api.client.post(
            "/api/policy-transitions", json={"effective_on": effective_on, "reason": "wrong day"}, headers=api.as_("cc")
        )
        assert r.status_code == 422 and r.json()["error"]["field"] == "effective_on", (effective_on, r.text)
    assert preview(api, "cc", "not-a-date").json()["error"]["field"] == "effective_on"
    short = api.client.post(
        "/api/policy-transitions", json={"effective_on": "2022-11-11", "reason": "x"}, headers=api.as_("cc")
    )
    assert short.status_code == 422 and short.json()["error"]["field"] == "reason"
    new10 = preview(api, "cc", "2022-12-07")
    assert new10.status_code == 200 and new10.json()["to_version"] == "n10"
    for order in orders.values():
        now = api.client.get(f"/api/orders/{order['id']}", headers=api.as_("epi")).json()
        assert (now["policy_version"], now["row_version"]) == ("v9", 1)


def test_only_the_command_centre_previews_or_applies_a_transition(api: Api, clock: Clock) -> None:
    clock.today = d(10)
    orders, _ = place_v9(api, clock)
    for who in ("worker_a", "epi", "supervisor", "viewer"):
        assert preview(api, who, "2022-11-11").status_code == 403, who
        r = api.client.post(
            "/api/policy-transitions", json={"effective_on": "2022-11-11", "reason": "not mine"}, headers=api.as_(who)
        )
        assert r.status_code == 403, who
    for order in orders.values():
        assert api.client.get(f"/api/orders/{order['id']}", headers=api.as_("epi")).json()["policy_version"] == "v9"


def test_an_order_placed_under_v9_to_start_later_is_transitioned_too(api: Api, clock: Clock) -> None:
    """Placed on 10 Nov under v9 with day 1 on the 12th: none of it is served before the 20 measures, so from
    the 11th its plan is m20's 5 + 3 from the 12th (released on the 20th), not v9's 7 + 3 (the 22nd)."""
    clock.today = d(10)
    person = register(api, "epi", name="starts later", community=A)
    r = api.client.post(
        "/api/orders",
        json={"person_id": person["id"], "category": "close_contact", "start": "2022-11-12"},
        headers=api.as_("epi"),
    )
    assert r.status_code == 201, r.text
    assert (r.json()["policy_version"], r.json()["released_on"]) == ("v9", "2022-11-22")
    seen = preview(api, "cc", "2022-11-11").json()
    assert [(c["order_id"], c["released_on_after"], c["phases_after"]) for c in seen["changes"]] == [
        (r.json()["id"], "2022-11-20", summary([(CI, "12", "16", [1, 2, 3, 5]), (HI, "17", "19", [1, 3])]))
    ]
