"""Retention and the person's rights through the API (PIPL art. 45 and 47): a released person's data is anonymised
once the retention period has passed — not a day earlier, not while an order or an infection is open — the counts
stay, a second run changes nothing, and each step is audited; everything held about one person is exported."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from fastapi import FastAPI
from sqlalchemy import func, select

from fangkong.services.audit.models import AuditEntry
from fangkong.services.orders.models import ManagementOrder, Sampling
from fangkong.services.persons.models import Person
from fangkong.services.store import unit_of_work
from fangkong.services.users.service import create_user
from tests.api.helpers import Api, Clock, error, register
from tests.stores import PASSWORD

A, B = "110105001001", "110105001002"


def _admin(api: Api) -> None:
    app = cast(FastAPI, api.client.app)
    with unit_of_work(app.state.sessions) as session:
        create_user(session, None, username="admin", password=PASSWORD, role="admin", jurisdiction_code="11")


def _order(api: Api, person_id: int, anchor: str = "2022-11-13") -> dict[str, Any]:
    body = {"person_id": person_id, "category": "close_contact", "anchor_date": anchor, "reason": "interview"}
    r = api.client.post("/api/orders", json=body, headers=api.as_("epi"))
    assert r.status_code == 201, r.text
    return dict(r.json())


def _end(api: Api, order: dict[str, Any], how: str, on: date) -> None:
    current = api.client.get(f"/api/orders/{order['id']}", headers=api.as_("epi")).json()
    body = {"row_version": current["row_version"], "on": on.isoformat(), "reason": "plan completed"}
    r = api.client.post(f"/api/orders/{order['id']}/{how}", json=body, headers=api.as_("epi"))
    assert r.status_code == 200, r.text


def _run(api: Api, *, dry_run: bool, who: str = "admin") -> Any:
    r = api.client.post("/api/retention/run", params={"dry_run": str(dry_run).lower()}, headers=api.as_(who))
    assert r.status_code == 200, r.text
    return r.json()


def _stored(api: Api) -> dict[str, Any]:
    app = cast(FastAPI, api.client.app)
    with unit_of_work(app.state.sessions) as session:
        return {
            "orders": session.scalar(select(func.count()).select_from(ManagementOrder)),
            "samplings": session.scalar(select(func.count()).select_from(Sampling)),
            "by_community": sorted(
                tuple(r)
                for r in session.execute(
                    select(ManagementOrder.jurisdiction_code, func.count()).group_by(ManagementOrder.jurisdiction_code)
                ).all()
            ),
            "people": {p.id: p for p in session.scalars(select(Person))},
            "anonymise_entries": [
                tuple(r)
                for r in session.execute(
                    select(AuditEntry.entity_id, AuditEntry.actor).where(AuditEntry.action == "anonymise")
                ).all()
            ],
        }


def test_a_released_person_is_anonymised_after_the_period_and_the_counts_stay(api: Api, clock: Clock) -> None:
    _admin(api)
    released = register(api, "epi", name="Zhang San", community=A, seq="123")
    still_held = register(api, "epi", name="Li Si", community=A, seq="124")
    late = register(api, "epi", name="Wang Wu", community=B, seq="125")
    first = _order(api, released["id"])
    _order(api, still_held["id"])
    third = _order(api, late["id"])
    r = api.client.post(
        f"/api/orders/{first['id']}/samplings", json={"sampled_on": "2022-11-14"}, headers=api.as_("worker_a")
    )
    assert r.status_code == 201, r.text
    clock.today = date(2022, 11, 22)
    _end(api, first, "release", clock.today)
    clock.today = date(2022, 12, 10)
    _end(api, third, "cancel", clock.today)
    before = _stored(api)

    # 30 days (privacy.retention_days): released on 22 Nov, kept through 21 Dec
    clock.today = date(2022, 12, 21)
    early = _run(api, dry_run=False)
    assert early["anonymised"] == 0
    assert early["kept"] == {"open_order": 1, "within_period": 2}
    assert early["retention_days"] == 30 and early["clause"] == "pipl.47"

    clock.today = date(2022, 12, 22)
    dry = _run(api, dry_run=True)
    assert dry["anonymised"] == 1 and dry["dry_run"] is True
    assert _stored(api)["people"][released["id"]].name == "Zhang San"  # a dry run changes nothing

    done = _run(api, dry_run=False)
    assert done["anonymised"] == 1
    after = _stored(api)
    gone = after["people"][released["id"]]
    assert gone.name != "Zhang San" and "Zhang" not in gone.name
    assert released["document_number"] not in gone.document_number
    assert (gone.phone, gone.birth_date, gone.sex, gone.address, gone.building, gone.unit) == (
        None,
        None,
        None,
        "",
        None,
        None,
    )
    assert gone.anonymised_on == date(2022, 12, 22)
    assert gone.jurisdiction_code == A  # still counted where they were managed
    assert after["people"][still_held["id"]].name == "Li Si"
    assert after["people"][late["id"]].name == "Wang Wu"
    for count in ("orders", "samplings", "by_community"):
        assert after[count] == before[count], count
    assert after["anonymise_entries"] == [(str(released["id"]), "admin")]

    read = api.client.get(f"/api/persons/{released['id']}", headers=api.as_("epi"))
    assert read.status_code == 200, read.text
    export = api.client.get(f"/api/persons/{released['id']}/export", headers=api.as_("epi")).json()
    assert export["person"]["name"] == gone.name
    events = export["orders"][0]["events"]
    assert [e["kind"] for e in events] == ["placed", "released"]
    assert {e["detail"]["reason"] for e in events} == {""}  # the staff's words are blanked, the events kept
    assert export["orders"][0]["status_reason"] is None

    again = _run(api, dry_run=False)  # idempotent: nobody twice
    assert again["anonymised"] == 0
    assert _stored(api)["anonymise_entries"] == after["anonymise_entries"]


def test_an_infection_not_discharged_keeps_the_record(api: Api, clock: Clock) -> None:
    _admin(api)
    person = register(api, "epi", name="Zhao Liu", community=A, seq="126")
    _order(api, person["id"])
    r = api.client.post(
        "/api/infections",
        json={
            "person_id": person["id"],
            "kind": "confirmed",
            "sampled_on": "2022-11-14",
            "confirmed_at": "2022-11-14T08:00:00+08:00",
        },
        headers=api.as_("epi"),
    )
    assert r.status_code == 201, r.text  # its order ends: transferred to hospital
    clock.today = date(2023, 6, 1)
    run = _run(api, dry_run=False)
    assert run["anonymised"] == 0
    assert run["kept"] == {"infection": 1}


def test_only_an_administrator_runs_the_job(api: Api) -> None:
    for who in ("epi", "cc", "supervisor"):
        r = api.client.post("/api/retention/run", headers=api.as_(who))
        assert r.status_code == 403, (who, r.text)


def test_everything_held_about_a_person_is_exported_and_the_export_audited(api: Api, clock: Clock) -> None:
    person = register(api, "epi", name="Zhang San", community=A, seq="127")
    order = _order(api, person["id"])
    r = api.client.post(
        f"/api/orders/{order['id']}/samplings", json={"sampled_on": "2022-11-14"}, headers=api.as_("worker_a")
    )
    assert r.status_code == 201, r.text
    r = api.client.get(
        f"/api/persons/{person['id']}/export", params={"reason": "the person asked"}, headers=api.as_("worker_a")
    )
    assert r.status_code == 200, r.text
    export = r.json()
    assert export["person"]["name"] == "Zhang San"
    assert export["person"]["document_number"] == person["document_number"]  # unmasked: it is their own copy
    assert export["person"]["phone"] == "13800138000"
    assert [o["id"] for o in export["orders"]] == [order["id"]]
    assert [e["kind"] for e in export["orders"][0]["events"]] == ["placed"]
    assert [s["sampled_on"] for s in export["orders"][0]["samplings"]] == ["2022-11-14"]
    assert export["health_code"] is not None and export["health_code"]["colour"]
    assert {"create"} <= {e["action"] for e in export["audit"]}
    for section in ("samples", "lab_results", "infections", "contact_proposals", "venue_scans", "home_visits"):
        assert section in export
    app = cast(FastAPI, api.client.app)
    with unit_of_work(app.state.sessions) as session:
        exported = session.execute(
            select(AuditEntry.actor, AuditEntry.reason).where(
                AuditEntry.action == "exported", AuditEntry.entity_id == str(person["id"])
            )
        ).all()
    assert [tuple(e) for e in exported] == [("worker_a", "the person asked")]


def test_the_export_is_refused_outside_the_jurisdiction_and_without_identifiers(api: Api) -> None:
    person = register(api, "epi", name="Zhang San", community=A, seq="128")
    other = api.client.get(f"/api/persons/{person['id']}/export", headers=api.as_("worker_b"))
    assert other.status_code == 404 and error(other)
    viewer = api.client.get(f"/api/persons/{person['id']}/export", headers=api.as_("viewer"))
    assert viewer.status_code == 403
    missing = api.client.get("/api/persons/999999/export", headers=api.as_("epi"))
    assert missing.status_code == 404
    huge = api.client.get(f"/api/persons/{2**63}/export", headers=api.as_("epi"))
    assert huge.status_code == 422
