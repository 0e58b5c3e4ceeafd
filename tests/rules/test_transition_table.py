"""A plan through the versions that follow its own (`rules.transition.through_later_versions`): each version
that takes over a plan still running when it begins (register transition), in date order — what the analyst's
`fangkong plan` shows beside the plan as of its first day (issue 15)."""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.policy import PolicyAt, load_policy
from fangkong.policy.terms import Category
from fangkong.rules.plans import Plan, management_plan
from fangkong.rules.transition import through_later_versions

POLICY = load_policy()


# ---- what every later version does to a plan (`through_later_versions`, the analyst's `plan`) ----------------


def _later(after: date) -> list[tuple[date, PolicyAt]]:
    starts = [POLICY.instruments[v].in_force_from for v in POLICY.versions]
    return [(s, POLICY.at(s)) for s in starts if s > after]


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # a v9 close contact from 10 Nov: the 20 measures recompute it (released 18 Nov, not 20 Nov)
        (date(2022, 11, 10), [(date(2022, 11, 11), "m20", date(2022, 11, 18))]),
        # a plan that ends before any change of version: nothing takes it over
        (date(2022, 10, 1), []),
        # a plan running into 8 Jan 2023: Class B ends it that day
        (date(2023, 1, 5), [(date(2023, 1, 8), "classb", date(2023, 1, 8))]),
    ],
    ids=["v9-into-m20", "no-change", "into-classb"],
)
def test_through_later_versions(start: date, expected: list[tuple[date, str, date]]) -> None:
    plan = management_plan(Category.close_contact, start, POLICY.at(start))
    assert isinstance(plan, Plan)
    found = through_later_versions(plan, _later(start))
    assert [(d, p.policy, p.released_on) for d, p in found] == expected
