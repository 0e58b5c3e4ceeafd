"""The campus rules per version (measure 18, with 16): the tasks a response opens, a task's deadline, and the guard on
closures and on rules for the off-campus — the 20 measures (m20), the new 10 (n10: only a campus with an outbreak may
be closed, n10.10) and Class B (classb: a response no longer isolates, tests or traces)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from fangkong.errors import InvalidInput
from fangkong.policy import Policy, load_policy
from fangkong.policy.terms import CampusClosureKind, CampusTaskKind, Category, PhaseKind
from fangkong.rules.campuses import is_late, judge_closure, judge_off_campus_rule, response_tasks, task_deadline
from fangkong.rules.overreach import ProposedPhase

M20, N10, CLASSB = date(2022, 11, 20), date(2022, 12, 10), date(2023, 2, 1)
ALL_FIVE = tuple(CampusTaskKind)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


@pytest.mark.parametrize(
    ("on", "tasks"),
    [
        (M20, ALL_FIVE),
        (N10, ALL_FIVE),
        (CLASSB, (CampusTaskKind.disinfection, CampusTaskKind.supplies)),
    ],
)
def test_response_tasks_per_version(policy: Policy, on: date, tasks: tuple[CampusTaskKind, ...]) -> None:
    decision = response_tasks(policy.at(on))
    assert decision.tasks == tasks
    assert decision.reasons[0].clause in {"m20.18", "classb.general"}


NOW = datetime(2022, 11, 16, 1, tzinfo=UTC)


def test_the_default_deadline_is_a_day_after_the_opening(policy: Policy) -> None:
    assert task_deadline(NOW, None, NOW, policy.at(M20)).deadline == NOW + timedelta(hours=24)


def test_a_given_deadline_ahead_is_kept(policy: Policy) -> None:
    later = NOW + timedelta(hours=3)
    assert task_deadline(NOW, later, NOW, policy.at(M20)).deadline == later


@pytest.mark.parametrize("past", [NOW, NOW - timedelta(minutes=1), NOW - timedelta(days=3)])
def test_a_deadline_in_the_past_is_refused_naming_the_field(policy: Policy, past: datetime) -> None:
    with pytest.raises(InvalidInput) as err:
        task_deadline(NOW, past, NOW, policy.at(M20))
    assert err.value.field == "deadline"


@pytest.mark.parametrize(
    ("done", "offset_hours", "late"),
    [(False, 1, True), (False, -1, False), (True, 1, False), (True, -1, False)],
)
def test_late_is_open_past_the_deadline(done: bool, offset_hours: int, late: bool) -> None:
    assert is_late(done, NOW, NOW + timedelta(hours=offset_hours)) is late


# (version day, kind, days, approved, outbreak) -> (allowed, field refused, clause of the rule broken)
CLOSURES = [
    # the 20 measures: an approval record, at most 5 days on one; no outbreak condition
    (M20, "close_campus", 3, True, True, True, None, "m20.16"),
    (M20, "close_campus", 3, True, False, True, None, "m20.16"),
    (M20, "close_campus", 3, False, True, False, "approval", "m20.16"),
    (M20, "suspend_classes", 1, False, True, False, "approval", "m20.16"),
    (M20, "extend_closure", 5, True, True, True, None, "m20.16"),
    (M20, "extend_closure", 6, True, True, False, "days", "m20.18"),
    (M20, "close_campus", 14, True, True, False, "days", "m20.18"),
    # the new 10: a campus without an outbreak is not closed, approval or not (n10.10)
    (N10, "close_campus", 3, True, True, True, None, "m20.16"),
    (N10, "close_campus", 3, True, False, False, "outbreak", "n10.10"),
    (N10, "suspend_classes", 2, False, False, False, "outbreak", "n10.10"),
    (N10, "close_campus", 3, False, True, False, "approval", "m20.16"),
    (N10, "extend_closure", 7, True, True, False, "days", "m20.18"),
    # Class B keeps the new 10's rule on closures
    (CLASSB, "close_campus", 3, True, True, True, None, "m20.16"),
    (CLASSB, "close_campus", 3, True, False, False, "outbreak", "n10.10"),
    (CLASSB, "suspend_classes", 3, False, True, False, "approval", "m20.16"),
]


@pytest.mark.parametrize(("on", "kind", "days", "approved", "outbreak", "allowed", "field", "clause"), CLOSURES)
def test_the_guard_on_closures(
    policy: Policy,
    on: date,
    kind: str,
    days: int,
    approved: bool,
    outbreak: bool,
    allowed: bool,
    field: str | None,
    clause: str,
) -> None:
    rules = policy.at(on)
    verdict = judge_closure(CampusClosureKind(kind), days, approved=approved, outbreak=outbreak, policy=rules)
    assert (verdict.allowed, verdict.field) == (allowed, field)
    assert verdict.reasons[-1].clause == clause
    if not allowed:  # the guard's own clause first: m20.16, classb.general under Class B
        assert verdict.reasons[0].clause == rules.get("overreach.national_rule_clause").source.clause


def test_a_closure_of_no_day_is_bad_input(policy: Policy) -> None:
    with pytest.raises(InvalidInput) as err:
        judge_closure(CampusClosureKind.close_campus, 0, approved=True, outbreak=True, policy=policy.at(M20))
    assert err.value.field == "days"


HOME_MONITORING_7 = [ProposedPhase(kind=PhaseKind.home_health_monitoring, days=7)]
CLOSE_CONTACT_NATIONAL = [
    ProposedPhase(kind=PhaseKind.centralized_isolation, days=5),
    ProposedPhase(kind=PhaseKind.home_isolation, days=3),
]
CLOSE_CONTACT_LONGER = [
    ProposedPhase(kind=PhaseKind.centralized_isolation, days=7),
    ProposedPhase(kind=PhaseKind.home_isolation, days=3),
]


@pytest.mark.parametrize(
    ("on", "category", "phases", "over_reach"),
    [
        (M20, None, [], False),
        (M20, None, HOME_MONITORING_7, True),  # families of staff, ordinary residents: nobody else is monitored
        (M20, Category.close_contact, CLOSE_CONTACT_NATIONAL, False),
        (M20, Category.close_contact, CLOSE_CONTACT_LONGER, True),
        (N10, None, HOME_MONITORING_7, True),
        (CLASSB, None, HOME_MONITORING_7, True),
    ],
)
def test_the_off_campus_follow_the_rules_everyone_else_does(
    policy: Policy, on: date, category: Category | None, phases: list[ProposedPhase], over_reach: bool
) -> None:
    verdict = judge_off_campus_rule(category, phases, policy.at(on))
    assert verdict.over_reach is over_reach
    if over_reach:
        assert "m20.18" in verdict.cite
