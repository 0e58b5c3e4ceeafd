"""A day's lab results judged for a whole city (the judgement half of the lab import, on any engine): the job on
DuckDB over Parquet, on plain PostgreSQL (loaded with COPY), on Spark (with --spark), and the rules asked tube by
tube in Python (a sample, extrapolated).

    .venv/bin/python bench/lab_outcomes.py --city DIR [--pg URL] [--spark] [--sample 20000]
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyarrow.parquet as pq
from common import city_arguments, median, ratio, repeated, result, say, timed

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
    reference = canonical(rows, lab_outcomes.KEYS)
    kinds = dict(Counter(reference.column("consequence").to_pylist()))
    say(f"DuckDB over Parquet: {median(times[1:]):.2f} s (first {times[0]:.2f} s); {kinds}")
    figures: dict[str, object] = {"tubes": tubes, "members": members, "duckdb_s": round(median(times[1:]), 3)}
    figures["consequences"] = kinds
    duck.close()

    if args.pg:
        pg = PostgresEngine(args.pg)
        _, load_s = timed(
            lambda: [pg.parquet(t, city.path(f"{t}.parquet")) for t in ("lab_tubes", "lab_members", "lab_results")]
        )
        pg.index("lab_members", "tube_id")

        def on_postgres() -> object:
            pg.arrow("lab_classes", lab_outcomes.lab_classes(pg.query(lab_outcomes.CLASSES_SQL), policy))
            return pg.query(lab_outcomes.lab_outcomes_sql())

        pg_rows, pg_times = repeated(on_postgres, 2)
        agree = canonical(pg_rows, lab_outcomes.KEYS).equals(reference)
        say(f"PostgreSQL: {min(pg_times):.2f} s after {load_s:.0f} s of COPY; same answer: {agree}")
        figures |= {"pg_s": round(min(pg_times), 2), "pg_load_s": round(load_s, 1), "pg_agrees": agree}
        for t in ("lab_tubes", "lab_members", "lab_results", "lab_classes"):
            pg.conn.execute(f"DROP TABLE IF EXISTS {t}")
        pg.close()

    if args.spark:
        spark = SparkEngine("local[2]")
        spark_rows, spark_times = repeated(
            lambda: run_job("lab_outcomes", city.root, spark, policy, city.today, ZONE).rows, 2
        )
        agree = canonical(spark_rows, lab_outcomes.KEYS).equals(reference)
        say(f"Spark local[2]: {min(spark_times):.2f} s; same answer: {agree}")
        figures |= {"spark_s": round(min(spark_times), 2), "spark_agrees": agree}
        spark.close()

    sample = pq.read_table(city.path("lab_results.parquet")).slice(0, args.sample).to_pylist()
    tube = {t["tube_id"]: t for t in pq.read_table(city.path("lab_tubes.parquet")).slice(0, args.sample).to_pylist()}

    def one_by_one() -> int:
        touched = 0
        for r in sample:
            t = tube[r["tube_id"]]
            ct = GeneCt(orf1ab=r["ct_orf1ab"], n=r["ct_n"])
            touched += len(lab_outcomes.per_tube(t["pool_size"], ct, t["collected_day"], [0] * t["pool_size"], policy))
        return touched

    _, seconds = timed(one_by_one)
    whole = seconds / max(len(sample), 1) * tubes
    say(f"the rules tube by tube: {seconds / max(len(sample), 1) * 1e6:.0f} µs a tube: {whole:,.0f} s for the day")
    say(f"   the job is {ratio(whole, median(times[1:]))} faster")
    figures |= {"per_tube_us": round(seconds / max(len(sample), 1) * 1e6, 1), "per_tube_all_s": round(whole, 1)}
    result("lab_outcomes", **figures)


if __name__ == "__main__":
    main()
