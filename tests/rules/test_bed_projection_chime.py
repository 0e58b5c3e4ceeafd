"""The bed projection (measure 11) beside CHIME, Penn Medicine's SIR hospital census model (penn_chime 0.0.3, a test
dependency only): (a) our census convolution with a fixed stay is CHIME's census; (b) on shared inputs the two agree
while infections grow exponentially and part as CHIME's susceptibles run out. The figures are in docs/capacity.md."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, timedelta

import numpy as np
import pytest

from fangkong.policy.terms import AgeBand, CareLevel
from fangkong.rules.bed_projection import (
    BED_KINDS,
    BedProjectionInput,
    DailyInfections,
    ProjectionParameters,
    census_from_admissions,
    project,
    survival,
)

chime_parameters = pytest.importorskip("penn_chime.model.parameters")
chime_sir = pytest.importorskip("penn_chime.model.sir")

AS_OF = date(2022, 12, 20)
HORIZON = 28
STAY = 7  # CHIME's hospitalized `days`: a fixed stay
RATE = 0.025  # CHIME's hospitalized rate = our (single group's) inpatient need rate
DOUBLING = 4.0  # days: Omicron-like


@pytest.fixture(autouse=True)
def _quiet() -> Iterator[None]:
    logging.getLogger("penn_chime").setLevel(logging.WARNING)
    yield


def chime(population: int, *, doubling: float = DOUBLING, stay: int = STAY, rate: float = RATE) -> object:
    """CHIME's model with its dates given (it otherwise reads today's) and no mitigation (contact rate unchanged)."""
    p = chime_parameters.Parameters(
        current_hospitalized=500,
        current_date=AS_OF,
        mitigation_date=AS_OF,
        relative_contact_rate=0.0,
        doubling_time=doubling,
        hospitalized=chime_parameters.Disposition(days=stay, rate=rate),
        icu=chime_parameters.Disposition(days=stay + 2, rate=rate / 4),
        ventilated=chime_parameters.Disposition(days=stay + 3, rate=rate / 8),
        infectious_days=7,
        market_share=1.0,
        n_days=HORIZON,
        population=population,
        recovered=0,
    )
    return chime_sir.Sir(p)


@pytest.mark.parametrize("stay", [1, 3, 7, 14])
@pytest.mark.parametrize("population", [10**6, 10**8])
def test_our_convolution_is_chimes_census(stay: int, population: int) -> None:
    """(a) CHIME's admissions through our convolution with a point-mass stay of CHIME's `days` give its census."""
    model = chime(population, stay=stay)
    admits = model.admits_df["admits_hospitalized"].fillna(0.0).to_numpy()  # type: ignore[attr-defined]
    census = model.census_df["census_hospitalized"].to_numpy()  # type: ignore[attr-defined]
    ours = census_from_admissions(list(admits), survival((0.0,) * (stay - 1) + (1.0,)))
    assert len(ours) == len(census) > HORIZON
    assert np.allclose(ours, census, rtol=0, atol=1e-6)


def shared(population: int) -> tuple[np.ndarray, np.ndarray]:
    """(b) Both models on the same inputs: CHIME's new infections (the rise of its ever-infected) of the 14 days up to
    `as_of` are our observed infections (one group, need rate = CHIME's hospitalized rate, market share 1), its census
    on `as_of` ours, its fixed stay ours, no admission delay (CHIME admits on the day of infection), a 7-day growth
    window. Returns (ours, CHIME's) census for days 1..28."""
    model = chime(population)
    raw = model.raw_df  # type: ignore[attr-defined]
    new = raw["ever_infected"].diff()
    past = raw[(raw["day"] <= 0) & (raw["day"] > -14)]
    rows = tuple(
        DailyInfections(AS_OF + timedelta(days=int(d)), AgeBand.under_60, True, round(float(new[i])))
        for i, d in zip(past.index, past["day"], strict=True)
    )
    start = round(float(raw.loc[raw["day"] == 0, "census_hospitalized"].iloc[0]))
    need = {
        (k, b, v): (RATE if k is CareLevel.inpatient else 0.0)
        for k in BED_KINDS
        for b in AgeBand
        for v in (True, False)
    }
    p = ProjectionParameters(
        need=need,
        stay={CareLevel.inpatient: (0.0,) * (STAY - 1) + (1.0,), CareLevel.icu: (1.0,)},
        admission_delay_days=0,
        growth_window_days=7,
        horizon_days=HORIZON,
        alert_days_ahead=7,
    )
    given = BedProjectionInput(AS_OF, rows, {CareLevel.inpatient: start}, {CareLevel.inpatient: 10**9})
    got = project(given, p)
    assert got.growth == pytest.approx(2 ** (1 / DOUBLING), rel=2e-3)  # our window ratio recovers CHIME's doubling
    theirs = raw.loc[(raw["day"] >= 1) & (raw["day"] <= HORIZON), "census_hospitalized"].to_numpy()
    return np.array(got.outlook(CareLevel.inpatient).census), theirs


def test_while_growth_is_exponential_the_two_agree() -> None:
    """A population of 10^9 (susceptibles barely touched in 28 days): from day `STAY` on our census is CHIME's within
    1 %; before it ours is higher (7 % on day 1, 27 % on day 6), our current census being held whole until the
    fixed stay ends, as if all admitted on `as_of`, where CHIME's leaves day by day."""
    ours, theirs = shared(10**9)
    ratio = ours / theirs
    assert np.all(np.abs(ratio[STAY - 1 :] - 1) < 0.01), ratio
    assert np.all(ratio[: STAY - 1] >= 1.0) and 1.05 < ratio[0] < 1.08 and ratio[: STAY - 1].max() < 1.3, ratio


def test_as_susceptibles_run_out_chime_bends_below_us() -> None:
    """A population of 10^6: CHIME's SIR slows as its susceptibles fall (to about 55 % by day 28) and our exponential
    projection runs ahead: never below CHIME, more than 30 % above by day 21 and more than twice by day 28."""
    ours, theirs = shared(10**6)
    ratio = ours / theirs
    assert np.all(ratio >= 0.999), ratio
    assert ratio[20] > 1.3 and ratio[27] > 2.0, ratio
    assert np.all(np.diff(ratio[STAY:]) > 0), ratio  # the gap only widens
