"""What one order puts on a day's work list, table-driven. A close contact placed on 14 Nov 2022 under the 20
measures: centralized 14–18 Nov (tests 14, 15, 16, 18), home isolation 19–21 Nov (tests 19, 21), released on the
22nd (m20.1). Under the 9th edition one placed on 1 Nov: centralized 1–7 Nov (tests 1, 2, 3, 5, 7), home health
monitoring 8–10 Nov (test on the 10th). Expected rows are worked out from management.yaml, not from the code."""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.policy import load_policy
from fangkong.policy.terms import Category, PhaseKind
from fangkong.rules.plans import Plan, management_plan
from fangkong.rules.work_list import work_entries

POLICY = load_policy()
C = PhaseKind.centralized_isolation
H = PhaseKind.home_isolation
HM = PhaseKind.home_health_monitoring


def plan_of(start: date) -> Plan:
    made = management_plan(Category.close_contact, start, POLICY.at(start))
    assert isinstance(made, Plan)
    return made


M20 = plan_of(date(2022, 11, 14))
V9 = plan_of(date(2022, 11, 1))


def d(day: int, month: int = 11) -> date:
    return date(2022, month, day)


# (plan, released_on, on, sampled days, overdue_days) → rows (section, phase, phase_day, test_day, sampled)
CASES = [
    ("first day, nothing taken yet", M20, d(22), d(14), set(), 7, [("test_due", C, 1, d(14), False)]),
    ("first day, sample recorded", M20, d(22), d(14), {d(14)}, 7, [("test_due", C, 1, d(14), True)]),
    (
        "second day, first sample missing",
        M20,
        d(22),
        d(15),
        set(),
        7,
        [("test_due", C, 2, d(15), False), ("overdue_test", C, 1, d(14), None)],
    ),
    ("no test on day 4, all taken", M20, d(22), d(17), {d(14), d(15), d(16)}, 7, []),
    (
        "no test on day 4, one missing, look-back of one day",
        M20,
        d(22),
        d(17),
        {d(14), d(15)},
        1,
        [("overdue_test", C, 3, d(16), None)],
    ),
    ("look-back of no days: nothing overdue", M20, d(22), d(17), set(), 0, []),
    (
        "home isolation begins: phase change and its day-1 test at home",
        M20,
        d(22),
        d(19),
        {d(14), d(15), d(16), d(18)},
        7,
        [("phase_change", H, None, None, None), ("test_due", H, 1, d(19), False)],
    ),
    (
        "release day, last test taken",
        M20,
        d(22),
        d(22),
        {d(14), d(15), d(16), d(18), d(19), d(21)},
        7,
        [("release", None, None, None, None)],
    ),
    (
        "release day, last test missing",
        M20,
        d(22),
        d(22),
        {d(14), d(15), d(16), d(18), d(19)},
        7,
        [("release", None, None, None, None), ("overdue_test", H, 3, d(21), None)],
    ),
    (
        "order released early (transferred): the release is the order's day, not the plan's",
        M20,
        d(17),
        d(17),
        {d(14), d(15), d(16)},
        7,
        [("release", None, None, None, None)],
    ),
    (
        "9th edition: day 8 moves to home health monitoring",
        V9,
        d(11),
        d(8),
        {d(1), d(2), d(3), d(5), d(7)},
        7,
        [("phase_change", HM, None, None, None)],
    ),
    (
        "9th edition: monitoring test on its day 3",
        V9,
        d(11),
        d(10),
        {d(1), d(2), d(3), d(5), d(7)},
        7,
        [("test_due", HM, 3, d(10), False)],
    ),
    ("before the plan starts", M20, d(22), d(13), set(), 7, []),
]


@pytest.mark.parametrize(
    ("plan", "released_on", "on", "sampled", "overdue_days", "expected"),
    [pytest.param(*c[1:], id=c[0]) for c in CASES],
)
def test_work_entries(
    plan: Plan,
    released_on: date,
    on: date,
    sampled: set[date],
    overdue_days: int,
    expected: list[tuple[str, PhaseKind | None, int | None, date | None, bool | None]],
) -> None:
    got = [
        (e.section, e.phase, e.phase_day, e.test_day, e.sampled)
        for e in work_entries(plan, released_on, on, sampled, overdue_days)
    ]
    assert sorted(got, key=repr) == sorted(expected, key=repr)


def test_where_follows_the_phase() -> None:
    due = work_entries(M20, d(22), d(14), set(), 7) + work_entries(M20, d(22), d(19), set(), 0)
    assert [(e.section, e.where) for e in due if e.section == "test_due"] == [
        ("test_due", "centralized_site"),
        ("test_due", "home_visit"),
    ]
    change = next(e for e in due if e.section == "phase_change")
    assert (change.previous_phase, change.phase, change.phase_end) == (C, H, d(21))
