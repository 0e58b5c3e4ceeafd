"""A simulated building is high-risk exactly on the days `rules.risk_area.area_level` says its area is, for the days
infections were found in it (screened negative every other day), under the rules in force each day."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest

from fangkong.policy import Policy
from fangkong.policy.terms import AreaLevel
from fangkong.rules.risk_area import area_level
from fangkong.sim.model import RunSpec, Simulation
from fangkong.sim.parameters import SimParameters
from fangkong.sim.policy_link import Schedule


@pytest.mark.parametrize(("first", "unit"), [("m20", "building"), ("n10", "building"), ("v9", "community")])
def test_areas_follow_the_risk_area_rule(policy: Policy, first: str, unit: str) -> None:
    sim = Simulation(RunSpec(6000, 30, 2, Schedule(first)), policy, SimParameters(seeds_per_100k=150))
    found: dict[int, list[date]] = defaultdict(list)
    high: dict[int, set[date]] = defaultdict(set)
    units = getattr(sim.city, unit)
    while sim.t < sim.spec.days:
        sim.step()
        today = sim.spec.start + timedelta(days=sim.t - 1)
        for u in set(units[sim.counted].tolist()):
            found[u].append(today)
        if sim.highs:
            for u in sim.highs[unit].nonzero()[0].tolist():
                high[u].add(today)
    assert found, "no infection found: nothing checked"
    rules_on = lambda d: policy.for_version(first, d)  # noqa: E731
    last = sim.spec.start + timedelta(days=sim.spec.days - 1)
    checked = lifted = 0

    def screened(days: list[date]) -> list[date]:
        """Everyone in the area is screened each day (the simulator's assumption): negative on days none was found."""
        every = [sim.spec.start + timedelta(days=i) for i in range(sim.spec.days)]
        return [d for d in every if d not in days]

    for u, days in found.items():
        start = days[0]
        day = start
        while day <= last:
            level = area_level(start, day, days, screened(days), rules_on).level
            if level is not AreaLevel.high and day > start:
                later = [d for d in days if d >= day]
                if later:  # downgraded, then a new outbreak (on the day of the downgrade, too): a new delineation
                    start = day = later[0]
                    continue
            assert (day in high[u]) == (level is AreaLevel.high), (u, day, days, level)
            checked += 1
            lifted += level is not AreaLevel.high
            day += timedelta(days=1)
    assert checked > lifted > 0
