"""Home visits through the API (issue 16; measures 1 and 5): the community worker records a visit to a person at
home, a fever flags it for follow-up, and every refusal names its field and stores nothing."""

from __future__ import annotations

from typing import Any

from tests.api.helpers import C11, Demo, error, resident


def _order(demo: Demo, seq: str, category: str, anchor: str) -> dict[str, Any]:
    person = resident(demo, f"Visit {seq}", seq, C11, "3")
    body = {"person_id": person["id"], "category": category, "anchor_date": anchor}
    return dict(demo.post("epi", "/api/orders", body, status=201))


def _visit(demo: Demo, who: str, order_id: int, **fields: Any) -> Any:
    body = {"visited_on": "2022-11-16", "at_home": True} | fields
    return demo.client.post(f"/api/orders/{order_id}/visits", json=body, headers=demo.as_(who))


def test_a_visit_with_a_fever_is_flagged_and_listed(demo: Demo) -> None:
    order = _order(demo, "701", "high_risk_spillover", "2022-11-14")  # home isolation 7 days (measure 3)
    r = _visit(demo, "worker1", order["id"], temperature=38.2, symptoms=["cough"], stayed_home=True, note="tired")
    assert r.status_code == 201, r.text
    visit = r.json()
    assert visit["follow_up"] is True
    assert visit["reasons"] == ["fever", "symptoms"]
    assert visit["visited_at"].startswith("2022-11-16")  # the drill's clock
    flagged = demo.get("worker1", "/api/visits", on="2022-11-16", follow_up="true")
    assert visit["id"] in [v["id"] for v in flagged["items"]]
    well = _visit(demo, "worker1", _order(demo, "702", "high_risk_spillover", "2022-11-14")["id"], temperature=36.5)
    assert well.status_code == 201 and well.json()["follow_up"] is False
    not_flagged = demo.get("worker1", "/api/visits", on="2022-11-16", follow_up="false")
    assert well.json()["id"] in [v["id"] for v in not_flagged["items"]]
    assert visit["id"] not in [v["id"] for v in not_flagged["items"]]
    # a second visit the same day is refused, naming the day
    again = _visit(demo, "worker1", order["id"], temperature=36.5)
    assert again.status_code == 409 and error(again)["field"] == "visited_on"


def test_refusals_name_the_field_and_store_nothing(demo: Demo) -> None:
    order = _order(demo, "703", "high_risk_spillover", "2022-11-14")
    hot = _visit(demo, "worker1", order["id"], temperature=45)
    assert hot.status_code == 422 and error(hot)["field"] == "temperature"
    future = _visit(demo, "worker1", order["id"], visited_on="2022-11-17")
    assert future.status_code == 422 and error(future)["field"] == "visited_on"
    odd = _visit(demo, "worker1", order["id"], symptoms=["headache"])
    assert odd.status_code == 422 and error(odd)["field"] == "symptoms"
    site = _order(demo, "704", "close_contact", "2022-11-14")  # centralized isolation until its 5th day (measure 1)
    central = _visit(demo, "worker1", site["id"])
    assert central.status_code == 422 and error(central)["field"] == "order_id"
    viewer = _visit(demo, "viewer", order["id"])
    assert viewer.status_code == 403
    other = _visit(demo, "worker2", order["id"])  # another community's worker does not see the person
    assert other.status_code == 404
    stored = demo.get("epi", "/api/visits", person_id=order["person_id"])
    assert stored["total"] == 0
