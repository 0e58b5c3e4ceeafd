"""What the bulk tests share besides their fixtures (those are in conftest.py)."""

from __future__ import annotations

from fangkong.bulk.city import City
from fangkong.bulk.engines import Engine


def register_city(engine: Engine, city: City, areas: str = "risk_areas") -> None:
    """The city's tables as the engine's views, with `areas` as its risk areas."""
    for table in ("residents", "orders", "phases", "tests", "samplings", "cases", "held"):
        engine.parquet(table, city.path(f"{table}.parquet"))
    engine.parquet("risk_areas", city.path(f"{areas}.parquet"))
    engine.parquet("scans", city.root / "scans")
