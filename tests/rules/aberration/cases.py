"""The committed fixtures of R surveillance's answers (measure 15), read as cases the tests judge with fangkong."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import pytest

from fangkong.policy import load_policy
from fangkong.policy.terms import Method
from fangkong.rules.aberration import Judged, Settings, judge, warning_settings
from tests.rules.aberration.oracle import Case, Judgement

FIXTURES_FILE = "fixtures/surveillance.json"
ON = date(2023, 1, 1)  # any day the 20 measures' warning.* values are in force
RELATIVE = 1e-6  # the tolerance on bounds; the methods agree with R to about 1e-14


@dataclass(frozen=True)
class FixtureCase:
    """One fixture row: the case as R ran it, its days, and R's answer."""

    case: Case
    days: tuple[date, ...]
    r: Judgement


@lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    from tests.rules.aberration.oracle import HERE

    loaded: dict[str, Any] = json.loads((HERE / FIXTURES_FILE).read_text(encoding="utf-8"))
    return loaded


@lru_cache(maxsize=1)
def fixture_cases() -> tuple[FixtureCase, ...]:
    raw = _raw()
    found = []
    for row in raw["cases"]:
        series = raw["series"][row["series"]]
        spacing = int(series["spacing"])
        start = date.fromisoformat(series["start"]) + timedelta(days=spacing * row["skip"])
        counts = tuple(series["counts"][row["skip"] :])
        case = Case(row["name"], counts, spacing, Method(row["method"]), row["alpha"], row["baseline"], row["years"])
        days = tuple(start + timedelta(days=spacing * i) for i in range(len(counts)))
        r = Judgement(tuple(row["indexes"]), tuple(row["upperbound"]), tuple(row["alarm"]))
        found.append(FixtureCase(case, days, r))
    return tuple(found)


def settings_for(case: Case) -> Settings:
    """The settings in force, with the case's flags."""
    return warning_settings(load_policy().at(ON)).overridden(
        case.method, alpha=case.alpha, baseline=case.baseline, years=case.years
    )


def fangkong(fixture: FixtureCase) -> list[Judged]:
    return judge(fixture.days, fixture.case.counts, fixture.case.method, settings_for(fixture.case))


def differences(fixture: FixtureCase, judged: list[Judged], r: Judgement) -> list[str]:
    """Where fangkong and R disagree on a case: the days judged, a bound beyond RELATIVE, an alarm (R's NA is no
    bound and no alarm)."""
    problems = []
    r_days = [fixture.days[i] for i in r.indexes]
    if [j.day for j in judged] != r_days:
        return [f"days judged: fangkong {len(judged)} from {judged[0].day if judged else None}, R {len(r_days)}"]
    for j, upper, alarm in zip(judged, r.upperbound, r.alarm, strict=True):
        if (j.upperbound is None) != (upper is None):
            problems.append(f"{j.day}: bound {j.upperbound} against R's {upper}")
        elif j.upperbound is not None and upper is not None and j.upperbound != pytest.approx(upper, rel=RELATIVE):
            problems.append(f"{j.day}: bound {j.upperbound!r} against R's {upper!r}")
        if j.alarm != bool(alarm):
            problems.append(f"{j.day}: alarm {j.alarm} against R's {alarm}")
    return problems


def ids() -> list[str]:
    return [f.case.name for f in fixture_cases()]
