"""Today's work lists for everyone under management in a city, in one run, fangkong against every way a user would
otherwise get the same rows:

- fangkong: what `fangkong bulk run work_lists` runs (`fangkong.bulk.jobs.run_job` on DuckDB), timed in its
  parts: loading the schedule sorted by day (`work_lists.Schedule.load`, once per run), then the day's pass
  (`Schedule.work`: slices and a binary search of the samples, giving the SQL job's rows and column types). The
  ratio is the pass's; load + pass, and the whole `run_job`, are reported beside, as a command run pays them;
- the job's SQL on DuckDB over Parquet, and on DuckDB with the tables in its memory sorted by day (the schedule's
  head start; the load and sort reported beside);
- the same SQL on plain PostgreSQL, loaded with COPY and indexed: the server's own time (EXPLAIN ANALYZE), with
  Python's fetch of the rows beside it;
- on Spark (with --spark);
- the per-order rule (`rules.work_list`) in Python over every order, its rows compared with the schedule's.

The ratio printed, and carried in the RESULT line, is to the fastest baseline that gave the same rows; any
baseline with other rows fails the run.

    .venv/bin/python bench/work_lists.py --city DIR [--pg URL] [--spark] [--overdue-days 7]
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

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

from fangkong.bulk import work_lists as wl
from fangkong.bulk.city import ZONE, City
from fangkong.bulk.engines import DuckDBEngine, Engine, PostgresEngine, SparkEngine, canonical
from fangkong.bulk.jobs import JobRun, run_job
from fangkong.bulk.timebase import epoch_day, from_epoch_day
from fangkong.policy import load_policy
from fangkong.policy.terms import Category
from fangkong.rules.plans import Plan, management_plan

TABLES = ("orders", "phases", "tests", "samplings")


def register(engine: Engine, city: City) -> None:
    for t in TABLES:
        engine.parquet(t, city.path(f"{t}.parquet"))


def per_order(city: City, overdue_days: int) -> tuple[list[wl.Row], float]:
    """Every order's work by the per-order rule, the way a per-person job would (plans remade, as the service
    remakes each stored plan)."""
    policy = load_policy()
    day = epoch_day(city.today)
    orders = pq.read_table(city.path("orders.parquet")).to_pylist()
    sampled: dict[int, set[date]] = {}
    for s in pq.read_table(city.path("samplings.parquet")).to_pylist():
        sampled.setdefault(s["order_id"], set()).add(from_epoch_day(s["sampled_day"]))

    def run() -> list[wl.Row]:
        rows: list[wl.Row] = []
        for o in orders:
            if not (o["start_day"] <= day and o["released_day"] >= day - overdue_days):
                continue
            start = from_epoch_day(o["start_day"])
            plan = management_plan(Category(o["category"]), start, policy.at(start))
            assert isinstance(plan, Plan)
            rows.extend(
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

    # the product's own path, as `fangkong bulk run work_lists` runs it: load, then the day's pass
    schedule, load_s = timed(lambda: wl.Schedule.load(city.root))
    day = epoch_day(city.today)
    fast, fast_times = repeated(lambda: schedule.work(day, args.overdue_days), 6)
    fangkong_s = median(fast_times[1:])
    say(
        f"the pass (schedule in memory): {fast.num_rows:,} rows in {fangkong_s * 1000:.1f} ms "
        f"(first {fast_times[0] * 1000:.0f} ms); loading and sorting the schedule (once a run): {load_s:.2f} s; "
        f"load + pass {load_s + fangkong_s:.2f} s"
    )

    def command() -> JobRun:
        engine = DuckDBEngine()
        try:
            return run_job(
                "work_lists", city.root, engine, load_policy(), city.today, ZONE, overdue_days=args.overdue_days
            )
        finally:
            engine.close()

    job, job_times = repeated(command, 3)
    job_agrees = bool(job.engine == "schedule in memory" and job.rows.equals(fast))
    say(
        f"   the whole run_job of `fangkong bulk run work_lists` ({job.engine}): {min(job_times) * 1000:.0f} ms "
        f"(first {job_times[0] * 1000:.0f} ms); the same rows as the pass: {job_agrees}"
    )
    fast_schema = fast.schema
    fast = canonical(fast, wl.KEYS)
    baselines: list[Baseline] = []

    duck = DuckDBEngine()
    register(duck, city)
    rows, times = repeated(lambda: duck.query(sql), 6)
    reference = canonical(rows, wl.KEYS)
    by_section = {
        r["section"]: r["n"]
        for r in duck.query(f"SELECT section, count(*) AS n FROM ({sql}) GROUP BY section").to_pylist()
    }
    say(f"   {by_section}")
    agree = rows.schema == fast_schema and fast.equals(reference)  # row for row, column for column
    baselines.append(
        say_baseline(
            Baseline(
                "duckdb", "DuckDB SQL over Parquet", min(times), agree, detail=f"first run {times[0] * 1000:.0f} ms"
            )
        )
    )
    figures: dict[str, object] = {
        "schedule_s": round(fangkong_s, 4),
        "schedule_load_s": round(load_s, 3),
        "load_plus_pass_s": round(load_s + fangkong_s, 3),
        "run_job_s": round(min(job_times), 4),
        "run_job_agrees": job_agrees,
        "schedule_agrees": agree,
        "orders": orders,
        "rows": fast.num_rows,
        "sections": by_section,
        "duckdb_s": round(min(times), 4),
        "duckdb_first_s": round(times[0], 4),
    }
    duck.close()

    # the schedule is held in memory sorted by day; DuckDB given the same: its tables in memory, sorted by day
    loaded = DuckDBEngine()
    _, sort_s = timed(lambda: load_sorted(loaded, city))
    sorted_rows, sorted_times = repeated(lambda: loaded.query(sql), 6)
    baselines.append(
        say_baseline(
            Baseline(
                "duckdb_sorted",
                "DuckDB SQL, the tables in DuckDB's memory sorted by day",
                min(sorted_times),
                canonical(sorted_rows, wl.KEYS).equals(fast),
                setup_s=sort_s,
                setup="loading and sorting the tables",
            )
        )
    )
    figures |= {"duckdb_sorted_s": round(min(sorted_times), 4), "duckdb_sort_s": round(sort_s, 2)}
    loaded.close()

    if args.pg:
        pg = PostgresEngine(args.pg)
        _, pg_load = timed(lambda: register(pg, city))
        _, index_s = timed(
            lambda: pg_indexes(
                pg,
                ("orders", "start_day", "released_day"),
                ("tests", "test_day"),
                ("phases", "order_id", "phase_index"),
                ("samplings", "order_id", "sampled_day"),
            )
        )
        server = [pg_server_seconds(pg.conn, sql) for _ in range(3)]
        pg_rows, pg_times = repeated(lambda: pg.query(sql), 2)
        agree = canonical(pg_rows, wl.KEYS).equals(fast)
        baseline, pg_figures = postgres_indexed(
            "PostgreSQL, indexed",
            min(server),
            min(pg_times),
            agree,
            load_s=pg_load,
            index_s=index_s,
            detail=f"the server's time {min(server) * 1000:.1f} ms, with Python's fetch of the rows "
            f"{min(pg_times) * 1000:.1f} ms",
        )
        baselines.append(baseline)
        figures |= pg_figures
        for t in TABLES:
            pg.conn.execute(f"DROP TABLE {t}")
        pg.close()

    if args.spark:
        spark = SparkEngine("local[2]")
        register(spark, city)
        spark_rows, spark_times = repeated(lambda: spark.query(sql), 2)
        agree = canonical(spark_rows, wl.KEYS).equals(fast)
        baselines.append(say_baseline(Baseline("spark", "Spark local[2] over Parquet", min(spark_times), agree)))
        figures |= {"spark_s": round(min(spark_times), 2), "spark_agrees": agree}
        spark.close()

    found, seconds = per_order(city, args.overdue_days)
    # every row, not only their number: the rule's rows against the schedule's, as multisets of the job's keys
    ours = Counter(
        zip(*(fast.column(k).to_pylist() for k in wl.KEYS), strict=True)  # section, order, phase, test day
    )
    theirs = Counter(found)
    agree = ours == theirs
    differ = sum(((ours - theirs) + (theirs - ours)).values())
    baselines.append(
        say_baseline(
            Baseline(
                "per_order",
                "the per-order rule in Python over every order",
                seconds,
                agree,
                detail=f"{len(found):,} rows, {differ:,} not in both",
            )
        )
    )
    figures |= {"per_order_s": round(seconds, 2), "per_order_agrees": agree}

    figures |= compare(fangkong_s, baselines, "the pass")
    finish("work_lists", figures, baselines)
    if not job_agrees:
        say("!! work_lists: run_job's rows are not the pass's")
        sys.exit(1)


def load_sorted(engine: DuckDBEngine, city: City) -> None:
    """The four tables copied into DuckDB's memory, each sorted by the day the job filters it on."""
    for table, order in (
        ("orders", "start_day, released_day"),
        ("phases", "start_day, order_id"),
        ("tests", "test_day, order_id"),
        ("samplings", "sampled_day, order_id"),
    ):
        path = str(city.path(f"{table}.parquet")).replace("'", "''")
        engine.con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_parquet('{path}') ORDER BY {order}")


if __name__ == "__main__":
    main()
