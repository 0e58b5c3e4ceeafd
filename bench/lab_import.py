"""A day's lab results at city scale: fangkong's import (parse, check, stage, adjudicate, store, apply every
consequence) against loading the same rows raw, and against row-by-row ORM inserts — in one run.

    .venv/bin/python bench/lab_import.py [--results 1000000] [--db URL] [--orm-sample 20000]

`--results` (or `--tubes`) tubes, 90 % 10-in-1 pools and 10 % single tubes, are registered over the people they
hold (9.1 people a tube) and resulted in one file: 0.5 % of pools positive, 0.05 % of single tubes positive.
Registration (people, tubes, members) is loaded before the timed import with set-based INSERT … SELECT and
reported on its own. SQLite in a temporary directory unless `--db` names an empty PostgreSQL database.

Timed, in this order, each on the same store state:
- raw load: the same result rows (sample ids already known; no checks, no rules, no consequences) through the
  bulk path's floor — one COPY (PostgreSQL) or one executemany (SQLite) — rolled back;
- row-by-row ORM inserts of a bounded subset (`--orm-sample`), one flush each, rolled back; extrapolated;
- fangkong's import of the file with every consequence, committed.
Peak memory (ru_maxrss) is printed after registration and after the import.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from fangkong.policy import load_policy
from fangkong.services.access import SYSTEM
from fangkong.services.demo import COUNTY, load_demo
from fangkong.services.file_imports.batches import ImportSummary
from fangkong.services.file_imports.bulk import copy_frame
from fangkong.services.file_imports.models import LabImport
from fangkong.services.jurisdictions.models import JurisdictionLevel
from fangkong.services.jurisdictions.service import create_jurisdiction
from fangkong.services.lab.imports import import_results
from fangkong.services.lab.models import LabResult, Sample
from fangkong.services.store import make_engine, session_factory, unit_of_work, upgrade

NOW = datetime(2022, 11, 16, 23, 0, tzinfo=UTC)
COLLECTED = "2022-11-15 23:00:00"  # 07:00 on 16 Nov in Beijing, in UTC
REPORTED = datetime(2022, 11, 16, 12, 0, tzinfo=UTC)  # 20:00 in Beijing
COMMUNITY_SIZE = 5_000  # residents of a community (社区): a few thousand


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _community(k: int) -> str:
    """Community k: the two streets of the demo county in turn, communities 001, 002 … under each."""
    return f"{COUNTY}{1 + k % 2:03d}{1 + k // 2:03d}"


def people_for(tubes: int) -> int:
    """Tube t is a single tube when t % 10 == 0, else a 10-in-1 pool."""
    singles = (tubes + 9) // 10
    return singles + 10 * (tubes - singles)


def _numbers(session: Session, n: int, alias: str = "g") -> str:
    """A FROM item giving `alias`.i = 0 … n-1, on either store."""
    if session.connection().dialect.name == "postgresql":
        return f"generate_series(0, {n - 1}) AS {alias}(i)"
    counting = f"WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < {n - 1})"
    return f"({counting} SELECT i FROM c) AS {alias}"


def register(url: str, tubes: int) -> tuple[int, float]:
    """People, tubes and members written set-based (INSERT … SELECT); returns (people, seconds)."""
    upgrade(url)
    sessions = session_factory(make_engine(url))
    with unit_of_work(sessions) as session:
        load_demo(session, persons=10)
    people = people_for(tubes)
    # a city's communities hold a few thousand residents each (the demo county's six would hold 1.5 M each at
    # 1 M tubes, and every household lookup of a new infection would read one of them)
    communities = max(6, -(-people // COMMUNITY_SIZE))
    with unit_of_work(sessions) as session:
        for k in range(6, communities):
            create_jurisdiction(
                session,
                code=_community(k),
                name=f"Community {k}",
                level=JurisdictionLevel.community,
                parent_code=_community(k)[:-3],
            )
    t = time.perf_counter()
    with unit_of_work(sessions) as session:
        pg = session.connection().dialect.name == "postgresql"
        pad = "lpad(CAST(i AS TEXT), 9, '0')" if pg else "printf('%09d', i)"
        tube_pad = "lpad(CAST(i AS TEXT), 8, '0')" if pg else "printf('%08d', i)"
        kth = f"(i / {COMMUNITY_SIZE})"
        digits = (
            f"lpad(CAST(1 + {kth} % 2 AS TEXT), 3, '0') || lpad(CAST(1 + {kth} / 2 AS TEXT), 3, '0')"
            if pg
            else f"printf('%03d%03d', 1 + {kth} % 2, 1 + {kth} / 2)"
        )
        community = f"'{COUNTY}' || {digits}"
        # households of three at distinct addresses
        session.execute(
            text(
                f"""INSERT INTO person (name, document_type, document_number, address, jurisdiction_code,
                                        created_at, row_version)
                    SELECT 'R' || i, 'passport', 'LB' || {pad}, 'road ' || (i / 3), {community},
                           '{COLLECTED}{"+00" if pg else ".000000"}', 1
                    FROM {_numbers(session, people)} ORDER BY i"""
            )
        )
        session.execute(
            text(
                f"""INSERT INTO sample (barcode, pool_size, sampling_point, collected_at)
                    SELECT 'T' || {tube_pad}, CASE WHEN i % 10 = 0 THEN 1 ELSE 10 END, 'Point ' || (i % 500),
                           '{COLLECTED}{"+00" if pg else ".000000"}'
                    FROM {_numbers(session, tubes)} ORDER BY i"""
            )
        )
        # tube t holds people offset(t) … offset(t) + size - 1, offset(t) = 10 t - 9 ceil(t / 10)
        first = session.scalar(text("SELECT min(id) FROM person WHERE document_number = 'LB000000000'"))
        first_sample = session.scalar(text("SELECT min(id) FROM sample WHERE barcode = 'T00000000'"))
        ids_in_order = session.scalar(
            text("SELECT max(id) - min(id) + 1 = count(*) FROM person WHERE document_number LIKE 'LB%'")
        ) and session.scalar(text("SELECT max(id) - min(id) + 1 = count(*) FROM sample WHERE barcode LIKE 'T%'"))
        assert ids_in_order, "people and tubes were not numbered in order: register them one by one"
        session.execute(
            text(
                f"""INSERT INTO sample_member (sample_id, person_id)
                    SELECT {first_sample} + g.i, {first} + 10 * g.i - 9 * ((g.i + 9) / 10) + k.i
                    FROM {_numbers(session, tubes)} CROSS JOIN {_numbers(session, 10, "k")}
                    WHERE k.i < CASE WHEN g.i % 10 = 0 THEN 1 ELSE 10 END"""
            )
        )
    if url.startswith("postgresql"):  # a store that grew day by day has its statistics and its visibility map
        with make_engine(url).connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in ("person", "sample", "sample_member", "lab_result"):
                conn.execute(text(f"VACUUM ANALYZE {table}"))
    return people, time.perf_counter() - t


def results_file(tubes: int, seed: int = 11) -> bytes:
    rng = random.Random(seed)
    out = io.BytesIO()
    out.write(b"barcode,lab,reported_at,ct_orf1ab,ct_n\n")
    for start in range(0, tubes, 100_000):  # a block at a time: the bench's own memory stays small
        lines = []
        for t in range(start, min(start + 100_000, tubes)):
            positive = rng.random() < (0.005 if t % 10 else 0.0005)
            ct = f"{rng.uniform(22, 33):.1f},{rng.uniform(22, 33):.1f}" if positive else ","
            lines.append(f"T{t:08d},City lab,2022-11-16T20:00:00+08:00,{ct}\n")
        out.write("".join(lines).encode())
    return out.getvalue()


def raw_rows(session: Session, data: bytes) -> pl.DataFrame:
    """The file's rows as lab_result rows with their sample ids (prepared untimed: the raw load's input)."""
    rows = pl.read_csv(
        data,
        schema={
            "barcode": pl.String,
            "lab": pl.String,
            "reported_at": pl.String,
            "ct_orf1ab": pl.Float64,
            "ct_n": pl.Float64,
        },
    )
    ids = pl.DataFrame(
        session.execute(select(Sample.barcode, Sample.id)).all(),
        schema={"barcode": pl.String, "sample_id": pl.Int64},
        orient="row",
    )
    return rows.join(ids, on="barcode").select(
        "sample_id",
        "lab",
        pl.lit(REPORTED).alias("reported_at"),
        "ct_orf1ab",
        "ct_n",
        pl.lit("raw").alias("outcome"),
        pl.lit("[]").alias("cite"),
    )


def registered(url: str, tubes: int) -> bool:
    """The store already holds this bench's people and tubes, and none of their results (`--repeat` rolls
    every import back), so a second run can skip registration."""
    upgrade(url)
    with unit_of_work(session_factory(make_engine(url))) as session:
        have = session.scalar(text("SELECT count(*) FROM sample WHERE barcode LIKE 'T%'"))
        results = session.scalar(
            text("SELECT count(*) FROM lab_result r JOIN sample s ON s.id = r.sample_id WHERE s.barcode LIKE 'T%'")
        )
    return bool(have == tubes and results == 0)


def vacuum(url: str) -> None:
    """Rolled-back rows weigh on the next load until vacuumed (PostgreSQL)."""
    if url.startswith("postgresql"):
        with make_engine(url).connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in ("lab_result", "retest", "temporary_control", "lab_import"):
                conn.execute(text(f"VACUUM {table}"))


def raw_load(url: str, data: bytes) -> tuple[int, float]:
    with unit_of_work(session_factory(make_engine(url))) as session:
        rows = raw_rows(session, data)
        batch = LabImport(kind="raw", digest="raw", rows=rows.height, added=rows.height, imported_by="bench")
        session.add(batch)
        session.flush()
        rows = rows.with_columns(pl.lit(batch.id).alias("import_id"))
        t = time.perf_counter()
        copy_frame(session, "lab_result", rows)
        session.flush()
        took = time.perf_counter() - t
        session.rollback()
    vacuum(url)
    return rows.height, took


def orm_rate(url: str, data: bytes, sample: int) -> float:
    """Seconds per row of row-by-row ORM inserts (one flush each), timed on `sample` rows."""
    with unit_of_work(session_factory(make_engine(url))) as session:
        some = raw_rows(session, data).head(sample)
        t = time.perf_counter()
        for sid, lab, _at, orf1ab, n, *_ in some.iter_rows():
            session.add(
                LabResult(
                    sample_id=sid, lab=lab, reported_at=REPORTED, ct_orf1ab=orf1ab, ct_n=n, outcome="raw", cite=[]
                )
            )
            session.flush()
        took = (time.perf_counter() - t) / some.height
        session.rollback()
    vacuum(url)
    return took


def ours(url: str, data: bytes, *, commit: bool) -> tuple[float, float, dict[str, float], ImportSummary]:
    """fangkong's import: (seconds to the end of the import, seconds of the commit, seconds per stage, summary)."""
    stages: dict[str, float] = {}
    t = last = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal last
        stages[stage] = time.perf_counter() - last
        last = time.perf_counter()

    sessions = session_factory(make_engine(url))
    session = sessions()
    try:
        summary = import_results(
            session, SYSTEM, data, fmt="csv", now=NOW, filename="results.csv", progress=progress, policy=load_policy()
        )
        took = time.perf_counter() - t
        t = time.perf_counter()
        session.commit() if commit else session.rollback()
        ending = time.perf_counter() - t
    finally:
        session.close()
    if not commit:
        vacuum(url)
    return took, ending, stages, summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", "--tubes", dest="results", type=int, default=100_000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--orm-sample", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=1, help="rounds of raw load and import (each rolled back)")
    parser.add_argument("--commit", action="store_true", help="commit the last import (a rerun registers again)")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    store = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    if registered(url, args.results):
        print(f"store: {store}; {args.results:,} tubes already registered (registration skipped)")
    else:
        people, took = register(url, args.results)
        print(
            f"store: {store}; registration (set-based INSERT … SELECT, untimed below): {people:,} people, "
            f"{args.results:,} tubes, {people:,} members in {took:.1f} s; peak memory {peak_mib():,.0f} MiB"
        )
    data = results_file(args.results)
    print(f"results file: {len(data) / 2**20:,.1f} MiB; peak memory {peak_mib():,.0f} MiB")
    path = "COPY … FROM STDIN (one CSV stream)" if store == "PostgreSQL" else "executemany"
    orm = orm_rate(url, data, args.orm_sample)
    raws, imports = [], []
    for rep in range(args.repeat):
        n, raw = raw_load(url, data)
        took, ending, stages, summary = ours(url, data, commit=args.commit and rep == args.repeat - 1)
        raws.append(raw)
        imports.append(took)
        shown = ", ".join(f"{k} {v:.1f}" for k, v in stages.items())
        print(
            f"[{rep + 1}] raw {path}: {n:,} rows in {raw:.1f} s ({n / raw:,.0f} rows/s) | fangkong's import: "
            f"{summary.rows:,} results in {took:.1f} s ({summary.rows / took:,.0f} rows/s; {shown}; "
            f"{'commit' if args.commit and rep == args.repeat - 1 else 'rollback'} {ending:.2f} s) "
            f"= {took / raw:.1f}x the raw load | peak memory {peak_mib():,.0f} MiB"
        )
    print(f"outcomes {summary.outcomes}; consequences {summary.consequences}")
    best, typical = min(imports), sorted(imports)[len(imports) // 2]
    print(
        f"fangkong's import with every consequence: best {best:.1f} s, typical {typical:.1f} s "
        f"({summary.rows / best:,.0f} rows/s); raw load best {min(raws):.1f} s, typical "
        f"{sorted(raws)[len(raws) // 2]:.1f} s; ratio (typical/typical) "
        f"{typical / sorted(raws)[len(raws) // 2]:.1f}x, best/best {best / min(raws):.1f}x"
    )
    print(
        f"row-by-row ORM inserts (timed on {args.orm_sample:,} rows, extrapolated): {1 / orm:,.0f} rows/s; "
        f"all {summary.rows:,} would take {orm * summary.rows:,.0f} s "
        f"({orm * summary.rows / best:.0f}x fangkong's import)"
    )
    print(f"peak memory (ru_maxrss): {peak_mib():,.0f} MiB")
    figures = {
        "store": store,
        "results": summary.rows,
        "import_s": round(best, 2),
        "import_typical_s": round(typical, 2),
        "raw_s": round(min(raws), 2),
        "ratio": round(best / min(raws), 2),
        "orm_rows_per_s": round(1 / orm),
        "consequences": summary.consequences,
        "peak_mb": round(peak_mib()),
    }
    print("RESULT " + json.dumps({"bench": "lab_import", **figures}), flush=True)
    tmp.cleanup()


if __name__ == "__main__":
    main()
