"""Properties of area_level under the 20 measures: a high-risk area becomes low-risk after 5 consecutive days with
no new infection, from the day after the fifth clean day, and never goes back up."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.policy import Policy, PolicyAt, load_policy
from fangkong.policy.terms import AreaLevel
from fangkong.rules.risk_area import AreaLevelDecision, area_level

POLICY: Policy = load_policy()

CLEAN_DAYS = 5  # m20 (4): "no new infection for 5 consecutive days"
HORIZON = 40  # days after the delineation that each example looks at


def m20(d: date) -> PolicyAt:
    return POLICY.for_version("m20", d)


delineations = st.dates(min_value=date(2022, 11, 1), max_value=date(2022, 11, 30))
infection_offsets = st.sets(st.integers(min_value=0, max_value=30), max_size=10)
screening_offsets = st.sets(st.integers(min_value=0, max_value=HORIZON), max_size=8)


def low_from(delineated_on: date, infections: Iterable[date]) -> date:
    """Oracle, independent of the code: the first day of the area's low level.

    Clean days count from the day after the delineation; an infection day is not clean. The area is low from the
    day after the fifth consecutive clean day. Infections after that day belong to a new delineation.
    """
    found = set(infections)
    streak = 0
    day = delineated_on + timedelta(days=1)
    while True:
        streak = 0 if day in found else streak + 1
        if streak == CLEAN_DAYS:
            return day + timedelta(days=1)
        day += timedelta(days=1)


def level_on(delineated_on: date, on: date, infections: list[date], screenings: list[date] = []) -> AreaLevelDecision:  # noqa: B006
    return area_level(delineated_on, on, infections, screenings, m20)


@settings(max_examples=100, deadline=None, database=None)
@given(delineated_on=delineations, offsets=infection_offsets)
def test_low_iff_first_five_clean_days(delineated_on: date, offsets: set[int]) -> None:
    infections = sorted(delineated_on + timedelta(days=i) for i in offsets)
    low = low_from(delineated_on, infections)
    previous: AreaLevel | None = None
    for i in range(HORIZON + 1):
        day = delineated_on + timedelta(days=i)
        decision = level_on(delineated_on, day, infections)
        assert decision.level in (AreaLevel.high, AreaLevel.low)
        assert (decision.level is AreaLevel.low) == (day >= low), f"{day}: {decision.level}, low expected from {low}"
        # once low, never back up
        if previous is AreaLevel.low:
            assert decision.level is AreaLevel.low
        previous = decision.level
        if decision.level is AreaLevel.low:
            assert decision.since == low
        elif day == low - timedelta(days=1):
            assert decision.next_change_on == low


@st.composite
def outbreaks(draw: st.DrawFn) -> list[int]:
    """Infection offsets (days after the delineation, within 30) with no 5-day clean run before the last one."""
    offsets: list[int] = []
    day = draw(st.integers(min_value=0, max_value=CLEAN_DAYS))
    for gap in draw(st.lists(st.integers(min_value=1, max_value=CLEAN_DAYS), max_size=10)):
        if day > 30:
            break
        offsets.append(day)
        day += gap
    return offsets


@settings(max_examples=100, deadline=None, database=None)
@given(delineated_on=delineations, offsets=outbreaks())
def test_low_iff_five_clean_days_after_last_infection(delineated_on: date, offsets: list[int]) -> None:
    """The brief's form: low on X iff X >= max(delineated_on, last infection) + 6, for an outbreak whose infections
    never leave 5 clean days between them (otherwise the area is low before the later ones: a new delineation)."""
    anchors = [0, *offsets]
    assert all(b - a <= CLEAN_DAYS for a, b in pairwise(anchors))
    infections = [delineated_on + timedelta(days=i) for i in offsets]
    last = max([delineated_on, *infections])
    for i in range((last - delineated_on).days + CLEAN_DAYS + 4):
        x = delineated_on + timedelta(days=i)
        expected_low = x >= last + timedelta(days=CLEAN_DAYS + 1)
        assert (level_on(delineated_on, x, infections).level is AreaLevel.low) == expected_low, x


@settings(max_examples=100, deadline=None, database=None)
@given(
    delineated_on=delineations,
    offsets=infection_offsets,
    later=st.sets(st.integers(min_value=0, max_value=HORIZON), max_size=5),
    horizon=st.integers(min_value=0, max_value=HORIZON),
)
def test_never_back_up_once_low(delineated_on: date, offsets: set[int], later: set[int], horizon: int) -> None:
    """Infections found after the area became low do not change its level."""
    infections = [delineated_on + timedelta(days=i) for i in offsets]
    low = low_from(delineated_on, infections)
    extra = [low + timedelta(days=i) for i in later]
    on = low + timedelta(days=horizon)
    assert level_on(delineated_on, on, infections).level is AreaLevel.low
    assert level_on(delineated_on, on, infections + extra).level is AreaLevel.low


@settings(max_examples=100, deadline=None, database=None)
@given(
    delineated_on=delineations,
    offsets=infection_offsets,
    screenings=screening_offsets,
    after=st.integers(min_value=0, max_value=HORIZON),
)
def test_screenings_do_not_matter_under_m20(
    delineated_on: date, offsets: set[int], screenings: set[int], after: int
) -> None:
    """m20 drops the all-negative screening the 9th edition required before a downgrade."""
    infections = [delineated_on + timedelta(days=i) for i in offsets]
    screened = [delineated_on + timedelta(days=i) for i in screenings]
    on = delineated_on + timedelta(days=after)
    assert level_on(delineated_on, on, infections, screened).level == level_on(delineated_on, on, infections).level


@settings(max_examples=100, deadline=None, database=None)
@given(
    delineated_on=delineations,
    offsets=infection_offsets,
    after=st.integers(min_value=0, max_value=HORIZON),
    before=st.sets(st.integers(min_value=1, max_value=20), max_size=4),
)
def test_infections_before_delineation_ignored(
    delineated_on: date, offsets: set[int], after: int, before: set[int]
) -> None:
    infections = [delineated_on + timedelta(days=i) for i in offsets]
    earlier = [delineated_on - timedelta(days=i) for i in before]
    on = delineated_on + timedelta(days=after)
    assert level_on(delineated_on, on, infections + earlier) == level_on(delineated_on, on, infections)
