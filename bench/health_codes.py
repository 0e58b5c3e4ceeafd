"""Health codes in the store at a city's scale: what `fangkong codes recompute` (and its daily job, `--due`) and
the codes' following of events cost over the store itself, beside the ways a user would otherwise do it, in the
same run.

    .venv/bin/python bench/health_codes.py [--persons 2000000] [--db postgresql+psycopg://.../NAME] [--sample 2000]

Builds a city in the store (untimed, reported): a county of 10 streets x 100 communities, `--persons` residents in
buildings of four units, 2.5 % of them close contacts under orders placed over the past week, 1,000 infections,
45,000 people under temporary control after positive pools, 100 high-risk buildings. SQLite in a temporary
directory unless `--db` names a PostgreSQL database (created if missing, dropped after with `--drop`).

Timed, each in a transaction of its own, through the product's own calls (`services.health_codes`):

- the first recompute: every resident issued a code (tokens, and the issue recorded as a change);
- the recompute again, nothing changed (what the store must read to know that);
- the daily job the next morning (`due_only`): only codes that do not stand on the day;
- the recompute on the day the rules change (21 Nov 2022): every code rewritten;
- an event: a building delineated high-risk, its residents' codes refreshed in the same commit;
- a lab import's holds: 45,000 people's codes refreshed (what `follow` does at the import's commit).

Baselines in the same run: one person at a time through the rule and the store (`follow_codes` of one person, as
a per-person job would), sampled and extrapolated; the rule for everyone in batches without the plain-people
path (`store_codes` over a sample of residents); and the floor of any whole-population recompute — one UPDATE
that rewrites every stored code's `computed_at`. After the runs a sample of codes is checked against the rule
computed on the spot (`same answer`).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from common import peak_mb, result, say
from sqlalchemy import func, select, text

from fangkong.policy import load_policy
from fangkong.policy.terms import Category
from fangkong.rules.plans import Plan, management_plan
from fangkong.services.access import SYSTEM
from fangkong.services.areas.service import Delineation, delineate
from fangkong.services.calendar import local_instant, midnight
from fangkong.services.demo import COUNTY as DEMO_COUNTY
from fangkong.services.demo import load_demo
from fangkong.services.file_imports.bulk import copy_frame, copy_rows
from fangkong.services.health_codes.facts import standing
from fangkong.services.health_codes.follow import following
from fangkong.services.health_codes.models import HealthCode
from fangkong.services.health_codes.owed import owe_codes
from fangkong.services.health_codes.refresh import people_in_scope
from fangkong.services.health_codes.service import decide_codes, follow_codes, recompute, store_codes
from fangkong.services.jurisdictions.models import Jurisdiction, JurisdictionLevel
from fangkong.services.jurisdictions.service import create_jurisdiction
from fangkong.services.orders.models import ManagementOrder
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, scratch_database, session_factory, unit_of_work, upgrade

BENCH_CASE = "a synthetic infection of the benchmark"  # the basis of each area delineated here (measure 4)

ON = date(2022, 11, 16)
COUNTY = "110198"  # fictional (GB/T 2260 has no 110198)
STREETS, COMMUNITIES, UNITS = 10, 100, 4
PER_UNIT = 25


def populate(url: str, persons: int) -> None:
    """The demo county plus `persons` residents over its buildings and units, 10 % of them close contacts in
    centralized isolation, two buildings high-risk (the store the venue-check and staff-API benchmarks serve)."""
    upgrade(url)
    sessions = session_factory(make_engine(url))
    with unit_of_work(sessions) as session:
        load_demo(session, persons=20)
    communities = [f"{DEMO_COUNTY}{s:03d}{c:03d}" for s in (1, 2) for c in (1, 2, 3)]
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
                Delineation(area_code=building, reason="residence", note=BENCH_CASE),
                now=midnight(ON),
                policy=load_policy(),
            )


def build(url: str, persons: int) -> dict[str, float]:
    """The city in the store; seconds of each part."""
    spent: dict[str, float] = {}
    t = time.perf_counter()
    upgrade(url)
    engine = make_engine(url)
    policy = load_policy()
    sessions = following(engine, today=lambda: ON, policy=policy)
    rng = random.Random(7)
    communities: list[str] = []
    with unit_of_work(sessions) as session:
        for code, name, level, parent in (
            ("11", "Beijing", JurisdictionLevel.province, None),
            ("1101", "Beijing city", JurisdictionLevel.city, "11"),
            (COUNTY, "Bench county", JurisdictionLevel.county, "1101"),
        ):
            if session.get(Jurisdiction, code) is None:
                create_jurisdiction(session, code=code, name=name, level=level, parent_code=parent)
        rows: dict[str, list[Any]] = {k: [] for k in ("code", "name", "level", "parent_code", "path")}
        for s in range(1, STREETS + 1):
            street = f"{COUNTY}{s:03d}"
            rows["code"].append(street)
            rows["name"].append(f"Street {s}")
            rows["level"].append(JurisdictionLevel.street.value)
            rows["parent_code"].append(COUNTY)
            rows["path"].append(f"/11/1101/{COUNTY}/{street}/")
            for c in range(1, COMMUNITIES + 1):
                code = f"{street}{c:03d}"
                communities.append(code)
                rows["code"].append(code)
                rows["name"].append(f"Community {s}-{c}")
                rows["level"].append(JurisdictionLevel.community.value)
                rows["parent_code"].append(street)
                rows["path"].append(f"/11/1101/{COUNTY}/{street}/{code}/")
        copy_frame(session, "jurisdiction", pl.DataFrame(rows))
    per_community = -(-persons // len(communities))
    buildings = -(-per_community // (UNITS * PER_UNIT))
    now = datetime.now(UTC)
    with unit_of_work(sessions) as session:
        n = pl.int_range(0, persons, eager=True)
        community = n // per_community
        within = n % per_community
        frame = pl.DataFrame({"n": n}).with_columns(
            name=pl.format("Resident {}", pl.col("n")),
            document_type=pl.lit("passport"),
            document_number=pl.format("BENCH{}", pl.col("n")),
            jurisdiction_code=pl.Series(communities).gather(community),
            building=(within // (UNITS * PER_UNIT) + 1).cast(pl.String),
            unit=((within // PER_UNIT) % UNITS + 1).cast(pl.String),
            created_at=pl.lit(now, pl.Datetime("us", "UTC")),
            row_version=pl.lit(1),
        )
        frame = frame.with_columns(address=pl.format("{} building {} unit {}", "jurisdiction_code", "building", "unit"))
        copy_frame(session, "person", frame.drop("n"))
    spent["residents"] = time.perf_counter() - t
    t = time.perf_counter()
    with unit_of_work(sessions) as session:
        first = session.scalar(select(func.min(Person.id))) or 1
        last = session.scalar(select(func.max(Person.id))) or 1
        ids = list(range(first, last + 1))
        picked = rng.sample(ids, int(len(ids) * 0.025) + 45_000 + 1_000)
        managed, held, infected = picked[: int(len(ids) * 0.025)], picked[-46_000:-1_000], picked[-1_000:]
        plans = {}
        for back in range(7):
            plan = management_plan(Category.close_contact, ON - timedelta(days=back), policy.at(ON))
            assert isinstance(plan, Plan)
            plans[back] = plan
        backs = [rng.randrange(7) for _ in managed]
        copy_frame(
            session,
            "management_order",
            pl.DataFrame(
                {
                    "person_id": managed,
                    "category": "close_contact",
                    "start": [plans[b].start for b in backs],
                    "released_on": [plans[b].released_on for b in backs],
                    "status": "active",
                    "policy_version": [plans[b].policy or "" for b in backs],
                    "policy_date": ON,
                    "plan": [json.dumps(plans[b].model_dump(mode="json")) for b in backs],
                    "jurisdiction_code": [communities[(pid - first) // per_community] for pid in managed],
                    "placed_by": "bench",
                    "created_at": now,
                    "updated_at": now,
                    "row_version": 1,
                },
                schema_overrides={"created_at": pl.Datetime("us", "UTC"), "updated_at": pl.Datetime("us", "UTC")},
            ),
        )
        copy_frame(
            session,
            "temporary_control",
            pl.DataFrame(
                {
                    "person_id": held,
                    "sample_id": 0,
                    "started_at": local_instant(ON, datetime.min.time()).astimezone(UTC),
                },
                schema_overrides={"started_at": pl.Datetime("us", "UTC")},
            ),
        )
        copy_frame(
            session,
            "infection",
            pl.DataFrame(
                {
                    "person_id": infected,
                    "kind": "asymptomatic",
                    "sampled_on": ON - timedelta(days=1),
                    "confirmed_at": local_instant(ON, datetime.min.time()).astimezone(UTC),
                    "found_in": "community",
                    "jurisdiction_code": [communities[(pid - first) // per_community] for pid in infected],
                    "places": "[]",
                    "cite": "[]",
                    "created_by": "bench",
                    "created_at": now,
                },
                schema_overrides={"confirmed_at": pl.Datetime("us", "UTC"), "created_at": pl.Datetime("us", "UTC")},
            ),
        )
    spent["facts"] = time.perf_counter() - t
    t = time.perf_counter()
    with unit_of_work(sessions) as session:
        for hit in rng.sample(communities, 100):
            b = str(rng.randint(1, buildings))
            code = f"{hit}{int(b):03d}"
            create_jurisdiction(
                session, code=code, name=f"Building {b}", level=JurisdictionLevel.building, parent_code=hit
            )
            session.get(Jurisdiction, code).label = b  # type: ignore[union-attr]
            delineate(
                session,
                SYSTEM,
                Delineation(area_code=code, reason="residence", note=BENCH_CASE),
                now=local_instant(ON, datetime.min.time()),
                policy=policy,
            )
        session.info.clear()  # the codes are issued by the first recompute, timed below
    spent["areas"] = time.perf_counter() - t
    engine.dispose()
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=2_000_000)
    parser.add_argument("--db", default=None, help="a PostgreSQL server URL: a scratch database is made on it")
    parser.add_argument("--sample", type=int, default=2_000, help="people refreshed one at a time")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    if args.db:
        with scratch_database(args.db, "bench_codes") as url:
            run(url, args)
    else:
        run(f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}", args)
    tmp.cleanup()


def run(url: str, args: argparse.Namespace) -> None:
    store = url.split(":")[0].split("+")[0]
    say(f"store: {store}; {args.persons:,} residents")
    spent = build(url, args.persons)
    say("built: " + ", ".join(f"{k} {v:.1f} s" for k, v in spent.items()))
    policy = load_policy()
    engine = make_engine(url)
    day = {"today": ON}
    sessions = following(engine, today=lambda: day["today"], policy=policy)
    figures: dict[str, Any] = {"persons": args.persons, "store": store, "build_s": round(sum(spent.values()), 1)}

    def timed_recompute(label: str, on: date, *, due_only: bool = False) -> dict[str, int]:
        day["today"] = on
        t = time.perf_counter()
        with unit_of_work(sessions) as session:
            counts = recompute(session, SYSTEM, on, policy=policy, due_only=due_only)
        seconds = time.perf_counter() - t
        figures[f"{label}_s"] = round(seconds, 2)
        say(
            f"{label}: {seconds:.2f} s to the commit — {counts.get('persons', 0):,} codes, "
            f"{counts.get('written', 0):,} written, {counts.get('changed', 0):,} changed "
            f"({counts.get('persons', 0) / seconds:,.0f} codes/s)"
        )
        return counts

    timed_recompute("first_recompute", ON)
    timed_recompute("recompute_unchanged", ON)
    timed_recompute("daily_job", ON + timedelta(days=1), due_only=True)
    timed_recompute("rules_change_recompute", date(2022, 11, 21))
    day["today"] = date(2022, 11, 21)

    # an event: one more building high-risk, its residents followed in the commit
    with unit_of_work(sessions) as session:
        code = session.scalar(select(Jurisdiction.code).where(Jurisdiction.level == "community").limit(1))
        assert code is not None
        building = f"{code}099"
        create_jurisdiction(
            session, code=building, name="Building 99", level=JurisdictionLevel.building, parent_code=code
        )
        session.get(Jurisdiction, building).label = "1"  # type: ignore[union-attr]
    t = time.perf_counter()
    with unit_of_work(sessions) as session:
        delineate(
            session,
            SYSTEM,
            Delineation(area_code=building, reason="residence", note=BENCH_CASE),
            now=local_instant(day["today"], datetime.min.time().replace(hour=9)),
            policy=policy,
        )
    figures["area_event_s"] = round(time.perf_counter() - t, 3)
    say(
        f"a building delineated, its {UNITS * PER_UNIT} residents followed: "
        f"{figures['area_event_s']:.3f} s to the commit"
    )

    # a lab import's holds: 45,000 people owed at the commit
    with unit_of_work(sessions) as session:
        held = list(session.scalars(text("SELECT person_id FROM temporary_control")))
    t = time.perf_counter()
    with unit_of_work(sessions) as session:
        owe_codes(session, held, "lab.results")
    figures["holds_follow_s"] = round(time.perf_counter() - t, 2)
    say(f"{len(held):,} held people's codes followed at a commit: {figures['holds_follow_s']:.2f} s")

    # ---- baselines ----
    rng = random.Random(3)
    with unit_of_work(sessions) as session:
        total = session.scalar(select(func.count()).select_from(HealthCode)) or 0
        first = session.scalar(select(func.min(Person.id))) or 1
        last = session.scalar(select(func.max(Person.id))) or 1
    sample = rng.sample(range(first, last + 1), min(args.sample, last - first + 1))
    t = time.perf_counter()
    for pid in sample:
        with unit_of_work(sessions) as session:
            follow_codes(session, [pid], on=day["today"], policy=policy, by="bench", cause="one at a time")
    one = (time.perf_counter() - t) / len(sample)
    figures["one_at_a_time_us"] = round(one * 1e6)
    figures["one_at_a_time_whole_s"] = round(one * total)
    say(
        f"baseline, one person at a time (rule + store, a commit each): {one * 1e3:.2f} ms a code "
        f"= {one * total:,.0f} s for {total:,}"
    )

    batch = rng.sample(range(first, last + 1), min(100_000, last - first + 1))
    with unit_of_work(sessions) as session:
        people = people_in_scope(session, batch)
        t = time.perf_counter()
        store_codes(session, "bench", people, day["today"], policy, cause="rule for everyone", always=True)
        per = (time.perf_counter() - t) / len(people)
        session.rollback()
    figures["rule_for_everyone_whole_s"] = round(per * total)
    say(
        f"baseline, the rule for everyone in batches (no plain path): {per * 1e6:.0f} µs a code "
        f"= {per * total:,.0f} s for {total:,}"
    )

    t = time.perf_counter()
    with unit_of_work(sessions) as session:
        session.execute(text("UPDATE health_code SET computed_at = computed_at"))
    floor = time.perf_counter() - t
    figures["rewrite_every_row_s"] = round(floor, 2)
    say(f"baseline, the floor: one UPDATE rewriting every stored code: {floor:.2f} s")

    # ---- the same answer ----
    check = rng.sample(range(first, last + 1), min(10_000, last - first + 1))
    with unit_of_work(sessions) as session:
        people = people_in_scope(session, check)
        rule = decide_codes(session, people, day["today"], policy)
        stored = {
            pid: (colour, on, until)
            for pid, colour, on, until in session.execute(
                select(HealthCode.person_id, HealthCode.colour, HealthCode.on, HealthCode.until).where(
                    HealthCode.person_id.in_(check[:30_000])
                )
            )
        }
        session.rollback()
    same = all(
        standing(stored[p.id][1], stored[p.id][2], day["today"]) and stored[p.id][0] == rule[p.id].colour
        for p in people
        if p.id in stored
    ) and len(stored) == len(people)
    figures["same_answer"] = same
    say(f"same answer (10,000 stored codes against the rule on the spot): {same}")
    figures["best_baseline_name"] = "rewrite every row (floor)"
    figures["peak_mb"] = round(peak_mb())
    say(f"peak memory {figures['peak_mb']:,} MB")
    result("health_codes_store", **figures)
    engine.dispose()
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
