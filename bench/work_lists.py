"""Today's work lists for everyone under management in a city, in one run: the schedule held in memory and sorted
by day (`fangkong.bulk.work_lists.Schedule`, a command centre's long-running job; its load reported beside it),
the job's SQL on DuckDB over Parquet, the same SQL on plain PostgreSQL (loaded with COPY and indexed), on Spark
(with --spark), and the per-order rule (`rules.work_list`) in Python over every order.

    .venv/bin/python bench/work_lists.py --city DIR [--pg URL] [--spark] [--overdue-days 7]
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyarrow.parquet as pq
from common import city_arguments, median, ratio, repeated, result, say, timed

from fangkong.bulk import work_lists as wl
from fangkong.bulk.city import City
from fangkong.bulk.engines import DuckDBEngine, Engine, PostgresEngine, SparkEngine, canonical
from fangkong.bulk.timebase import epoch_day, from_epoch_day
from fangkong.policy import load_policy
from fangkong.policy.terms import Category
from fangkong.rules.plans import Plan, management_plan

TABLES = ("orders", "phases", "tests", "samplings")


def register(engine: Engine, city: City) -> None:
    for t in TABLES:
        engine.parquet(t, city.path(f"{t}.parquet"))


def per_order(city: City, overdue_days: int) -> tuple[int, float]:
    """Every order's work by the per-order rule, the way a per-person job would (plans remade, as the service
    remakes each stored plan)."""
    policy = load_policy()
    day = epoch_day(city.today)
    orders = pq.read_table(city.path("orders.parquet")).to_pylist()
    sampled: dict[int, set[date]] = {}
    for s in pq.read_table(city.path("samplings.parquet")).to_pylist():
        sampled.setdefault(s["order_id"], set()).add(from_epoch_day(s["sampled_day"]))

    def run() -> int:
        rows = 0
        for o in orders:
            if not (o["start_day"] <= day and o["released_day"] >= day - overdue_days):
                continue
            start = from_epoch_day(o["start_day"])
            plan = management_plan(Category(o["category"]), start, policy.at(start))
            assert isinstance(plan, Plan)
            rows += len(
                wl.per_order(
                    o["order_id"],
                    plan,
                    from_epoch_day(o["released_day"]),
                    city.today,
                    sampled.get(o["order_id"], set()),
                    overdue_days,
                )
            )
        return rows

    return timed(run)


def main() -> None:
    args = city_arguments(__doc__, ("--overdue-days", {"type": int, "default": 7}))
    city = City.open(args.city)
    orders = pq.ParquetFile(city.path("orders.parquet")).metadata.num_rows
    say(f"== today's work lists for {orders:,} orders under management")
    sql = wl.work_lists_sql(epoch_day(city.today), args.overdue_days)

    schedule, load_s = timed(lambda: wl.Schedule.load(city.root))
    day = epoch_day(city.today)
    fast, fast_times = repeated(lambda: schedule.work(day, args.overdue_days), 6)
    say(
        f"schedule in memory: {fast.num_rows:,} rows in {median(fast_times[1:]) * 1000:.0f} ms "
        f"(first {fast_times[0] * 1000:.0f} ms; loading and sorting the schedule once: {load_s:.2f} s)"
    )

    duck = DuckDBEngine()
    register(duck, city)
    rows, times = repeated(lambda: duck.query(sql), 6)
    reference = canonical(rows, wl.KEYS)
    by_section = {
        r["section"]: r["n"]
        for r in duck.query(f"SELECT section, count(*) AS n FROM ({sql}) GROUP BY section").to_pylist()
    }
    say(
        f"DuckDB over Parquet: {reference.num_rows:,} rows in {median(times[1:]) * 1000:.0f} ms "
        f"(first {times[0] * 1000:.0f} ms); {by_section}"
    )
    agree = canonical(fast, wl.KEYS).equals(reference)
    say(
        f"   same answer as the schedule: {agree}; "
        f"the schedule is {ratio(median(times[1:]), median(fast_times[1:]))} faster"
    )
    figures: dict[str, object] = {
        "schedule_s": round(median(fast_times[1:]), 4),
        "schedule_load_s": round(load_s, 2),
        "schedule_agrees": agree,
        "orders": orders,
        "rows": reference.num_rows,
        "sections": by_section,
        "duckdb_s": round(median(times[1:]), 4),
        "duckdb_first_s": round(times[0], 4),
    }
    duck.close()

    if args.pg:
        pg = PostgresEngine(args.pg)
        _, load_s = timed(lambda: register(pg, city))
        _, index_s = timed(
            lambda: (
                pg.index("orders", "start_day", "released_day"),
                pg.index("tests", "test_day"),
                pg.index("phases", "order_id", "phase_index"),
                pg.index("samplings", "order_id", "sampled_day"),
            )
        )
        pg_rows, pg_times = repeated(lambda: pg.query(sql), 3)
        agree = canonical(pg_rows, wl.KEYS).equals(reference)
        say(
            f"PostgreSQL: {min(pg_times) * 1000:.0f} ms after {load_s:.0f} s of COPY "
            f"and {index_s:.0f} s of indexing; same answer: {agree}"
        )
        say(f"   DuckDB is {ratio(min(pg_times), median(times[1:]))} faster")
        figures |= {"pg_s": round(min(pg_times), 3), "pg_load_s": round(load_s, 1), "pg_agrees": agree}
        for t in TABLES:
            pg.conn.execute(f"DROP TABLE {t}")
        pg.close()

    if args.spark:
        spark = SparkEngine("local[2]")
        register(spark, city)
        spark_rows, spark_times = repeated(lambda: spark.query(sql), 2)
        agree = canonical(spark_rows, wl.KEYS).equals(reference)
        say(f"Spark local[2]: {min(spark_times):.2f} s; same answer: {agree}")
        figures |= {"spark_s": round(min(spark_times), 2), "spark_agrees": agree}
        spark.close()

    n, seconds = per_order(city, args.overdue_days)
    agree_n = n == reference.num_rows
    say(
        f"per-order rule in Python: {seconds:.1f} s ({n:,} rows; same count: {agree_n});"
        f" the schedule is {ratio(seconds, median(fast_times[1:]))} faster"
    )
    figures |= {"per_order_s": round(seconds, 2), "per_order_agrees": agree_n}
    result("work_lists", **figures)


if __name__ == "__main__":
    main()
