"""The four earlies of measure 15 (m20.15) on one infection, table-driven, and their weekly summary. Expected values
worked out by hand from four_earlies.yaml, tracing.yaml and the register: detection within 1 day of onset, report
within 2 hours of confirmation, every close contact placed within 24 hours, admission at the level asked within 1
day; pending until a deadline passes, late once it has; not measured without an onset, contacts or care outside
the home; under Class B only reporting is held to a deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.policy import load_policy
from fangkong.policy.terms import CareLevel, EarlyStep
from fangkong.rules.four_earlies import FourEarlies, four_earlies, summarize

POLICY = load_policy()
T0 = datetime(2022, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in Beijing on 20 Nov
DAY = date(2022, 11, 20)
H = timedelta(hours=1)


def judge(
    *,
    onset: int | None = -1,
    sampled: int = 0,
    reported: float | None = 1,
    contacts: tuple[float | None, ...] = (5, 10),
    level: CareLevel | None = CareLevel.inpatient,
    admitted: int | None = 0,
    now_hours: float = 72,
    on: date = DAY,
) -> FourEarlies:
    confirmed = datetime(on.year, on.month, on.day, 2, tzinfo=UTC)
    now = confirmed + now_hours * H
    return four_earlies(
        onset_on=on + timedelta(days=onset) if onset is not None else None,
        sampled_on=on + timedelta(days=sampled),
        confirmed_at=confirmed,
        confirmed_on=on,
        reported_at=confirmed + reported * H if reported is not None else None,
        contacts_placed_at=[confirmed + c * H if c is not None else None for c in contacts],
        asked_level=level,
        admitted_on=on + timedelta(days=admitted) if admitted is not None else None,
        now=now,
        today=(now + 8 * H).date(),
        policy_at=POLICY.at(on),
    )


# (changes, step, measured, elapsed, late, pending)
CASES = [
    ({}, EarlyStep.detection, True, 1.0, False, False),
    ({"onset": -3}, EarlyStep.detection, True, 3.0, True, False),
    ({"onset": 0}, EarlyStep.detection, True, 0.0, False, False),
    ({"onset": None}, EarlyStep.detection, False, None, None, False),
    ({}, EarlyStep.reporting, True, 1.0, False, False),
    ({"reported": 2.5}, EarlyStep.reporting, True, 2.5, True, False),
    ({"reported": None, "now_hours": 1}, EarlyStep.reporting, True, None, None, True),
    ({"reported": None, "now_hours": 3}, EarlyStep.reporting, True, None, True, False),
    ({}, EarlyStep.isolation, True, 10.0, False, False),
    ({"contacts": (5, 30)}, EarlyStep.isolation, True, 30.0, True, False),
    ({"contacts": (5, None), "now_hours": 20}, EarlyStep.isolation, True, None, None, True),
    ({"contacts": (5, None), "now_hours": 30}, EarlyStep.isolation, True, None, True, False),
    ({"contacts": ()}, EarlyStep.isolation, False, None, None, False),
    ({}, EarlyStep.treatment, True, 0.0, False, False),
    ({"admitted": 1}, EarlyStep.treatment, True, 1.0, False, False),
    ({"admitted": 2}, EarlyStep.treatment, True, 2.0, True, False),
    ({"admitted": None, "now_hours": 10}, EarlyStep.treatment, True, None, None, True),
    ({"admitted": None, "now_hours": 72}, EarlyStep.treatment, True, None, True, False),
    ({"level": CareLevel.home_isolation}, EarlyStep.treatment, False, None, None, False),
    ({"level": None}, EarlyStep.treatment, False, None, None, False),
    ({"level": CareLevel.centralized_isolation}, EarlyStep.treatment, True, 0.0, False, False),
]


@pytest.mark.parametrize(("changes", "step", "measured", "elapsed", "late", "pending"), CASES, ids=str)
def test_one_infection(
    changes: dict[str, object], step: EarlyStep, measured: bool, elapsed: float | None, late: bool | None, pending: bool
) -> None:
    result = judge(**changes)  # type: ignore[arg-type]
    timing = next(t for t in result.steps if t.step is step)
    assert (timing.measured, timing.elapsed, timing.late, timing.pending) == (measured, elapsed, late, pending)
    assert len(result.reasons) == 4
    assert "m20.15" in result.cite


def test_class_b_holds_only_reporting() -> None:
    result = judge(on=date(2023, 2, 1))
    assert [t.step for t in result.steps if t.measured] == [EarlyStep.reporting]
    assert "classb.general" in result.cite


def test_the_weekly_summary() -> None:
    week = [judge(), judge(reported=3), judge(onset=None, contacts=(5, 40)), judge(reported=None, now_hours=1)]
    summary = {s.step: s for s in summarize(week)}
    reporting = summary[EarlyStep.reporting]
    assert (reporting.measured, reporting.done, reporting.late, reporting.pending) == (4, 3, 1, 1)
    assert (reporting.median, reporting.p90, reporting.on_time_share) == (1.0, 3.0, round(2 / 3, 4))
    isolation = summary[EarlyStep.isolation]
    assert (isolation.done, isolation.late, isolation.median) == (4, 1, 10.0)
    assert summary[EarlyStep.detection].measured == 3
    assert summarize([])[0].median is None


@given(
    reported=st.one_of(st.none(), st.floats(min_value=0, max_value=100)),
    contacts=st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=100)), max_size=4),
    now_hours=st.floats(min_value=0, max_value=200),
)
def test_pending_is_never_late_and_done_is_never_pending(
    reported: float | None, contacts: list[float | None], now_hours: float
) -> None:
    result = judge(reported=reported, contacts=tuple(contacts), now_hours=now_hours)
    for t in result.steps:
        assert not (t.pending and t.late)
        assert not (t.pending and t.elapsed is not None)
        if t.measured and not t.pending:
            assert t.late is not None
