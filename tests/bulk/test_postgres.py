"""The yardstick: the same job texts, transpiled for PostgreSQL and run over the city loaded with COPY, give
DuckDB's answers (so the benchmark compares like with like)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from fangkong.bulk import contacts, health_codes, work_lists
from fangkong.bulk.city import City
from fangkong.bulk.engines import DuckDBEngine, PostgresEngine, canonical
from fangkong.bulk.timebase import epoch_day
from fangkong.policy import load_policy
from fangkong.policy.health_codes import colour_tables
from fangkong.services.store import scratch_database
from tests.bulk.helpers import register_city

POLICY = load_policy()


@pytest.fixture(scope="module")
def postgres_city(tiny_city: City) -> Iterator[PostgresEngine]:
    url = os.environ.get("FANGKONG_TEST_PG_URL")
    if not url:
        if os.environ.get("FANGKONG_REQUIRE_PG"):
            pytest.fail("PostgreSQL is required here (FANGKONG_TEST_PG_URL)")
        pytest.skip("no PostgreSQL")
    # a database of its own (not a fixed schema on the server's database): tests run in parallel
    with scratch_database(url, "fk_bulk") as database:
        engine = PostgresEngine(database)
        register_city(engine, tiny_city)
        engine.arrow("colours", health_codes.colour_table(colour_tables(), ["31", "44"], POLICY.at(tiny_city.today)))
        engine.index("scans", "venue_id", "at_s")
        yield engine
        engine.close()


@pytest.mark.parametrize("job", ["contacts", "health_codes", "work_lists"])
def test_postgres_gives_duckdbs_answers(
    job: str, tiny_city: City, duckdb_city: DuckDBEngine, postgres_city: PostgresEngine
) -> None:
    day = epoch_day(tiny_city.today)
    sql, keys = {
        "contacts": (
            contacts.contacts_sql(contacts.contact_rules(POLICY.at(tiny_city.today), 8 * 3600)),
            contacts.KEYS,
        ),
        "health_codes": (health_codes.health_codes_sql(day), ["person_id"]),
        "work_lists": (work_lists.work_lists_sql(day, 7), work_lists.KEYS),
    }[job]
    duckdb_city.arrow("colours", health_codes.colour_table(colour_tables(), ["31", "44"], POLICY.at(tiny_city.today)))
    here = canonical(duckdb_city.query(sql), keys)
    assert here.num_rows > 0
    assert canonical(postgres_city.query(sql), keys).equals(here)
