"""A tiny city, generated once per test session, read by one DuckDB connection (the jobs only read), and a Spark
session for the engine-parity tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import date

import pytest

from fangkong.bulk.city import SIZES, City, generate
from fangkong.bulk.engines import DuckDBEngine, SparkEngine
from tests.bulk.helpers import TRANSITIONS, register_city


@pytest.fixture(scope="session")
def tiny_city(tmp_path_factory: pytest.TempPathFactory) -> City:
    return generate(tmp_path_factory.mktemp("city") / "tiny", SIZES["tiny"])


@pytest.fixture(scope="session")
def city_on(tmp_path_factory: pytest.TempPathFactory, tiny_city: City) -> Callable[[date], City]:
    """A tiny city (the same seed) whose today is the day given, each generated once per session."""
    made = {tiny_city.today: tiny_city}
    assert set(TRANSITIONS) >= set(made)

    def get(today: date) -> City:
        if today not in made:
            made[today] = generate(tmp_path_factory.mktemp("city") / f"tiny-{today}", SIZES["tiny"], today=today)
        return made[today]

    return get


@pytest.fixture(scope="session")
def duckdb_city(tiny_city: City) -> Iterator[DuckDBEngine]:
    engine = DuckDBEngine()
    register_city(engine, tiny_city)
    yield engine
    engine.close()


def _spark_available() -> str | None:
    if shutil.which("java") is None:
        return "no Java runtime (apt-get install openjdk-17-jre-headless)"
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed"
    return None


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkEngine]:
    missing = _spark_available()
    if missing is not None:
        if os.environ.get("FANGKONG_REQUIRE_SPARK"):
            pytest.fail(f"Spark is required here: {missing}")
        pytest.skip(missing)
    engine = SparkEngine("local[2]")
    yield engine
    engine.close()
