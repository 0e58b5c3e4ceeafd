"""Health-code status of a whole population after a change of risk areas, in one run:

- the numpy pass (`fangkong.bulk.health_codes.compute`) in a process that keeps the residents' columns loaded, as
  a command centre's job does: personal statuses (DuckDB over the orders, infections and holds), the areas,
  the colours, and the list of residents whose colour changed, written to Parquet;
- the job's SQL on DuckDB over Parquet, on PostgreSQL (loaded with COPY) and, with --spark, on Spark;
- the per-person rule (`rules.health_code`) on a sample of residents, extrapolated to all of them.

    .venv/bin/python bench/population_codes.py --city DIR [--pg URL] [--spark] [--sample 20000]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import pyarrow.parquet as pq
from common import city_arguments, median, ratio, repeated, result, say, timed

from fangkong.bulk import health_codes as hc
from fangkong.bulk.city import City
from fangkong.bulk.engines import DuckDBEngine, Engine, PostgresEngine, SparkEngine, canonical
from fangkong.bulk.timebase import epoch_day, from_epoch_day
from fangkong.policy import load_policy
from fangkong.policy.health_codes import colour_tables
from fangkong.policy.terms import Category
from fangkong.rules.health_code import Status, health_code
from fangkong.rules.plans import Plan, management_plan

TABLES = ("residents", "orders", "phases", "cases", "held")


def register(engine: Engine, city: City) -> None:
    for t in TABLES:
        engine.parquet(t, city.path(f"{t}.parquet"))
    engine.parquet("risk_areas", city.path("risk_areas.parquet"))


def per_person_seconds(city: City, sample: int) -> tuple[float, int]:
    """Seconds to decide `sample` residents one at a time with the per-person rule (facts looked up in dicts)."""
    policy = load_policy()
    on, day = city.today, epoch_day(city.today)
    residents = pq.read_table(city.path("residents.parquet")).slice(0, sample).to_pylist()
    wanted = {r["person_id"] for r in residents}
    orders = [o for o in pq.read_table(city.path("orders.parquet")).to_pylist() if o["person_id"] in wanted]
    cases = {c["case_id"] for c in pq.read_table(city.path("cases.parquet")).to_pylist() if c["sampled_day"] <= day}
    held = {h["person_id"] for h in pq.read_table(city.path("held.parquet")).to_pylist() if h["started_day"] <= day}
    areas = {(a["kind"], a["area_id"]) for a in pq.read_table(city.path("risk_areas.parquet")).to_pylist()}
    by_person: dict[int, list[dict[str, int]]] = {}
    for o in orders:
        by_person.setdefault(o["person_id"], []).append(o)
    tables = colour_tables()

    def decide() -> int:
        red = 0
        for r in residents:
            statuses = []
            for o in by_person.get(r["person_id"], []):
                start = from_epoch_day(o["start_day"])
                plan = management_plan(Category(str(o["category"])), start, policy.at(start))
                if isinstance(plan, Plan) and o["start_day"] <= day < o["released_day"]:
                    phase = plan.phase_on(on)
                    if phase is not None:
                        statuses.append(Status(status=phase.kind.value, clause="m20.1", text="plan"))
            if r["person_id"] in cases:
                statuses.append(Status(status="infection", clause="m20.s3", text="infection"))
            if r["person_id"] in held:
                statuses.append(Status(status="temporary_control", clause="m20-docs.testing", text="held"))
            if any((k, r[f"{k}_id"]) in areas for k in hc.AREA_KINDS):
                statuses.append(Status(status="high_risk_area", clause="m20.4", text="area"))
            red += health_code(statuses, tables.for_jurisdiction(r["province"]), policy.at(on)).colour == "red"
        return red

    _, seconds = timed(decide)
    return seconds, len(residents)


def main() -> None:
    args = city_arguments(__doc__, ("--sample", {"type": int, "default": 20_000}))
    city = City.open(args.city)
    day = epoch_day(city.today)
    policy = load_policy().at(city.today)
    say(f"== health codes of {city.residents:,} residents after a change of risk areas")
    colours = hc.colour_table(colour_tables(), ["31", "44"], policy)

    population, load_s = timed(lambda: hc.Population.load(city.path("residents.parquet")))
    duck = DuckDBEngine()
    register(duck, city)
    duck.arrow("colours", colours)
    before = hc.compute(
        population,
        duck.query(hc.person_statuses_sql(day)),
        pq.read_table(city.path("risk_areas_before.parquet")),
        colours,
    )
    out = city.root.parent / f"{city.root.name}-code-changes.parquet"

    def after_change() -> tuple[hc.Codes, int]:
        after = hc.compute(
            population,
            duck.query(hc.person_statuses_sql(day)),
            pq.read_table(city.path("risk_areas.parquet")),
            colours,
        )
        moved = hc.changes(before, after, population)
        pq.write_table(moved, out)
        return after, moved.num_rows

    (after, changed), times = repeated(after_change, 5)
    counts = after.counts()
    say(
        f"numpy pass: {median(times):.2f} s "
        f"(first {times[0]:.2f} s) for {city.residents:,} codes, {changed:,} changed; {counts}"
    )
    say(f"   loading the residents' columns once: {load_s:.2f} s")
    figures: dict[str, object] = {
        "residents": city.residents,
        "numpy_s": round(median(times), 3),
        "load_s": round(load_s, 3),
        "changed": changed,
        "colours": counts,
    }
    names = np.asarray(after.colours)

    sql = hc.health_codes_sql(day)
    duck_rows, duck_times = repeated(lambda: duck.query(sql), 2)
    reference = canonical(duck_rows, ["person_id"])
    duck_agrees = bool(
        reference.column("person_id").to_numpy().tolist() == population.person_id.tolist()
        and (reference.column("bits").to_numpy() == after.bits).all()
        and (np.asarray(reference.column("colour").to_pylist()) == names[after.colour]).all()
    )
    say(f"DuckDB SQL over Parquet: {min(duck_times):.2f} s; same answer: {duck_agrees}")
    figures |= {"duckdb_s": round(min(duck_times), 3), "duckdb_agrees": duck_agrees}
    duck.close()

    if args.pg:
        pg = PostgresEngine(args.pg)
        _, pg_load = timed(lambda: (register(pg, city), pg.arrow("colours", colours)))
        pg_rows, pg_times = repeated(lambda: pg.query(sql), 2)
        agree = canonical(pg_rows, ["person_id"]).equals(reference)
        say(f"PostgreSQL SQL: {min(pg_times):.2f} s after {pg_load:.0f} s of COPY; same answer: {agree}")
        say(f"   numpy pass is {ratio(min(pg_times), median(times))} faster")
        figures |= {"pg_s": round(min(pg_times), 2), "pg_load_s": round(pg_load, 1), "pg_agrees": agree}
        for t in (*TABLES, "risk_areas", "colours"):
            pg.conn.execute(f"DROP TABLE {t}")
        pg.close()

    if args.spark:
        spark = SparkEngine("local[2]")
        register(spark, city)
        spark.arrow("colours", colours)
        spark_rows, spark_times = repeated(lambda: spark.query(sql), 2)
        agree = canonical(spark_rows, ["person_id"]).equals(reference)
        say(f"Spark local[2]: {min(spark_times):.2f} s; same answer: {agree}")
        figures |= {"spark_s": round(min(spark_times), 2), "spark_agrees": agree}
        spark.close()

    seconds, n = per_person_seconds(city, min(args.sample, city.residents))
    whole = seconds / n * city.residents
    say(f"per-person rule: {seconds / n * 1e6:.0f} µs a resident ({n:,} decided): {whole:,.0f} s for everyone")
    say(f"   numpy pass is {ratio(whole, median(times))} faster")
    figures |= {"per_person_us": round(seconds / n * 1e6, 1), "per_person_all_s": round(whole)}
    result("population_codes", **figures)


if __name__ == "__main__":
    main()
