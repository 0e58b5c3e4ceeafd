"""Codes follow events (issue 14), as a property: random sequences of everything that can change a health code,
driven through the API and its services on the demo county (SQLite and PostgreSQL), and after each event every
stored code that stands on the day equals the rule computed on the spot, every person has a code, and the venue
check of every person in play answers the rule's colour. Days pass too: with or without the daily job, a
check the morning after answers that day's rule.

Events: a person registered or moved, an order placed or cancelled, an infection recorded or discharged, a
building delineated around an infection, areas advanced or lowered, a positive pool (its members held) and a
negative retest (a hold ended) imported by the lab, a corrected appeal, the next day (with the daily job or
without), a recompute of the county. A refused event (4xx) must change nothing either; a server error fails the test.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from fangkong.api.app import create_app
from fangkong.services.file_imports import bulk
from fangkong.services.health_codes.facts import standing
from fangkong.services.health_codes.models import HealthCode
from fangkong.services.health_codes.service import decide_codes
from fangkong.services.persons.models import Person
from fangkong.services.store import unit_of_work
from tests.api.helpers import C12, Clock, Demo, resident_id
from tests.stores import BACKENDS, Templates

START = date(2022, 11, 16)  # the demo's day
PEOPLE = 6
BUILDINGS = ("5", "6")
CATEGORIES = ("close_contact", "high_risk_spillover", "entry_personnel")

person_index = st.integers(0, PEOPLE - 1)
EVENTS = st.one_of(
    st.tuples(st.just("order"), person_index, st.sampled_from(CATEGORIES), st.integers(0, 6)),
    st.tuples(st.just("cancel"), st.integers(0, 5)),
    st.tuples(st.just("infection"), person_index),
    st.tuples(st.just("discharge"), st.integers(0, 3)),
    st.tuples(st.just("delineate"), st.integers(0, 3)),
    st.tuples(st.just("lower"), st.integers(0, 2)),
    st.tuples(st.just("advance")),
    st.tuples(st.just("move"), person_index, st.sampled_from(BUILDINGS)),
    st.tuples(st.just("register"), st.sampled_from(BUILDINGS)),
    st.tuples(st.just("pool")),
    st.tuples(st.just("retest"), person_index),
    st.tuples(st.just("appeal"), person_index),
    st.tuples(st.just("next_day"), st.booleans()),
    st.tuples(st.just("recompute"), st.booleans()),
)


class World:
    """The demo county's API with the people, orders, infections and areas a sequence made."""

    def __init__(self, demo: Demo) -> None:
        self.demo = demo
        self.people: list[dict[str, Any]] = []
        self.orders: list[dict[str, Any]] = []
        self.infections: list[dict[str, Any]] = []
        self.areas: list[dict[str, Any]] = []
        self.barcodes = itertools.count(1)
        self.seq = itertools.count(500)

    @property
    def app(self) -> FastAPI:
        app = self.demo.client.app
        assert isinstance(app, FastAPI)
        return app

    @property
    def today(self) -> date:
        return self.demo.clock.today

    def send(self, method: str, who: str, url: str, **kw: Any) -> Any:
        r = self.demo.client.request(method, url, headers={**self.demo.as_(who), **kw.pop("headers", {})}, **kw)
        assert r.status_code < 500, (method, url, r.text)
        return r.json() if r.status_code < 300 else None

    def register(self, building: str) -> None:
        seq = f"{next(self.seq):03d}"
        body = {
            "name": f"Resident {seq}",
            "document_type": "resident_id",
            "document_number": resident_id("110199", "19800101", seq),
            "address": f"{C12} building {building} unit 1",
            "building": building,
            "unit": "1",
            "jurisdiction_code": C12,
        }
        made = self.send("POST", "epi", "/api/persons", json=body)
        assert made is not None
        self.people.append(made)

    def upload(self, url: str, csv: str) -> Any:
        return self.send(
            "POST",
            "lab",
            url,
            content=csv.encode(),
            params={"filename": f"f{next(self.barcodes)}.csv"},
            headers={"content-type": "text/csv"},
        )

    def lab(self, members: list[dict[str, Any]], ct: str, minute: int) -> None:
        barcode = f"B-{next(self.barcodes)}"
        day = self.today.isoformat()
        docs = ";".join(p["document_number"] for p in members)
        samples = "barcode,pool_size,sampling_point,collected_at,members\n"
        samples += f"{barcode},{len(members)},Point 1,{day}T07:{minute:02d}:00+08:00,{docs}\n"
        if self.upload("/api/lab/samples", samples) is None:
            return
        results = (
            f"barcode,lab,reported_at,ct_orf1ab,ct_n\n{barcode},City lab,{day}T08:{minute:02d}:00+08:00,{ct},{ct}\n"
        )
        self.upload("/api/lab/results", results)

    def apply(self, event: tuple[Any, ...]) -> None:
        kind, *args = event
        p = self.people
        if kind == "order":
            made = self.send(
                "POST",
                "epi",
                "/api/orders",
                json={
                    "person_id": p[args[0]]["id"],
                    "category": args[1],
                    "anchor_date": (self.today - timedelta(days=args[2])).isoformat(),
                },
            )
            if made is not None:
                self.orders.append(made)
        elif kind == "cancel" and args[0] < len(self.orders):
            order = self.orders[args[0]]
            current = self.send("GET", "epi", f"/api/orders/{order['id']}")
            if current is not None:
                self.send(
                    "POST",
                    "epi",
                    f"/api/orders/{order['id']}/cancel",
                    json={"row_version": current["row_version"], "on": self.today.isoformat(), "reason": "an error"},
                )
        elif kind == "infection":
            made = self.send(
                "POST",
                "epi",
                "/api/infections",
                json={
                    "person_id": p[args[0]]["id"],
                    "kind": "confirmed",
                    "sampled_on": (self.today - timedelta(days=1)).isoformat(),
                    "confirmed_at": f"{self.today.isoformat()}T08:00:00+08:00",
                },
            )
            if made is not None:
                self.infections.append(made)
        elif kind == "discharge" and args[0] < len(self.infections):
            infection = self.infections[args[0]]
            self.send(
                "PATCH", "epi", f"/api/infections/{infection['id']}", json={"discharged_on": self.today.isoformat()}
            )
        elif kind == "delineate" and args[0] < len(self.infections):
            infection = self.infections[args[0]]
            home = next(x for x in self.people if x["id"] == infection["person_id"])
            made = self.send(
                "POST",
                "command",
                "/api/risk-areas",
                json={
                    "area_code": C12 + f"{int(home['building']):03d}",
                    "reason": "residence",
                    "infection_ids": [infection["id"]],
                },
            )
            if made is not None:
                self.areas.append(made)
        elif kind == "lower" and args[0] < len(self.areas):
            area = self.areas[args[0]]
            self.send("POST", "command", f"/api/risk-areas/{area['id']}/lower", json={"on": self.today.isoformat()})
        elif kind == "advance":
            self.send("POST", "command", "/api/risk-areas/advance", json={})
        elif kind == "move":
            person = self.send("GET", "epi", f"/api/persons/{p[args[0]]['id']}")
            assert person is not None
            self.send(
                "PATCH",
                "epi",
                f"/api/persons/{person['id']}",
                json={
                    "row_version": person["row_version"],
                    "building": args[1],
                    "address": f"{C12} building {args[1]} unit 1",
                },
            )
            p[args[0]] = {**p[args[0]], "building": args[1]}
        elif kind == "register":
            self.register(args[0])
        elif kind == "pool":
            self.lab(p[:5], "30", 5)
        elif kind == "retest":
            self.lab([p[args[0]]], "", 30)
        elif kind == "appeal":
            ticket = self.send(
                "POST",
                "worker2",
                "/api/appeals",
                json={"kind": "health_code", "text": "please check my code", "person_id": p[args[0]]["id"]},
            )
            if ticket is not None:
                self.send(
                    "POST",
                    "worker2",
                    f"/api/appeals/{ticket['id']}/answer",
                    json={"outcome": "corrected", "answer": "checked"},
                )
        elif kind == "recompute":  # the whole county, or the daily job
            self.send("POST", "command", "/api/health-codes/recompute", json={"due_only": args[0]})
        elif kind == "next_day":
            self.demo.clock.today = self.today + timedelta(days=1)
            if args[0]:  # the daily job ran before the first scan
                self.send("POST", "command", "/api/health-codes/recompute", json={"due_only": True})

    def assert_codes_are_true(self, after: tuple[Any, ...]) -> None:
        """Every stored code standing today is the rule's; everyone has one; each check answers the rule."""
        today = self.today
        with unit_of_work(self.app.state.sessions) as session:
            people = list(session.scalars(select(Person)))
            rule = decide_codes(session, people, today, self.app.state.policy)
            rows = session.execute(
                select(HealthCode.person_id, HealthCode.token, HealthCode.colour, HealthCode.on, HealthCode.until)
            ).all()
        assert {r.person_id for r in rows} == {p.id for p in people}, f"a person without a code after {after}"
        for r in rows:
            if standing(r.on, r.until, today):
                assert r.colour == rule[r.person_id].colour, (after, today, r, rule[r.person_id].reasons)
        tokens = {r.person_id: r.token for r in rows}
        for person in self.people:
            answer = self.demo.client.get(f"/api/health-codes/check/{tokens[person['id']]}").json()
            assert answer == {"colour": rule[person["id"]].colour, "on": today.isoformat()}, (after, person["id"])


@contextmanager
def world(templates: Templates, backend: str, folder: Path) -> Iterator[World]:
    with templates.store(backend, "demo_20", folder) as url:
        app = create_app(url, clock=Clock(START))
        try:
            with TestClient(app) as client:
                w = World(Demo(client, app.state.clock, {}))
                for i in range(PEOPLE):
                    w.register(BUILDINGS[i % 2])
                yield w
        finally:
            app.state.engine.dispose()


@pytest.mark.parametrize("keys", ["in_lists", "staged"])
@pytest.mark.parametrize("backend", BACKENDS)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(events=st.lists(EVENTS, min_size=3, max_size=12))
def test_every_stored_code_is_the_rule_after_every_event(
    backend: str,
    keys: str,
    events: list[tuple[Any, ...]],
    store_templates: Templates,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a city's refresh stages its people's ids in a scratch table (`bulk.keyed`); a test's handful go as IN
    # lists unless told otherwise: "staged" sends every set of keys the city's way
    monkeypatch.setattr(bulk, "STAGE_KEYS_ABOVE", 0 if keys == "staged" else bulk.STAGE_KEYS_ABOVE)
    with world(store_templates, backend, tmp_path_factory.mktemp("codes")) as w:
        w.assert_codes_are_true(("start",))
        for event in events:
            w.apply(event)
            w.assert_codes_are_true(event)
