"""A city's heaviest day of testing, end to end (issue 14): Shanghai's screening of a whole city at this machine's
scale — a lab results file of 2.4 M tubes over the people of a 25 M store imported with every consequence, the
codes it touched refreshed, committed, and the next day's work lists ready.

    .venv/bin/python bench/city_day.py [--people 25000000] [--tubes 2400000] [--db URL] [--data DIR]

The store is built first, untimed and reported on its own, set-based as `bench/lab_import.py` builds it: `--people`
persons, each with a stored health code standing on the day, and `--tubes` tubes registered over the first of
them with their members — 10-in-1 pools, and a single tube every `--single-every` tubes (so 2.4 M tubes sample
23.8 M of the 25 M people). The results file: `--pool-positive` of pools (0.5 %, as the other generators) and
`--single-positive` of single tubes positive.

Timed, in order: reading the results file from disk; the product's import (`import_results`, in a session as
the app makes it, `following`) — read and checked, matched to the samples, judged, stored, consequences (holds,
retests, infections and what follows them); the codes of everyone it touched refreshed (at the commit, the
follow listener); the commit; then the next day's work lists for the whole city, as the product makes them for
the command centre's account (`services.orders.worklists.work_list` at the city's root: tests due, phase changes,
releases, overdue tests and the single-tube retests owed — the bulk job `fangkong bulk run work_lists` covers
orders only, not the retests a day of pools leaves). Afterwards (untimed) every touched person's code is checked
against the day and a sample against the rule on the spot.

SQLite in `--data` unless `--db` names a PostgreSQL database the bench may replace.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from lab_import import (
    DAY,
    Imported,
    _admin,
    check_codes,
    following_sessions,
    peak_mib,
    people_for,
    register,
    registered,
    results_file,
    run_import,
    shares,
)
from sqlalchemy import make_url, text

from fangkong.services.access import SYSTEM
from fangkong.services.orders.worklists import SECTIONS, work_list
from fangkong.services.store import unit_of_work


def fresh_database(url: str) -> None:
    """PostgreSQL: the bench's database dropped and created empty."""
    name = make_url(url).database
    admin = _admin(url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def holds(url: str) -> int:
    """The bench's people in the store."""
    with unit_of_work(following_sessions(url)) as session:
        return int(session.scalar(text("SELECT count(*) FROM person WHERE document_number LIKE 'LB%'")) or 0)


def durability(url: str) -> str:
    if not url.startswith("postgresql"):
        return "SQLite (journal_mode=WAL, synchronous=NORMAL)"
    with _admin(url).connect() as conn:
        shown = {k: conn.scalar(text(f"SHOW {k}")) for k in ("fsync", "synchronous_commit", "full_page_writes")}
    return "PostgreSQL (" + ", ".join(f"{k}={v}" for k, v in shown.items()) + ")"


def next_day_lists(url: str) -> tuple[dict[str, int], float]:
    """The next day's work lists for the whole city (the command centre's scope): rows by section, seconds."""
    t = time.perf_counter()
    with unit_of_work(following_sessions(url)) as session:
        lists = work_list(session, SYSTEM, on=DAY + timedelta(days=1))
        counts = {name: len(getattr(lists, name)) for name in SECTIONS}
    return counts, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=25_000_000)
    ap.add_argument("--tubes", type=int, default=2_400_000)
    ap.add_argument("--single-every", type=int, default=100, help="tube t is a single tube when t %% N == 0")
    ap.add_argument("--pool-positive", type=float, default=0.005)
    ap.add_argument("--single-positive", type=float, default=0.003)
    ap.add_argument("--db", help="a PostgreSQL URL whose database the bench drops and fills (default: SQLite)")
    ap.add_argument("--data", type=Path, default=Path("/work/bench-data-cityday"), help="the file and SQLite store")
    ap.add_argument("--keep", action="store_true", help="keep the SQLite store and the results file")
    ap.add_argument(
        "--reuse", action="store_true", help="PostgreSQL: a database already built for these sizes (and not resulted)"
    )
    args = ap.parse_args()
    sampled = people_for(args.tubes, args.single_every)
    if sampled > args.people:
        ap.error(f"{args.tubes:,} tubes hold {sampled:,} people: give --people at least that")
    args.data.mkdir(parents=True, exist_ok=True)
    # a folder of its own: two runs on two stores at once must not share (or delete) each other's file
    work = Path(tempfile.mkdtemp(prefix=f"city-day-{args.people}-{args.tubes}-", dir=args.data))
    url = args.db or f"sqlite:///{work / 'store.sqlite3'}"
    store = durability(url)
    print(f"store: {store}", flush=True)
    built: dict[str, float] = {}
    if args.db and args.reuse and registered(url, args.tubes) and holds(url) == args.people:
        people = args.people
        print(f"store reused: {people:,} people, {args.tubes:,} tubes, none resulted (build untimed, earlier)")
    else:
        if args.db:
            fresh_database(url)
        people, built = register(url, args.tubes, people=args.people, single_every=args.single_every)
        print(
            f"store built (set-based, untimed): {people:,} people with their codes, {args.tubes:,} tubes, "
            f"{sampled:,} members in {sum(built.values()):.0f} s ("
            + ", ".join(f"{k} {v:.0f} s" for k, v in built.items())
            + f"); peak memory {peak_mib():,.0f} MiB",
            flush=True,
        )
    results = work / "results.csv"
    results.write_bytes(
        results_file(
            args.tubes,
            single_every=args.single_every,
            pool_positive=args.pool_positive,
            single_positive=args.single_positive,
        )
    )
    print(f"results file: {results.stat().st_size / 2**20:,.0f} MiB, {args.tubes:,} tubes", flush=True)

    t = time.perf_counter()
    data = results.read_bytes()
    read = time.perf_counter() - t
    done: Imported = run_import(following_sessions(url), data)
    del data
    lists, listed = next_day_lists(url)
    stages = {"file read": read, **done.stages, "next day's work lists": listed}
    total = sum(stages.values())
    print(
        f"the city's day: {done.summary.rows:,} tubes over {sampled:,} people in {total:.1f} s — {shares(stages)}",
        flush=True,
    )
    print(f"outcomes {done.summary.outcomes}; consequences {done.summary.consequences}")
    print(f"next day's work lists: {lists}")
    checked = check_codes(url, done.owed, done.began)
    print(f"codes after the day: {checked}; peak memory (ru_maxrss) {peak_mib():,.0f} MiB", flush=True)
    assert checked["stale"] == 0 and checked["wrong"] == 0, checked
    assert lists["retests_due"] >= done.summary.consequences.get("held", 0), lists
    figures = {
        "store": store,
        "people": people,
        "tubes": done.summary.rows,
        "sampled": sampled,
        "total_s": round(total, 2),
        "stages_s": {k: round(v, 3) for k, v in stages.items()},
        "build_s": {k: round(v, 1) for k, v in built.items()},
        "outcomes": done.summary.outcomes,
        "consequences": done.summary.consequences,
        "work_lists": lists,
        "codes": checked,
        "peak_mb": round(peak_mib()),
    }
    print("RESULT " + json.dumps({"bench": "city_day", **figures}), flush=True)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
