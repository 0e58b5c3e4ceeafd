"""What the bulk tests share besides their fixtures (those are in conftest.py)."""

from __future__ import annotations

from datetime import date

from fangkong.bulk.city import City
from fangkong.bulk.engines import Engine


def register_city(engine: Engine, city: City, areas: str = "risk_areas") -> None:
    """The city's tables as the engine's views, with `areas` as its risk areas."""
    for table in ("residents", "orders", "phases", "tests", "samplings", "cases", "held"):
        engine.parquet(table, city.path(f"{table}.parquet"))
    engine.parquet("risk_areas", city.path(f"{areas}.parquet"))
    engine.parquet("scans", city.root / "scans")


# A tiny city's "today", and the days around a change of the rules its 14 days span: v9 to the 20 measures
# (11 Nov 2022), the hold's window (health_code.*, 21 Nov), the 10 new measures (7 Dec), Class B (8 Jan 2023).
TRANSITIONS = {
    date(2022, 11, 16): (date(2022, 11, 10), date(2022, 11, 11), date(2022, 11, 12), date(2022, 11, 16)),
    date(2022, 11, 23): (date(2022, 11, 20), date(2022, 11, 21), date(2022, 11, 22)),
    date(2022, 12, 9): (date(2022, 12, 6), date(2022, 12, 7), date(2022, 12, 8)),
    date(2023, 1, 10): (date(2023, 1, 7), date(2023, 1, 8), date(2023, 1, 9)),
}
TRANSITION_DAYS = [(today, on) for today, days in TRANSITIONS.items() for on in days]
