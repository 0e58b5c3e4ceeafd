"""The staff's reads of one person at rate (`api/staff_reads.py`, `services/audited_reads`): answered in front of
the router with the route's own answer, every answer's audit entry committed before it is sent (under concurrency
too, several reads a commit), a logged-out token refused at once by every server process, and a read out of scope,
or by a role without the permission, refused as before without an entry or a byte of the record."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, select

from fangkong.api.app import create_app
from fangkong.services.audit.models import AuditEntry
from fangkong.services.audited_reads.batch import Ask, Kind
from fangkong.services.audited_reads.group_commit import GroupCommit, durable_engine
from fangkong.services.store import make_engine
from fangkong.services.users.service import token_digest
from tests.api.helpers import Api, Demo, register, token_of

A, B = "110105001001", "110105001002"


def app_of(client: TestClient) -> FastAPI:
    return cast(FastAPI, client.app)


def reads_of(client: TestClient) -> GroupCommit:
    reads: GroupCommit = app_of(client).state.audited_reads
    return reads


def reads_audited(client: TestClient) -> list[tuple[str, str, str | None, Any]]:
    """(actor, person id, reason, detail) of every read entry, oldest first."""
    engine: Engine = app_of(client).state.engine
    with engine.connect() as conn:
        e = AuditEntry
        rows = conn.execute(select(e.actor, e.entity_id, e.reason, e.detail).where(e.action == "read").order_by(e.id))
        return [(r[0], r[1], r[2], r[3]) for r in rows]


def test_a_read_in_front_of_the_router_answers_what_the_route_answers(api: Api) -> None:
    person = register(api, "epi", name="Same Answer", community=A)
    url = f"/api/persons/{person['id']}"
    for who in ("epi", "viewer"):  # identifiers shown, and masked
        before = reads_of(api.client).reads
        fast = api.client.get(url, headers=api.as_(who))
        assert reads_of(api.client).reads == before + 1  # answered by the group commit
        routed = api.client.get(url, params={"reason": ""}, headers=api.as_(who))  # an unusual query: the route's
        assert reads_of(api.client).reads == before + 1
        assert fast.status_code == routed.status_code == 200
        assert fast.content == routed.content
        assert fast.headers["content-type"] == routed.headers["content-type"] == "application/json"
    assert api.client.get(url, headers=api.as_("viewer")).json()["masked"] is True
    r = api.client.get(url, params={"reason": "home visit"}, headers=api.as_("worker_a"))
    assert r.status_code == 200
    assert reads_audited(api.client)[-1] == ("worker_a", str(person["id"]), "home visit", {})
    assert len(reads_audited(api.client)) == 6  # one entry an answer, whichever path answered


def test_the_code_found_by_its_token_is_audited_either_way(demo: Demo) -> None:
    someone = demo.get("epi", "/api/persons", limit=1)["items"][0]
    token = token_of(demo, someone["id"])
    before = reads_of(demo.client).reads
    stored = demo.get("epi", f"/api/health-codes/token/{token}")  # the stored status of today: the fast path
    assert stored["person_id"] == someone["id"] and stored["computed_at"] is not None
    assert reads_of(demo.client).reads == before + 1
    demo.clock.today += timedelta(days=1)  # no stored status for the day: the route computes it
    computed = demo.get("epi", f"/api/health-codes/token/{token}")
    assert computed["computed_at"] is None and computed["on"] == "2022-11-17"
    by_person = demo.get("epi", f"/api/health-codes/person/{someone['id']}")
    assert by_person["colour"] == computed["colour"]
    entries = [e for e in reads_audited(demo.client) if e[1] == str(someone["id"])]
    assert [(e[0], e[3]) for e in entries[-3:]] == [("epi", {"read": "health_code"})] * 3
    trail = demo.get("supervisor", f"/api/persons/{someone['id']}/audit", action="read")["items"]
    assert trail[-1]["detail"] == {"read": "health_code"}  # in the person's own trail


def test_every_one_of_fifty_concurrent_reads_is_audited(api: Api) -> None:
    people = [register(api, "epi", name=f"Concurrent {i}", community=A, seq=f"{i:03d}") for i in range(5)]
    headers = api.as_("worker_a")
    before = len(reads_audited(api.client))

    urls = [f"/api/persons/{people[i % 5]['id']}" for i in range(50)]
    with ThreadPoolExecutor(max_workers=50) as pool:  # fifty requests in flight at once
        answers = list(pool.map(lambda u: api.client.get(u, headers=headers), urls))
    assert [r.status_code for r in answers] == [200] * 50
    entries = reads_audited(api.client)[before:]
    assert len(entries) == 50
    assert sorted(e[1] for e in entries) == sorted(str(people[i % 5]["id"]) for i in range(50))
    assert {e[0] for e in entries} == {"worker_a"}


@contextmanager
def audit_held(url: str) -> Iterator[None]:
    """Another transaction holds what a batch needs to write its entries until the block ends."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")  # the store's write lock
            else:
                conn.exec_driver_sql("BEGIN")
                conn.exec_driver_sql("LOCK TABLE audit_log IN EXCLUSIVE MODE")
            try:
                yield
            finally:
                conn.exec_driver_sql("COMMIT")
    finally:
        engine.dispose()


def test_reads_waiting_together_share_one_commit_and_none_is_answered_before_it(api: Api, db_url: str) -> None:
    person = register(api, "epi", name="Grouped", community=A)
    digest = token_digest(api.as_("worker_a")["Authorization"][7:])
    reads = GroupCommit(make_engine(db_url), api.clock, threads=1)
    asks = [Ask(Kind.person, person["id"], digest) for _ in range(50)]

    async def ask_all() -> list[Any]:
        with audit_held(db_url):
            waiting = [asyncio.ensure_future(reads.ask(a)) for a in asks]
            await asyncio.sleep(0.5)  # every ask is queued; the first batch waits for the lock
            assert not any(w.done() for w in waiting)  # nothing answered before its entry is committed
            assert len(reads_audited(api.client)) == 0
        return list(await asyncio.gather(*waiting))

    try:
        answers = asyncio.run(ask_all())
    finally:
        reads.close()
    assert all(a is not None and a.actor.username == "worker_a" for a in answers)
    assert len(reads_audited(api.client)) == 50 == reads.reads
    assert reads.batches <= 2  # the one that waited for the lock, and all the others at once


def test_a_logged_out_token_is_refused_at_once_by_every_server(api: Api, db_url: str) -> None:
    person = register(api, "epi", name="Logged Out", community=A)
    url = f"/api/persons/{person['id']}"
    token = api.client.post("/api/auth/token", json={"username": "worker_a", "password": "correct horse battery"})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    other = create_app(db_url, clock=api.clock)  # a second worker process on the same store
    with TestClient(other) as second:
        assert second.get(url, headers=headers).status_code == 200
        assert api.client.get(url, headers=headers).status_code == 200
        entries = len(reads_audited(api.client))
        assert api.client.post("/api/auth/logout", headers=headers).status_code == 204
        for client in (api.client, second):
            for path in (url, "/api/auth/me"):
                r = client.get(path, headers=headers)
                assert r.status_code == 401, path
                assert r.json()["error"]["message"] == "the token is unknown or expired"
        assert api.client.post("/api/auth/logout", headers=headers).status_code == 401
        assert len(reads_audited(api.client)) == entries
    other.state.engine.dispose()
    assert api.client.get(url, headers=api.as_("worker_a")).status_code == 200  # her other sessions stand


def test_an_expired_token_is_refused(api: Api) -> None:
    person = register(api, "epi", name="Expired", community=A)
    headers = api.as_("worker_a")
    api.clock.today += timedelta(days=1)  # the drill's day moves: tokens live on the real clock (issue 17)
    assert api.client.get(f"/api/persons/{person['id']}", headers=headers).status_code == 200
    later = datetime.now(UTC) + timedelta(hours=13)  # tokens last 12 hours
    cast(FastAPI, api.client.app).state.wall_clock = lambda: later
    r = api.client.get(f"/api/persons/{person['id']}", headers=headers)
    assert r.status_code == 401


def test_a_read_out_of_scope_is_not_found_and_writes_nothing(api: Api) -> None:
    person = register(api, "epi", name="Elsewhere Person", community=A)
    before = reads_audited(api.client)
    for who in ("worker_b", "worker_c"):
        r = api.client.get(f"/api/persons/{person['id']}", headers=api.as_(who))
        assert r.status_code == 404
        assert r.json() == {"error": {"field": None, "message": f"no person {person['id']}", "clause": None}}
        assert "Elsewhere" not in r.text
    for junk in ("999999", "0", "01", "-1", "1.0", "abc"):
        r = api.client.get(f"/api/persons/{junk}", headers=api.as_("worker_c"))
        assert r.status_code in (404, 422), junk
    assert api.client.get(f"/api/persons/{person['id']}").status_code == 401
    bad = {"Authorization": "Bearer not-a-token"}
    assert api.client.get(f"/api/persons/{person['id']}", headers=bad).status_code == 401
    assert reads_audited(api.client) == before


def test_a_role_that_may_not_read_persons_is_refused_and_nothing_is_written(demo: Demo) -> None:
    someone = demo.get("epi", "/api/persons", limit=1)["items"][0]
    token = token_of(demo, someone["id"])
    before = reads_audited(demo.client)
    for url in (f"/api/persons/{someone['id']}", f"/api/health-codes/token/{token}"):
        r = demo.client.get(url, headers=demo.as_("lab"))
        assert r.status_code == 403
        assert r.json()["error"]["message"] == "role lab may not read persons"
        assert someone["name"] not in r.text
    assert reads_audited(demo.client) == before


def test_no_answer_leaves_when_its_audit_entry_cannot_be_written(api: Api, db_url: str) -> None:
    person = register(api, "epi", name="Unaudited Never", community=A)
    engine: Engine = app_of(api.client).state.engine
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql(
                "CREATE TRIGGER audit_full BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit full'); END"
            )
        else:
            conn.exec_driver_sql(
                "CREATE FUNCTION audit_full() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'audit full'; END $$"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER audit_full BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_full()"
            )
    client = TestClient(app_of(api.client), raise_server_exceptions=False)
    r = client.get(f"/api/persons/{person['id']}", headers=api.as_("worker_a"))
    assert r.status_code == 500
    assert "Unaudited" not in r.text


@pytest.mark.parametrize("reason", ["", "a&b", "家访"])
def test_a_reason_is_kept_as_the_route_keeps_it(api: Api, reason: str) -> None:
    person = register(api, "epi", name="Reasoned", community=A)
    url, headers = f"/api/persons/{person['id']}", api.as_("epi")
    assert api.client.get(url, params={"reason": reason}, headers=headers).status_code == 200
    # an unusual query (the reason twice: the route takes the last) goes to the route
    twice: list[tuple[str, str | int | float | bool | None]] = [("reason", reason), ("reason", reason)]
    assert api.client.get(url, params=twice, headers=headers).status_code == 200
    fast, routed = reads_audited(api.client)[-2:]
    assert fast == routed and fast[2] == reason


def test_the_request_log_names_the_route_and_account_of_a_read_in_front_of_the_router(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    import json
    import logging

    from fangkong.services import logs

    person = register(api, "epi", name="Logged Read", community=B)
    with caplog.at_level(logging.INFO, logger=logs.LOGGER):
        assert api.client.get(f"/api/persons/{person['id']}", headers=api.as_("worker_b")).status_code == 200
    formatter = logs.JsonLines()
    lines = [json.loads(formatter.format(r)) for r in caplog.records if r.name == logs.LOGGER]
    read = [line for line in lines if line.get("route") == "/api/persons/{person_id}"]
    assert read and read[-1]["who"] == "worker_b" and read[-1]["status"] == 200


def test_the_batches_commit_with_the_stores_strongest_durability(db_url: str) -> None:
    engine = durable_engine(db_url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL: the WAL synced at commit
            else:
                assert conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
    finally:
        engine.dispose()
