"""The path beyond one machine: each job's one SQL text, transpiled for Spark, gives DuckDB's answer row for row
(Spark in local mode here and in CI; a cluster's master URL for a province)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from fangkong.bulk import contacts, health_codes, work_lists
from fangkong.bulk.city import City
from fangkong.bulk.engines import DuckDBEngine, SparkEngine, canonical, spark_sql
from fangkong.bulk.scan_index import ScanIndex
from fangkong.bulk.timebase import epoch_day
from fangkong.policy import load_policy
from fangkong.policy.health_codes import colour_tables
from tests.bulk.helpers import register_city

POLICY = load_policy()


def jobs(city: City) -> dict[str, tuple[str, list[str]]]:
    day = epoch_day(city.today)
    rules = contacts.contact_rules(POLICY.at(city.today), 8 * 3600)
    return {
        "contacts": (contacts.contacts_sql(rules), contacts.KEYS),
        "health_codes": (health_codes.health_codes_sql(day), ["person_id"]),
        "work_lists": (work_lists.work_lists_sql(day, 7), work_lists.KEYS),
    }


@pytest.fixture(scope="module")
def spark_city(spark: SparkEngine, tiny_city: City) -> SparkEngine:
    register_city(spark, tiny_city)
    spark.arrow("colours", health_codes.colour_table(colour_tables(), ["31", "44"], POLICY.at(tiny_city.today)))
    return spark


@pytest.mark.parametrize("job", ["contacts", "health_codes", "work_lists"])
def test_spark_and_duckdb_give_identical_answers(
    job: str, tiny_city: City, duckdb_city: DuckDBEngine, spark_city: SparkEngine
) -> None:
    sql, keys = jobs(tiny_city)[job]
    duckdb_city.arrow("colours", health_codes.colour_table(colour_tables(), ["31", "44"], POLICY.at(tiny_city.today)))
    here = canonical(duckdb_city.query(sql), keys)
    there = canonical(spark_city.query(sql), keys)
    assert here.num_rows > 0
    assert there.schema.names == here.schema.names
    assert there.equals(here), job


def test_spark_contacts_equal_the_scan_index(tiny_city: City, spark_city: SparkEngine, tmp_path: Path) -> None:
    rules = contacts.contact_rules(POLICY.at(tiny_city.today), 8 * 3600)
    index = ScanIndex(tmp_path / "index")
    for f in tiny_city.scan_files:
        index.add_day(f)
    fast = canonical(index.contacts(pq.read_table(tiny_city.path("cases.parquet")), rules), contacts.KEYS)
    assert canonical(spark_city.query(contacts.contacts_sql(rules)), contacts.KEYS).equals(fast)


def test_the_spark_text_is_spark_sql() -> None:
    text = spark_sql(work_lists.work_lists_sql(19_312, 7))
    assert "VARCHAR" not in text and "STRING" in text  # transpiled, not passed through
