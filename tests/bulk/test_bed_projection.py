"""The bed projection as a bulk job (measure 11): its SQL gives the per-facility rule's numbers on seeded provinces
and parameters, on DuckDB, Spark local mode and PostgreSQL; a jurisdiction's rows are its facilities' sums."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from typer.testing import CliRunner

from fangkong.bulk import bed_projection as job
from fangkong.bulk.engines import DuckDBEngine, Engine, PostgresEngine, SparkEngine, canonical
from fangkong.bulk.jobs import run_job
from fangkong.bulk.timebase import epoch_day
from fangkong.cli.main import app
from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.policy.terms import CareLevel
from fangkong.rules.bed_projection import ProjectionParameters, projection_parameters

POLICY = load_policy()
TODAY = date(2022, 12, 20)
PARAMS = projection_parameters(POLICY.at(TODAY))


def engine_rows(engine: Engine, tables: dict[str, pa.Table], as_of: date, p: ProjectionParameters) -> pa.Table:
    for name, table in tables.items():
        engine.arrow(name, table)
    job.register_parameters(engine, p)
    return canonical(engine.query(job.bed_projection_sql(as_of, p)), job.KEYS)


def assert_same(got: pa.Table, want: pa.Table) -> None:
    """Equal rows: keys, capacity and run-out days exactly, admissions and census to float rounding."""
    assert got.schema.names == want.schema.names
    assert got.num_rows == want.num_rows > 0
    for name in ("facility_id", "kind", "day", "capacity", "run_out_day"):
        assert got.column(name).equals(want.column(name)), name
    for name in ("admissions", "census"):
        x, y = np.array(got.column(name)), np.array(want.column(name))
        assert np.allclose(x, y, rtol=1e-9, atol=1e-9), name


def rule(tables: dict[str, pa.Table], as_of: date, p: ProjectionParameters) -> pa.Table:
    return canonical(
        job.rule_rows(tables["bed_infections"], tables["bed_census"], tables["bed_capacity"], as_of, p), job.KEYS
    )


VARIANTS = [
    ("in force", 0, {}),
    ("two days before the last", 2, {}),
    ("no delay, 3-day window", 0, {"admission_delay_days": 0, "growth_window_days": 3}),
    ("delay beyond the windows", 1, {"admission_delay_days": 5, "growth_window_days": 2, "horizon_days": 14}),
    ("short stays", 0, {"stay": {CareLevel.inpatient: (0.5, 0.5), CareLevel.icu: (0.0, 0.0, 1.0)}}),
]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(("name", "back", "changes"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_duckdb_equals_the_rule_per_facility(seed: int, name: str, back: int, changes: dict[str, object]) -> None:
    tables = job.province_tables(60, 2000, 21, TODAY, seed=seed)
    as_of = TODAY - timedelta(days=back)
    p = replace(PARAMS, **changes)  # type: ignore[arg-type]
    engine = DuckDBEngine()
    try:
        got = engine_rows(engine, tables, as_of, p)
    finally:
        engine.close()
    want = rule(tables, as_of, p)
    assert_same(got, want)
    assert got.num_rows == 60 * 2 * p.horizon_days


def test_some_run_out_and_some_do_not() -> None:
    tables = job.province_tables(200, 8000, 28, TODAY)
    engine = DuckDBEngine()
    try:
        rows = engine_rows(engine, tables, TODAY, PARAMS)
    finally:
        engine.close()
    ends = job.run_outs(rows)
    assert 0 < ends.num_rows < 400
    first = rows.filter(pc.equal(rows.column("day"), epoch_day(TODAY) + 1))
    assert first.num_rows == 400


def test_a_facility_without_infections_only_empties() -> None:
    tables = job.province_tables(3, 100, 14, TODAY)
    tables["bed_infections"] = tables["bed_infections"].filter(pc.not_equal(tables["bed_infections"]["facility_id"], 2))
    engine = DuckDBEngine()
    try:
        rows = engine_rows(engine, tables, TODAY, PARAMS)
    finally:
        engine.close()
    two = rows.filter(pc.equal(rows.column("facility_id"), 2))
    assert pc.sum(two.column("admissions")).as_py() == 0
    assert_same(rows, rule(tables, TODAY, PARAMS))


def test_a_jurisdiction_is_the_sum_of_its_facilities() -> None:
    tables = job.province_tables(80, 3000, 21, TODAY, jurisdictions=5)
    engine = DuckDBEngine()
    try:
        per = engine_rows(engine, tables, TODAY, PARAMS)
        summed = canonical(engine.query(job.jurisdiction_sql(TODAY, PARAMS)), ["jurisdiction_id", "kind", "day"])
    finally:
        engine.close()
    where = dict(
        zip(
            tables["facilities"]["facility_id"].to_pylist(),
            tables["facilities"]["jurisdiction_id"].to_pylist(),
            strict=True,
        )
    )
    totals: dict[tuple[int, str, int], float] = {}
    for r in per.to_pylist():
        key = (where[r["facility_id"]], r["kind"], r["day"])
        totals[key] = totals.get(key, 0.0) + r["census"]
    got = {(r["jurisdiction_id"], r["kind"], r["day"]): r["census"] for r in summed.to_pylist()}
    assert got.keys() == totals.keys()
    assert all(abs(got[k] - totals[k]) < 1e-6 for k in got)


def test_run_job_and_the_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "province"
    made = job.generate_province(folder, facilities=40, daily=1500, days=21)
    engine = DuckDBEngine()
    try:
        run = run_job("bed_projection", folder, engine, POLICY, made.today, None)  # type: ignore[arg-type]
    finally:
        engine.close()
    assert run.cite == ("m20.11",)
    assert run.rows.num_rows == 40 * 2 * 28
    out = CliRunner().invoke(app, ["bulk", "run", "bed_projection", "--data", str(folder)])
    assert out.exit_code == 0, out.output
    assert "facilities running out" in out.output


def test_the_job_refuses_a_folder_without_its_tables(tmp_path: Path) -> None:
    engine = DuckDBEngine()
    try:
        with pytest.raises(InvalidInput) as raised:
            run_job("bed_projection", tmp_path, engine, POLICY, TODAY, None)  # type: ignore[arg-type]
    finally:
        engine.close()
    assert raised.value.field == "data"


# ---- the other engines ---------------------------------------------------------------------------------------------


def test_spark_equals_the_rule(spark: SparkEngine) -> None:
    tables = job.province_tables(40, 1500, 21, TODAY, seed=7)
    for back, p in ((0, PARAMS), (1, replace(PARAMS, admission_delay_days=4, growth_window_days=3))):
        as_of = TODAY - timedelta(days=back)
        assert_same(engine_rows(spark, tables, as_of, p), rule(tables, as_of, p))


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresEngine]:
    url = os.environ.get("FANGKONG_TEST_PG_URL")
    if not url:
        if os.environ.get("FANGKONG_REQUIRE_PG"):
            pytest.fail("PostgreSQL is required here (FANGKONG_TEST_PG_URL)")
        pytest.skip("no PostgreSQL")
    from fangkong.services.store import scratch_database

    with scratch_database(url, "fk_beds") as database:
        engine = PostgresEngine(database)
        yield engine
        engine.close()


def test_postgres_equals_the_rule(postgres: PostgresEngine) -> None:
    tables = job.province_tables(40, 1500, 21, TODAY, seed=8)
    for back, p in ((0, PARAMS), (2, replace(PARAMS, admission_delay_days=0, growth_window_days=5))):
        as_of = TODAY - timedelta(days=back)
        assert_same(engine_rows(postgres, tables, as_of, p), rule(tables, as_of, p))
