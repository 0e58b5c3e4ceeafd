"""Policy comparisons through the API (issue 22), on the demo county: a run answers 201 with its request, result and
code version and is then listed (newest first, without its result) and read; each limit is a 422 naming its field
(nothing saved), a number written as text or as true/false too; an unknown comparison is 404; a role other than the
command centre's is 403."""

from __future__ import annotations

from typing import Any

import pytest

import fangkong
from fangkong.sim.compare import FIGURES
from tests.api.helpers import Demo, error

BODY: dict[str, Any] = {"policies": ["v9", "m20"], "population": 3_000, "days": 20, "seeds": 2}


def test_run_list_and_read(demo: Demo) -> None:
    made = demo.post("command", "/api/simulations", BODY, status=201)
    assert made["policies"] == ["v9", "m20"] and made["population"] == 3_000 and made["seeds"] == 2
    assert made["first_seed"] == 0 and made["start"] == "2022-11-16" and made["switches"] == []
    assert made["requested_by"] == "command" and made["code_version"] == fangkong.__version__
    result = made["result"]
    assert set(result["summary"]["m20"]) == set(FIGURES)
    assert set(result["summary"]["m20"]["room_nights"]) == {"mean", "low", "high", "mean_low", "mean_high"}
    assert set(result["difference_from_first"]) == {"m20"}
    assert len(result["mean_series"]["v9"]["room_nights"]) == 20
    listed = demo.get("command", "/api/simulations")
    assert listed["total"] == 2  # the demo's and this one
    assert listed["items"][0]["id"] == made["id"] and "result" not in listed["items"][0]
    assert listed["items"][1]["policies"] == ["v9", "m20"]  # the demo's
    assert demo.get("command", "/api/simulations", limit=1, offset=1)["items"][0]["population"] == 100_000
    read = demo.get("command", f"/api/simulations/{made['id']}")
    assert read["result"]["summary"] == result["summary"]
    national = {"when": "where_allowed", "tests_per_day": 1, "guarded": True}
    assert made["local_campaign"] == read["local_campaign"] == national  # none asked: the national rule


def test_a_county_s_own_testing_and_what_the_guard_refused(demo: Demo) -> None:
    """Every day, outbreak or not, twice a day: m20 refuses it (m20.6) and the guard runs no round; v9 allows it.
    Unguarded, the same rounds run under m20 as over-reach."""
    asked = {"when": "always", "tests_per_day": 2, "guarded": True}
    made = demo.post("command", "/api/simulations", {**BODY, "local_campaign": asked}, status=201)
    assert made["local_campaign"] == asked and made["result"]["local_campaign"] == asked
    assert made["result"]["refusals"]["v9"] == {} and made["result"]["refusals"]["m20"] == {"m20.6": 20.0}
    assert made["result"]["summary"]["m20"]["campaign_refused"]["mean"] == 40  # 2 rounds on each of 20 days
    assert demo.get("command", f"/api/simulations/{made['id']}")["local_campaign"] == asked
    assert "local_campaign" not in demo.get("command", "/api/simulations")["items"][0]  # a list loads no result
    unguarded = {**asked, "guarded": False}
    run = demo.post("command", "/api/simulations", {**BODY, "local_campaign": unguarded}, status=201)["result"]
    assert run["summary"]["m20"]["campaign_overreach"]["mean"] == 40 and run["refusals"]["m20"] == {}
    assert run["summary"]["m20"]["tubes"]["mean"] > made["result"]["summary"]["m20"]["tubes"]["mean"]


def test_the_request_body_documents_the_county_s_own_testing(demo: Demo) -> None:
    schema = demo.client.get("/openapi.json").json()["components"]["schemas"]
    local = schema["LocalCampaignRequest"]["properties"]
    assert local["when"]["enum"] == ["where_allowed", "first_case", "always"]
    assert (local["tests_per_day"]["minimum"], local["tests_per_day"]["maximum"]) == (1, 3)
    assert all(p.get("description") for p in local.values())
    assert "over-reach guard" in schema["ComparisonRequest"]["properties"]["local_campaign"]["description"]


def test_switches_are_kept(demo: Demo) -> None:
    body = {**BODY, "first_seed": 3, "switches": [{"on": "2022-11-30", "version": "n10"}]}
    made = demo.post("command", "/api/simulations", body, status=201)
    assert made["switches"] == [{"on": "2022-11-30", "version": "n10"}] and made["result"]["seeds"] == [3, 4]


LIMITS: list[tuple[dict[str, Any], str]] = [
    ({"policies": ["v9"]}, "policies"),
    ({"policies": ["v9", "v9"]}, "policies"),
    ({"policies": ["v9", "m21"]}, "policies"),
    ({"policies": ["v9", "m20", "n10", "classb", "none", "m20"]}, "policies"),
    ({"population": 999}, "population"),
    ({"population": 200_001}, "population"),
    ({"population": "3000"}, "population"),
    ({"population": True}, "population"),
    ({"days": 0}, "days"),
    ({"days": 121}, "days"),
    ({"seeds": 0}, "seeds"),
    ({"seeds": 11}, "seeds"),
    ({"first_seed": -1}, "first_seed"),
    ({"start": "not a day"}, "start"),
    ({"switches": [{"on": "2023-03-01", "version": "n10"}]}, "switches[0].on"),
    ({"switches": [{"on": "2022-11-20", "version": "v10"}]}, "switches[0].version"),
    ({"local_campaign": {"when": "sometimes"}}, "local_campaign.when"),
    ({"local_campaign": {"when": "always", "tests_per_day": 0}}, "local_campaign.tests_per_day"),
    ({"local_campaign": {"when": "always", "tests_per_day": 4}}, "local_campaign.tests_per_day"),
    ({"local_campaign": {"when": "always", "tests_per_day": "2"}}, "local_campaign.tests_per_day"),
    ({"local_campaign": {"when": "always", "guarded": "no"}}, "local_campaign.guarded"),
    ({"local_campaign": {"when": "always", "every": "day"}}, "local_campaign.every"),
    ({"local_campaign": "always"}, "local_campaign"),
]
"""Each console limit broken once: the field the 422 must name."""


def test_each_limit_is_a_422_naming_its_field(demo: Demo) -> None:
    """One store for all the limits (a refusal saves nothing, so each case meets the same store)."""
    for change, field in LIMITS:
        r = demo.client.post("/api/simulations", json={**BODY, **change}, headers=demo.as_("command"))
        assert r.status_code == 422, (change, r.text)
        assert error(r)["field"] == field, change
    assert demo.get("command", "/api/simulations")["total"] == 1


def test_a_missing_field_is_named(demo: Demo) -> None:
    r = demo.client.post("/api/simulations", json={"policies": ["v9", "m20"]}, headers=demo.as_("command"))
    assert r.status_code == 422 and error(r)["field"] in ("population", "days", "seeds")


def test_an_unknown_comparison_is_404(demo: Demo) -> None:
    r = demo.client.get("/api/simulations/999", headers=demo.as_("command"))
    assert r.status_code == 404


@pytest.mark.parametrize("who", ["epi", "worker1", "supervisor", "viewer", "lab"])
def test_other_roles_are_403(demo: Demo, who: str) -> None:
    headers = demo.as_(who)
    assert demo.client.post("/api/simulations", json=BODY, headers=headers).status_code == 403
    assert demo.client.get("/api/simulations", headers=headers).status_code == 403
    assert demo.client.get("/api/simulations/1", headers=headers).status_code == 403
    assert demo.client.get("/api/simulations").status_code == 401
