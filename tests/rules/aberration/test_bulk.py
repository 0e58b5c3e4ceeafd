"""The bulk EARS pass (`bulk.aberration.ears_matrix`, measure 15) equals the per-series rule (`rules.aberration.judge`,
itself equal to R surveillance) on every series of random provinces: the same bounds (to 1e-9 relative; NaN where the
rule gives none) and the same alarms. The comparison can fail, and a bad matrix is refused naming the field."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.bulk.aberration import ears_matrix
from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.policy.terms import Method
from fangkong.rules.aberration import Settings, judge, warning_settings

SETTINGS: Settings = warning_settings(load_policy().at(date(2023, 1, 1)))
EARS = [Method.ears_c1, Method.ears_c2, Method.ears_c3]


def differences(
    counts: npt.NDArray[np.int64], method: Method, upper: npt.NDArray[np.float64], alarm: npt.NDArray[np.bool_]
) -> list[str]:
    """Where the bulk answer and the rule's differ, series by series."""
    days = [date(2022, 1, 1) + timedelta(days=i) for i in range(counts.shape[1])]
    problems = []
    for row in range(counts.shape[0]):
        judged = judge(days, [int(c) for c in counts[row]], method, SETTINGS)
        rule = np.array([np.nan if j.upperbound is None else j.upperbound for j in judged])
        if not np.allclose(upper[row], rule, rtol=1e-9, atol=1e-12, equal_nan=True):
            problems.append(f"series {row}: bounds differ")
        if [j.alarm for j in judged] != alarm[row].tolist():
            problems.append(f"series {row}: alarms differ")
    return problems


@st.composite
def provinces(draw: st.DrawFn) -> npt.NDArray[np.int64]:
    rows = draw(st.integers(min_value=1, max_value=12))
    days = draw(st.integers(min_value=12, max_value=50))
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    rng = np.random.default_rng(seed)
    means = rng.choice([0.0, 0.3, 3.0, 40.0, 900.0], size=(rows, 1))
    counts = rng.poisson(means, size=(rows, days)).astype(np.int64)
    if draw(st.booleans()):
        counts[0] = draw(st.integers(min_value=0, max_value=20))  # a constant series: zero sigma
    return counts


@settings(max_examples=60, deadline=None, database=None)
@given(counts=provinces(), method=st.sampled_from(EARS))
def test_bulk_equals_the_rule_on_every_series(counts: npt.NDArray[np.int64], method: Method) -> None:
    upper, alarm = ears_matrix(counts, method, SETTINGS)
    assert differences(counts, method, upper, alarm) == []


@pytest.mark.parametrize("method", EARS)
def test_blocks_and_threads_change_nothing(method: Method) -> None:
    rng = np.random.default_rng(15)
    counts = rng.poisson(rng.uniform(0, 60, size=(600, 1)), size=(600, 40))
    one = ears_matrix(counts, method, SETTINGS, workers=1)
    many = ears_matrix(counts, method, SETTINGS, workers=4)
    assert np.array_equal(one[0], many[0], equal_nan=True) and np.array_equal(one[1], many[1])
    sample = counts[::37]
    assert differences(sample, method, one[0][::37], one[1][::37]) == []


def test_the_comparison_can_fail() -> None:
    counts = np.random.default_rng(1).poisson(20, size=(3, 30))
    upper, alarm = ears_matrix(counts, Method.ears_c1, SETTINGS)
    moved = upper.copy()
    moved[1, 5] *= 1 + 1e-6
    assert differences(counts, Method.ears_c1, moved, alarm) == ["series 1: bounds differ"]
    flipped = alarm.copy()
    flipped[2, 3] = not flipped[2, 3]
    assert differences(counts, Method.ears_c1, upper, flipped) == ["series 2: alarms differ"]


@pytest.mark.parametrize(
    ("counts", "method", "field", "message"),
    [
        (np.ones((2, 7), dtype=np.int64), Method.ears_c1, "date", "needs at least 8"),
        (np.ones((2, 11), dtype=np.int64), Method.ears_c3, "date", "needs at least 12"),
        (np.array([[1] * 10, [1] * 9 + [-1]]), Method.ears_c1, "count", "series 2: a count below 0"),
        (np.ones((2, 10)) * 0.5, Method.ears_c1, "count", "whole numbers"),
        (np.ones(10, dtype=np.int64), Method.ears_c1, "count", "one row of counts per series"),
        (np.ones((2, 400), dtype=np.int64), Method.farrington, "method", "the EARS methods"),
    ],
)
def test_a_bad_matrix_is_refused(counts: npt.NDArray[np.int64], method: Method, field: str, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        ears_matrix(counts, method, SETTINGS)
    assert raised.value.field == field and message in raised.value.message
