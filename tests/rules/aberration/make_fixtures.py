"""Write the fixtures the early-warning methods are held equal to (measure 15): a table of series — flat, trending,
seasonal (weekly across the year, daily across the week), with an outbreak (and a past one the Farrington method must
down-weight), with zeros, over-dispersed, constant; daily and weekly — each judged by R surveillance's earsC (C1, C2,
C3) and farringtonFlexible with their defaults and with a few flags changed.

Run from the repository root when the table or surveillance changes, and commit the result:
    python -m tests.rules.aberration.make_fixtures
(needs Rscript with the surveillance package; `tests/rules/aberration/surveillance_oracle.R` does the R side).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

import numpy as np

from fangkong.policy.terms import Method
from tests.rules.aberration.oracle import HERE, Case, surveillance

FIXTURES = HERE / "fixtures" / "surveillance.json"
WEEKS = 300  # Farrington's defaults (b = 5, w = 3) judge weekly from row 264: 37 weeks judged
DAYS = 1860  # and daily from row 1829: 32 days judged
EARS_DAYS = 240  # EARS needs only days: its daily cases take the series' last days
WEEKLY_START = date(2017, 1, 2)
DAILY_START = date(2018, 1, 1)


def _series() -> dict[str, tuple[int, list[int]]]:
    """Each series' spacing (days) and counts, drawn from fixed seeds."""
    rng = np.random.default_rng(20221111)
    weeks = np.arange(WEEKS)
    days = np.arange(DAYS)
    season = np.exp(2.2 + 0.7 * np.sin(2 * np.pi * weeks / 52))
    weekday = np.array([1.4, 1.2, 1.1, 1.0, 1.0, 0.6, 0.5])[days % 7]

    def poisson(mean: np.ndarray) -> list[int]:
        return [int(v) for v in rng.poisson(mean)]

    def over(mean: np.ndarray, size: float) -> list[int]:
        return [int(v) for v in rng.negative_binomial(size, size / (size + mean))]

    outbreak_weeks = poisson(season)
    for week, extra in ((150, 18), (151, 30), (152, 22), (203, 25), (290, 9), (291, 20), (292, 34), (293, 40)):
        outbreak_weeks[week] += extra
    outbreak_days = poisson(12.0 * weekday)
    for day, extra in ((1500, 30), (1501, 45), (1840, 8), (1841, 16), (1842, 30), (1843, 45), (1844, 60)):
        outbreak_days[day] += extra
    zeros_weeks = poisson(np.full(WEEKS, 0.6))
    zeros_weeks[295:298] = [4, 6, 7]
    return {
        "weekly-flat": (7, poisson(np.full(WEEKS, 20.0))),
        "weekly-trend": (7, poisson(5.0 + 0.08 * weeks)),
        "weekly-seasonal": (7, poisson(season)),
        "weekly-outbreak": (7, outbreak_weeks),
        "weekly-zeros": (7, zeros_weeks),
        "weekly-overdispersed": (7, over(np.full(WEEKS, 15.0), 3.0)),
        "weekly-constant": (7, [10] * WEEKS),
        "daily-flat": (1, poisson(np.full(DAYS, 30.0))),
        "daily-trend": (1, poisson(4.0 + 0.01 * days)),
        "daily-weekday": (1, poisson(25.0 * weekday)),
        "daily-outbreak": (1, outbreak_days),
        "daily-zeros": (1, poisson(np.full(DAYS, 0.4))),
    }


def cases(series: dict[str, tuple[int, list[int]]]) -> list[tuple[Case, str, int]]:
    """Every case with the series it is drawn from and the rows it skips at the start."""
    found: list[tuple[Case, str, int]] = []
    for name, (spacing, counts) in series.items():
        skip = len(counts) - EARS_DAYS if spacing == 1 else 0
        for method in (Method.ears_c1, Method.ears_c2, Method.ears_c3):
            found.append((Case(f"{name}/{method.value}", tuple(counts[skip:]), spacing, method), name, skip))
        found.append((Case(f"{name}/farrington", tuple(counts), spacing, Method.farrington), name, 0))
    flags: list[tuple[str, Method, dict[str, float | int]]] = [
        ("weekly-outbreak", Method.farrington, {"years": 3}),
        ("weekly-seasonal", Method.farrington, {"alpha": 0.01}),
        ("weekly-trend", Method.farrington, {"years": 3}),
        ("weekly-flat", Method.ears_c3, {"alpha": 0.001}),
        ("weekly-outbreak", Method.ears_c1, {"baseline": 14, "alpha": 0.01}),
        ("weekly-zeros", Method.ears_c2, {"baseline": 3}),
    ]
    for name, method, changed in flags:
        spacing, counts = series[name]
        label = "+".join(f"{k}={v}" for k, v in changed.items())
        found.append((Case(f"{name}/{method.value}/{label}", tuple(counts), spacing, method, **changed), name, 0))  # type: ignore[arg-type]
    return found


def main() -> None:
    series = _series()
    table = cases(series)
    judged = surveillance([case for case, _, _ in table])
    out = {
        "made_by": "tests/rules/aberration/make_fixtures.py with R surveillance "
        + "(earsC, farringtonFlexible; see surveillance_oracle.R)",
        "series": {
            name: {
                "start": (WEEKLY_START if spacing == 7 else DAILY_START).isoformat(),
                "spacing": spacing,
                "counts": counts,
            }
            for name, (spacing, counts) in series.items()
        },
        "cases": [
            {
                "name": case.name,
                "series": name,
                "skip": skip,
                "method": case.method.value,
                "alpha": case.alpha,
                "baseline": case.baseline,
                "years": case.years,
                **asdict(judged[case.name]),
            }
            for case, name, skip in table
        ],
    }
    FIXTURES.write_text(json.dumps(out, indent=None, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {FIXTURES} ({len(table)} cases)")


if __name__ == "__main__":
    main()
