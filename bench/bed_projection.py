"""Beds ahead of the wave for a province (measure 11): the bulk job on DuckDB over Parquet against every way a user
would otherwise get the same numbers, in one run:

- the per-facility rule (`rules.bed_projection.project`) in a Python loop over the same tables, every facility,
  its rows compared with the job's;
- CHIME (Penn Medicine's SIR census model, `penn_chime`, a dev dependency) once per facility, on a sample of
  facilities and extrapolated (labelled so): each facility's doubling time from its growth, its weighted inpatient
  and ICU need rates, its census; CHIME answers another question (an SIR epidemic, fixed stays), so it never
  "agrees" and is a yardstick of cost only;
- plain PostgreSQL (with --pg URL): the same SQL transpiled, over the tables loaded with COPY (its time with
  Python's fetch of the 168 k rows; no index would help a job that reads every row);
- Spark local mode (with --spark).

The target (issue 18): under 1 s for 3,000 facilities with 100 k new infections a day over 28 days.

    .venv/bin/python bench/bed_projection.py [--facilities 3000] [--daily 100000] [--chime-sample 300]
        [--pg URL] [--spark]
"""

from __future__ import annotations

import argparse
import logging
import math
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from common import Baseline, compare, median, repeated, result, say, say_baseline, timed

from fangkong.bulk import bed_projection as job
from fangkong.bulk.engines import DuckDBEngine, Engine, PostgresEngine, SparkEngine, canonical
from fangkong.bulk.jobs import run_job
from fangkong.bulk.timebase import epoch_day
from fangkong.policy import load_policy
from fangkong.policy.terms import AgeBand, CareLevel
from fangkong.rules.bed_projection import ProjectionParameters, projection_parameters

TODAY = date(2022, 12, 20)


def agrees(got: pa.Table, want: pa.Table) -> bool:
    """The same rows: keys, capacity, run-out days exactly; admissions and census to float rounding."""
    if got.num_rows != want.num_rows:
        return False
    for name in ("facility_id", "kind", "day", "capacity", "run_out_day"):
        if not got.column(name).equals(want.column(name)):
            return False
    return all(
        np.allclose(np.array(got.column(n)), np.array(want.column(n)), rtol=1e-9, atol=1e-9)
        for n in ("admissions", "census")
    )


def chime_facility(tables: dict[str, pa.Table], facility: int, p: ProjectionParameters) -> float:
    """One facility through CHIME: its growth (the job's, from its rows) as a doubling time, its weighted need rates,
    its census; returns the seconds CHIME took."""
    from penn_chime.model.parameters import Disposition, Parameters
    from penn_chime.model.sir import Sir

    inf = tables["bed_infections"]
    mine = inf.filter(pc.equal(inf["facility_id"], facility)).to_pylist()
    recent = [r for r in mine if r["day"] > epoch_day(TODAY) - p.growth_window_days]
    earlier = [
        r
        for r in mine
        if epoch_day(TODAY) - 2 * p.growth_window_days < r["day"] <= epoch_day(TODAY) - p.growth_window_days
    ]
    last, before = sum(r["count"] for r in recent), sum(r["count"] for r in earlier)
    g = (last / before) ** (1 / p.growth_window_days) if before and last else 1.0
    doubling = math.log(2) / math.log(g) if g > 1.0001 else 1000.0  # CHIME cannot shrink: a very slow doubling
    weight: float = max(last, 1)

    def rate(kind: CareLevel) -> float:
        needed: float = sum(p.need[(kind, AgeBand(r["age_band"]), r["vaccinated"])] * r["count"] for r in recent)
        return needed / weight

    census = {(r["kind"]): r["beds"] for r in tables["bed_census"].to_pylist() if r["facility_id"] == facility}
    mean_stay = {
        k: round(sum((i + 1) * s for i, s in enumerate(p.stay[k]))) for k in (CareLevel.inpatient, CareLevel.icu)
    }

    def run() -> object:
        params = Parameters(
            current_hospitalized=max(census.get("inpatient", 0), 1),
            current_date=TODAY,
            mitigation_date=TODAY,
            relative_contact_rate=0.0,
            doubling_time=doubling,
            hospitalized=Disposition(days=mean_stay[CareLevel.inpatient], rate=max(rate(CareLevel.inpatient), 1e-6)),
            icu=Disposition(days=mean_stay[CareLevel.icu], rate=max(rate(CareLevel.icu), 1e-7)),
            ventilated=Disposition(days=mean_stay[CareLevel.icu], rate=1e-7),
            infectious_days=7,
            market_share=1.0,
            n_days=p.horizon_days,
            population=max(last * 200, 10_000),
            recovered=0,
        )
        return Sir(params)

    _, seconds = timed(run)
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--facilities", type=int, default=3000)
    ap.add_argument("--daily", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=28)
    ap.add_argument("--chime-sample", type=int, default=300)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pg", help="a PostgreSQL server URL (a scratch database is made on it)")
    ap.add_argument("--spark", action="store_true")
    ap.add_argument("--data", type=Path, help="where the province goes (default: a temporary folder)")
    args = ap.parse_args()
    logging.getLogger("penn_chime").setLevel(logging.WARNING)

    folder = args.data or Path(tempfile.mkdtemp(prefix="fk-beds-"))
    made, gen_s = timed(lambda: job.generate_province(folder, args.facilities, args.daily, args.days, TODAY))
    tables = {name: pq.read_table(made.path(name)) for name in (*job.TABLES, "facilities")}
    per_day = sum(tables["bed_infections"]["count"].to_pylist()) / args.days
    say(
        f"province: {made.facilities:,} facilities, {made.infections:,} rows of daily infections "
        f"({per_day:,.0f} new infections a day) over {made.days} days, generated in {gen_s:.1f} s"
    )
    policy = load_policy()
    p = projection_parameters(policy.at(TODAY))

    def duckdb_run() -> pa.Table:
        engine = DuckDBEngine()
        try:
            return run_job("bed_projection", folder, engine, policy, TODAY, None).rows  # type: ignore[arg-type]
        finally:
            engine.close()

    rows, times = repeated(duckdb_run, args.runs)
    fangkong_s = median(times)
    ours = canonical(rows, job.KEYS)
    ends = job.run_outs(ours)
    say(
        f"fangkong (DuckDB over Parquet, policy tables, SQL): {rows.num_rows:,} rows in {fangkong_s * 1000:.0f} ms "
        f"(median of {args.runs}; first {times[0] * 1000:.0f} ms); {ends.num_rows:,} facility bed kinds run out"
    )

    baselines: list[Baseline] = []
    rule_rows, rule_s = timed(
        lambda: job.rule_rows(tables["bed_infections"], tables["bed_census"], tables["bed_capacity"], TODAY, p)
    )
    baselines.append(
        say_baseline(
            Baseline(
                "rule_loop",
                "the per-facility rule in a Python loop (every facility)",
                rule_s,
                agrees(canonical(rule_rows, job.KEYS), ours),
            )
        )
    )

    sample = list(range(1, min(args.chime_sample, made.facilities) + 1))
    chime_s = sum(chime_facility(tables, f, p) for f in sample)
    baselines.append(
        say_baseline(
            Baseline(
                "chime_per_facility",
                f"CHIME per facility ({len(sample)} timed, x{made.facilities / len(sample):.0f})",
                chime_s * made.facilities / len(sample),
                False,
                detail="an SIR model, another answer: a yardstick of cost, never the same rows",
                extrapolated=True,
            )
        )
    )

    if args.pg:
        from fangkong.services.store import scratch_database

        with scratch_database(args.pg, "bench_beds") as url:
            pg = PostgresEngine(url)
            try:

                def load() -> None:
                    for n in job.TABLES:
                        pg.parquet(n, made.path(n))

                _, load_s = timed(load)
                job.register_parameters(pg, p)
                got, pg_times = repeated(lambda: pg.query(job.bed_projection_sql(TODAY, p)), 3)
                baselines.append(
                    say_baseline(
                        Baseline(
                            "postgresql",
                            "plain PostgreSQL, the same SQL",
                            min(pg_times),
                            agrees(canonical(got, job.KEYS), ours),
                            setup_s=load_s,
                            setup="COPY",
                        )
                    )
                )
            finally:
                pg.close()
    if args.spark:
        spark = SparkEngine("local[2]")
        try:
            engine: Engine = spark
            for n in job.TABLES:
                engine.parquet(n, made.path(n))
            job.register_parameters(engine, p)
            got, spark_times = repeated(lambda: spark.query(job.bed_projection_sql(TODAY, p)), 2)
            baselines.append(
                say_baseline(
                    Baseline(
                        "spark",
                        "Spark local[2], the same SQL",
                        min(spark_times),
                        agrees(canonical(got, job.KEYS), ours),
                    )
                )
            )
        finally:
            spark.close()

    figures = compare(fangkong_s, baselines)
    wrong = [b.name for b in baselines if not b.agrees and not b.key.startswith("chime")]
    target = "met" if fangkong_s < 1.0 else "NOT met"
    say(f"target: under 1 s for {made.facilities:,} facilities — {target}")
    result(
        "bed_projection",
        facilities=made.facilities,
        infection_rows=made.infections,
        rows=rows.num_rows,
        run_outs=ends.num_rows,
        first_run_s=round(times[0], 4),
        **figures,
    )
    if wrong:
        say(f"!! different rows from: {', '.join(wrong)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
