"""The bed projection for every facility of a province on any engine (measure 11: "Prepare inpatient and
critical-care beds", 做好住院床位和重症床位准备): the daily projected admissions and beds in use per facility and
bed kind over the horizon, and the day each kind runs out.

The same method as the rule `fangkong.rules.bed_projection` (its docstring and docs/capacity.md), written once as SQL
in DuckDB's dialect so that DuckDB, Spark and PostgreSQL each run it natively; the tests hold it to the rule
facility by facility. The policy's values enter as three small tables made here from `projection.*`: the need rates
(`bed_need`), the stays' survival functions (`bed_stay`) and the horizon's days (`bed_horizon`); the window, the
delay and the day are bound into the text.

Tables read (days are epoch days, `timebase`):
`bed_infections(facility_id, day, age_band, vaccinated, count)`: new infections in each facility's catchment;
`bed_census(facility_id, kind, beds)`: beds in use on the day asked (a facility and kind not listed: none);
`bed_capacity(facility_id, kind, beds)`: staffed beds, one row per facility and bed kind projected (constant over the
horizon here; the rule also takes a series by day).
Rows out: `facility_id, kind, day, admissions, census, capacity, run_out_day` (run_out_day: the first day of the
facility and kind whose census exceeds its capacity, null if none; the same on each of its rows). A facility with no
infections recorded is projected with none (its census only empties); the rule refuses such an input instead.
A jurisdiction's figures are the sums of its facilities' (`jurisdiction_sql`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fangkong.policy import PolicyAt
from fangkong.policy.terms import AgeBand, CareLevel
from fangkong.rules.bed_projection import (
    BED_KINDS,
    EPSILON,
    BedProjectionInput,
    DailyInfections,
    ProjectionParameters,
    project,
    projection_parameters,
    survival,
)

from .engines import Engine
from .timebase import epoch_day, from_epoch_day

KEYS = ["facility_id", "kind", "day"]
TABLES = ("bed_infections", "bed_census", "bed_capacity")


def need_table(p: ProjectionParameters) -> pa.Table:
    """The need rates (`projection.need.*`) as rows (age_band, vaccinated, kind, rate)."""
    rows = [(band.value, vac, kind.value, rate) for (kind, band, vac), rate in p.need.items()]
    return pa.table(
        {
            "age_band": pa.array([r[0] for r in rows], pa.string()),
            "vaccinated": pa.array([r[1] for r in rows], pa.bool_()),
            "kind": pa.array([r[2] for r in rows], pa.string()),
            "rate": pa.array([r[3] for r in rows], pa.float64()),
        }
    )


def stay_table(p: ProjectionParameters) -> pa.Table:
    """Each bed kind's survival S(j) = P(stay > j) (`projection.stay.*`), the days where it is above 0."""
    rows = [(kind.value, j, s) for kind in BED_KINDS for j, s in enumerate(survival(p.stay[kind])) if s > 0]
    return pa.table(
        {
            "kind": pa.array([r[0] for r in rows], pa.string()),
            "j": pa.array([r[1] for r in rows], pa.int32()),
            "surviving": pa.array([r[2] for r in rows], pa.float64()),
        }
    )


def horizon_table(p: ProjectionParameters) -> pa.Table:
    """The days ahead, 1 .. `projection.horizon_days`."""
    return pa.table({"k": pa.array(range(1, p.horizon_days + 1), pa.int32())})


def register_parameters(engine: Engine, p: ProjectionParameters) -> None:
    """The policy's tables on an engine (`Engine.arrow`)."""
    for name, table in (("bed_need", need_table(p)), ("bed_stay", stay_table(p)), ("bed_horizon", horizon_table(p))):
        engine.arrow(name, table)


def bed_projection_sql(as_of: date, p: ProjectionParameters) -> str:
    """The job's text (DuckDB's dialect; `engines` transpiles it): the rule's steps 1 to 5 as SQL. Every division and
    power is on DOUBLE (PostgreSQL divides integers as integers)."""
    t, w, delay = epoch_day(as_of), p.growth_window_days, p.admission_delay_days
    lookback = max(2 * w, delay)
    return f"""
WITH recent AS (
  SELECT facility_id, age_band, vaccinated, day, CAST(SUM(count) AS DOUBLE) AS n
  FROM bed_infections WHERE day <= {t} AND day > {t - lookback}
  GROUP BY facility_id, age_band, vaccinated, day
),
windows AS (
  SELECT facility_id,
         SUM(CASE WHEN day > {t - w} THEN n ELSE CAST(0 AS DOUBLE) END) AS last_n,
         SUM(CASE WHEN day <= {t - w} AND day > {t - 2 * w} THEN n ELSE CAST(0 AS DOUBLE) END) AS earlier_n
  FROM recent GROUP BY facility_id
),
growth AS (
  SELECT facility_id, last_n,
         CASE WHEN earlier_n > 0 THEN POWER(last_n / earlier_n, CAST(1 AS DOUBLE) / {w})
              ELSE CAST(1 AS DOUBLE) END AS g
  FROM windows
),
level AS (
  SELECT facility_id, last_n, g,
         CASE WHEN last_n <= 0 THEN CAST(0 AS DOUBLE)
              WHEN g = 1 THEN CAST({w} AS DOUBLE)
              ELSE (1 - POWER(g, CAST(-{w} AS DOUBLE))) / (1 - 1 / g) END AS divisor
  FROM growth
),
need_last AS (
  SELECT r.facility_id, nd.kind, SUM(nd.rate * r.n) AS a
  FROM recent r JOIN bed_need nd ON nd.age_band = r.age_band AND nd.vaccinated = r.vaccinated
  WHERE r.day > {t - w}
  GROUP BY r.facility_id, nd.kind
),
projected AS (
  SELECT l.facility_id, nl.kind, h.k, nl.a / l.divisor * POWER(l.g, CAST(h.k - {delay} AS DOUBLE)) AS a
  FROM level l JOIN need_last nl ON nl.facility_id = l.facility_id CROSS JOIN bed_horizon h
  WHERE l.last_n > 0 AND h.k > {delay}
),
observed AS (
  SELECT r.facility_id, nd.kind, r.day - {t - delay} AS k, SUM(nd.rate * r.n) AS a
  FROM recent r JOIN bed_need nd ON nd.age_band = r.age_band AND nd.vaccinated = r.vaccinated
  WHERE r.day > {t - delay}
  GROUP BY r.facility_id, nd.kind, r.day
),
admitted AS (
  SELECT facility_id, kind, k, SUM(a) AS a
  FROM (SELECT facility_id, kind, k, a FROM projected UNION ALL SELECT facility_id, kind, k, a FROM observed) AS both_
  GROUP BY facility_id, kind, k
),
inflow AS (
  SELECT ad.facility_id, ad.kind, ad.k + s.j AS k, SUM(ad.a * s.surviving) AS beds
  FROM admitted ad JOIN bed_stay s ON s.kind = ad.kind
  WHERE ad.k + s.j <= {p.horizon_days}
  GROUP BY ad.facility_id, ad.kind, ad.k + s.j
),
projection AS (
  SELECT c.facility_id, c.kind, {t} + h.k AS day,
         COALESCE(ad.a, CAST(0 AS DOUBLE)) AS admissions,
         CAST(COALESCE(cs.beds, 0) AS DOUBLE) * COALESCE(s.surviving, CAST(0 AS DOUBLE))
           + COALESCE(i.beds, CAST(0 AS DOUBLE)) AS census,
         c.beds AS capacity
  FROM bed_capacity c CROSS JOIN bed_horizon h
  LEFT JOIN bed_census cs ON cs.facility_id = c.facility_id AND cs.kind = c.kind
  LEFT JOIN bed_stay s ON s.kind = c.kind AND s.j = h.k
  LEFT JOIN admitted ad ON ad.facility_id = c.facility_id AND ad.kind = c.kind AND ad.k = h.k
  LEFT JOIN inflow i ON i.facility_id = c.facility_id AND i.kind = c.kind AND i.k = h.k
)
SELECT facility_id, kind, day, admissions, census, capacity,
       MIN(CASE WHEN census - capacity > {EPSILON!r} THEN day END) OVER (PARTITION BY facility_id, kind) AS run_out_day
FROM projection
"""


def jurisdiction_sql(as_of: date, p: ProjectionParameters) -> str:
    """The projection summed per jurisdiction (`facilities(facility_id, jurisdiction_id)`): its beds in use and
    staffed beds each day, and the first day the sum runs out."""
    return f"""
WITH per_facility AS ({bed_projection_sql(as_of, p)}),
summed AS (
  SELECT f.jurisdiction_id, pf.kind, pf.day, SUM(pf.admissions) AS admissions, SUM(pf.census) AS census,
         SUM(pf.capacity) AS capacity
  FROM per_facility pf JOIN facilities f ON f.facility_id = pf.facility_id
  GROUP BY f.jurisdiction_id, pf.kind, pf.day
)
SELECT jurisdiction_id, kind, day, admissions, census, capacity,
       MIN(CASE WHEN census - capacity > {EPSILON!r} THEN day END)
         OVER (PARTITION BY jurisdiction_id, kind) AS run_out_day
FROM summed
"""


def cites(rules: PolicyAt) -> tuple[str, ...]:
    """The clauses of the projection's parameters in force."""
    return tuple(dict.fromkeys(projection_parameters(rules).sources.values()))


# ---- the per-facility rule over the same tables (the tests' yardstick and the benchmark's baseline) ----------------


def rule_rows(
    infections: pa.Table, census: pa.Table, capacity: pa.Table, as_of: date, p: ProjectionParameters
) -> pa.Table:
    """The job's rows by the rule, one facility at a time in Python (`project`); a facility without infections on
    or before `as_of` gets an empty series (the job's reading), the rule being asked with one zero row."""
    t = epoch_day(as_of)
    by_facility: dict[int, list[DailyInfections]] = {}
    inf = infections.to_pydict()
    for f, d, band, vac, n in zip(
        inf["facility_id"], inf["day"], inf["age_band"], inf["vaccinated"], inf["count"], strict=True
    ):
        by_facility.setdefault(f, []).append(DailyInfections(from_epoch_day(d), AgeBand(band), bool(vac), int(n)))
    in_use = {(r["facility_id"], r["kind"]): r["beds"] for r in census.to_pylist()}
    kinds: dict[int, dict[CareLevel, int]] = {}
    for r in capacity.to_pylist():
        kinds.setdefault(r["facility_id"], {})[CareLevel(r["kind"])] = int(r["beds"])
    out: dict[str, list[object]] = {k: [] for k in ("facility_id", "kind", "day", "admissions", "census", "capacity")}
    out["run_out_day"] = []
    for f in sorted(kinds):
        rows = by_facility.get(f) or [DailyInfections(as_of, AgeBand.under_60, True, 0)]
        if all(r.day > as_of for r in rows):
            rows = [*rows, DailyInfections(as_of, AgeBand.under_60, True, 0)]
        given = BedProjectionInput(
            as_of=as_of,
            infections=tuple(rows),
            census={k: int(in_use.get((f, k.value), 0)) for k in kinds[f]},
            capacity=kinds[f],
        )
        result = project(given, p)
        for kind in kinds[f]:
            o = result.outlook(kind)
            run_out = epoch_day(o.run_out) if o.run_out is not None else None
            for i, k in enumerate(range(1, p.horizon_days + 1)):
                out["facility_id"].append(f)
                out["kind"].append(kind.value)
                out["day"].append(t + k)
                out["admissions"].append(o.admissions[i])
                out["census"].append(o.census[i])
                out["capacity"].append(o.capacity[i])
                out["run_out_day"].append(run_out)
    return pa.table(
        {
            "facility_id": pa.array(out["facility_id"], pa.int64()),
            "kind": pa.array(out["kind"], pa.string()),
            "day": pa.array(out["day"], pa.int64()),
            "admissions": pa.array(out["admissions"], pa.float64()),
            "census": pa.array(out["census"], pa.float64()),
            "capacity": pa.array(out["capacity"], pa.int64()),
            "run_out_day": pa.array(out["run_out_day"], pa.int64()),
        }
    )


# ---- a synthetic province (tests and the benchmark) -----------------------------------------------------------------


@dataclass(frozen=True)
class Province:
    root: Path
    facilities: int
    days: int
    today: date
    infections: int  # rows of bed_infections

    def path(self, name: str) -> Path:
        return self.root / f"{name}.parquet"


def province_tables(
    facilities: int, daily: int, days: int, today: date, *, seed: int = 20221111, jurisdictions: int = 100
) -> dict[str, pa.Table]:
    """Seeded tables for `facilities` facilities with about `daily` new infections a day in all over `days` days up to
    `today`, each facility's catchment growing or shrinking at its own rate; staffed beds sized so that some run out
    within the horizon and some do not."""
    rng = np.random.default_rng(seed)
    groups = [(band.value, vac) for band in AgeBand for vac in (True, False)]
    mix = np.array([0.55, 0.15, 0.16, 0.06, 0.05, 0.03])  # under 60 / 60-79 / 80+, vaccinated or not
    weight = rng.gamma(2.0, 1.0, facilities)
    weight /= weight.sum()
    growth = rng.uniform(0.95, 1.12, facilities)
    d = np.arange(days)
    shape = growth[:, None] ** (d - days + 1)[None, :]
    scale = daily * weight[:, None] * shape / shape.mean(axis=1, keepdims=True)  # facility × day: `daily` on average
    lam = scale[:, :, None] * mix[None, None, :]  # facility × day × group
    counts = rng.poisson(lam).astype(np.int64)
    f_idx, d_idx, g_idx = np.indices(counts.shape)
    first = epoch_day(today) - days + 1
    infections = pa.table(
        {
            "facility_id": pa.array(f_idx.ravel() + 1, pa.int64()),
            "day": pa.array(first + d_idx.ravel(), pa.int32()),
            "age_band": pa.array([groups[g][0] for g in range(len(groups))], pa.string()).take(pa.array(g_idx.ravel())),
            "vaccinated": pa.array([groups[g][1] for g in range(len(groups))], pa.bool_()).take(
                pa.array(g_idx.ravel())
            ),
            "count": pa.array(counts.ravel(), pa.int64()),
        }
    )
    ids = np.arange(1, facilities + 1)
    ward_now = rng.poisson(200 * weight * facilities / 10 + 1)
    icu_now = rng.poisson(20 * weight * facilities / 10 + 0.2)
    census = pa.table(
        {
            "facility_id": pa.array(np.concatenate([ids, ids]), pa.int64()),
            "kind": pa.array(["inpatient"] * facilities + ["icu"] * facilities, pa.string()),
            "beds": pa.array(np.concatenate([ward_now, icu_now]), pa.int64()),
        }
    )
    capacity = pa.table(
        {
            "facility_id": pa.array(np.concatenate([ids, ids]), pa.int64()),
            "kind": pa.array(["inpatient"] * facilities + ["icu"] * facilities, pa.string()),
            "beds": pa.array(
                np.concatenate(
                    [
                        (ward_now * rng.uniform(1.0, 4.0, facilities)).astype(np.int64) + 5,
                        (icu_now * rng.uniform(1.0, 4.0, facilities)).astype(np.int64) + 1,
                    ]
                ),
                pa.int64(),
            ),
        }
    )
    places = pa.table(
        {
            "facility_id": pa.array(ids, pa.int64()),
            "jurisdiction_id": pa.array(rng.integers(1, jurisdictions + 1, facilities), pa.int64()),
        }
    )
    return {"bed_infections": infections, "bed_census": census, "bed_capacity": capacity, "facilities": places}


def generate_province(
    folder: Path,
    facilities: int = 3000,
    daily: int = 100_000,
    days: int = 28,
    today: date = date(2022, 12, 20),
    *,
    seed: int = 20221111,
) -> Province:
    """Write a synthetic province's tables to `folder` (replaced files), with `export.json` naming its today."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = province_tables(facilities, daily, days, today, seed=seed)
    for name, table in tables.items():
        pq.write_table(table, folder / f"{name}.parquet")
    (folder / "export.json").write_text(json.dumps({"today": today.isoformat()}), encoding="utf-8")
    return Province(folder, facilities, days, today, tables["bed_infections"].num_rows)


def run_outs(rows: pa.Table) -> pa.Table:
    """One row per facility (or jurisdiction) and kind that runs out: its key and the day."""
    keyed = rows.filter(
        pc.and_(pc.is_valid(rows.column("run_out_day")), pc.equal(rows.column("day"), rows.column("run_out_day")))
    )
    return keyed.drop_columns(["admissions", "census", "capacity"])
