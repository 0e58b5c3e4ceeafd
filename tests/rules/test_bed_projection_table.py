"""The bed projection (measure 11: beds prepared ahead of the wave) against hand-computed cases, the parameters in
force per version, bad input, and properties (Hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.errors import InvalidInput, NotInForce
from fangkong.policy import load_policy
from fangkong.policy.terms import AgeBand, CareLevel
from fangkong.rules.bed_projection import (
    BED_KINDS,
    BedProjectionInput,
    DailyInfections,
    ProjectionParameters,
    bed_projection,
    census_from_admissions,
    level_divisor,
    project,
    projection_parameters,
    survival,
)

POLICY = load_policy()
IN, ICU = CareLevel.inpatient, CareLevel.icu
D0 = date(2022, 12, 1)  # day 1 of the series
AS_OF = D0 + timedelta(days=9)  # day 10
PROJECTION_SOURCES = projection_parameters(POLICY.at(date(2022, 12, 1))).sources
GROUPS = [(band, vaccinated) for band in AgeBand for vaccinated in (True, False)]


def params(
    *,
    need_in: float = 0.5,
    need_icu: float = 0.25,
    stay_in: tuple[float, ...] = (1.0,),
    stay_icu: tuple[float, ...] = (0.0, 1.0),
    delay: int = 0,
    window: int = 2,
    horizon: int = 4,
    alert: int = 2,
) -> ProjectionParameters:
    """Hand-sized parameters: the same need rate for every group (rates exact in binary)."""
    need = {(kind, band, vac): (need_in if kind is IN else need_icu) for kind in BED_KINDS for band, vac in GROUPS}
    return ProjectionParameters(
        need=need,
        stay={IN: stay_in, ICU: stay_icu},
        admission_delay_days=delay,
        growth_window_days=window,
        horizon_days=horizon,
        alert_days_ahead=alert,
        sources=dict.fromkeys(PROJECTION_SOURCES, "m20.11"),
    )


def series(counts: list[int], band: AgeBand = AgeBand.under_60, vaccinated: bool = True) -> tuple[DailyInfections, ...]:
    return tuple(DailyInfections(D0 + timedelta(days=i), band, vaccinated, c) for i, c in enumerate(counts))


def given_(
    counts: list[int],
    census: dict[CareLevel, int] | None = None,
    capacity: dict[CareLevel, int | dict[date, int]] | None = None,
    as_of: date = AS_OF,
) -> BedProjectionInput:
    return BedProjectionInput(
        as_of=as_of,
        infections=series(counts),
        census=census or {},
        capacity=capacity or {IN: 1000, ICU: 1000},
    )


def day(k: int) -> date:
    return AS_OF + timedelta(days=k)


# ---- hand-computed cases ---------------------------------------------------------------------------------------
# Constant 8 a day: g = 1, level 16 / 2 = 8; inpatient 0.5 × 8 = 4 admitted a day, 1-day stay: 4 in use; ICU
# 0.25 × 8 = 2 a day, 2-day stay: day 1 = C0 (still in) + 2, then 2 + 2. Doubling 1, 2, 4 ... 512: windows 768 and
# 192, g = 4^(1/2) = 2, level 768 / (1 + 1/2) = 512; infections 1024, 2048 ...; inpatient 512, 1024, 2048, 4096.
CASES = [
    # (name, counts, census, capacity, parameters, kind, admissions, census expected, run-out day or None, alert)
    (
        "constant, 1-day stay",
        [8] * 10,
        {},
        {IN: 1000, ICU: 1000},
        params(),
        IN,
        [4, 4, 4, 4],
        [4, 4, 4, 4],
        None,
        False,
    ),
    (
        "constant, 2-day stay",
        [8] * 10,
        {ICU: 3},
        {IN: 1000, ICU: 1000},
        params(),
        ICU,
        [2] * 4,
        [5, 4, 4, 4],
        None,
        False,
    ),
    ("capacity exactly met", [8] * 10, {}, {IN: 4, ICU: 1000}, params(), IN, [4] * 4, [4] * 4, None, False),
    ("one bed short", [8] * 10, {}, {IN: 3, ICU: 1000}, params(), IN, [4] * 4, [4] * 4, 1, True),
    ("current census over", [8] * 10, {ICU: 3}, {IN: 1000, ICU: 4}, params(), ICU, [2] * 4, [5, 4, 4, 4], 1, True),
    (
        "doubling, 1-day stay",
        [2**i for i in range(10)],
        {},
        {IN: 1000, ICU: 1000},
        params(),
        IN,
        [512, 1024, 2048, 4096],
        [512, 1024, 2048, 4096],
        2,
        True,
    ),
    (
        "doubling, 2-day stay",
        [2**i for i in range(10)],
        {},
        {IN: 1000, ICU: 1000},
        params(),
        ICU,
        [256, 512, 1024, 2048],
        [256, 768, 1536, 3072],
        3,
        False,
    ),
    (
        "doubling, admitted a day after the report",
        [2**i for i in range(10)],
        {},
        {IN: 1000, ICU: 1000},
        params(delay=1),
        IN,
        [256, 512, 1024, 2048],
        [256, 512, 1024, 2048],
        3,
        False,
    ),
    (
        "staffed beds falling (a series)",
        [8] * 10,
        {},
        {IN: {day(1): 4, day(3): 3}, ICU: 1000},
        params(alert=3),
        IN,
        [4] * 4,
        [4] * 4,
        3,
        True,
    ),
    (
        "nothing in the earlier window: flat",
        [0] * 8 + [6, 6],
        {},
        {IN: 1000, ICU: 1000},
        params(),
        IN,
        [3] * 4,
        [3] * 4,
        None,
        False,
    ),
    (
        "none in the last window",
        [5] * 8 + [0, 0],
        {IN: 7},
        {IN: 1000, ICU: 1000},
        params(),
        IN,
        [0] * 4,
        [0] * 4,
        None,
        False,
    ),
]


@pytest.mark.parametrize(
    ("name", "counts", "census", "capacity", "p", "kind", "admissions", "expected", "run_out", "alert"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_hand_computed(
    name: str,
    counts: list[int],
    census: dict[CareLevel, int],
    capacity: dict[CareLevel, int | dict[date, int]],
    p: ProjectionParameters,
    kind: CareLevel,
    admissions: list[float],
    expected: list[float],
    run_out: int | None,
    alert: bool,
) -> None:
    outlook = project(given_(counts, census, capacity), p).outlook(kind)
    assert outlook.days == tuple(day(k) for k in range(1, 5))
    assert list(outlook.admissions) == pytest.approx(admissions, abs=1e-9)
    assert list(outlook.census) == pytest.approx(expected, abs=1e-9)
    assert outlook.run_out == (day(run_out) if run_out is not None else None)
    assert outlook.alert is alert


def test_doubling_infections_projected_exactly() -> None:
    got = project(given_([2**i for i in range(10)]), params())
    assert got.growth == pytest.approx(2.0)
    assert list(got.infections) == pytest.approx([1024, 2048, 4096, 8192])
    assert (
        got.reasons[0].text == "new infections: 768 in the last 2 days against 192 in the 2 before: growth ×2.000 a day"
    )


def test_flat_when_the_earlier_window_is_empty() -> None:
    got = project(given_([0] * 8 + [6, 6]), params())
    assert got.growth == 1.0
    assert got.reasons[0].text == "no infections in the 2 days before the last 2: held flat"


def test_the_alert_names_the_kind_and_cites_the_clause() -> None:
    got = project(given_([8] * 10, capacity={IN: 3, ICU: 1000}), params())
    assert got.alert
    texts = [r.text for r in got.reasons]
    assert "inpatient beds: 4.0 projected in use on 2022-12-11 against 3 staffed: run out" in texts
    assert "inpatient beds run out within 2 days of 2022-12-10: alert" in texts
    assert "icu beds: enough for 4 days (at most 2.0 in use, on 2022-12-11)" in texts or any(
        t.startswith("icu beds: enough for 4 days") for t in texts
    )
    assert got.cite == ["m20.11"]


def test_the_run_out_beyond_the_alert_days_raises_no_alert() -> None:
    got = project(given_([2**i for i in range(10)]), params(alert=2)).outlook(ICU)
    assert got.run_out == day(3)
    assert not got.alert


def test_days_after_as_of_are_ignored() -> None:
    base = project(given_([8] * 10), params())
    later = project(given_([8] * 10 + [1000, 1000]), params())
    assert later.outlooks == base.outlooks


# ---- bad input -------------------------------------------------------------------------------------------------


def test_no_data_names_as_of() -> None:
    with pytest.raises(InvalidInput) as raised:
        project(given_([]), params())
    assert raised.value.field == "as_of"


def test_a_date_before_any_data_names_as_of() -> None:
    with pytest.raises(InvalidInput) as raised:
        project(given_([8] * 10, as_of=D0 - timedelta(days=1)), params())
    assert raised.value.field == "as_of"
    assert "2022-12-01" in raised.value.message


@pytest.mark.parametrize(
    ("rows", "census", "capacity", "field"),
    [
        ([("2022-12-01", "under_60", True, -1)], {}, {}, "infections"),
        ([("2022-12-01", "teenagers", True, 1)], {}, {}, "infections"),
        ([("1 Dec", "under_60", True, 1)], {}, {}, "infections"),
        ([("2022-12-01", "under_60", True, 1)], {"inpatient": -2}, {}, "census"),
        ([("2022-12-01", "under_60", True, 1)], {"home_care": 2}, {}, "census"),
        ([("2022-12-01", "under_60", True, 1)], {}, {"ward": 2}, "capacity"),
        ([("2022-12-01", "under_60", True, 1)], {}, {"icu": -1}, "capacity"),
        ([("2022-12-01", "under_60", True, 1)], {}, {"icu": {}}, "capacity"),
    ],
)
def test_bad_input_names_the_field(
    rows: list[tuple[str, str, bool, int]], census: dict[str, int], capacity: dict[str, int], field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        BedProjectionInput.from_rows(AS_OF, rows, census, capacity)
    assert raised.value.field == field


def test_from_rows_reads_sql_shaped_rows() -> None:
    got = BedProjectionInput.from_rows(
        AS_OF,
        [("2022-12-10", "from_80", 0, 3), (date(2022, 12, 9), AgeBand.under_60, 1, 2)],
        {"icu": 1},
        {"inpatient": 10, "icu": {date(2022, 12, 11): 2}},
    )
    assert got.infections[0] == DailyInfections(date(2022, 12, 10), AgeBand.from_80, False, 3)
    assert got.census == {ICU: 1}
    assert got.beds_on(ICU, date(2022, 12, 1)) == 2
    assert got.beds_on(IN, date(2022, 12, 1)) == 10


# ---- the parameters in force, per version -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "version"),
    [(date(2022, 11, 20), "m20"), (date(2022, 12, 10), "n10"), (date(2023, 1, 10), "classb")],
)
def test_parameters_per_version(on: date, version: str) -> None:
    rules = POLICY.at(on)
    assert rules.version == version
    p = projection_parameters(rules)
    # only the levels that take a hospital bed count: the same mix under every version (register projection-need-*)
    assert p.need[(IN, AgeBand.from_80, False)] == 0.2
    assert p.need[(ICU, AgeBand.from_80, False)] == 0.04
    assert p.need[(IN, AgeBand.under_60, True)] == 0.002
    assert all(p.need[(k, b, False)] >= p.need[(k, b, True)] for k in BED_KINDS for b in AgeBand)
    assert sum(p.stay[IN]) == pytest.approx(1.0)
    assert sum((i + 1) * s for i, s in enumerate(p.stay[IN])) == pytest.approx(6.8)
    assert (p.growth_window_days, p.horizon_days, p.alert_days_ahead, p.admission_delay_days) == (7, 28, 7, 2)
    assert set(p.sources.values()) == {"m20.11"}
    got = bed_projection(given_([100] * 20, {IN: 10, ICU: 1}, {IN: 50, ICU: 2}, as_of=D0 + timedelta(days=19)), rules)
    assert got.policy == version
    assert len(got.outlook(IN).census) == 28
    assert got.cite == ["m20.11"]


def test_no_parameters_before_the_20_measures() -> None:
    with pytest.raises(NotInForce):
        projection_parameters(POLICY.at(date(2022, 11, 1)))


def test_survival_and_convolution() -> None:
    assert survival((0.25, 0.5, 0.25)) == (1.0, 0.75, 0.25)
    assert census_from_admissions([1, 0, 2, 0], (1.0, 0.75, 0.25)) == [1.0, 0.75, 2.25, 1.5]
    assert level_divisor(1.0, 7) == 7.0
    assert level_divisor(2.0, 2) == pytest.approx(1.5)


# ---- properties --------------------------------------------------------------------------------------------------

counts_st = st.lists(st.integers(0, 5000), min_size=1, max_size=20)
stay_st = st.lists(st.floats(0.0, 1.0), min_size=1, max_size=8).filter(lambda s: s[-1] > 0.01 and sum(s) > 0.01)
rate_st = st.floats(0.0, 0.5)


def _stay(raw: list[float]) -> tuple[float, ...]:
    total = sum(raw)
    return tuple(x / total for x in raw)


def _params(rate: float, stay: tuple[float, ...], delay: int, window: int) -> ProjectionParameters:
    return params(need_in=rate, need_icu=rate / 4, stay_in=stay, stay_icu=stay, delay=delay, window=window, horizon=10)


def _input(counts: list[int], census: int, capacity: int) -> BedProjectionInput:
    as_of = D0 + timedelta(days=len(counts) - 1)
    return BedProjectionInput(as_of, series(counts), {IN: census, ICU: census}, {IN: capacity, ICU: capacity})


@settings(max_examples=150, deadline=None)
@given(counts_st, st.integers(0, 300), rate_st, stay_st, st.integers(0, 3), st.integers(1, 7))
def test_census_never_negative(
    counts: list[int], census: int, rate: float, stay: list[float], delay: int, window: int
) -> None:
    got = project(_input(counts, census, 100), _params(rate, _stay(stay), delay, window))
    assert all(c >= -1e-9 for o in got.outlooks for c in o.census)
    assert all(a >= 0 for o in got.outlooks for a in o.admissions)


@settings(max_examples=150, deadline=None)
@given(
    counts_st,
    st.integers(0, 300),
    rate_st,
    stay_st,
    st.integers(0, 3),
    st.integers(1, 7),
    st.integers(1, 4),
    st.integers(0, 500),
)
def test_more_infections_never_lower_the_census(
    counts: list[int],
    census: int,
    rate: float,
    stay: list[float],
    delay: int,
    window: int,
    scale: int,
    extra: int,
) -> None:
    """More infections: every day's count multiplied (growth unchanged), and more on the last day (both the level
    and the growth rise)."""
    p = _params(rate, _stay(stay), delay, window)
    base = project(_input(counts, census, 100), p)
    more = [c * scale for c in counts]
    more[-1] += extra
    bigger = project(_input(more, census, 100), p)
    for a, b in zip(base.outlooks, bigger.outlooks, strict=True):
        assert all(y >= x * (1 - 1e-9) - 1e-9 for x, y in zip(a.census, b.census, strict=True))


@settings(max_examples=150, deadline=None)
@given(counts_st, st.integers(0, 300), rate_st, stay_st, st.integers(0, 3), st.integers(1, 7), st.integers(0, 7))
def test_a_longer_stay_never_lowers_the_census(
    counts: list[int], census: int, rate: float, stay: list[float], delay: int, window: int, longer: int
) -> None:
    """A longer stay: some of the shortest stays moved to the longest (first-order stochastic dominance), or every
    stay lengthened by whole days."""
    shares = _stay(stay)
    moved = list(shares)
    moved[0] -= shares[0] / 2
    moved[-1] += shares[0] / 2
    shifted = (0.0,) * longer + shares
    base = project(_input(counts, census, 100), _params(rate, shares, delay, window))
    for other in (tuple(moved), shifted):
        got = project(_input(counts, census, 100), _params(rate, other, delay, window))
        for a, b in zip(base.outlooks, got.outlooks, strict=True):
            assert all(y >= x - 1e-9 for x, y in zip(a.census, b.census, strict=True))


@settings(max_examples=150, deadline=None)
@given(
    counts_st,
    st.integers(0, 300),
    rate_st,
    stay_st,
    st.integers(0, 3),
    st.integers(1, 7),
    st.integers(0, 200),
    st.integers(0, 200),
)
def test_less_capacity_never_delays_the_run_out(
    counts: list[int], census: int, rate: float, stay: list[float], delay: int, window: int, cap: int, less: int
) -> None:
    p = _params(rate, _stay(stay), delay, window)
    more_beds = project(_input(counts, census, cap + less), p)
    fewer = project(_input(counts, census, cap), p)
    for a, b in zip(more_beds.outlooks, fewer.outlooks, strict=True):
        if a.run_out is not None:
            assert b.run_out is not None and b.run_out <= a.run_out
        assert b.alert or not a.alert


def test_replace_keeps_parameters_frozen() -> None:
    p = params()
    assert replace(p, horizon_days=2).horizon_days == 2
    assert len(project(given_([8] * 10), replace(p, horizon_days=2)).outlook(IN).census) == 2


# ---- a wave, day by day: the alert comes before the beds run out ------------------------------------------------

MIX = {
    (AgeBand.under_60, True): 0.6,
    (AgeBand.under_60, False): 0.1,
    (AgeBand.from_60_to_79, True): 0.15,
    (AgeBand.from_60_to_79, False): 0.07,
    (AgeBand.from_80, True): 0.05,
    (AgeBand.from_80, False): 0.03,
}


@pytest.mark.parametrize(
    "start", [date(2022, 11, 25), date(2022, 12, 20), date(2023, 1, 20)], ids=["m20", "n10", "classb"]
)
def test_a_wave_raises_the_alert_before_the_beds_run_out(start: date) -> None:
    """A county's wave growing 15 % a day from 10 infections (the demo county's scale), 60 general and 8 ICU beds:
    the census each day is what the wave's admissions really occupy (the same need rates and stays); projected each
    morning from that census, the alert is raised exactly `alert_days_ahead` (7) days before each kind runs out, and
    the run-out it names is the real one."""
    p = projection_parameters(POLICY.at(start))
    first, days = start - timedelta(days=14), 40
    rows = tuple(
        DailyInfections(first + timedelta(days=i), band, vac, round(10 * 1.15**i * share))
        for i in range(days)
        for (band, vac), share in MIX.items()
    )
    capacity = {IN: 60, ICU: 8}
    real = {}
    for kind in BED_KINDS:
        admitted = [
            sum(
                p.need[(kind, r.age_band, r.vaccinated)] * r.count
                for r in rows
                if r.day == first + timedelta(days=i - 2)
            )
            for i in range(days)
        ]
        real[kind] = census_from_admissions(admitted, survival(p.stay[kind]))
    for kind in BED_KINDS:
        runs_out = next(i for i, c in enumerate(real[kind]) if c > capacity[kind])
        for i in range(14, runs_out + 1):
            on = first + timedelta(days=i)
            given = BedProjectionInput(on, rows, {k: round(real[k][i]) for k in BED_KINDS}, capacity)
            outlook = bed_projection(given, POLICY.at(on)).outlook(kind)
            if outlook.alert:
                break
        assert outlook.alert, kind
        assert runs_out - i == p.alert_days_ahead, kind
        assert outlook.run_out == first + timedelta(days=runs_out), kind
