"""Properties of the campus rules (measure 18): the same answers whatever the machine clock says; a closure allowed
for some days is allowed for fewer; no closure without an approval record is ever allowed; a task's default deadline is
never before the opening."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from fangkong.errors import FangkongError
from fangkong.policy.terms import CampusClosureKind, Category
from fangkong.rules.campuses import judge_closure, judge_off_campus_rule, response_tasks, task_deadline
from fangkong.rules.overreach import ProposedPhase
from tests.properties.test_clock_independence import POLICY, SETTINGS, assert_clock_independent, days, proposed_phases

kinds = st.sampled_from(list(CampusClosureKind))
from_m20 = st.dates(min_value=date(2022, 11, 11), max_value=date(2024, 1, 1))


@SETTINGS
@given(
    kind=kinds, length=st.integers(min_value=1, max_value=30), approved=st.booleans(), outbreak=st.booleans(), on=days
)
def test_judge_closure_ignores_the_clock(
    kind: CampusClosureKind, length: int, approved: bool, outbreak: bool, on: date
) -> None:
    assert_clock_independent(
        lambda: judge_closure(kind, length, approved=approved, outbreak=outbreak, policy=POLICY.at(on))
    )


@SETTINGS
@given(on=days)
def test_response_tasks_ignore_the_clock(on: date) -> None:
    assert_clock_independent(lambda: response_tasks(POLICY.at(on)))


@SETTINGS
@given(category=st.none() | st.sampled_from(list(Category)), proposed=st.lists(proposed_phases(), max_size=3), on=days)
def test_off_campus_rule_ignores_the_clock(category: Category | None, proposed: list[ProposedPhase], on: date) -> None:
    assert_clock_independent(lambda: judge_off_campus_rule(category, proposed, POLICY.at(on)))


@SETTINGS
@given(kind=kinds, length=st.integers(min_value=2, max_value=30), outbreak=st.booleans(), on=from_m20)
def test_fewer_days_are_allowed_when_more_are(kind: CampusClosureKind, length: int, outbreak: bool, on: date) -> None:
    rules = POLICY.at(on)
    if judge_closure(kind, length, approved=True, outbreak=outbreak, policy=rules).allowed:
        assert judge_closure(kind, length - 1, approved=True, outbreak=outbreak, policy=rules).allowed


@SETTINGS
@given(kind=kinds, length=st.integers(min_value=1, max_value=30), outbreak=st.booleans(), on=from_m20)
def test_no_closure_without_approval(kind: CampusClosureKind, length: int, outbreak: bool, on: date) -> None:
    assert not judge_closure(kind, length, approved=False, outbreak=outbreak, policy=POLICY.at(on)).allowed


@SETTINGS
@given(on=from_m20, hour=st.integers(min_value=0, max_value=23))
def test_the_default_deadline_follows_the_opening(on: date, hour: int) -> None:
    opened = datetime(on.year, on.month, on.day, hour, tzinfo=UTC)
    try:
        due = task_deadline(opened, None, opened, POLICY.at(on)).deadline
    except FangkongError:
        return
    assert due > opened
