"""Health-code status of a whole population after a change of risk areas, in one run, fangkong against every way a
user would otherwise get the same codes:

- fangkong: what `fangkong bulk run health_codes` runs (`fangkong.bulk.jobs.run_job` on DuckDB), timed in its
  parts: loading the residents' columns (`health_codes.Population.load`, once per run), then the pass
  (`health_codes.code_pass`: personal statuses by DuckDB over the orders, infections and holds, the areas and the
  colours by numpy; `job_rows`, the SQL job's rows; `changes` against the codes before the change, written to
  Parquet). The ratio is the pass's; load + pass, and the whole `run_job` (which also computes the codes under
  the earlier areas to list the changes), are reported beside, as a command run pays them;
- the job's SQL on DuckDB over Parquet, and on DuckDB with the tables loaded into its memory (the pass's head
  start; the load reported beside);
- the job's SQL on PostgreSQL, loaded with COPY and indexed on the join keys: the server's own time (EXPLAIN
  ANALYZE), with Python's fetch of the 20 M rows beside it;
- with --spark, the job's SQL on Spark;
- the per-person rules (`statuses_on_day`, `health_code`) on a sample of residents, extrapolated to all of them,
  each sampled resident's colour compared with the pass's.

The ratio printed, and carried in the RESULT line, is to the fastest baseline that gave the same answer; any
baseline with another answer fails the run.

    .venv/bin/python bench/population_codes.py --city DIR [--pg URL] [--spark] [--sample 20000]
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import pyarrow as pa
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

from fangkong.bulk import health_codes as hc
from fangkong.bulk.city import ZONE, City
from fangkong.bulk.engines import DuckDBEngine, Engine, PostgresEngine, SparkEngine, canonical
from fangkong.bulk.jobs import JobRun, run_job
from fangkong.bulk.timebase import epoch_day, from_epoch_day
from fangkong.policy import load_policy
from fangkong.policy.health_codes import colour_tables
from fangkong.policy.terms import Category
from fangkong.rules.health_code import (
    AreaFact,
    HoldFact,
    InfectionFact,
    PersonFacts,
    PhaseFact,
    health_code,
    statuses_on_day,
)
from fangkong.rules.plans import Plan, management_plan

TABLES = ("residents", "orders", "phases", "cases", "held")


def register(engine: Engine, city: City) -> None:
    for t in TABLES:
        engine.parquet(t, city.path(f"{t}.parquet"))
    engine.parquet("risk_areas", city.path("risk_areas.parquet"))


def per_person(city: City, sample: int) -> tuple[float, dict[int, str]]:
    """Decide `sample` residents one at a time by the per-person rules (`statuses_on_day`, `health_code`), the
    way a per-person job would: each resident's facts gathered from rows grouped by person beforehand (untimed),
    each order's plan remade as the service remakes a stored plan. Returns the seconds and each one's colour."""
    policy = load_policy()
    on = city.today
    rules = policy.at(on)
    residents = pq.read_table(city.path("residents.parquet")).slice(0, sample).to_pylist()
    wanted = pa.array([r["person_id"] for r in residents])

    def rows_of(name: str, column: str) -> dict[int, list[dict[str, Any]]]:
        table = pq.read_table(city.path(f"{name}.parquet"))
        grouped: dict[int, list[dict[str, Any]]] = {}
        for row in table.filter(pc.is_in(table.column(column), wanted)).to_pylist():
            grouped.setdefault(row[column], []).append(row)
        return grouped

    orders, cases, held = rows_of("orders", "person_id"), rows_of("cases", "case_id"), rows_of("held", "person_id")
    marked = {(a["kind"], a["area_id"]): a["level"] for a in pq.read_table(city.path("risk_areas.parquet")).to_pylist()}
    tables = colour_tables()

    def day_or_none(day: int | None) -> date | None:
        return None if day is None else from_epoch_day(day)

    def decide() -> dict[int, str]:
        out = {}
        for r in residents:
            person = r["person_id"]
            phases = []
            for o in orders.get(person, []):
                start = from_epoch_day(o["start_day"])
                plan = management_plan(Category(str(o["category"])), start, policy.at(start))
                assert isinstance(plan, Plan)
                released = from_epoch_day(o["released_day"])
                phases += [
                    PhaseFact(
                        category=o["category"],
                        kind=p.kind,
                        start=p.start,
                        end=p.end,
                        order_start=start,
                        released_on=released,
                    )
                    for p in plan.phases
                ]
            facts = PersonFacts(
                phases=tuple(phases),
                infections=tuple(
                    InfectionFact(
                        kind="confirmed",
                        sampled_on=from_epoch_day(c["sampled_day"]),
                        confirmed_on=from_epoch_day(c["confirmed_day"]),
                        discharged_on=day_or_none(c["discharged_day"]),
                    )
                    for c in cases.get(person, [])
                ),
                holds=tuple(
                    HoldFact(started_on=from_epoch_day(h["started_day"]), ended_on=day_or_none(h["ended_day"]))
                    for h in held.get(person, [])
                ),
                areas=tuple(
                    AreaFact(level=level)
                    for kind in hc.AREA_KINDS
                    if (level := marked.get((kind, r[f"{kind}_id"]))) is not None
                ),
            )
            statuses = statuses_on_day(facts, on, rules)
            out[person] = health_code(statuses, tables.for_jurisdiction(r["province"]), rules).colour
        return out

    colours, seconds = timed(decide)
    return seconds, colours


def main() -> None:
    args = city_arguments(__doc__, ("--sample", {"type": int, "default": 20_000}))
    city = City.open(args.city)
    day = epoch_day(city.today)
    policy = load_policy().at(city.today)
    say(f"== health codes of {city.residents:,} residents after a change of risk areas")
    before_areas = city.path("risk_areas_before.parquet")

    # the product's own path, as `fangkong bulk run health_codes` runs it: load, then the pass
    population, load_s = timed(lambda: hc.Population.load(city.path("residents.parquet")))
    colours = hc.colours_for(population, policy)
    duck = DuckDBEngine()
    register(duck, city)
    duck.arrow("colours", colours)  # for the SQL baseline below; the pass makes its own from the rule
    # the codes before the change, as a command centre holds them from the last run
    before = hc.code_pass(population, duck, day, policy, pq.read_table(before_areas))
    out = city.root.parent / f"{city.root.name}-code-changes.parquet"

    def after_change() -> tuple[pa.Table, hc.Codes, int]:
        after = hc.code_pass(population, duck, day, policy, pq.read_table(city.path("risk_areas.parquet")))
        rows = hc.job_rows(population, after)
        moved = hc.changes(before, after, population)
        pq.write_table(moved, out)
        return rows, after, moved.num_rows

    (fast_rows, after, changed), times = repeated(after_change, 5)
    counts = after.counts()
    fangkong_s = median(times)
    say(
        f"the pass: {fangkong_s:.2f} s (first {times[0]:.2f} s) for {city.residents:,} codes and their rows, "
        f"{changed:,} changed; {counts}"
    )
    say(f"   loading the residents' columns (once a run): {load_s:.2f} s; load + pass {load_s + fangkong_s:.2f} s")

    def command() -> JobRun:
        engine = DuckDBEngine()
        try:
            return run_job("health_codes", city.root, engine, load_policy(), city.today, ZONE, before=before_areas)
        finally:
            engine.close()

    job, job_times = repeated(command, 2)
    assert job.changes is not None
    job_agrees = bool(job.engine == "duckdb + numpy" and job.rows.equals(fast_rows) and job.changes.num_rows == changed)
    say(
        f"   the whole run_job of `fangkong bulk run health_codes --before` ({job.engine}; load, the pass under "
        f"the earlier areas and the new, the changes): {min(job_times):.2f} s (first {job_times[0]:.2f} s); "
        f"the same rows and changes as the pass: {job_agrees}"
    )
    figures: dict[str, object] = {
        "residents": city.residents,
        "numpy_s": round(fangkong_s, 3),
        "load_s": round(load_s, 3),
        "load_plus_pass_s": round(load_s + fangkong_s, 3),
        "run_job_s": round(min(job_times), 3),
        "run_job_agrees": job_agrees,
        "changed": changed,
        "colours": counts,
    }
    names = np.asarray(after.colours)
    baselines: list[Baseline] = []

    sql = hc.health_codes_sql(day)
    duck_rows, duck_times = repeated(lambda: duck.query(sql), 2)
    reference = canonical(duck_rows, ["person_id"])
    # row for row and column for column: the command's rows are the SQL job's
    duck_agrees = bool(duck_rows.schema == fast_rows.schema and canonical(fast_rows, ["person_id"]).equals(reference))
    baselines.append(say_baseline(Baseline("duckdb", "DuckDB SQL over Parquet", min(duck_times), duck_agrees)))
    figures |= {"duckdb_s": round(min(duck_times), 3), "duckdb_agrees": duck_agrees}
    duck.close()

    # the pass has the residents' columns loaded; DuckDB given the same: the tables in its own memory
    loaded = DuckDBEngine()
    _, loaded_s = timed(lambda: load_tables(loaded, city, colours))
    loaded_rows, loaded_times = repeated(lambda: loaded.query(sql), 3)
    agree = canonical(loaded_rows, ["person_id"]).equals(reference) and duck_agrees
    baselines.append(
        say_baseline(
            Baseline(
                "duckdb_loaded",
                "DuckDB SQL, the tables loaded into DuckDB's memory",
                min(loaded_times),
                agree,
                setup_s=loaded_s,
                setup="loading the tables",
            )
        )
    )
    figures |= {"duckdb_loaded_s": round(min(loaded_times), 3), "duckdb_load_s": round(loaded_s, 2)}
    loaded.close()

    if args.pg:
        pg = PostgresEngine(args.pg)

        def load() -> None:
            register(pg, city)
            pg.arrow("colours", colours)

        _, pg_load = timed(load)
        _, pg_index = timed(
            lambda: pg_indexes(
                pg,
                ("residents", "person_id"),
                ("orders", "order_id"),
                ("phases", "order_id"),
                ("cases", "case_id"),
                ("held", "person_id"),
                ("risk_areas", "kind", "area_id"),
                ("colours", "province", "bits"),
            )
        )
        server = [pg_server_seconds(pg.conn, sql) for _ in range(2)]
        pg_rows, fetch_s = timed(lambda: pg.query(sql))
        agree = canonical(pg_rows, ["person_id"]).equals(reference) and duck_agrees
        del pg_rows
        baseline, pg_figures = postgres_indexed(
            "PostgreSQL, indexed on the join keys",
            min(server),
            fetch_s,
            agree,
            load_s=pg_load,
            index_s=pg_index,
            detail=f"the server's time {min(server):.2f} s, with Python's fetch of the "
            f"{city.residents:,} rows {fetch_s:.2f} s",
        )
        baselines.append(baseline)
        figures |= pg_figures
        for t in (*TABLES, "risk_areas", "colours"):
            pg.conn.execute(f"DROP TABLE {t}")
        pg.close()

    if args.spark:
        spark = SparkEngine("local[2]")
        register(spark, city)
        spark.arrow("colours", colours)
        spark_rows, spark_times = repeated(lambda: spark.query(sql), 2)
        agree = canonical(spark_rows, ["person_id"]).equals(reference) and duck_agrees
        baselines.append(say_baseline(Baseline("spark", "Spark local[2] over Parquet", min(spark_times), agree)))
        figures |= {"spark_s": round(min(spark_times), 2), "spark_agrees": agree}
        spark.close()

    seconds, decided = per_person(city, min(args.sample, city.residents))
    n = len(decided)
    whole = seconds / n * city.residents
    # the rule's colour for each sampled resident against the pass's colour for the same resident
    ids = np.fromiter(decided, dtype=np.int64, count=n)
    at = np.minimum(np.searchsorted(population.person_id, ids), len(population.person_id) - 1)
    found = population.person_id[at] == ids
    ours = {int(p): str(c) for p, c in zip(ids, names[after.colour[at]], strict=True)}
    agree = bool(found.all()) and ours == decided
    wrong = sum(1 for p, c in decided.items() if ours.get(p) != c)
    baselines.append(
        say_baseline(
            Baseline(
                "per_person",
                "the per-person rule",
                whole,
                agree,
                extrapolated=True,
                detail=f"{seconds / n * 1e6:.0f} µs a resident, {n:,} decided and compared, {wrong:,} different",
            )
        )
    )
    figures |= {
        "per_person_us": round(seconds / n * 1e6, 1),
        "per_person_all_s": round(whole),
        "per_person_agrees": agree,
    }

    figures |= compare(fangkong_s, baselines, "the pass")
    finish("population_codes", figures, baselines)
    if not job_agrees:
        say("!! population_codes: run_job's rows or changes are not the pass's")
        sys.exit(1)


def load_tables(engine: DuckDBEngine, city: City, colours: pa.Table) -> None:
    for t in (*TABLES, "risk_areas"):
        path = str(city.path(f"{t}.parquet")).replace("'", "''")
        engine.con.execute(f"CREATE TABLE {t} AS SELECT * FROM read_parquet('{path}')")
    engine.con.register("colours_arrow", colours)
    engine.con.execute("CREATE TABLE colours AS SELECT * FROM colours_arrow")
    engine.con.unregister("colours_arrow")


if __name__ == "__main__":
    main()
