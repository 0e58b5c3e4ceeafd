"""Properties of management_plan: for every category and start date, a refusal with reasons or a well-formed plan."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.policy import Policy, load_policy
from fangkong.policy.terms import Category, MayGoOut
from fangkong.rules.decision import Decision
from fangkong.rules.plans import Plan, PlanRefusal, management_plan

FIRST = date(2022, 6, 28)
LAST = date(2023, 3, 1)
M20_FROM = date(2022, 11, 11)

POLICY: Policy = load_policy()

starts = st.dates(min_value=FIRST, max_value=LAST)
categories = st.sampled_from(list(Category))


def _exists_under(category: Category, start: date) -> bool:
    """The past-infection category (Ct 35–40 entrants) only exists from m20; see the NotInForce test below."""
    return not (category is Category.past_infection_ct35_40 and start < M20_FROM)


def assert_reasons_cite_known_clauses(decision: Decision, policy: Policy) -> None:
    for reason in decision.reasons:
        assert reason.clause in policy.clauses, f"reason cites unknown clause {reason.clause!r}: {reason.text}"


def assert_well_formed_plan(plan: Plan, start: date) -> None:
    assert plan.phases, "a plan has at least one phase"
    assert plan.start == start
    assert plan.phases[0].start == start
    for prev, nxt in zip(plan.phases, plan.phases[1:], strict=False):
        assert nxt.start == prev.end + timedelta(days=1), f"gap or overlap between {prev} and {nxt}"
    for phase in plan.phases:
        assert phase.start <= phase.end
        assert all(1 <= t <= phase.days for t in phase.test_days), f"test day outside {phase}"
        assert list(phase.test_days) == sorted(set(phase.test_days))
        assert all(phase.covers(d) for d in phase.test_dates)
    assert plan.released_on == plan.phases[-1].end + timedelta(days=1)
    strictest = max(p.may_go_out.strictness for p in plan.phases)
    assert plan.may_go_out.strictness == strictest
    assert plan.may_go_out in {p.may_go_out for p in plan.phases}
    # every day of the plan is covered by exactly one phase
    day = start
    while day < plan.released_on:
        assert sum(p.covers(day) for p in plan.phases) == 1
        day += timedelta(days=1)


@settings(max_examples=200, deadline=None, database=None)
@given(category=categories, start=starts)
def test_plan_or_refusal(category: Category, start: date) -> None:
    if not _exists_under(category, start):
        return
    rules = POLICY.at(start)
    result = management_plan(category, start, rules)
    assert isinstance(result, Plan | PlanRefusal)
    assert result.policy == rules.version
    assert_reasons_cite_known_clauses(result, POLICY)
    if isinstance(result, PlanRefusal):
        assert result.refused
        assert len(result.reasons) >= 1
        assert result.category is category
    else:
        assert not result.refused
        assert result.category is category
        assert_well_formed_plan(result, start)


FIRST_DAYS = [
    pytest.param(category, version, id=f"{version}-{category.value}")
    for version in ("v9", "m20", "n10", "classb")
    for category in Category
    if _exists_under(category, POLICY.span(version)[0])
]


@pytest.mark.parametrize(("category", "version"), FIRST_DAYS)
def test_plan_or_refusal_each_version_first_day(category: Category, version: str) -> None:
    """The same property on each version's first day, where the parameters change."""
    start, _ = POLICY.span(version)
    result = management_plan(category, start, POLICY.at(start))
    assert_reasons_cite_known_clauses(result, POLICY)
    if isinstance(result, PlanRefusal):
        assert result.reasons
    else:
        assert_well_formed_plan(result, start)


def test_may_go_out_strictness_order() -> None:
    assert MayGoOut.no.strictness > MayGoOut.if_necessary.strictness > MayGoOut.yes.strictness


@settings(max_examples=20, deadline=None, database=None)
@given(start=st.dates(min_value=FIRST, max_value=M20_FROM - timedelta(days=1)))
def test_past_infection_before_m20_is_refused(start: date) -> None:
    """The 9th edition has no past-infection category (a Ct below 40 is positive there): a refusal citing its
    testing rule, not an error (issue 15, citations)."""
    answer = management_plan(Category.past_infection_ct35_40, start, POLICY.at(start))
    assert answer.refused and answer.cite == ["v9.testing"]
