"""The over-reach guard through the API (measure 16, with 6, 10, 18, 19 and 20), on SQLite and PostgreSQL.

A province's overlay is compared value by value with the national rule in force on its effective date; local
actions (a longer quarantine, a re-quarantine, a wider area, a closed school, a stopped enterprise, area-wide
testing, refused returnees) are judged; every finding that is not simply "allowed" or "the same" is recorded,
and so is every refusal of the rules met anywhere in the API, in its own transaction (the refused action itself
changes nothing). Supervisors read the findings of their subtree and the grouped report.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, cast

import pytest
from fastapi import FastAPI
from httpx2 import Response

from fangkong.services.store import unit_of_work
from fangkong.services.users.service import create_user
from tests.api.helpers import Api, resident_id
from tests.stores import PASSWORD

ELSEWHERE = "an infection reported by another city"  # the basis of an area with no infection recorded here

A, B, C = "110105001001", "110105001002", "110106001001"

OVERLAY = """\
overlay:
  jurisdiction: "11"
  name: Beijing local rules
  effective: 2022-11-20
parameters:
  management.close_contact.phases:
    value:
      - {kind: centralized_isolation, days: 7}
      - {kind: home_isolation, days: 3}
    reason: seven days are safer
  risk_area.high.clean_days_to_downgrade:
    value: 3
  timeliness.report_within_hours:
    value: 1
  tracing.look_back_days:
    value: 4
  management.secondary_close_contact.determined:
    value: true
"""


def add_user(api: Api, username: str, role: str, jurisdiction_code: str) -> None:
    app = cast(FastAPI, api.client.app)
    with unit_of_work(app.state.sessions) as session:
        create_user(session, None, username=username, password=PASSWORD, role=role, jurisdiction_code=jurisdiction_code)


def check_overlay(api: Api, who: str, text: str) -> Response:
    return api.client.post(
        "/api/overlays/check",
        content=text.encode(),
        headers={**api.as_(who), "content-type": "application/yaml"},
    )


def findings(api: Api, who: str = "supervisor", **params: Any) -> dict[str, Any]:
    r = api.client.get("/api/overreach/findings", params=params, headers=api.as_(who))
    assert r.status_code == 200, r.text
    return dict(r.json())


def action(api: Api, body: dict[str, Any], who: str = "epi", status: int = 200) -> dict[str, Any]:
    r = api.client.post("/api/local-actions/check", json={"jurisdiction_code": A, **body}, headers=api.as_(who))
    assert r.status_code == status, r.text
    return dict(r.json())


def clauses(decision: dict[str, Any]) -> list[str]:
    return [r["clause"] for r in decision["reasons"]]


def person(api: Api, name: str, seq: str) -> dict[str, Any]:
    body = {
        "name": name,
        "document_type": "resident_id",
        "document_number": resident_id("110105", "19850101", seq),
        "address": "Jianwai road 9",
        "building": "9",
        "unit": "1",
        "jurisdiction_code": A,
    }
    r = api.client.post("/api/persons", json=body, headers=api.as_("epi"))
    assert r.status_code == 201, r.text
    return dict(r.json())


# ---- overlays -------------------------------------------------------------------------------------------


def test_an_overlay_is_compared_value_by_value_and_its_findings_recorded(api: Api) -> None:
    r = check_overlay(api, "cc", OVERLAY)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["overlay"] == {"jurisdiction": "11", "name": "Beijing local rules", "effective": "2022-11-20"}
    assert (report["over_reach"], report["below_national"], report["not_comparable"], report["same"]) == (2, 1, 1, 1)
    verdicts = {f["path"]: f["verdict"] for f in report["findings"]}
    assert verdicts == {
        "management.close_contact.phases": "over_reach",
        "risk_area.high.clean_days_to_downgrade": "below_national",
        "timeliness.report_within_hours": "not_comparable",
        "tracing.look_back_days": "same",
        "management.secondary_close_contact.determined": "over_reach",
    }
    phases = next(f for f in report["findings"] if f["path"] == "management.close_contact.phases")
    assert [r["clause"] for r in phases["reasons"]][:2] == ["m20.16", "m20.1"]
    assert phases["policy"] == "m20" and phases["policy_date"] == "2022-11-20"

    # the supervisor of the province sees every finding but "the same"
    page = findings(api)
    assert page["total"] == 4
    assert Counter(f["verdict"] for f in page["items"]) == {"over_reach": 2, "below_national": 1, "not_comparable": 1}
    assert all(f["verdict"] != "same" for f in page["items"])
    for f in page["items"]:
        assert (f["kind"], f["jurisdiction_code"], f["on"], f["actor"]) == ("overlay", "11", "2022-11-20", "cc")
        assert f["subject"].startswith("Beijing local rules: ")
        assert f["detail"] == {"overlay": "Beijing local rules"}
        assert f["clause"] == f["reasons"][0]["clause"]
    over = findings(api, verdict="over_reach")
    assert over["total"] == 2 and {f["clause"] for f in over["items"]} == {"m20.16"}
    assert {f["subject"] for f in over["items"]} == {
        "Beijing local rules: management.close_contact.phases",
        "Beijing local rules: management.secondary_close_contact.determined",
    }
    assert findings(api, kind="local_action")["total"] == 0
    assert findings(api, since="2022-11-21")["total"] == 0
    assert findings(api, since="2022-11-20")["total"] == 4


def test_findings_are_paged_newest_first(api: Api) -> None:
    assert check_overlay(api, "cc", OVERLAY).status_code == 200
    everything = findings(api, limit=50)["items"]
    ids = [f["id"] for f in everything]
    assert ids == sorted(ids, reverse=True) and len(ids) == 4
    first, second, third = findings(api, limit=2), findings(api, limit=2, offset=2), findings(api, limit=2, offset=4)
    assert (first["total"], second["total"], third["total"]) == (4, 4, 4)
    assert (first["offset"], first["limit"], second["offset"]) == (0, 2, 2)
    assert [f["id"] for f in first["items"] + second["items"]] == ids
    assert third["items"] == []
    for bad in ({"limit": 0}, {"limit": 501}, {"offset": -1}):
        r = api.client.get("/api/overreach/findings", params=bad, headers=api.as_("supervisor"))
        assert r.status_code == 422, r.text


def test_findings_are_scoped_to_the_supervisors_subtree_and_closed_to_workers(api: Api) -> None:
    add_user(api, "supervisor_fengtai", "supervisor", "110106")
    add_user(api, "supervisor_a", "supervisor", A)
    assert check_overlay(api, "cc", OVERLAY).status_code == 200
    action(api, {"kind": "refuse_returnees"})  # filed under community A
    assert findings(api)["total"] == 5
    assert findings(api, "supervisor_fengtai") == {"items": [], "total": 0, "offset": 0, "limit": 50}
    mine = findings(api, "supervisor_a")
    assert mine["total"] == 1 and mine["items"][0]["jurisdiction_code"] == A  # not the province's overlay
    report = api.client.get("/api/overreach/report", headers=api.as_("supervisor_fengtai"))
    assert report.status_code == 200 and report.json()["lines"] == []
    for who in ("worker_a", "viewer"):
        for url in ("/api/overreach/findings", "/api/overreach/report"):
            r = api.client.get(url, headers=api.as_(who))
            assert r.status_code == 403, r.text
            assert "read audit" in r.json()["error"]["message"]
    assert api.client.get("/api/overreach/findings").status_code == 401


def test_a_bad_overlay_is_refused_naming_the_field_and_records_nothing(api: Api) -> None:
    cases = [
        (OVERLAY.replace("tracing.look_back_days:", "tracing.look_back_weeks:"), "parameters.tracing.look_back_weeks"),
        (
            OVERLAY.replace("value: 3\n", "value: three\n"),
            "parameters.risk_area.high.clean_days_to_downgrade",
        ),
        (OVERLAY.replace('jurisdiction: "11"', 'jurisdiction: "1"'), "overlay.jurisdiction"),
        (OVERLAY.replace("  effective: 2022-11-20\n", ""), "overlay.effective"),
        ("overlay: [\n", "file"),
    ]
    for text, field in cases:
        r = check_overlay(api, "cc", text)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["field"] == field, r.text
    r = api.client.post(
        "/api/overlays/check", content=b"\xff\xfe\x00bad", headers={**api.as_("cc"), "content-type": "application/yaml"}
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "file", r.text
    assert findings(api)["total"] == 0


def test_an_overlay_under_another_version_cites_its_guard(api: Api) -> None:
    v9 = OVERLAY.replace("effective: 2022-11-20", "effective: 2022-10-01")
    report = check_overlay(api, "cc", v9).json()
    verdicts = {f["path"]: f["verdict"] for f in report["findings"]}
    assert verdicts == {
        # v9: C 7 + HM 3; home isolation on days 8–10 is stricter than monitoring
        "management.close_contact.phases": "over_reach",
        "risk_area.high.clean_days_to_downgrade": "below_national",  # v9: 7
        "timeliness.report_within_hours": "not_comparable",
        "tracing.look_back_days": "same",
        "management.secondary_close_contact.determined": "same",  # v9 determined them
    }
    phases = next(f for f in report["findings"] if f["path"] == "management.close_contact.phases")
    assert [r["clause"] for r in phases["reasons"]] == ["v9-nine.general", "v9.close_contact"]
    assert "days 8–10: home isolation where the national rule has home health monitoring" in [
        r["text"] for r in phases["reasons"]
    ]
    recorded = findings(api, verdict="over_reach")["items"]
    assert [(f["clause"], f["on"]) for f in recorded] == [("v9-nine.general", "2022-10-01")]


def test_an_overlay_of_a_jurisdiction_outside_the_actors_subtree_is_not_found(api: Api) -> None:
    # another county: not found (its existence is not revealed); a code that is no jurisdiction: bad input
    for text, status in (
        (OVERLAY.replace('jurisdiction: "11"', 'jurisdiction: "110106"'), 404),
        (OVERLAY.replace('"11"', '"99"'), 422),
    ):
        r = check_overlay(api, "epi", text)  # the epidemiologist of 110105
        assert r.status_code == status, r.text
    assert findings(api, "cc")["total"] == 0


# ---- local actions --------------------------------------------------------------------------------------

C_, H_ = "centralized_isolation", "home_isolation"

ACTIONS: list[tuple[str, dict[str, Any], str, tuple[str, ...]]] = [
    # (id, action, verdict, clauses cited, in order)
    (
        "quarantine-7-plus-3",
        {
            "kind": "quarantine_plan",
            "category": "close_contact",
            "phases": [{"kind": C_, "days": 7}, {"kind": H_, "days": 3}],
        },
        "over_reach",
        ("m20.16", "m20.1"),
    ),
    (
        "quarantine-5-plus-4",
        {
            "kind": "quarantine_plan",
            "category": "close_contact",
            "phases": [{"kind": C_, "days": 5}, {"kind": H_, "days": 4}],
        },
        "over_reach",
        ("m20.16", "m20.1"),
    ),
    (
        "quarantine-5-plus-3",
        {
            "kind": "quarantine_plan",
            "category": "close_contact",
            "phases": [{"kind": C_, "days": 5}, {"kind": H_, "days": 3}],
        },
        "allowed",
        ("m20.1",),
    ),
    (
        "quarantine-3",
        {"kind": "quarantine_plan", "category": "close_contact", "phases": [{"kind": C_, "days": 3}]},
        "warning",
        ("m20.1",),
    ),
    (
        "quarantine-secondary-contacts",
        {"kind": "quarantine_plan", "category": "secondary_close_contact", "phases": [{"kind": H_, "days": 7}]},
        "over_reach",
        ("m20.16", "m20.2"),
    ),
    ("requarantine-entrant", {"kind": "requarantine_entrant"}, "over_reach", ("m20.16", "m20.10")),
    ("widen-to-community", {"kind": "widen_area", "area_code": A}, "over_reach", ("m20.16", "m20.s3")),
    (
        "widen-with-a-wrong-justification",
        {"kind": "widen_area", "area_code": A, "justification": "better safe than sorry"},
        "over_reach",
        ("m20.16", "m20.s3"),
    ),
    (
        "widen-justified",
        {"kind": "widen_area", "area_code": A, "justification": "widespread_community_transmission"},
        "allowed",
        ("m20.4", "m20.s3"),
    ),
    ("close-school-outside", {"kind": "close_school"}, "over_reach", ("m20.16", "m20.18")),
    ("close-school-inside", {"kind": "close_school", "in_high_risk_area": True}, "allowed", ("m20.18",)),
    ("stop-white-listed", {"kind": "stop_enterprise", "white_listed": True}, "over_reach", ("m20.16", "m20.19")),
    (
        "stop-white-listed-in-high-risk-area",
        {"kind": "stop_enterprise", "white_listed": True, "in_high_risk_area": True},
        "over_reach",
        ("m20.16", "m20.19"),
    ),
    ("stop-enterprise", {"kind": "stop_enterprise"}, "warning", ("m20.19",)),
    ("stop-enterprise-inside", {"kind": "stop_enterprise", "in_high_risk_area": True}, "allowed", ("m20.19",)),
    (
        "test-everyone-without-outbreak",
        {"kind": "area_wide_testing", "scope": "all_residents"},
        "over_reach",
        ("m20.6",),
    ),
    (
        "test-everyone-with-one-condition",
        {"kind": "area_wide_testing", "scope": "all_residents", "conditions": ["source_unclear"]},
        "over_reach",
        ("m20.6",),
    ),
    (
        "test-everyone-with-all-conditions",
        {
            "kind": "area_wide_testing",
            "scope": "all_residents",
            "outbreak": True,
            "conditions": ["source_unclear", "chain_unclear", "long_community_transmission"],
        },
        "allowed",
        ("m20.6",),
    ),
    # measure 6 (register campaign-branches): the conditions cannot arise without an outbreak, and an outbreak
    # whose chain is clear gets no area-wide testing
    (
        "test-everyone-conditions-without-outbreak",
        {
            "kind": "area_wide_testing",
            "scope": "all_residents",
            "conditions": ["source_unclear", "chain_unclear", "long_community_transmission"],
        },
        "over_reach",
        ("m20.6",),
    ),
    (
        "test-everyone-in-an-outbreak-chain-clear",
        {"kind": "area_wide_testing", "scope": "all_residents", "outbreak": True},
        "over_reach",
        ("m20.6",),
    ),
    (
        "test-twice-a-day",
        {"kind": "area_wide_testing", "scope": "risk_posts_and_key_persons", "tests_per_day": 2},
        "over_reach",
        ("m20.6",),
    ),
    ("test-risk-posts", {"kind": "area_wide_testing", "scope": "risk_posts_and_key_persons"}, "allowed", ("m20.6",)),
    ("refuse-returnees", {"kind": "refuse_returnees"}, "over_reach", ("m20.16", "m20.20")),
]


@pytest.mark.parametrize(("body", "verdict", "cites"), [a[1:] for a in ACTIONS], ids=[a[0] for a in ACTIONS])
def test_a_local_action_is_judged_and_recorded_unless_allowed(
    api: Api, body: dict[str, Any], verdict: str, cites: tuple[str, ...]
) -> None:
    decision = action(api, {**body, "description": "proposed by the street"})
    assert decision["verdict"] == verdict, decision
    assert decision["allowed"] is (verdict == "allowed")
    assert tuple(dict.fromkeys(clauses(decision))) == cites, decision
    recorded = findings(api)
    if verdict == "allowed":
        assert decision["finding_id"] is None
        assert recorded["total"] == 0
        return
    assert isinstance(decision["finding_id"], int)
    assert recorded["total"] == 1
    finding = recorded["items"][0]
    assert finding["id"] == decision["finding_id"]
    assert (finding["kind"], finding["verdict"], finding["jurisdiction_code"]) == ("local_action", verdict, A)
    assert (finding["on"], finding["actor"]) == ("2022-11-14", "epi")
    assert finding["clause"] == cites[0]
    assert finding["reasons"] == decision["reasons"]
    assert finding["subject"] == f"{body['kind']}: proposed by the street"
    assert finding["detail"]["kind"] == body["kind"]


def test_local_actions_take_the_rules_of_their_day(api: Api) -> None:
    # under the 9th edition a whole community is the national unit, and entrants' plans were restarted
    v9 = action(api, {"kind": "widen_area", "area_code": A, "on": "2022-10-01"})
    assert v9["verdict"] == "allowed", v9
    assert action(api, {"kind": "requarantine_entrant", "on": "2022-10-01"})["verdict"] == "allowed"
    # from the new 10 an area is widened only with a section-3 justification, not arbitrarily (不得随意扩大,
    # register n10-no-low-risk), and area-wide testing is never allowed
    n10 = action(
        api,
        {
            "kind": "widen_area",
            "area_code": A,
            "justification": "widespread_community_transmission",
            "on": "2022-12-10",
        },
    )
    assert n10["verdict"] == "allowed" and set(clauses(n10)) == {"n10.1"}, n10
    bare = action(api, {"kind": "widen_area", "area_code": A, "on": "2022-12-10"})
    assert bare["verdict"] == "over_reach" and clauses(bare)[0] == "m20.16", bare
    testing = action(api, {"kind": "area_wide_testing", "scope": "all_residents", "outbreak": True, "on": "2022-12-10"})
    assert testing["verdict"] == "over_reach" and clauses(testing) == ["n10.2"], testing
    recorded = findings(api)["items"]
    assert {f["on"] for f in recorded} == {"2022-12-10"}


def test_local_actions_outside_scope_or_malformed(api: Api) -> None:
    for code in (C, "110106", "11", "999999"):  # another county, above the epidemiologist, unknown
        r = api.client.post(
            "/api/local-actions/check",
            json={"kind": "refuse_returnees", "jurisdiction_code": code},
            headers=api.as_("epi"),
        )
        assert r.status_code == 404, (code, r.text)
    bad: list[tuple[dict[str, Any], str]] = [
        ({"kind": "quarantine_plan", "category": "close_contact"}, "category"),
        ({"kind": "quarantine_plan", "category": "cousins", "phases": [{"kind": H_, "days": 3}]}, "category"),
        ({"kind": "widen_area"}, "area_code"),
        ({"kind": "widen_area", "area_code": "110105001999"}, "area_code"),
        ({"kind": "area_wide_testing"}, "scope"),
        ({"kind": "area_wide_testing", "scope": "all_residents", "tests_per_day": 0}, "tests_per_day"),
        ({"kind": "close_all_shops"}, "kind"),
        ({"kind": "refuse_returnees", "colour": "red"}, "colour"),
    ]
    for body, field in bad:
        r = api.client.post("/api/local-actions/check", json={"jurisdiction_code": A, **body}, headers=api.as_("epi"))
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["field"] == field, (body, r.text)
    assert findings(api)["total"] == 0
    add_user(api, "lab", "lab", "110105")
    r = api.client.post(
        "/api/local-actions/check", json={"kind": "refuse_returnees", "jurisdiction_code": A}, headers=api.as_("lab")
    )
    assert r.status_code == 403, r.text


def test_widening_an_area_outside_the_actors_subtree_is_not_judged(api: Api) -> None:
    r = api.client.post(
        "/api/local-actions/check",
        json={"kind": "widen_area", "jurisdiction_code": A, "area_code": C},
        headers=api.as_("epi"),
    )
    assert r.status_code in (404, 422), r.text


# ---- refusals anywhere in the API -----------------------------------------------------------------------


def test_a_refused_delineation_is_recorded_as_a_finding_and_changes_nothing(api: Api) -> None:
    r = api.client.post(
        "/api/risk-areas", json={"area_code": A, "reason": "residence", "note": ELSEWHERE}, headers=api.as_("epi")
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["clause"] == "m20.s3"
    assert api.client.get("/api/risk-areas", headers=api.as_("epi")).json()["total"] == 0
    recorded = findings(api, kind="refusal")
    assert recorded["total"] == 1
    f = recorded["items"][0]
    assert (f["verdict"], f["clause"], f["actor"]) == ("refused", "m20.s3", "epi")
    assert (f["subject"], f["jurisdiction_code"], f["on"]) == ("POST /api/risk-areas", "110105", "2022-11-14")
    assert f["reasons"] == [{"clause": "m20.s3", "text": r.json()["error"]["message"]}]
    # the epidemiologist's refusal is in the county: Fengtai's supervisor does not see it
    add_user(api, "supervisor_fengtai", "supervisor", "110106")
    assert findings(api, "supervisor_fengtai")["total"] == 0


def test_a_second_entry_order_at_the_destination_is_refused_and_recorded(api: Api) -> None:
    traveller = person(api, "Traveller", "901")
    body = {"person_id": traveller["id"], "category": "entry_personnel", "anchor_date": "2022-11-13"}
    first = api.client.post("/api/orders", json=body, headers=api.as_("epi"))
    assert first.status_code == 201, first.text
    again = api.client.post("/api/orders", json=body, headers=api.as_("epi"))
    assert again.status_code == 422, again.text
    assert again.json()["error"]["clause"] == "m20.10"
    orders = api.client.get("/api/orders", params={"person_id": traveller["id"]}, headers=api.as_("epi")).json()
    assert [o["id"] for o in orders["items"]] == [first.json()["id"]]
    recorded = findings(api, kind="refusal")["items"]
    assert [(f["clause"], f["verdict"], f["subject"]) for f in recorded] == [("m20.10", "refused", "POST /api/orders")]


def test_a_refused_secondary_contact_order_is_recorded(api: Api) -> None:
    someone = person(api, "Contact of a contact", "902")
    body = {"person_id": someone["id"], "category": "secondary_close_contact", "anchor_date": "2022-11-13"}
    r = api.client.post("/api/orders", json=body, headers=api.as_("epi"))
    assert r.status_code == 422 and r.json()["error"]["clause"] == "m20.2", r.text
    assert [f["clause"] for f in findings(api, kind="refusal")["items"]] == ["m20.2"]


def test_a_refused_testing_campaign_is_recorded_under_the_proposers_jurisdiction(api: Api) -> None:
    body = {"area_code": A, "scope": "all_residents", "tests_per_day": 2, "start_on": "2022-11-15"}
    r = api.client.post("/api/campaigns", json=body, headers=api.as_("cc"))
    assert r.status_code == 422 and r.json()["error"]["clause"] == "m20.6", r.text
    recorded = findings(api, kind="refusal")["items"]
    assert [(f["jurisdiction_code"], f["actor"], f["clause"], f["subject"]) for f in recorded] == [
        ("11", "cc", "m20.6", "POST /api/campaigns")
    ]
    assert "at most 1 a day" in recorded[0]["reasons"][0]["text"]


def test_errors_that_are_not_refusals_are_not_findings(api: Api) -> None:
    r = api.client.post("/api/risk-areas", json={"area_code": A, "reason": "gossip"}, headers=api.as_("epi"))
    assert r.status_code == 422 and r.json()["error"]["clause"] is None, r.text
    r = api.client.post(
        "/api/risk-areas", json={"area_code": C, "reason": "residence", "note": ELSEWHERE}, headers=api.as_("epi")
    )
    assert r.status_code == 404, r.text
    r = api.client.post(
        "/api/risk-areas", json={"area_code": A, "reason": "residence", "note": ELSEWHERE}, headers=api.as_("worker_a")
    )
    assert r.status_code == 403, r.text
    r = api.client.post(
        "/api/risk-areas", json={"area_code": A, "reason": "residence", "note": ELSEWHERE}
    )  # not logged in
    assert r.status_code == 401, r.text
    assert findings(api)["total"] == 0


# ---- the report -----------------------------------------------------------------------------------------


def test_the_report_counts_findings_by_jurisdiction_clause_and_verdict(api: Api) -> None:
    assert check_overlay(api, "cc", OVERLAY).status_code == 200  # on 2022-11-20, under "11"
    action(api, {"kind": "close_school"})
    action(api, {"kind": "refuse_returnees"})
    action(api, {"kind": "refuse_returnees"})
    action(api, {"kind": "stop_enterprise"})
    action(api, {"kind": "close_school", "in_high_risk_area": True})  # allowed: not recorded
    r = api.client.post(
        "/api/risk-areas", json={"area_code": A, "reason": "residence", "note": ELSEWHERE}, headers=api.as_("epi")
    )
    assert r.status_code == 422

    report = api.client.get("/api/overreach/report", headers=api.as_("supervisor"))
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["since"] is None
    lines = {(x["jurisdiction_code"], x["clause"], x["verdict"]): x["findings"] for x in body["lines"]}
    assert lines == {
        ("11", "m20.16", "over_reach"): 2,
        ("11", "m20.4", "below_national"): 1,
        ("11", "v9.reporting", "not_comparable"): 1,
        (A, "m20.16", "over_reach"): 3,
        (A, "m20.19", "warning"): 1,
        ("110105", "m20.s3", "refused"): 1,
    }
    counts = [x["findings"] for x in body["lines"]]
    assert counts == sorted(counts, reverse=True)
    assert sum(counts) == findings(api)["total"] == 9

    later = api.client.get("/api/overreach/report", params={"since": "2022-11-15"}, headers=api.as_("supervisor"))
    assert later.json()["since"] == "2022-11-15"
    assert {x["jurisdiction_code"] for x in later.json()["lines"]} == {"11"}  # the overlay is effective on the 20th
    # the county's commander sees the county's lines only
    county = api.client.get("/api/overreach/report", headers=api.as_("epi"))
    assert county.status_code == 403  # epidemiologists do not read the audit
    add_user(api, "supervisor_county", "supervisor", "110105")
    county = api.client.get("/api/overreach/report", headers=api.as_("supervisor_county"))
    assert {x["jurisdiction_code"] for x in county.json()["lines"]} == {A, "110105"}
