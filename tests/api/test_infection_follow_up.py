"""What follows an infection is one flow (`services.infection_follow_up`), whichever way the infection arrives: a
positive single tube in a lab's results file, or an epidemiologist's record through the API. Two people under
the same close-contact plan, found positive on the same day in home isolation, one each way: the same transfer of
their order to hospital, the same section 3 citation, their spouses proposed alike. And the citation is the rules'
in force: under the 9th edition no rule calls for a transmission-risk analysis, and nothing is cited."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.api.helpers import Api, Clock
from tests.api.tracing_helpers import add_lab_user, candidates, get, infection, person, post, upload


def _under_close_contact_order(api: Api, p: dict[str, Any], anchor: str) -> dict[str, Any]:
    r = post(api, "epi", "/api/orders", {"person_id": p["id"], "category": "close_contact", "anchor_date": anchor})
    assert r.status_code == 201, r.text
    return dict(r.json())


def _followed(api: Api, case: dict[str, Any], order: dict[str, Any], spouse: dict[str, Any]) -> tuple[Any, ...]:
    """What followed the person's infection, without the ids that differ from one person to the other."""
    (found,) = [i for i in get(api, "epi", "/api/infections")["items"] if i["person_id"] == case["id"]]
    after = get(api, "epi", f"/api/orders/{order['id']}")
    events = [e["kind"] for e in get(api, "epi", f"/api/orders/{order['id']}/events")["items"]]
    proposed = [
        (c["person_id"] == spouse["id"], c["source"], c["category"], c["last_exposure"])
        for c in candidates(api, infection_id=found["id"])["items"]
    ]
    infected = (found["found_in"], found["sampled_on"], "m20.s3" in found["cite"])
    return infected, after["status"], str(found["id"]) in after["status_reason"], events, proposed


def test_the_lab_import_and_the_api_follow_an_infection_alike(api: Api, clock: Clock) -> None:
    add_lab_user(api)
    by_lab, lab_spouse = person(api, "By lab", "271", building="1"), person(api, "Lab spouse", "272", building="1")
    by_api, api_spouse = person(api, "By API", "273", building="2"), person(api, "API spouse", "274", building="2")
    lab_order = _under_close_contact_order(api, by_lab, "2022-11-13")
    api_order = _under_close_contact_order(api, by_api, "2022-11-13")

    clock.today = date(2022, 11, 20)  # home isolation 19–21 Nov
    upload(
        api,
        "lab",
        "/api/lab/samples",
        "barcode,pool_size,sampling_point,collected_at,members\n"
        f"S-F1,1,Home visit,2022-11-20T07:00:00+08:00,{by_lab['document_number']}\n",
    )
    done = upload(
        api,
        "lab",
        "/api/lab/results",
        "barcode,lab,reported_at,ct_orf1ab,ct_n\nS-F1,City lab,2022-11-20T08:00:00+08:00,25,26\n",
    )
    assert (done["consequences"]["infections"], done["consequences"]["transferred"]) == (1, 1)
    infection(api, by_api["id"], kind="asymptomatic", confirmed_at="2022-11-20T08:00:00+08:00", sampled_on="2022-11-20")

    from_lab = _followed(api, by_lab, lab_order, lab_spouse)
    from_api = _followed(api, by_api, api_order, api_spouse)
    assert from_lab == from_api
    assert from_lab[0] == ("home_isolation", "2022-11-20", True)  # section 3: transmission-risk analysis
    assert from_lab[1:] == (
        "transferred",
        True,
        ["placed", "transferred"],
        [(True, "household", "close_contact", "2022-11-20")],
    )


def test_under_the_ninth_edition_an_infection_at_home_cites_no_section_3(api: Api, clock: Clock) -> None:
    clock.today = date(2022, 10, 28)
    case = person(api, "Case", "281", building="1")
    order = _under_close_contact_order(api, case, "2022-10-20")
    phases = [(p["kind"], p["start"], p["end"]) for p in order["plan"]["phases"]]
    assert phases[-1] == ("home_health_monitoring", "2022-10-28", "2022-10-30")
    found = infection(api, case["id"], confirmed_at="2022-10-28T08:00:00+08:00", sampled_on="2022-10-28")
    assert (found["found_in"], found["cite"]) == ("home_health_monitoring", [])
    assert get(api, "epi", f"/api/orders/{order['id']}")["status"] == "transferred"
