"""The release of an infection isolated at home (the new ten, n10.3).

"具备居家隔离条件的无症状感染者和轻型病例一般采取居家隔离……隔离第6、7天连续2次核酸检测Ct值≥35解除隔离": asymptomatic
and mild infections isolate at home and are released once the tests on days 6 and 7 both give a Ct of 35 or more.
The plan (`management.mild_infection.phases`) holds the seven days and the two test days; this module reads the
tests' results against it. A test counts when its deciding Ct (`ct.gene_rule`, as for every result) is at least
`management.mild_infection.release_ct_at_least`, or nothing is detected. A test below it extends the isolation a
day at a time, with a test each day, until two tests on consecutive days pass; release is the day after the second
(interpretation register: n10-infection-release).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from fangkong.errors import InvalidInput
from fangkong.policy import PolicyAt
from fangkong.policy.terms import Category, PhaseKind
from fangkong.rules.ct import GeneCt, decisive_ct
from fangkong.rules.decision import Decision, Reason, because, policy_fields
from fangkong.rules.plans import Plan


class CtReading(BaseModel):
    """One result of a test taken during the isolation: the day it was sampled and its Ct per target."""

    model_config = ConfigDict(frozen=True)

    sampled_on: date
    ct: GeneCt


class IsolationRelease(Decision):
    """Where an infection's home isolation stands after its results: the day it may be released (None: not yet
    known), the plan as extended by tests that did not pass, and the test days still without a result."""

    released_on: date | None
    plan: Plan
    extended: bool
    awaiting: tuple[date, ...]


def isolation_release(plan: Plan, readings: Iterable[CtReading], policy: PolicyAt) -> IsolationRelease:
    """The release of an infection's home isolation from the results of its tests (n10.3).

    The first test day of the plan opens the count; each day from it is a pass (deciding Ct ≥ the threshold, or
    nothing detected), a fail (below it: the lowest of the day's results decides) or unknown (no result yet). The
    isolation ends the day after the second of two consecutive passes. A fail moves the plan's end so that two
    more test days fit after it; an unknown day holds the release until its result arrives.
    """
    if plan.category is not Category.mild_infection:
        raise InvalidInput("category", f"{plan.category.value} is not released by its tests' Ct")
    threshold = policy.integer("management.mild_infection.release_ct_at_least")
    if threshold.value is None:
        raise InvalidInput("category", f"{policy.version} has no Ct release of an infection isolated at home")
    first_test = min(plan.test_dates)
    by_day: dict[date, bool] = {}
    reasons: list[Reason] = []
    for r in sorted(readings, key=lambda r: r.sampled_on):
        if r.sampled_on < first_test:
            continue
        value, _ = decisive_ct(r.ct, policy)
        passed = value is None or value >= threshold.value
        # the worst result of a day decides it: one test below the threshold keeps the person isolated
        by_day[r.sampled_on] = by_day.get(r.sampled_on, True) and passed
    fails = sorted(d for d, passed in by_day.items() if not passed)
    for d in fails:
        reasons.append(because(threshold, f"test of {d}: Ct below {threshold.value}: the isolation goes on"))
    last_fail = fails[-1] if fails else None
    # two passing tests on consecutive days after the last that failed, the first on the first test day or later
    released_on: date | None = None
    for d in sorted(by_day):
        if (last_fail is None or d > last_fail) and by_day[d] and by_day.get(d + timedelta(days=1)):
            released_on = d + timedelta(days=2)
            reasons.append(
                because(
                    threshold,
                    f"tests of {d} and {d + timedelta(days=1)}: Ct ≥ {threshold.value} or not detected: "
                    f"released on {released_on}",
                )
            )
            break
    extended_plan = plan if last_fail is None else _extended(plan, last_fail + timedelta(days=2))
    pending = (
        ()
        if released_on is not None
        else tuple(d for d in extended_plan.test_dates if d >= first_test and d not in by_day)
    )
    if released_on is None and not reasons:
        reasons.append(
            because(threshold, f"released after two tests in a row with Ct ≥ {threshold.value}, from {first_test}")
        )
    return IsolationRelease(
        **policy_fields(policy),
        released_on=released_on,
        plan=extended_plan,
        extended=extended_plan is not plan,
        awaiting=pending,
        reasons=tuple(reasons),
    )


def _extended(plan: Plan, last_test: date) -> Plan:
    """The plan with its home isolation running through `last_test`, tested every day after its first test day
    (the two consecutive tests that may release it). Never shorter than it was."""
    phase = plan.phases[-1]
    if phase.kind is not PhaseKind.home_isolation or last_test <= phase.end:
        return plan
    first_test = min(phase.test_days)
    days = (last_test - phase.start).days + 1
    tests = tuple(sorted({*phase.test_days, *range(first_test, days + 1)}))
    longer = phase.model_copy(update={"end": last_test, "test_days": tests})
    return plan.model_copy(update={"phases": (*plan.phases[:-1], longer), "released_on": last_test + timedelta(days=1)})
