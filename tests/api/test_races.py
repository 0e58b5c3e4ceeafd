"""Races are conflicts, not crashes: the app served for real (uvicorn on a free port, in a thread), a file-based
SQLite store and PostgreSQL when one is given, and many clients at once. The losers of a race for one record get
409 naming the field, or the first import's answer for a file already imported; SQLite waits for its write lock
instead of failing with "database is locked"; and nothing is stored twice."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx2
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import text

from fangkong.api.app import create_app
from fangkong.services.store import unit_of_work
from fangkong.services.users.service import create_user
from tests.api.helpers import Clock, resident_id
from tests.stores import PASSWORD

A = "110105001001"
SAMPLERS = 100  # clients recording the same order's sample of the same day at once
UPLOADERS = 20  # clients uploading the same results file at once


@dataclass
class Served:
    """The app served on a port of its own, its clock, and a way to ask it as a user."""

    app: FastAPI
    base: str
    clock: Clock
    tokens: dict[str, str]

    def as_(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            r = httpx2.post(f"{self.base}/api/auth/token", json={"username": username, "password": PASSWORD})
            assert r.status_code == 200, r.text
            self.tokens[username] = r.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def count(self, sql: str) -> int:
        with self.app.state.engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar_one())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(db_url: str) -> Iterator[Served]:
    clock = Clock(date(2022, 11, 14))
    app = create_app(db_url, clock=clock)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield Served(app, f"http://127.0.0.1:{port}", clock, {})
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        app.state.engine.dispose()


def at_once(n: int, send: Callable[[httpx2.Client], httpx2.Response]) -> list[httpx2.Response]:
    """`n` requests sent together from `n` threads (each its own connection), released by one barrier."""
    barrier = threading.Barrier(n)

    def one(_: int) -> httpx2.Response:
        with httpx2.Client(timeout=120) as client:
            barrier.wait()
            return send(client)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


def statuses(responses: list[httpx2.Response]) -> Counter[int]:
    return Counter(r.status_code for r in responses)


def person(s: Served, seq: str) -> dict[str, Any]:
    body = {
        "name": f"Resident {seq}",
        "document_type": "resident_id",
        "document_number": resident_id("110105", "19850101", seq),
        "address": f"Road {seq}",
        "building": seq,
        "unit": "1",
        "jurisdiction_code": A,
    }
    r = httpx2.post(f"{s.base}/api/persons", json=body, headers=s.as_("epi"))
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_concurrent_samplings_of_one_order_on_one_day_store_one_and_the_rest_are_conflicts(served: Served) -> None:
    s = served
    p = person(s, "123")
    r = httpx2.post(
        f"{s.base}/api/orders",
        json={"person_id": p["id"], "category": "close_contact", "start": "2022-11-14"},
        headers=s.as_("epi"),
    )
    assert r.status_code == 201, r.text
    url = f"{s.base}/api/orders/{r.json()['id']}/samplings"
    headers = s.as_("worker_a")

    responses = at_once(SAMPLERS, lambda c: c.post(url, json={"sampled_on": "2022-11-14"}, headers=headers))

    seen = statuses(responses)
    # the losers are conflicts; on a machine loaded enough that some wait past the pool's timeout for a connection,
    # those are told the server is busy (503, Retry-After) — never a server error, and nothing is stored twice
    assert seen[201] == 1 and seen[409] + seen[503] == SAMPLERS - 1 and seen[409] >= 1, seen
    for lost in (r for r in responses if r.status_code == 409):
        assert set(lost.json()) == {"error"} and lost.json()["error"]["field"] == "sampled_on", lost.text
    for busy in (r for r in responses if r.status_code == 503):
        assert int(busy.headers["Retry-After"]) > 0 and set(busy.json()) == {"error"}, busy.text
    assert s.count("SELECT count(*) FROM sampling") == 1


def test_concurrent_uploads_of_one_results_file_import_it_once(served: Served) -> None:
    s = served
    with unit_of_work(s.app.state.sessions) as session:
        create_user(session, None, username="lab", password=PASSWORD, role="lab", jurisdiction_code="110105")
    people = [person(s, f"{100 + i:03d}") for i in range(5)]
    s.clock.today = date(2022, 11, 16)
    lab = s.as_("lab") | {"content-type": "text/csv"}
    samples = "barcode,pool_size,sampling_point,collected_at,members\n" + "".join(
        f"S-{i},1,Point 3,2022-11-16T07:00:00+08:00,{p['document_number']}\n" for i, p in enumerate(people)
    )
    r = httpx2.post(f"{s.base}/api/lab/samples", content=samples, params={"filename": "s.csv"}, headers=lab)
    assert r.status_code == 200, r.text
    results = "barcode,lab,reported_at,ct_orf1ab,ct_n\n" + "".join(
        f"S-{i},City lab,2022-11-16T08:00:00+08:00,,\n" for i in range(len(people))
    )
    url = f"{s.base}/api/lab/results"

    responses = at_once(UPLOADERS, lambda c: c.post(url, content=results, params={"filename": "r.csv"}, headers=lab))

    seen = statuses(responses)
    assert seen == Counter({200: UPLOADERS}), (seen, [r.text for r in responses if r.status_code != 200][:3])
    answers = [r.json() for r in responses]
    assert sorted(a["already_imported"] for a in answers) == [False] + [True] * (UPLOADERS - 1)
    assert len({a["import_id"] for a in answers}) == 1
    assert s.count("SELECT count(*) FROM lab_import WHERE kind = 'results'") == 1
    assert s.count("SELECT count(*) FROM lab_result") == len(people)
