"""The venue and transport check (`GET /api/health-codes/check/{token}`), on SQLite and PostgreSQL.

A scanner sends the token its QR carries, without a login, and is told the colour and the day: nothing personal.
The store is the source of truth: after a recompute, a corrected appeal, a refresh of one person, or a commit by
another engine or connection (standing in for another process), the very next check shows the new colour.
Unknown and malformed tokens are not found, with the project's error body.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

import psycopg
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.engine import make_url

from fangkong.api import routes_check
from fangkong.policy import load_policy
from fangkong.services.access import SYSTEM
from fangkong.services.health_codes.check import code_store
from fangkong.services.health_codes.models import HealthCode
from fangkong.services.health_codes.service import refresh_person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.api.helpers import C12, Demo, resident, token_of

DAY = date(2022, 11, 16)  # the demo's clock
NOT_FOUND = {"error": {"field": None, "message": "no health code token", "clause": None}}


def app_of(demo: Demo) -> FastAPI:
    return cast(FastAPI, demo.client.app)


def url_of(demo: Demo) -> str:
    return str(app_of(demo).state.engine.url.render_as_string(hide_password=False))


def check(demo: Demo, token: str) -> dict[str, Any]:
    """A scan: no Authorization header."""
    r = demo.client.get(f"/api/health-codes/check/{token}")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.headers["cache-control"] == "no-store"
    return dict(r.json())


def close_contact(demo: Demo, person_id: int) -> dict[str, Any]:
    return dict(
        demo.post(
            "epi",
            "/api/orders",
            {"person_id": person_id, "category": "close_contact", "anchor_date": "2022-11-15"},
            status=201,
        )
    )


def test_the_check_answers_the_stored_colour_and_day_and_nothing_personal(demo: Demo) -> None:
    contact = resident(demo, "Scanned Contact", "811", C12, "5", "1")
    close_contact(demo, contact["id"])
    demo.post("command", "/api/health-codes/recompute", {})
    token = token_of(demo, contact["id"])
    assert check(demo, token) == {"colour": "red", "on": DAY.isoformat()}
    # the same status as the staff's lookup, which needs a login and shows the reasons
    staff = demo.get("epi", f"/api/health-codes/token/{token}")
    assert (staff["colour"], staff["on"], staff["person_id"]) == ("red", DAY.isoformat(), contact["id"])


def test_an_order_placed_and_cancelled_shows_on_the_next_check(demo: Demo) -> None:
    """Codes follow events: the order's commit refreshes the code, no recompute in between (issue 14)."""
    person = resident(demo, "Changing", "812", C12, "4", "1")
    token = token_of(demo, person["id"])  # registered: a code at once
    assert check(demo, token)["colour"] == "green"

    order = close_contact(demo, person["id"])
    assert check(demo, token)["colour"] == "red"

    demo.post(
        "epi",
        f"/api/orders/{order['id']}/cancel",
        {"row_version": order["row_version"], "on": DAY.isoformat(), "reason": "not a contact after all"},
    )
    assert check(demo, token)["colour"] == "green"
    changes = demo.get("epi", f"/api/health-codes/person/{person['id']}/changes")["items"]
    assert [(c["from_colour"], c["to_colour"], c["by"], c["cause"]) for c in changes][-2:] == [
        ("green", "red", "epi", "order.placed"),
        ("red", "green", "epi", "order.cancelled"),
    ]


def test_a_corrected_appeal_shows_on_the_next_check(demo: Demo) -> None:
    person = resident(demo, "Appealing", "818", C12, "4", "2")
    token = token_of(demo, person["id"])
    with unit_of_work(app_of(demo).state.sessions) as session:  # a stored colour gone wrong
        session.execute(update(HealthCode).where(HealthCode.token == token).values(colour="yellow"))
    assert check(demo, token)["colour"] == "yellow"
    ticket = demo.post(
        "worker2",
        "/api/appeals",
        {"kind": "health_code", "text": "my code is yellow for nothing", "person_id": person["id"]},
        status=201,
    )
    demo.post("worker2", f"/api/appeals/{ticket['id']}/answer", {"outcome": "corrected", "answer": "corrected"})
    assert check(demo, token)["colour"] == "green"


def test_a_commit_by_another_engine_shows_on_the_next_check(demo: Demo) -> None:
    """Another process's commits, stood in for by an engine of its own (and, on SQLite, a bare connection)."""
    person = resident(demo, "Elsewhere", "813", C12, "6", "1")
    demo.post("command", "/api/health-codes/recompute", {})
    token = token_of(demo, person["id"])
    assert check(demo, token)["colour"] == "green"

    url = url_of(demo)
    other = make_engine(url)
    try:
        # a refresh of one person, as the appeal desk's process would make it
        close_contact(demo, person["id"])
        with unit_of_work(session_factory(other)) as session:
            assert refresh_person(session, SYSTEM, person["id"], DAY, load_policy()).colour == "red"
        assert check(demo, token)["colour"] == "red"

        # a direct write of the stored row
        with other.begin() as conn:
            conn.execute(update(HealthCode).where(HealthCode.token == token).values(colour="yellow"))
        assert check(demo, token)["colour"] == "yellow"
    finally:
        other.dispose()

    # and a connection that is not SQLAlchemy's at all
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        assert parsed.database is not None
        lite = sqlite3.connect(parsed.database)
        with lite:
            lite.execute("UPDATE health_code SET colour = 'green' WHERE token = ?", (token,))
        lite.close()
    else:
        with psycopg.connect(parsed.set(drivername="postgresql").render_as_string(hide_password=False)) as pg:
            pg.execute("UPDATE health_code SET colour = 'green' WHERE token = %s", (token,))
    assert check(demo, token)["colour"] == "green"


def test_the_daily_job_run_from_the_command_line_shows_on_the_next_check(demo: Demo) -> None:
    """`fangkong codes recompute` in a process of its own, as the nightly job runs."""
    person = resident(demo, "Nightly", "817", C12, "10", "1")
    demo.post("command", "/api/health-codes/recompute", {})
    token = token_of(demo, person["id"])
    assert check(demo, token)["colour"] == "green"
    close_contact(demo, person["id"])
    fangkong = Path(sys.executable).with_name("fangkong")
    done = subprocess.run(
        [str(fangkong), "codes", "recompute", "--as", "command", "--on", DAY.isoformat(), "--db", url_of(demo)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert check(demo, token) == {"colour": "red", "on": DAY.isoformat()}


def test_a_status_of_another_day_is_computed_for_today(demo: Demo) -> None:
    person = resident(demo, "Tomorrow", "814", C12, "7", "3")
    close_contact(demo, person["id"])
    demo.post("command", "/api/health-codes/recompute", {})
    token = token_of(demo, person["id"])
    assert check(demo, token) == {"colour": "red", "on": DAY.isoformat()}
    # the next day, before the daily recompute: the answer is for today, computed from the records
    demo.clock.today = DAY + timedelta(days=1)
    assert check(demo, token) == {"colour": "red", "on": (DAY + timedelta(days=1)).isoformat()}
    with unit_of_work(app_of(demo).state.sessions) as session:
        stored = session.scalar(select(HealthCode.on).where(HealthCode.token == token))
    assert stored == DAY  # a check is a read: nothing stored


def test_unknown_and_malformed_tokens_are_not_found(demo: Demo) -> None:
    person = resident(demo, "Known", "815", C12, "8", "1")
    demo.post("command", "/api/health-codes/recompute", {})
    token = token_of(demo, person["id"])
    for unknown in ("A" * 43, token[:-1] + ("B" if token[-1] != "B" else "C"), "no-such-token", "x" * 500, "%27"):
        r = demo.client.get(f"/api/health-codes/check/{unknown}")
        assert r.status_code == 404, (unknown, r.text)
        assert r.json() == NOT_FOUND
    # the staff's lookup of an unknown token says the same
    r = demo.client.get("/api/health-codes/token/" + "A" * 43, headers=demo.as_("epi"))
    assert (r.status_code, r.json()) == (404, NOT_FOUND)


def test_the_check_is_in_the_api_schema(demo: Demo) -> None:
    operation = app_of(demo).openapi()["paths"]["/api/health-codes/check/{token}"]["get"]
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/CodeCheck")
    assert "404" in operation["responses"]


def test_the_documented_route_answers_as_the_fast_path_does(demo: Demo) -> None:
    """The middleware answers before FastAPI's router; the route it shadows, alone in an app, says the same."""
    contact = resident(demo, "Twice Answered", "816", C12, "9", "1")
    close_contact(demo, contact["id"])
    demo.post("command", "/api/health-codes/recompute", {})
    token = token_of(demo, contact["id"])

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await app.state.code_store.aclose()

    bare = FastAPI(lifespan=lifespan)
    bare.state.clock, bare.state.sessions = demo.clock, app_of(demo).state.sessions
    bare.state.code_store = code_store(url_of(demo))
    bare.include_router(routes_check.router)
    with TestClient(bare) as client:
        for probe in (token, "A" * 43, "junk"):
            fast = demo.client.get(f"/api/health-codes/check/{probe}")
            routed = client.get(f"/api/health-codes/check/{probe}")
            assert (routed.status_code, routed.content) == (fast.status_code, fast.content), probe
            assert routed.headers["cache-control"] == fast.headers["cache-control"] == "no-store"
            assert routed.headers["content-type"] == fast.headers["content-type"] == "application/json"
    assert routed.status_code == 404
