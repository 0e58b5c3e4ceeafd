"""Properties of the early-warning methods (measure 15) beyond the fixture table: EARS C1's bound is the mean plus
qnorm(1 - alpha) standard deviations of the 7 days before, C2's of the 7 days before a lag of 2; the EARS bounds scale
with the counts; a constant series never alarms; bad series are refused naming the row; the answer does not depend on
the machine clock."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fangkong.errors import InvalidInput, RowError
from fangkong.policy import load_policy
from fangkong.policy.terms import Method
from fangkong.rules.aberration import Settings, judge, needed, warning_settings
from tests.properties.test_clock_independence import assert_clock_independent

SETTINGS: Settings = warning_settings(load_policy().at(date(2023, 1, 1)))
START = date(2022, 1, 3)
PROPERTY = settings(max_examples=80, deadline=None, database=None)
EARS = [Method.ears_c1, Method.ears_c2, Method.ears_c3]


def daily(n: int, start: date = START, step: int = 1) -> list[date]:
    return [start + timedelta(days=step * i) for i in range(n)]


counts = st.lists(st.integers(min_value=0, max_value=10_000), min_size=8, max_size=60)


@PROPERTY
@given(counts=counts, lag=st.sampled_from([0, 2]))
def test_c1_and_c2_bound_is_mean_plus_z_sd_of_the_baseline(counts: list[int], lag: int) -> None:
    method = Method.ears_c1 if lag == 0 else Method.ears_c2
    assume(len(counts) >= needed(method, 1, SETTINGS))
    z = statistics.NormalDist().inv_cdf(1 - SETTINGS.alpha(method))
    for j in judge(daily(len(counts)), counts, method, SETTINGS):
        i = (j.day - START).days
        window = counts[i - 7 - lag : i - lag]
        expected = statistics.fmean(window) + z * statistics.stdev(window)
        assert j.upperbound is not None
        assert j.upperbound == pytest.approx(expected, rel=1e-9, abs=1e-9)
        assert j.alarm == (j.count > j.upperbound)


@PROPERTY
@given(counts=counts, factor=st.integers(min_value=2, max_value=50), method=st.sampled_from(EARS))
def test_ears_bounds_scale_with_the_counts(counts: list[int], factor: int, method: Method) -> None:
    assume(len(counts) >= needed(method, 1, SETTINGS))
    days = daily(len(counts))
    plain = judge(days, counts, method, SETTINGS)
    scaled = judge(days, [c * factor for c in counts], method, SETTINGS)
    for a, b in zip(plain, scaled, strict=True):
        if a.upperbound is None:
            continue  # C3 with a zero sigma: R's NaN (0 · inf); scaled it may come out either way
        assert b.upperbound == pytest.approx(a.upperbound * factor, rel=1e-9, abs=1e-6)
        if abs(a.count - a.upperbound) > 1e-6 * max(1.0, a.upperbound):
            assert a.alarm == b.alarm


@PROPERTY
@given(level=st.integers(min_value=0, max_value=500), method=st.sampled_from(list(Method)), weekly=st.booleans())
def test_a_constant_series_never_alarms(level: int, method: Method, weekly: bool) -> None:
    spacing = 7 if weekly else 1
    if method is Method.farrington and not weekly:
        return  # covered weekly: a daily Farrington history is 5 years long
    n = needed(method, spacing, SETTINGS) + 3
    judged = judge(daily(n, step=spacing), [level] * n, method, SETTINGS)
    assert len(judged) == 4
    assert not any(j.alarm for j in judged)


@pytest.mark.parametrize(
    ("method", "tail"),
    [
        (Method.ears_c1, [60]),
        (Method.ears_c2, [60]),
        # C3's bound is the day's count less the two days before's excesses: it alarms on a rise of three days
        (Method.ears_c3, [30, 45, 60]),
    ],
)
def test_a_rise_after_a_quiet_history_alarms_and_cites_measure_15(method: Method, tail: list[int]) -> None:
    counts = [10, 12, 9, 11, 10, 13, 9, 10, 11, 12, 10, *tail]
    last = judge(daily(len(counts)), counts, method, SETTINGS)[-1]
    assert last.alarm, method
    assert last.upperbound is not None and last.count > last.upperbound
    assert [r.clause for r in last.reasons] == [SETTINGS.clause] == ["m20.15"]
    assert "above the upper bound" in last.reasons[0].text


@PROPERTY
@given(n=st.integers(min_value=9, max_value=30), at=st.integers(min_value=1, max_value=29), data=st.data())
def test_a_bad_date_is_refused_naming_its_row(n: int, at: int, data: st.DataObject) -> None:
    assume(at < n)
    days = daily(n)
    kind = data.draw(st.sampled_from(["repeat", "gap", "mixed", "back"]))
    shift = {"repeat": -1, "gap": 1, "mixed": 0, "back": -2}[kind]
    if kind == "mixed":
        days[at] = days[at - 1] + timedelta(days=3)
        days[at + 1 :] = [days[at] + timedelta(days=k) for k in range(1, n - at)]
    else:
        days = [*days[:at], *(d + timedelta(days=shift) for d in days[at:])]
    rows = [100 + i for i in range(n)]
    with pytest.raises(RowError) as raised:
        judge(days, [1] * n, Method.ears_c1, SETTINGS, rows=rows)
    assert raised.value.field == "date"
    assert raised.value.row == 100 + at


@pytest.mark.parametrize(
    ("method", "weekly", "rows"),
    [
        (Method.ears_c1, False, 8),
        (Method.ears_c2, False, 10),
        (Method.ears_c3, True, 12),
        (Method.farrington, True, 52 * 5 + 3 + 1),
        (Method.farrington, False, 365 * 5 + 3 + 1),
    ],
)
def test_too_short_a_history_says_how_many_it_needs(method: Method, weekly: bool, rows: int) -> None:
    spacing = 7 if weekly else 1
    assert needed(method, spacing, SETTINGS) == rows
    with pytest.raises(InvalidInput) as raised:
        judge(daily(rows - 1, step=spacing), [3] * (rows - 1), method, SETTINGS)
    assert f"needs at least {rows}" in raised.value.message
    assert len(judge(daily(rows, step=spacing), [3] * rows, method, SETTINGS)) == 1


@pytest.mark.parametrize("bad", [-1, True, 2.5])
def test_a_count_that_is_not_a_whole_number_of_at_least_0_is_refused(bad: object) -> None:
    counts: list[object] = [1] * 10
    counts[6] = bad
    with pytest.raises(RowError) as raised:
        judge(daily(10), counts, Method.ears_c1, SETTINGS)  # type: ignore[arg-type]
    assert (raised.value.field, raised.value.row) == ("count", 7)


@settings(max_examples=20, deadline=None, database=None)
@given(counts=counts, method=st.sampled_from(EARS))
def test_clock_independent(counts: list[int], method: Method) -> None:
    assume(len(counts) >= needed(method, 1, SETTINGS))
    assert_clock_independent(lambda: judge(daily(len(counts)), counts, method, SETTINGS))


def test_numpy_counts_are_whole_numbers_too() -> None:
    """Counts read into numpy (a store's or a file's column) are judged as the same Python ints."""
    import numpy as np

    counts = [3, 4, 5, 3, 4, 5, 6, 3, 9, 20]
    assert judge(daily(10), list(np.array(counts)), Method.ears_c1, SETTINGS) == judge(
        daily(10), counts, Method.ears_c1, SETTINGS
    )
