"""User administration from the API (issue 17): an administrator lists, adds, disables and enables, re-scopes and
resets the password of the accounts of their subtree; each change is audited, a disabled account's (and a reset
password's) tokens are refused at once, no answer carries a password hash, and the password policy holds."""

from __future__ import annotations

from typing import Any, cast

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from fangkong.services.audit.models import AuditEntry
from fangkong.services.store import unit_of_work
from fangkong.services.users.models import User
from fangkong.services.users.service import create_user
from tests.api.helpers import Api, error
from tests.stores import PASSWORD


@pytest.fixture
def admin(api: Api) -> Api:
    """The small county's API with `admin` (the county 110105) and `root` (the whole country) added."""
    with unit_of_work(cast(FastAPI, api.client.app).state.sessions) as session:
        create_user(session, None, username="admin", password=PASSWORD, role="admin", jurisdiction_code="110105")
        create_user(session, None, username="root", password=PASSWORD, role="admin", jurisdiction_code="11")
    return api


def user_id(api: Api, username: str) -> int:
    r = api.client.get("/api/users", params={"limit": 200}, headers=api.as_("root"))
    return next(int(u["id"]) for u in r.json()["items"] if u["username"] == username)


def audited(api: Api, entity_id: int) -> list[tuple[str, str, dict[str, Any]]]:
    with unit_of_work(cast(FastAPI, api.client.app).state.sessions) as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "user", AuditEntry.entity_id == str(entity_id))
        )
        return [(e.actor, e.action, e.detail) for e in rows]


def test_an_administrator_lists_the_accounts_of_their_subtree_without_hashes(admin: Api) -> None:
    r = admin.client.get("/api/users", headers=admin.as_("admin"))
    assert r.status_code == 200, r.text
    names = [u["username"] for u in r.json()["items"]]
    assert names == sorted(names) and "worker_a" in names and "epi" in names
    assert "worker_c" not in names and "cc" not in names  # another county's, the province's
    assert "password" not in r.text and "$argon2" not in r.text
    assert set(r.json()["items"][0]) == {"id", "username", "role", "jurisdiction_code", "active", "created_at"}
    for who in ("epi", "cc", "supervisor"):  # only manage_users: the command centre has every other permission
        assert admin.client.get("/api/users", headers=admin.as_(who)).status_code == 403


def test_an_administrator_adds_an_account_that_can_log_in_and_it_is_audited(admin: Api) -> None:
    body = {"username": "worker_new", "password": "tall cedar lantern", "role": "community_worker"}
    r = admin.client.post("/api/users", json=body | {"jurisdiction_code": "110105001001"}, headers=admin.as_("admin"))
    assert r.status_code == 201, r.text
    assert r.json()["username"] == "worker_new" and r.json()["active"] is True and "password" not in r.text
    login = admin.client.post("/api/auth/token", json={"username": "worker_new", "password": "tall cedar lantern"})
    assert login.status_code == 200
    assert audited(admin, r.json()["id"]) == [
        ("admin", "create", {"username": "worker_new", "role": "community_worker", "jurisdiction_code": "110105001001"})
    ]
    # outside the administrator's county, a weak password, a taken name: refused, nothing stored
    outside = admin.client.post(
        "/api/users", json=body | {"username": "x_out", "jurisdiction_code": "110106001001"}, headers=admin.as_("admin")
    )
    assert outside.status_code == 403
    weak = admin.client.post(
        "/api/users",
        json=body | {"username": "x_weak", "password": "1111111111", "jurisdiction_code": "110105"},
        headers=admin.as_("admin"),
    )
    assert weak.status_code == 422 and error(weak)["field"] == "password"
    taken = admin.client.post(
        "/api/users", json=body | {"jurisdiction_code": "110105001001"}, headers=admin.as_("admin")
    )
    assert taken.status_code == 409
    names = [u["username"] for u in admin.client.get("/api/users", headers=admin.as_("root")).json()["items"]]
    assert "x_out" not in names and "x_weak" not in names


def test_disabling_an_account_ends_its_sessions_at_once_and_enabling_lets_it_log_in_again(admin: Api) -> None:
    worker = admin.as_("worker_a")
    assert admin.client.get("/api/auth/me", headers=worker).status_code == 200
    wid = user_id(admin, "worker_a")
    r = admin.client.patch(f"/api/users/{wid}", json={"active": False}, headers=admin.as_("admin"))
    assert r.status_code == 200 and r.json()["active"] is False
    assert admin.client.get("/api/auth/me", headers=worker).status_code == 401
    assert admin.client.get("/api/worklists", headers=worker).status_code == 401
    again = admin.client.post("/api/auth/token", json={"username": "worker_a", "password": PASSWORD})
    assert again.status_code == 401  # alike a wrong password: a disabled account is not revealed
    assert admin.client.patch(f"/api/users/{wid}", json={"active": True}, headers=admin.as_("admin")).status_code == 200
    assert admin.client.post("/api/auth/token", json={"username": "worker_a", "password": PASSWORD}).status_code == 200
    assert [(a, d) for _, a, d in audited(admin, wid)] == [
        ("update", {"active": [True, False]}),
        ("update", {"active": [False, True]}),
    ]


def test_re_scoping_takes_effect_on_the_next_request(admin: Api) -> None:
    worker = admin.as_("worker_a")
    assert admin.client.get("/api/auth/me", headers=worker).json()["jurisdiction_path"].endswith("/110105001001/")
    wid = user_id(admin, "worker_a")
    change = {"role": "read_only", "jurisdiction_code": "110105001002"}
    r = admin.client.patch(f"/api/users/{wid}", json=change, headers=admin.as_("admin"))
    assert r.status_code == 200, r.text
    me = admin.client.get("/api/auth/me", headers=worker).json()
    assert me["role"] == "read_only" and me["jurisdiction_path"].endswith("/110105001002/")
    assert audited(admin, wid)[-1][2] == {
        "role": ["community_worker", "read_only"],
        "jurisdiction_code": ["110105001001", "110105001002"],
    }
    away = admin.client.patch(f"/api/users/{wid}", json={"jurisdiction_code": "110106"}, headers=admin.as_("admin"))
    assert away.status_code == 403
    bad = admin.client.patch(f"/api/users/{wid}", json={"role": "mayor"}, headers=admin.as_("admin"))
    assert bad.status_code == 422 and error(bad)["field"] == "role"
    # another county's account is not found; the administrator's own is not theirs to disable
    assert (
        admin.client.patch(
            f"/api/users/{user_id(admin, 'worker_c')}", json={"active": False}, headers=admin.as_("admin")
        ).status_code
        == 404
    )
    mine = admin.client.patch(
        f"/api/users/{user_id(admin, 'admin')}", json={"active": False}, headers=admin.as_("admin")
    )
    assert mine.status_code == 409


def test_a_password_reset_ends_the_old_sessions_and_is_held_to_the_policy(admin: Api) -> None:
    worker = admin.as_("worker_a")
    wid = user_id(admin, "worker_a")
    for weak in ("          ", "abcdefghij", "worker_a-2022x", "fangkong-demo", "Password123!"):
        r = admin.client.post(f"/api/users/{wid}/reset-password", json={"password": weak}, headers=admin.as_("admin"))
        assert r.status_code == 422 and error(r)["field"] == "password", weak
    assert admin.client.get("/api/auth/me", headers=worker).status_code == 200  # nothing changed
    r = admin.client.post(
        f"/api/users/{wid}/reset-password", json={"password": "quiet river stones"}, headers=admin.as_("admin")
    )
    assert r.status_code == 204
    assert admin.client.get("/api/auth/me", headers=worker).status_code == 401
    old = admin.client.post("/api/auth/token", json={"username": "worker_a", "password": PASSWORD})
    assert old.status_code == 401
    new = admin.client.post("/api/auth/token", json={"username": "worker_a", "password": "quiet river stones"})
    assert new.status_code == 200
    [(actor, action, detail)] = audited(admin, wid)
    assert (actor, action, detail) == ("admin", "update", {"password": "reset"})
    with unit_of_work(cast(FastAPI, admin.client.app).state.sessions) as session:
        assert "quiet" not in str(session.scalar(select(User.password_hash).where(User.id == wid)))
