"""A day's lab results at scale: fangkong's import (parse, check, COPY, adjudicate, apply every consequence)
against loading the same rows raw and against row-by-row ORM inserts.

    .venv/bin/python bench/lab_import.py [--tubes 100000] [--db URL]

Registers `--tubes` tubes (90 % 10-in-1 pools, 10 % single tubes) over the people they hold, then imports one
results file for them (0.5 % of pools positive, a few singles positive). SQLite in a temporary directory
unless `--db` names an empty PostgreSQL database.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import delete, select, text, update

from fangkong.services.access import SYSTEM
from fangkong.services.demo import COUNTY, load_demo
from fangkong.services.infections.models import Infection
from fangkong.services.lab.bulk import copy_rows
from fangkong.services.lab.imports import import_results, import_samples
from fangkong.services.lab.models import LabImport, LabResult, Sample
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work, upgrade

DAY = date(2022, 11, 16)
NOW = datetime(2022, 11, 16, 23, 0, tzinfo=UTC)


def populate(url: str, people: int) -> None:
    upgrade(url)
    sessions = session_factory(make_engine(url))
    with unit_of_work(sessions) as session:
        load_demo(session, persons=10)
    communities = [f"{COUNTY}{s:03d}{c:03d}" for s in (1, 2) for c in (1, 2, 3)]
    now = datetime.now(UTC)
    with unit_of_work(sessions) as session:
        copy_rows(
            session,
            Person.__table__,  # type: ignore[arg-type]
            ("name", "document_type", "document_number", "address", "jurisdiction_code", "created_at", "row_version"),
            (
                # households of three at distinct addresses
                (f"R{i}", "passport", f"LB{i:09d}", f"road {i // 3}", communities[(i // 3) % len(communities)], now, 1)
                for i in range(people)
            ),
        )
        if session.connection().dialect.name == "postgresql":
            session.execute(text("ANALYZE person"))  # a store that grew day by day has its statistics


def files(tubes: int, seed: int = 11) -> tuple[bytes, bytes, int]:
    rng = random.Random(seed)
    samples = ["barcode,pool_size,sampling_point,collected_at,members"]
    results = ["barcode,lab,reported_at,ct_orf1ab,ct_n"]
    person = 0
    for t in range(tubes):
        size = 10 if t % 10 else 1
        members = ";".join(f"LB{person + k:09d}" for k in range(size))
        person += size
        samples.append(f"T{t:08d},{size},Point {t % 500},2022-11-16T07:00:00+08:00,{members}")
        positive = rng.random() < (0.005 if size > 1 else 0.0005)
        ct = f"{rng.uniform(22, 33):.1f},{rng.uniform(22, 33):.1f}" if positive else ","
        results.append(f"T{t:08d},City lab,2022-11-16T20:00:00+08:00,{ct}")
    return "\n".join(samples).encode(), "\n".join(results).encode(), person


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tubes", type=int, default=100_000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--orm-sample", type=int, default=5_000)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    samples, results, people = files(args.tubes)
    t = time.perf_counter()
    populate(url, people)
    print(f"store: {url.split(':')[0]}; {people:,} people registered in {time.perf_counter() - t:.1f} s")
    sessions = session_factory(make_engine(url))

    with unit_of_work(sessions) as session:
        t = time.perf_counter()
        reg = import_samples(session, SYSTEM, samples, fmt="csv", now=NOW, filename="samples.csv")
        took = time.perf_counter() - t
    print(f"samples: {reg.rows:,} tubes ({people:,} members) in {took:.1f} s = {reg.rows / took:,.0f} tubes/s")

    with unit_of_work(sessions) as session:
        t = time.perf_counter()
        summary = import_results(session, SYSTEM, results, fmt="csv", now=NOW, filename="results.csv")
        ours = time.perf_counter() - t
    print(
        f"results with every consequence: {summary.rows:,} in {ours:.1f} s = {summary.rows / ours:,.0f} rows/s; "
        f"{summary.outcomes}; {summary.consequences}"
    )

    # the same rows, loaded raw (no checks, no rules, no consequences), after removing ours
    with unit_of_work(sessions) as session:
        ids = dict(session.execute(select(Sample.barcode, Sample.id)).all())
        rows = [line.split(",") for line in results.decode().splitlines()[1:]]
        session.execute(update(Infection).values(result_id=None))
        session.execute(delete(LabResult))
        batch = LabImport(kind="raw", digest="raw", rows=len(rows), added=len(rows), imported_by="bench")
        session.add(batch)
        session.flush()
        t = time.perf_counter()
        copy_rows(
            session,
            LabResult.__table__,  # type: ignore[arg-type]
            ("sample_id", "lab", "reported_at", "ct_orf1ab", "ct_n", "outcome", "cite", "import_id"),
            (
                (
                    ids[r[0]],
                    r[1],
                    NOW,
                    float(r[3]) if r[3] else None,
                    float(r[4]) if r[4] else None,
                    "raw",
                    [],
                    batch.id,
                )
                for r in rows
            ),
        )
        raw = time.perf_counter() - t
        session.rollback()
    path = "COPY" if url.startswith("postgresql") else "executemany"
    print(
        f"raw {path} of the same rows: {raw:.1f} s = {len(rows) / raw:,.0f} rows/s "
        f"(fangkong's import with every check and consequence: {ours / raw:.1f}x that)"
    )

    with unit_of_work(sessions) as session:
        session.execute(update(Infection).values(result_id=None))
        session.execute(delete(LabResult))
        some = list(ids.items())[: args.orm_sample]
        t = time.perf_counter()
        for _barcode, sid in some:
            session.add(LabResult(sample_id=sid, lab="City lab", reported_at=NOW, outcome="raw", cite=[]))
            session.flush()
        orm = (time.perf_counter() - t) / len(some)
        session.rollback()
    print(
        f"row-by-row ORM inserts: {1 / orm:,.0f} rows/s; all {len(rows):,} rows would take {orm * len(rows):.0f} s "
        f"({orm * len(rows) / ours:.1f}x fangkong's whole import)"
    )
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")
    tmp.cleanup()


if __name__ == "__main__":
    main()
