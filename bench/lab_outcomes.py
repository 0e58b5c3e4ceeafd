"""A day's lab results judged for a whole city (the judgement half of the lab import, on any engine), in one run:
fangkong's job on DuckDB over Parquet (the engine the product runs it on) against every way a user would
otherwise get the same rows:

- plain PostgreSQL, loaded with COPY and indexed on the tube: the server's own time (EXPLAIN ANALYZE) for the
  job's two queries plus the rules' verdict on the distinct classes, with Python's fetch of the rows beside it;
- Spark (with --spark);
- the rules asked tube by tube in Python (a sample of results with their real members, extrapolated), each
  sampled tube's consequences compared person by person with the job's.

The ratio printed, and carried in the RESULT line, is to the fastest baseline that gave the same rows; any
baseline with other rows fails the run. There is no row-by-row ORM comparison here (the store's import is
`bench/lab_import.py`).

    .venv/bin/python bench/lab_outcomes.py --city DIR [--pg URL] [--spark] [--sample 20000]
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyarrow.compute as pc
import pyarrow.parquet as pq
from common import (
    Baseline,
    city_arguments,
    compare,
    finish,
    median,
    pg_indexes,
    pg_server_seconds,
    postgres_indexed,
    repeated,
    say,
    say_baseline,
    timed,
)

from fangkong.bulk import lab_outcomes
from fangkong.bulk.city import ZONE, City
from fangkong.bulk.engines import DuckDBEngine, PostgresEngine, SparkEngine, canonical
from fangkong.bulk.jobs import run_job
from fangkong.policy import load_policy
from fangkong.rules.ct import GeneCt


def main() -> None:
    args = city_arguments(__doc__, ("--sample", {"type": int, "default": 20_000}))
    city = City.open(args.city)
    tubes = pq.ParquetFile(city.path("lab_tubes.parquet")).metadata.num_rows
    members = pq.ParquetFile(city.path("lab_members.parquet")).metadata.num_rows
    say(f"== a day's lab results judged: {tubes:,} tubes, {members:,} people sampled")
    policy = load_policy()

    duck = DuckDBEngine()
    rows, times = repeated(lambda: run_job("lab_outcomes", city.root, duck, policy, city.today, ZONE).rows, 4)
    fangkong_s = median(times[1:])
    reference = canonical(rows, lab_outcomes.KEYS)
    kinds = dict(Counter(reference.column("consequence").to_pylist()))
    say(f"the job on DuckDB over Parquet: {fangkong_s:.2f} s (first {times[0]:.2f} s); {kinds}")
    figures: dict[str, object] = {"tubes": tubes, "members": members, "duckdb_s": round(fangkong_s, 3)}
    figures["consequences"] = kinds
    duck.close()
    baselines: list[Baseline] = []

    if args.pg:
        pg = PostgresEngine(args.pg)

        def load() -> None:
            for t in ("lab_tubes", "lab_members", "lab_results"):
                pg.parquet(t, city.path(f"{t}.parquet"))

        _, load_s = timed(load)
        _, index_s = timed(lambda: pg_indexes(pg, ("lab_members", "tube_id"), ("lab_tubes", "tube_id")))

        def judge_classes() -> None:
            pg.arrow("lab_classes", lab_outcomes.lab_classes(pg.query(lab_outcomes.CLASSES_SQL), policy))

        def on_postgres() -> object:
            judge_classes()
            return pg.query(lab_outcomes.lab_outcomes_sql())

        pg_rows, pg_times = repeated(on_postgres, 2)
        agree = canonical(pg_rows, lab_outcomes.KEYS).equals(reference)
        # the server's share: its two queries, plus the rules' verdict on the few distinct classes and their load
        # (client work the DuckDB job does too)
        distinct = pg.query(lab_outcomes.CLASSES_SQL)
        _, judge_s = timed(lambda: pg.arrow("lab_classes", lab_outcomes.lab_classes(distinct, policy)))
        server = min(
            pg_server_seconds(pg.conn, lab_outcomes.CLASSES_SQL)
            + judge_s
            + pg_server_seconds(pg.conn, lab_outcomes.lab_outcomes_sql())
            for _ in range(2)
        )
        baseline, pg_figures = postgres_indexed(
            "PostgreSQL, indexed on tube",
            server,
            min(pg_times),
            agree,
            load_s=load_s,
            index_s=index_s,
            detail=f"the server's time {server:.2f} s (the classes judged in Python and loaded: "
            f"{judge_s * 1000:.0f} ms of it), with Python's fetch of the rows {min(pg_times):.2f} s",
        )
        baselines.append(baseline)
        figures |= pg_figures
        for t in ("lab_tubes", "lab_members", "lab_results", "lab_classes"):
            pg.conn.execute(f"DROP TABLE IF EXISTS {t}")
        pg.close()

    if args.spark:
        spark = SparkEngine("local[2]")
        spark_rows, spark_times = repeated(
            lambda: run_job("lab_outcomes", city.root, spark, policy, city.today, ZONE).rows, 2
        )
        agree = canonical(spark_rows, lab_outcomes.KEYS).equals(reference)
        baselines.append(say_baseline(Baseline("spark", "Spark local[2] over Parquet", min(spark_times), agree)))
        figures |= {"spark_s": round(min(spark_times), 2), "spark_agrees": agree}
        spark.close()

    sample = pq.read_table(city.path("lab_results.parquet")).slice(0, args.sample)
    wanted = sample.column("tube_id")
    all_tubes = pq.read_table(city.path("lab_tubes.parquet"))
    tube = {t["tube_id"]: t for t in all_tubes.filter(pc.is_in(all_tubes.column("tube_id"), wanted)).to_pylist()}
    all_members = pq.read_table(city.path("lab_members.parquet"), columns=["tube_id", "person_id"])
    in_tube: dict[int, list[int]] = {}
    for m in all_members.filter(pc.is_in(all_members.column("tube_id"), wanted)).to_pylist():
        in_tube.setdefault(m["tube_id"], []).append(m["person_id"])
    del all_members, all_tubes
    results = sample.to_pylist()

    def one_by_one() -> set[tuple[int, int, str]]:
        touched: set[tuple[int, int, str]] = set()
        for r in results:
            t = tube[r["tube_id"]]
            ct = GeneCt(orf1ab=r["ct_orf1ab"], n=r["ct_n"])
            found = lab_outcomes.per_tube(t["pool_size"], ct, t["collected_day"], in_tube.get(t["tube_id"], []), policy)
            touched |= {(t["tube_id"], person, consequence) for person, consequence in found}
        return touched

    by_rules, seconds = timed(one_by_one)
    # the rules' consequences for the sampled tubes against the job's rows for the same tubes, person by person
    mine = reference.filter(pc.is_in(reference.column("tube_id"), wanted))
    ours = set(zip(*(mine.column(c).to_pylist() for c in ("tube_id", "person_id", "consequence")), strict=True))
    n = max(len(results), 1)
    whole = seconds / n * tubes
    baselines.append(
        say_baseline(
            Baseline(
                "per_tube",
                "the rules tube by tube",
                whole,
                ours == by_rules,
                extrapolated=True,
                detail=f"{seconds / n * 1e6:.0f} µs a tube, {len(results):,} tubes judged and compared "
                f"({len(by_rules):,} people touched, {len(ours ^ by_rules):,} different)",
            )
        )
    )
    figures |= {
        "per_tube_us": round(seconds / n * 1e6, 1),
        "per_tube_all_s": round(whole, 1),
        "per_tube_agrees": ours == by_rules,
    }

    figures |= compare(fangkong_s, baselines, "the job on DuckDB")
    finish("lab_outcomes", figures, baselines)


if __name__ == "__main__":
    main()
