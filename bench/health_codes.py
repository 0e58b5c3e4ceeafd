"""Health codes at population scale: the bulk recompute against computing each person's code one at a time
(what a per-person ORM job does), and the code lookup a venue check makes (stored token) against computing it
on the spot.

    .venv/bin/python bench/health_codes.py [--persons 100000] [--db URL]

Builds the demo county, adds `--persons` residents spread over its buildings and units (10 % of them close
contacts in centralized isolation, two buildings high-risk), then prints the figures. SQLite in a temporary
directory unless `--db` names a PostgreSQL database (it must be empty).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from fangkong.policy import load_policy
from fangkong.policy.terms import Category
from fangkong.rules.plans import Plan, management_plan
from fangkong.services.access import SYSTEM
from fangkong.services.areas.service import Delineation, delineate
from fangkong.services.calendar import midnight
from fangkong.services.demo import COUNTY, load_demo
from fangkong.services.file_imports.bulk import copy_rows
from fangkong.services.health_codes.models import HealthCode
from fangkong.services.health_codes.service import decide_codes, lookup, recompute
from fangkong.services.orders.models import ManagementOrder
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work, upgrade

ON = date(2022, 11, 16)


def populate(url: str, persons: int) -> None:
    upgrade(url)
    sessions = session_factory(make_engine(url))
    with unit_of_work(sessions) as session:
        load_demo(session, persons=20)
    communities = [f"{COUNTY}{s:03d}{c:03d}" for s in (1, 2) for c in (1, 2, 3)]
    rng = random.Random(7)
    now = datetime.now(UTC)
    plan = management_plan(Category.close_contact, date(2022, 11, 14), load_policy().at(ON))
    assert isinstance(plan, Plan)
    plan_json = plan.model_dump(mode="json")
    with unit_of_work(sessions) as session:
        first = (session.scalar(select(Person.id).order_by(Person.id.desc()).limit(1)) or 0) + 1
        rows = []
        for i in range(persons):
            community = rng.choice(communities)
            b, u = rng.randint(1, 12), rng.randint(1, 4)
            rows.append(
                (
                    f"Resident {i}",
                    "passport",
                    f"BENCH{i:09d}",
                    None,
                    None,
                    None,
                    f"{community} building {b} unit {u}",
                    str(b),
                    str(u),
                    community,
                    now,
                    1,
                )
            )
        copy_rows(
            session,
            Person.__table__,  # type: ignore[arg-type]
            (
                "name",
                "document_type",
                "document_number",
                "phone",
                "birth_date",
                "sex",
                "address",
                "building",
                "unit",
                "jurisdiction_code",
                "created_at",
                "row_version",
            ),
            rows,
        )
        contacts = [(first + i, rows[i][9]) for i in range(0, persons, 10)]
        copy_rows(
            session,
            ManagementOrder.__table__,  # type: ignore[arg-type]
            (
                "person_id",
                "category",
                "anchor_kind",
                "anchor_date",
                "start",
                "released_on",
                "status",
                "policy_version",
                "policy_date",
                "plan",
                "jurisdiction_code",
                "placed_by",
                "created_at",
                "updated_at",
                "row_version",
            ),
            [
                (
                    pid,
                    "close_contact",
                    None,
                    None,
                    plan.start,
                    plan.released_on,
                    "active",
                    plan.policy or "",
                    ON,
                    plan_json,
                    code,
                    "bench",
                    now,
                    now,
                    1,
                )
                for pid, code in contacts
            ],
        )
    with unit_of_work(sessions) as session:
        command = SYSTEM
        for building in (f"{communities[1]}003", f"{communities[4]}009"):
            delineate(
                session,
                command,
                Delineation(area_code=building, reason="residence"),
                now=midnight(ON),
                policy=load_policy(),
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--sample", type=int, default=2_000, help="people computed one at a time")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    started = time.perf_counter()
    populate(url, args.persons)
    print(f"store: {url.split(':')[0]}; populated {args.persons:,} residents in {time.perf_counter() - started:.1f} s")
    sessions = session_factory(make_engine(url))

    with unit_of_work(sessions) as session:
        t = time.perf_counter()
        counts = recompute(session, SYSTEM, ON, policy=load_policy())
        bulk = time.perf_counter() - t
    total = counts["persons"]
    print(
        f"bulk recompute: {total:,} codes in {bulk:.2f} s = {total / bulk:,.0f} codes/s "
        f"({', '.join(f'{k} {v:,}' for k, v in counts.items() if k not in ('persons', 'changed'))})"
    )

    with unit_of_work(sessions) as session:
        people = list(session.scalars(select(Person).order_by(Person.id).limit(args.sample)))
        t = time.perf_counter()
        for p in people:
            decide_codes(session, [p], ON, load_policy())
        one = (time.perf_counter() - t) / len(people)
    print(
        f"one at a time (per-person queries): {one * 1000:.2f} ms a code = {1 / one:,.0f} codes/s; "
        f"the whole population would take {one * total:.0f} s — bulk is {one * total / bulk:.1f}x faster"
    )

    with unit_of_work(sessions) as session:
        tokens = list(session.scalars(select(HealthCode.token).limit(10_000)))
        t = time.perf_counter()
        for token in tokens:
            lookup(session, SYSTEM, on=ON, token=token)
        stored = (time.perf_counter() - t) / len(tokens)
        ids = [p.id for p in people[:1000]]
        t = time.perf_counter()
        for pid in ids:
            lookup(session, SYSTEM, on=date(2022, 11, 17), person_id=pid)  # no stored status: computed
        live = (time.perf_counter() - t) / len(ids)
    print(
        f"lookup by token (stored status): {stored * 1e6:,.0f} µs = {1 / stored:,.0f} lookups/s in one process; "
        f"computed on the spot: {live * 1e6:,.0f} µs ({live / stored:.1f}x slower)"
    )
    tmp.cleanup()


if __name__ == "__main__":
    main()
