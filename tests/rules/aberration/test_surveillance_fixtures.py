"""Held equal to R surveillance (measure 15; issue 20): every case of the fixture table — flat, trending, seasonal,
with an outbreak, with zeros, over-dispersed; daily and weekly; EARS C1, C2, C3 and Farrington, with the defaults and
with flags — judged by fangkong gives R's days, bounds (to 1e-6 relative) and alarms. Runs everywhere: the fixtures
were written by `make_fixtures.py` from R; `test_surveillance_live.py` runs R itself where it is installed."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from fangkong.policy.terms import Method
from tests.rules.aberration.cases import FixtureCase, differences, fangkong, fixture_cases, ids


@pytest.mark.parametrize("fixture", fixture_cases(), ids=ids())
def test_equal_to_surveillance(fixture: FixtureCase) -> None:
    assert differences(fixture, fangkong(fixture), fixture.r) == []


def test_the_table_covers_every_method_kind_and_outcome() -> None:
    """Not vacuous: each method alarms somewhere, daily and weekly; some bounds are R's NA (limit54, C3's zero
    sigma); the shapes of the issue are all there."""
    cases = fixture_cases()
    alarms = Counter((f.case.method, f.case.spacing) for f in cases for a in f.r.alarm if a)
    assert {(m, s) for m in Method for s in (1, 7)} <= set(alarms)
    withheld = {f.case.method for f in cases if any(u is None for u in f.r.upperbound)}
    assert {Method.ears_c3, Method.farrington} <= withheld
    shapes = {f.case.name.split("/")[0].split("-", 1)[1] for f in cases}
    assert {"flat", "trend", "seasonal", "outbreak", "zeros"} <= shapes


def test_the_comparison_can_fail() -> None:
    """A bound moved by 1e-5 relative, or an alarm flipped, is found."""
    fixture = next(f for f in fixture_cases() if f.case.method is Method.farrington and any(f.r.alarm))
    judged = fangkong(fixture)
    i = next(k for k, u in enumerate(fixture.r.upperbound) if u is not None)
    moved = list(fixture.r.upperbound)
    moved[i] = moved[i] * (1 + 1e-5)  # type: ignore[operator]
    assert differences(fixture, judged, dataclasses.replace(fixture.r, upperbound=tuple(moved)))
    flipped = tuple(not a for a in fixture.r.alarm)
    assert differences(fixture, judged, dataclasses.replace(fixture.r, alarm=flipped))
