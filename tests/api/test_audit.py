"""The audit log: every read of a person's record and every change is an entry; only supervisors and the
command centre may read it; nothing can change or delete an entry, through the API or in the database."""

from __future__ import annotations

from typing import Any, cast

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from fangkong.services.audit.models import AuditEntry
from fangkong.services.store import unit_of_work
from fangkong.services.users.service import create_user
from tests.api.helpers import Api, register
from tests.stores import PASSWORD

A = "110105001001"


def app_of(api: Api) -> FastAPI:
    return cast(FastAPI, api.client.app)


def engine_of(api: Api) -> Engine:
    engine: Engine = app_of(api).state.engine
    return engine


def trail(api: Api, person_id: int, who: str = "supervisor") -> list[dict[str, Any]]:
    r = api.client.get(f"/api/persons/{person_id}/audit", headers=api.as_(who))
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def rows(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT * FROM audit_log ORDER BY id"))]


def test_every_read_of_a_person_is_an_entry(api: Api) -> None:
    person = register(api, "epi", name="Read Often", community=A)
    pid = person["id"]
    assert [(e["actor"], e["action"]) for e in trail(api, pid)] == [("epi", "create")]

    for who, reason in [("worker_a", "home visit"), ("worker_a", None), ("viewer", "spot check"), ("epi", None)]:
        params = {"reason": reason} if reason else {}
        assert api.client.get(f"/api/persons/{pid}", params=params, headers=api.as_(who)).status_code == 200
    # a read refused as out of scope is not a read of the record
    assert api.client.get(f"/api/persons/{pid}", headers=api.as_("worker_b")).status_code == 404

    entries = trail(api, pid)
    assert [(e["actor"], e["action"], e["reason"]) for e in entries] == [
        ("epi", "create", None),
        ("worker_a", "read", "home visit"),
        ("worker_a", "read", None),
        ("viewer", "read", "spot check"),
        ("epi", "read", None),
    ]
    assert trail(api, pid, "cc") == entries
    stamps = [e["at"] for e in entries]
    assert stamps == sorted(stamps)


def test_only_supervisors_and_the_command_centre_read_the_audit_trail(api: Api) -> None:
    person = register(api, "epi", name="Private", community=A)
    for who, role in [("worker_a", "community_worker"), ("epi", "epidemiologist"), ("viewer", "read_only")]:
        r = api.client.get(f"/api/persons/{person['id']}/audit", headers=api.as_(who))
        assert r.status_code == 403
        assert r.json()["error"]["message"] == f"role {role} may not read audit"
    assert len(trail(api, person["id"], "supervisor")) == len(trail(api, person["id"], "cc")) == 1


def test_creates_updates_and_order_events_are_entries(api: Api) -> None:
    person = register(api, "epi", name="Changed", community=A)
    pid = person["id"]
    updated = api.client.patch(
        f"/api/persons/{pid}",
        params={"reason": "new number from the family"},
        json={"row_version": person["row_version"], "phone": "13900139000", "unit": "3"},
        headers=api.as_("worker_a"),
    )
    assert updated.status_code == 200, updated.text
    placed = api.client.post(
        "/api/orders",
        json={"person_id": pid, "category": "close_contact", "start": "2022-11-14", "reason": "shared a car"},
        headers=api.as_("epi"),
    )
    assert placed.status_code == 201, placed.text
    order = placed.json()
    cancelled = api.client.post(
        f"/api/orders/{order['id']}/cancel",
        json={"row_version": order["row_version"], "on": "2022-11-14", "reason": "exposure disproved"},
        headers=api.as_("epi"),
    )
    assert cancelled.status_code == 200, cancelled.text

    assert [(e["actor"], e["action"], e["reason"], e["detail"]) for e in trail(api, pid)] == [
        ("epi", "create", None, {}),
        ("worker_a", "update", "new number from the family", {"fields": ["phone", "unit"]}),
        ("epi", "create", "shared a car", {"order": order["id"], "event": "placed"}),
        ("epi", "update", "exposure disproved", {"order": order["id"], "event": "cancelled"}),
    ]


def test_the_database_refuses_to_change_or_delete_an_entry(api: Api) -> None:
    person = register(api, "epi", name="Kept", community=A)
    api.client.get(f"/api/persons/{person['id']}", headers=api.as_("worker_a"))
    engine = engine_of(api)
    before = rows(engine)
    assert len(before) == 2

    for statement in (
        "UPDATE audit_log SET reason = 'covered up'",
        "UPDATE audit_log SET actor = 'nobody' WHERE action = 'read'",
        "DELETE FROM audit_log WHERE action = 'read'",
        "DELETE FROM audit_log",
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))

    # through the ORM as well
    with pytest.raises(DBAPIError, match="append-only"), unit_of_work(app_of(api).state.sessions) as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).first()
        assert entry is not None
        entry.reason = "rewritten"
    with pytest.raises(DBAPIError, match="append-only"), unit_of_work(app_of(api).state.sessions) as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).first()
        assert entry is not None
        session.delete(entry)

    assert rows(engine) == before
    # appending still works
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) "
                "VALUES (CURRENT_TIMESTAMP, 'test', 'read', 'person', :pid, '{}')"
            ),
            {"pid": str(person["id"])},
        )
    assert len(rows(engine)) == 3


def test_truncating_the_audit_log_is_refused(api: Api, request: pytest.FixtureRequest) -> None:
    engine = engine_of(api)
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE without WHERE fires the row triggers (tested above)")
    register(api, "epi", name="Wiped", community=A)
    before = rows(engine)
    assert before
    try:
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE audit_log"))
    except DBAPIError:
        pass
    assert rows(engine) == before


def test_no_api_route_modifies_the_audit_log(api: Api) -> None:
    person = register(api, "epi", name="Route", community=A)
    spec_paths = api.client.get("/openapi.json").json()["paths"]
    assert {path: sorted(ops) for path, ops in spec_paths.items() if "audit" in path} == {
        "/api/persons/{person_id}/audit": ["get"]
    }

    url = f"/api/persons/{person['id']}/audit"
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        r = api.client.request(method, url, json={"reason": "x"}, headers=api.as_("cc"))
        assert r.status_code == 405, (method, r.text)
    for url in ("/api/audit", f"/api/audit/{person['id']}"):
        assert api.client.delete(url, headers=api.as_("cc")).status_code == 404
    assert [e["action"] for e in trail(api, person["id"])] == ["create"]


def test_the_audit_trail_is_scoped_like_every_other_read(api: Api) -> None:
    with unit_of_work(app_of(api).state.sessions) as session:
        create_user(
            session, None, username="sup_fengtai", password=PASSWORD, role="supervisor", jurisdiction_code="110106"
        )
    person = register(api, "epi", name="Chaoyang resident", community=A)
    assert api.client.get(f"/api/persons/{person['id']}", headers=api.as_("sup_fengtai")).status_code == 404
    assert api.client.get(f"/api/persons/{person['id']}/audit", headers=api.as_("sup_fengtai")).status_code == 404
    assert api.client.get("/api/persons/987654/audit", headers=api.as_("supervisor")).status_code == 404
