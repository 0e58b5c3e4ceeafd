"""A day's lab results judged for a city: every person a result touches, as the rules judge each tube one at a
time (pools: m20-docs.testing; single tubes: measure 9), on DuckDB, Spark and PostgreSQL alike."""

from __future__ import annotations

import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fangkong.bulk import lab_outcomes
from fangkong.bulk.city import ZONE, City
from fangkong.bulk.engines import DuckDBEngine, PostgresEngine, SparkEngine, canonical
from fangkong.bulk.jobs import run_job
from fangkong.policy import load_policy
from fangkong.rules.ct import GeneCt
from fangkong.services.store import scratch_database

POLICY = load_policy()


def oracle(city: City) -> set[tuple[int, int, str]]:
    members: dict[int, list[int]] = {}
    for m in pq.read_table(city.path("lab_members.parquet")).to_pylist():
        members.setdefault(m["tube_id"], []).append(m["person_id"])
    tubes = {t["tube_id"]: t for t in pq.read_table(city.path("lab_tubes.parquet")).to_pylist()}
    out: set[tuple[int, int, str]] = set()
    for r in pq.read_table(city.path("lab_results.parquet")).to_pylist():
        t = tubes[r["tube_id"]]
        ct = GeneCt(orf1ab=r["ct_orf1ab"], n=r["ct_n"])
        for person, consequence in lab_outcomes.per_tube(
            t["pool_size"], ct, t["collected_day"], members[r["tube_id"]], POLICY
        ):
            out.add((r["tube_id"], person, consequence))
    return out


def triples(rows: pa.Table) -> set[tuple[int, int, str]]:
    return set(zip(*(rows.column(c).to_pylist() for c in ("tube_id", "person_id", "consequence")), strict=True))


def test_every_touched_person_as_the_rules_judge_each_tube(tiny_city: City) -> None:
    engine = DuckDBEngine()
    run = run_job("lab_outcomes", tiny_city.root, engine, POLICY, tiny_city.today, ZONE)
    engine.close()
    got = triples(run.rows)
    assert {c for *_, c in got} >= {"held_and_retest"}
    assert got == oracle(tiny_city)
    assert run.cite


def test_spark_judges_alike(tiny_city: City, spark: SparkEngine) -> None:
    here = DuckDBEngine()
    want = canonical(
        run_job("lab_outcomes", tiny_city.root, here, POLICY, tiny_city.today, ZONE).rows, lab_outcomes.KEYS
    )
    here.close()
    there = run_job("lab_outcomes", tiny_city.root, spark, POLICY, tiny_city.today, ZONE).rows
    assert canonical(there, lab_outcomes.KEYS).equals(want)


def test_postgres_judges_alike(tiny_city: City) -> None:
    url = os.environ.get("FANGKONG_TEST_PG_URL")
    if not url:
        if os.environ.get("FANGKONG_REQUIRE_PG"):
            pytest.fail("PostgreSQL is required here (FANGKONG_TEST_PG_URL)")
        pytest.skip("no PostgreSQL")
    here = DuckDBEngine()
    want = canonical(
        run_job("lab_outcomes", tiny_city.root, here, POLICY, tiny_city.today, ZONE).rows, lab_outcomes.KEYS
    )
    here.close()
    with scratch_database(url, "fk_lab") as database:  # of its own: tests run in parallel
        pg = PostgresEngine(database)
        try:
            there = run_job("lab_outcomes", tiny_city.root, pg, POLICY, tiny_city.today, ZONE).rows
            assert canonical(there, lab_outcomes.KEYS).equals(want)
        finally:
            pg.close()
