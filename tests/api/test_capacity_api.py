"""The bed projection through the API (issue 18; measure 11): the demo county on its drill day, a jurisdiction of its
own, refusals naming the field."""

from __future__ import annotations

from tests.api.helpers import C11, Demo, error

COUNTY = "110199"


def test_the_county_s_projection_on_the_drill_day(demo: Demo) -> None:
    body = demo.get("command", "/api/capacity/projection", on="2022-11-16")
    assert body["jurisdiction_code"] == COUNTY and body["jurisdiction_name"]
    projection = body["projection"]
    assert [o["kind"] for o in projection["outlooks"]] == ["inpatient", "icu"]
    for outlook in projection["outlooks"]:
        assert len(outlook["days"]) == len(outlook["census"]) == len(outlook["capacity"]) == 28
        assert outlook["days"][0] == "2022-11-17" and outlook["capacity"][0] > 0
    assert projection["policy"] == "m20" and all(r["clause"] for r in projection["reasons"])


def test_a_community_of_one_s_own_and_refusals(demo: Demo) -> None:
    own = demo.get("worker1", "/api/capacity/projection", on="2022-11-16")
    assert own["jurisdiction_code"] == C11
    r = demo.client.get(
        "/api/capacity/projection", params={"on": "2022-11-12"}, headers=demo.as_("command")
    )  # before the county's first infection
    assert r.status_code == 422 and error(r)["field"] == "as_of"
    r = demo.client.get(
        "/api/capacity/projection",
        params={"on": "2022-11-16", "jurisdiction_code": COUNTY},
        headers=demo.as_("worker1"),
    )
    assert r.status_code == 404
    r = demo.client.get("/api/capacity/projection", params={"on": "16/11/2022"}, headers=demo.as_("command"))
    assert r.status_code == 422 and error(r)["field"] == "on"
