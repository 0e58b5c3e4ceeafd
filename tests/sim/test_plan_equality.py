"""A simulated close contact's plan is the plan `rules/` gives a real one with the same last exposure: on every
simulated day, each person under a plan is in the phase `rules.plans.management_plan` puts them in that day."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest

from fangkong.errors import InvalidInput
from fangkong.policy import Policy, PolicyAt
from fangkong.policy.terms import Category
from fangkong.rules.plans import switch_home_isolation
from fangkong.sim.model import RunSpec, Simulation
from fangkong.sim.parameters import SimParameters
from fangkong.sim.policy_link import CATEGORY_CODES, PHASE_CODES, Schedule, plan_for


def ineligible_central(rules: PolicyAt) -> bool:
    where = rules.find("management.home_isolation_ineligible.isolated_in")
    return where is not None and where.value == "centralized_isolation"


@pytest.mark.parametrize(
    ("first", "switches"),
    [("v9", ()), ("m20", ()), ("n10", ()), ("m20", (("2022-11-26", "n10"),))],
)
def test_simulated_plans_are_the_rules_plans(policy: Policy, first: str, switches: tuple[tuple[str, str], ...]) -> None:
    from datetime import date

    schedule = Schedule(first, tuple((date.fromisoformat(d), v) for d, v in switches))
    params = SimParameters(seeds_per_100k=200, entrants_per_100k_daily=200, spillover_share=0.2)
    sim = Simulation(RunSpec(6000, 24, 3, schedule), policy, params)
    checked = dict.fromkeys(CATEGORY_CODES.values(), 0)
    while sim.t < sim.spec.days:
        sim.step()
        today = sim.spec.start + timedelta(days=sim.t - 1)
        rules = policy.for_version(schedule.version_on(today), today)
        for category, code in CATEGORY_CODES.items():
            people = (sim.plan_cat == code).nonzero()[0]
            for person in people.tolist():
                anchor_on = sim.spec.start + timedelta(days=int(sim.anchor[person]))
                if category in (Category.mild_infection, Category.past_infection_ct35_40) and anchor_on == today:
                    # found (or judged a past infection) today: the day's phase is still the one they were under
                    continue
                plan = plan_for(category, anchor_on, rules)
                assert plan is not None
                if bool(sim.city.home_ineligible[person]) and ineligible_central(rules):
                    # section 3: the engine moves the home-isolation days of someone who cannot isolate at home
                    with contextlib.suppress(InvalidInput):  # refused: the plan has no home isolation
                        plan, _ = switch_home_isolation(plan, plan.start, rules)
                phase = plan.phase_on(today)
                expected = PHASE_CODES[phase.kind] if phase is not None else 0
                assert int(sim.phase[person]) == expected, (person, category, anchor_on, today)
                checked[code] += 1
    assert checked[CATEGORY_CODES[Category.close_contact]] > 0
    assert sim.series["new_venue_contacts"].sum() > 0  # among them, venue co-visitors anchored on their visit
    assert checked[CATEGORY_CODES[Category.entry_personnel]] > 0  # entrants: 7 + 3 (v9), 5 + 3 (m20.10)
    assert checked[CATEGORY_CODES[Category.high_risk_spillover]] > 0  # left an area: centralized (v9), home (m20.3)
    if first == "v9":
        assert checked[CATEGORY_CODES[Category.secondary_close_contact]] > 0
    if first == "n10":  # infections isolated at home by their own plan (n10.3), anchored on the positive sample
        assert checked[CATEGORY_CODES[Category.mild_infection]] > 0


def test_a_close_contact_plan_is_the_engines(policy: Policy) -> None:
    """The table the arrays index is the engine's plan, day by day, with its test days."""
    from fangkong.rules.plans import first_day, management_plan
    from fangkong.sim.policy_link import plan_table

    for version in ("v9", "m20", "n10"):
        rules = policy.for_version(version)
        table = plan_table(Category.close_contact, rules)
        start, _ = first_day(Category.close_contact, rules.on, rules)
        plan = management_plan(Category.close_contact, start, rules)
        assert table is not None and not plan.refused
        assert table.offset == (start - rules.on).days
        assert len(table.kinds) == (plan.released_on - plan.start).days
        assert sum(table.tests) == len(plan.test_dates)
    assert plan_table(Category.close_contact, policy.for_version("classb")) is None
