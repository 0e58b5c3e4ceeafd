"""Buildings and units, risk areas, spill-over and health codes in the demo county, on SQLite and PostgreSQL.

A GeoJSON import is all or nothing: the first bad feature rejects the file, naming it (`features[i]...`), and
nothing of the file is created. Delineation and spill-over declarations refuse bad input with the field named,
and conflicts with 409. Health codes carry the clause of each reason; their colours are the province's (the
Guangdong table shows home isolation yellow); recomputing without changes records no change; lookups of
unknown tokens or of people outside the caller's subtree are not found.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, cast

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from fangkong.policy import load_policy
from fangkong.policy.health_codes import colour_tables
from fangkong.rules.health_code import Status, health_code
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.store import unit_of_work
from tests.api.helpers import C11, C12, Demo, infection, resident, token_of

ELSEWHERE = "an infection reported by another city"  # the basis of an area with no infection recorded here

BUILDING_7 = C11 + "007"  # the demo's own high-risk area (delineated 2022-11-15)
NEW = C11 + "013"  # a new building in the free north of community 1-1


def polygon(*points: tuple[float, float]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[list(p) for p in (*points, points[0])]]}


def rectangle(x: float, y: float, width: float, height: float) -> dict[str, Any]:
    return polygon((x, y), (x + width, y), (x + width, y + height), (x, y + height))


def feature(
    code: str, level: str, parent: str, geometry: dict[str, Any] | None, label: str | None = "x", **extra: Any
) -> dict[str, Any]:
    properties: dict[str, Any] = {"code": code, "name": f"area {code}", "level": level, "parent_code": parent}
    if label is not None:
        properties["label"] = label
    return {"type": "Feature", "geometry": geometry, "properties": properties | extra}


# Community 1-1 spans x 116.60–116.62, y 39.80–39.83; its twelve buildings fill x 116.60–116.616, y 39.80–39.812.
GOOD_BUILDING = feature(NEW, "building", C11, rectangle(116.601, 39.815, 0.004, 0.004), label="13")
GOOD_UNITS = [
    feature(NEW + "01", "unit", NEW, rectangle(116.601, 39.815, 0.002, 0.004), label="1"),
    feature(NEW + "02", "unit", NEW, rectangle(116.603, 39.815, 0.002, 0.004), label="2"),
]
OTHER = C11 + "014"


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def upload(demo: Demo, body: Any, who: str = "epi") -> Any:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return demo.client.post(
        "/api/areas/import", content=data, headers={**demo.as_(who), "content-type": "application/geo+json"}
    )


def area_codes(demo: Demo, prefix: str) -> set[str]:
    app = cast(FastAPI, demo.client.app)
    with unit_of_work(app.state.sessions) as session:
        return set(session.scalars(select(Jurisdiction.code).where(Jurisdiction.code.startswith(prefix))))


BAD_IMPORTS: list[tuple[str, Any, str, str]] = [
    # (id, body, field named, a word of the message); a good building first, so all-or-nothing shows
    (
        "bow-tie",
        collection(
            GOOD_BUILDING,
            feature(
                OTHER,
                "building",
                C11,
                polygon((116.607, 39.815), (116.610, 39.818), (116.610, 39.815), (116.607, 39.818)),
            ),
        ),
        "features[1].geometry",
        "not a valid polygon",
    ),
    (
        "outside-the-community",
        collection(GOOD_BUILDING, feature(OTHER, "building", C11, rectangle(116.625, 39.815, 0.002, 0.002))),
        "features[1].geometry",
        "lies outside its parent",
    ),
    (
        "astride-the-community-edge",
        collection(GOOD_BUILDING, feature(OTHER, "building", C11, rectangle(116.619, 39.815, 0.002, 0.002))),
        "features[1].geometry",
        "lies outside its parent",
    ),
    (
        "overlapping-building-1",
        collection(GOOD_BUILDING, feature(OTHER, "building", C11, rectangle(116.6005, 39.8005, 0.002, 0.002))),
        "features[1].geometry",
        f"overlaps {C11}001",
    ),
    (
        "overlapping-a-sibling-in-the-file",
        collection(GOOD_BUILDING, feature(OTHER, "building", C11, rectangle(116.604, 39.818, 0.003, 0.003))),
        "features[1].geometry",
        f"overlaps {NEW}",
    ),
    (
        "unit-under-a-community",
        collection(GOOD_BUILDING, feature(C11 + "14", "unit", C11, rectangle(116.607, 39.815, 0.001, 0.001))),
        "features[1].level",
        "a unit cannot be under a community",
    ),
    (
        "building-under-a-street",
        collection(GOOD_BUILDING, feature("110199001014", "building", "110199001", None)),
        "features[1].level",
        "a building cannot be under a street",
    ),
    (
        "code-of-another-community",
        collection(GOOD_BUILDING, feature(C12 + "014", "building", C11, rectangle(116.607, 39.815, 0.002, 0.002))),
        "features[1].code",
        f"the parent's code {C11}",
    ),
    (
        "code-too-long",
        collection(GOOD_BUILDING, feature(C11 + "0014", "building", C11, rectangle(116.607, 39.815, 0.002, 0.002))),
        "features[1].code",
        "3 digits",
    ),
    (
        "building-without-label",
        collection(
            GOOD_BUILDING, feature(OTHER, "building", C11, rectangle(116.607, 39.815, 0.002, 0.002), label=None)
        ),
        "features[1].label",
        "label",
    ),
    (
        "point",
        collection(GOOD_BUILDING, feature(OTHER, "building", C11, {"type": "Point", "coordinates": [116.607, 39.815]})),
        "features[1].geometry",
        "'Point'",
    ),
    (
        "unreadable-polygon",
        collection(GOOD_BUILDING, feature(OTHER, "building", C11, {"type": "Polygon", "coordinates": "here"})),
        "features[1].geometry",
        "not a readable GeoJSON geometry",
    ),
    (
        "existing-code",
        collection(GOOD_BUILDING, feature(C11 + "001", "building", C11, None, label="1")),
        "features[1].code",
        "exists",
    ),
    (
        "unknown-parent",
        collection(GOOD_BUILDING, feature("110199001009001", "building", "110199001009", None)),
        "features[1].parent_code",
        "unknown jurisdiction",
    ),
    (
        "unit-outside-its-new-building",
        collection(
            GOOD_BUILDING, GOOD_UNITS[0], feature(NEW + "03", "unit", NEW, rectangle(116.606, 39.815, 0.001, 0.001))
        ),
        "features[2].geometry",
        "lies outside its parent",
    ),
    (
        "unknown-property",
        collection(GOOD_BUILDING, feature(OTHER, "building", C11, None, floors=30)),
        "features[1]",
        "floors: Extra inputs are not permitted",
    ),
    (
        "unknown-level",
        collection(GOOD_BUILDING, feature(OTHER, "floor", C11, None)),
        "features[1]",
        "level:",
    ),
    ("no-properties", collection(GOOD_BUILDING, {"type": "Feature", "geometry": None}), "features[1]", "properties"),
    ("a-feature-not-a-collection", GOOD_BUILDING, "file", "FeatureCollection"),
    ("a-list-of-features", [GOOD_BUILDING], "file", "FeatureCollection"),
    ("features-not-a-list", {"type": "FeatureCollection", "features": GOOD_BUILDING}, "file", "FeatureCollection"),
    ("not-json", b"<kml></kml>", "file", "not GeoJSON"),
]


@pytest.mark.parametrize(("body", "field", "word"), [c[1:] for c in BAD_IMPORTS], ids=[c[0] for c in BAD_IMPORTS])
def test_a_bad_geojson_file_is_refused_naming_the_feature_and_creates_nothing(
    demo: Demo, body: Any, field: str, word: str
) -> None:
    before = area_codes(demo, C11)
    r = upload(demo, body)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["field"] == field, error
    assert word in error["message"], error
    assert area_codes(demo, C11) == before  # not even the good building before it
    # the same good features on their own, after the refused file: created
    r = upload(demo, collection(*reversed(GOOD_UNITS), GOOD_BUILDING))
    assert r.status_code == 201, r.text
    assert area_codes(demo, C11) == before | {NEW, NEW + "01", NEW + "02"}


def test_good_features_are_created_parents_before_children(demo: Demo) -> None:
    before = area_codes(demo, C11)
    r = upload(demo, collection(*reversed(GOOD_UNITS), GOOD_BUILDING))
    assert r.status_code == 201, r.text
    made = r.json()
    assert [(a["code"], a["level"], a["parent_code"], a["label"]) for a in made] == [
        (NEW, "building", C11, "13"),
        (NEW + "02", "unit", NEW, "2"),
        (NEW + "01", "unit", NEW, "1"),
    ]
    assert area_codes(demo, C11) == before | {NEW, NEW + "01", NEW + "02"}
    again = upload(demo, collection(GOOD_BUILDING))
    assert again.status_code == 422 and again.json()["error"]["field"] == "features[0].code", again.text
    # a unit of the new building overlapping its stored unit 1
    overlap = upload(demo, collection(feature(NEW + "03", "unit", NEW, rectangle(116.6015, 39.8155, 0.001, 0.001))))
    assert overlap.status_code == 422, overlap.text
    assert overlap.json()["error"]["message"].endswith(f"overlaps {NEW}01")


def test_a_bad_property_is_named_in_the_message(demo: Demo) -> None:
    for extra, word in [({"floors": 30}, "floors"), ({"level": "floor"}, "level"), ({"name": ""}, "name")]:
        bad = feature(OTHER, "building", C11, None)
        bad["properties"] |= extra
        r = upload(demo, collection(GOOD_BUILDING, bad))
        assert r.status_code == 422, r.text
        assert r.json()["error"]["field"].startswith("features[1]"), r.text
        assert word in r.json()["error"]["message"], r.text


def test_only_area_managers_import(demo: Demo) -> None:
    r = upload(demo, collection(GOOD_BUILDING), who="worker1")
    assert r.status_code == 403, r.text
    r = upload(demo, collection(GOOD_BUILDING), who="supervisor")
    assert r.status_code == 403, r.text
    assert NEW not in area_codes(demo, C11)


def test_a_new_building_finds_its_residents_home(demo: Demo) -> None:
    assert upload(demo, collection(GOOD_BUILDING, *GOOD_UNITS)).status_code == 201
    someone = resident(demo, "New Building", "601", C11, "13", "2")
    case = infection(demo, someone["id"], date(2022, 11, 16))
    area = demo.post(
        "command", "/api/risk-areas", {"area_code": NEW, "reason": "residence", "infection_ids": [case["id"]]}, 201
    )
    assert area["level"] == "high"
    neighbour = resident(demo, "Same Unit", "602", C11, "13", "2")
    code = demo.get("epi", f"/api/health-codes/person/{neighbour['id']}")
    assert code["colour"] == "red"
    assert any(r["clause"] == "m20.4" and "high-risk area" in r["text"] for r in code["reasons"]), code


# ---- delineation ----------------------------------------------------------------------------------------


def delineate(demo: Demo, body: dict[str, Any], who: str = "command") -> Any:
    return demo.client.post("/api/risk-areas", json=body, headers=demo.as_(who))


def total_areas(demo: Demo) -> int:
    return int(demo.get("command", "/api/risk-areas")["total"])


def test_delineation_errors_name_the_field_and_create_nothing(demo: Demo) -> None:
    assert total_areas(demo) == 1  # the demo's building 7
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"area_code": C11 + "099", "reason": "residence", "note": ELSEWHERE}, 422, "area_code"),
        ({"area_code": "999999", "reason": "residence", "note": ELSEWHERE}, 422, "area_code"),
        ({"area_code": C11 + "008", "reason": "school"}, 422, "reason"),
        ({"area_code": C11 + "008", "reason": "Residence"}, 422, "reason"),
        ({"area_code": C11 + "008", "reason": "residence", "level": "purple"}, 422, "level"),
        (
            {"area_code": BUILDING_7, "reason": "residence", "note": ELSEWHERE},
            409,
            "area_code",
        ),  # the same building again
        (
            {"area_code": BUILDING_7 + "01", "reason": "workplace", "note": ELSEWHERE},
            409,
            "area_code",
        ),  # a unit inside it
        ({"area_code": C11 + "008", "reason": "residence", "infection_ids": [999999]}, 422, "infection_ids"),
    ]
    for body, status, field in cases:
        r = delineate(demo, body)
        assert r.status_code == status, (body, r.text)
        assert r.json()["error"]["field"] == field, (body, r.text)
    assert total_areas(demo) == 1
    # the unknown infection rolled the whole delineation back: building 8 can still be delineated
    ok = delineate(demo, {"area_code": C11 + "008", "reason": "activity_place", "note": ELSEWHERE})
    assert ok.status_code == 201, ok.text
    events = demo.get("command", f"/api/risk-areas/{ok.json()['id']}/history")["items"]
    assert [e["kind"] for e in events] == ["delineated"]
    assert total_areas(demo) == 2


def test_a_unit_inside_an_active_building_is_refused_and_the_reverse_too(demo: Demo) -> None:
    unit = delineate(demo, {"area_code": C11 + "00801", "reason": "residence", "note": ELSEWHERE})
    assert unit.status_code == 201, unit.text
    building = delineate(demo, {"area_code": C11 + "008", "reason": "residence", "note": ELSEWHERE})
    assert building.status_code == 409, building.text
    assert str(unit.json()["id"]) in building.json()["error"]["message"]
    other_unit = delineate(
        demo, {"area_code": C11 + "00802", "reason": "residence", "note": ELSEWHERE}
    )  # a sibling unit: fine
    assert other_unit.status_code == 201, other_unit.text


# ---- spill-over declarations ----------------------------------------------------------------------------


def test_spillover_declarations(demo: Demo) -> None:
    area = demo.post(
        "command", "/api/risk-areas", {"area_code": C11 + "009", "reason": "residence", "note": ELSEWHERE}, 201
    )
    assert area["delineated_on"] == "2022-11-16"
    leaver = resident(demo, "Leaver", "611", C11, "9", "1")
    url = f"/api/risk-areas/{area['id']}/spillover"

    def declare(left_on: str, who: str = "worker1", person_id: int = leaver["id"]) -> Any:
        return demo.client.post(url, json={"person_id": person_id, "left_on": left_on}, headers=demo.as_(who))

    for left_on, word in [("2022-11-15", "before the area was delineated"), ("2022-11-17", "in the future")]:
        r = declare(left_on)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["field"] == "left_on" and word in r.json()["error"]["message"], r.text
    r = declare("2022-11-32")
    assert r.status_code == 422 and r.json()["error"]["field"] == "left_on", r.text
    assert demo.get("epi", url)["total"] == 0
    made = declare("2022-11-16")
    assert made.status_code == 201, made.text
    assert (made.json()["source"], made.json()["status"], made.json()["left_on"]) == (
        "declaration",
        "proposed",
        "2022-11-16",
    )
    again = declare("2022-11-16")  # the same person for the same area
    assert again.status_code == 409, again.text
    assert again.json()["error"]["field"] == "person_id"
    assert demo.get("epi", url)["total"] == 1
    # a worker of another community neither sees the person nor declares them
    r = declare("2022-11-16", who="worker2")
    assert r.status_code == 404, r.text
    r = declare("2022-11-16", person_id=999999)
    assert r.status_code == 404, r.text
    r = demo.client.post(
        "/api/risk-areas/999999/spillover",
        json={"person_id": leaver["id"], "left_on": "2022-11-16"},
        headers=demo.as_("epi"),
    )
    assert r.status_code == 404, r.text


# ---- health codes ---------------------------------------------------------------------------------------


def test_a_close_contact_in_centralized_isolation_is_red_citing_the_plan(demo: Demo) -> None:
    contact = resident(demo, "Close Contact", "621", C12, "5", "1")
    order = demo.post(
        "epi",
        "/api/orders",
        {"person_id": contact["id"], "category": "close_contact", "anchor_date": "2022-11-15"},
        201,
    )
    assert order["plan"]["phases"][0]["kind"] == "centralized_isolation"
    plan_clause = order["plan"]["reasons"][0]["clause"]
    assert plan_clause == "m20.1"
    code = demo.get("epi", f"/api/health-codes/person/{contact['id']}")
    assert (code["person_id"], code["on"], code["colour"]) == (contact["id"], "2022-11-16", "red")
    assert code["computed_at"] is not None  # stored by the order's own commit (codes follow events)
    first = code["reasons"][0]
    assert first["clause"] == plan_clause
    assert first["text"].startswith("close contact: day ") and "centralized isolation" in first["text"]
    assert first["text"].endswith(": red (centralized isolation)")
    # the worker of the person's community sees the same
    assert demo.get("worker2", f"/api/health-codes/person/{contact['id']}")["colour"] == "red"
    # once recomputed, the stored status of the day answers
    demo.post("command", "/api/health-codes/recompute", {})
    stored = demo.get("epi", f"/api/health-codes/person/{contact['id']}")
    assert stored["colour"] == "red" and stored["computed_at"] is not None
    assert stored["reasons"] == code["reasons"]


def test_colours_are_the_provinces(demo: Demo) -> None:
    rules = load_policy().at(date(2022, 11, 20))
    home = Status(status="home_isolation", clause="m20.3", text="high risk spillover: day 2 of home isolation")
    centralized = Status(status="centralized_isolation", clause="m20.1", text="close contact: day 1")
    tables = colour_tables()
    guangdong, beijing = tables.for_jurisdiction("440100"), tables.for_jurisdiction("110105")
    assert guangdong.tag == "U" and beijing is tables.default
    assert health_code([home], guangdong, rules).colour == "yellow"
    assert health_code([home], beijing, rules).colour == "red"
    assert health_code([home, centralized], guangdong, rules).colour == "red"  # the strictest colour wins
    mixed = health_code([home, centralized], guangdong, rules)
    assert [r.clause for r in mixed.reasons] == ["m20.1", "m20.3"]
    assert mixed.reasons[1].text.endswith(": yellow (home isolation)")
    assert mixed.statuses == ("centralized_isolation", "home_isolation")
    nothing = health_code([], guangdong, rules)
    assert (nothing.colour, nothing.cite) == ("green", ["m20.16"])
    # and through the API, a Beijing resident in home isolation (a spill-over plan) is red
    person = resident(demo, "Home Isolation", "631", C12, "6", "1")
    demo.post(
        "epi",
        "/api/orders",
        {"person_id": person["id"], "category": "high_risk_spillover", "anchor_date": "2022-11-15"},
        201,
    )
    code = demo.get("epi", f"/api/health-codes/person/{person['id']}")
    assert code["colour"] == "red"
    assert code["reasons"][0]["clause"] == "m20.3"
    assert code["reasons"][0]["text"].endswith(": red (home isolation)")


def test_recomputing_without_changes_records_no_change(demo: Demo) -> None:
    contact = resident(demo, "Recomputed", "641", C12, "5", "2")
    demo.post(
        "epi",
        "/api/orders",
        {"person_id": contact["id"], "category": "close_contact", "anchor_date": "2022-11-15"},
        201,
    )
    first = demo.post("command", "/api/health-codes/recompute", {})
    assert first["changed"] == 0 and first["red"] >= 1  # the order's commit already made the code red
    second = demo.post("command", "/api/health-codes/recompute", {})
    assert second["changed"] == 0
    assert second["persons"] == first["persons"]
    third = demo.post("command", "/api/health-codes/recompute", {"jurisdiction_code": C12})
    assert third["changed"] == 0 and third["persons"] < first["persons"]
    # the tallies are the store's: everyone under the root once, by colour
    for counts, where in ((first, None), (third, C12)):
        assert sum(counts.get(c, 0) for c in ("green", "yellow", "red")) == counts["persons"]
        listed = demo.get("command", "/api/persons", **({"jurisdiction_code": where} if where else {}), limit=1)
        assert counts["persons"] == listed["total"], (counts, where)
    changes = demo.get("epi", f"/api/health-codes/person/{contact['id']}/changes")
    assert [(c["on"], c["from_colour"], c["to_colour"], c["by"], c["cause"]) for c in changes["items"]] == [
        ("2022-11-16", None, "green", "epi", "person.registered"),
        ("2022-11-16", "green", "red", "epi", "order.placed"),
    ]


def test_lookups_that_are_not_found(demo: Demo) -> None:
    someone = resident(demo, "In Community 1-2", "651", C12, "4", "1")
    demo.post("command", "/api/health-codes/recompute", {})
    token = token_of(demo, someone["id"])
    assert demo.get("worker2", f"/api/health-codes/token/{token}")["person_id"] == someone["id"]

    for who, url in [
        ("epi", "/api/health-codes/token/no-such-token"),
        ("worker2", "/api/health-codes/token/" + "A" * 43),
        ("worker1", f"/api/health-codes/person/{someone['id']}"),  # community 1-1's worker
        ("worker1", f"/api/health-codes/token/{token}"),
        ("worker1", f"/api/health-codes/person/{someone['id']}/changes"),
        ("epi", "/api/health-codes/person/999999"),
    ]:
        r = demo.client.get(url, headers=demo.as_(who))
        assert r.status_code == 404, (who, url, r.text)
    r = demo.client.get(f"/api/health-codes/person/{someone['id']}", headers=demo.as_("lab"))
    assert r.status_code == 403, r.text
    r = demo.client.post(
        "/api/health-codes/recompute", json={"jurisdiction_code": "110106"}, headers=demo.as_("command")
    )
    assert r.status_code == 404, r.text


def test_only_area_managers_recompute(demo: Demo) -> None:
    for who in ("worker1", "viewer", "supervisor", "lab"):
        r = demo.client.post("/api/health-codes/recompute", json={}, headers=demo.as_(who))
        assert r.status_code == 403, (who, r.text)


def test_an_area_needs_an_infection_or_a_note_of_one(demo: Demo) -> None:
    """(4): an area is high-risk as the home, workplace or activity place of an infected person. With no infection
    named and no note of where one was recorded, the delineation has no basis: refused with the clause, and kept as
    an over-reach finding, as every refusal of the rules is."""
    r = delineate(demo, {"area_code": C11 + "008", "reason": "residence"})
    assert r.status_code == 422 and r.json()["error"]["clause"] == "m20.4", r.text
    assert "note" in r.json()["error"]["message"]
    assert total_areas(demo) == 1
    findings = demo.get("command", "/api/overreach/findings")["items"]
    assert any(f["clause"] == "m20.4" and f["subject"] == "POST /api/risk-areas" for f in findings), findings
    blank = delineate(demo, {"area_code": C11 + "008", "reason": "residence", "note": "   "})
    assert blank.status_code == 422
