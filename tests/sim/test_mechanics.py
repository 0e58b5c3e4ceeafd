"""What each version's rules do to the city, one mechanism at a time: the 9th edition's medium-risk level after a
downgrade, people outside an area when it is delineated (measure 3), entrants (measure 10), people who cannot isolate at
home (section 3), and the city-wide share of community contacts."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from fangkong.policy import Policy
from fangkong.sim.model import RunResult, RunSpec, Simulation, simulate
from fangkong.sim.parameters import SimParameters
from fangkong.sim.policy_link import Schedule

N, DAYS = 6000, 40
BUSY = SimParameters(seeds_per_100k=150, entrants_per_100k_daily=0.0)


def _run(policy: Policy, version: str, params: SimParameters = BUSY, seed: int = 2) -> RunResult:
    return simulate(RunSpec(N, DAYS, seed, Schedule(version)), policy, params)


def test_v9_downgrades_a_high_risk_area_to_medium_for_three_more_clean_days(policy: Policy) -> None:
    """v9: high → medium (`risk_area.high.downgrade_to`) for `risk_area.medium.clean_days_to_low_after_high` days;
    m20 and n10 have no medium level (m20.4)."""
    v9 = _run(policy, "v9")
    assert v9.total("medium_risk_areas") > 0 and v9.total("people_in_medium_risk") > 0
    first_high = int(np.argmax(v9.series["high_risk_areas"] > 0))
    first_medium = int(np.argmax(v9.series["medium_risk_areas"] > 0))
    assert first_medium > first_high + 7  # not before 7 clean days
    for version in ("m20", "n10"):
        r = _run(policy, version)
        assert r.total("high_risk_areas") > 0
        assert r.total("medium_risk_areas") == 0 and r.total("people_in_medium_risk") == 0


def test_people_outside_a_new_high_risk_area_get_the_spill_over_plan(policy: Policy) -> None:
    """v9: 7 days of centralized isolation; m20: 7 days of home isolation (m20.3), no room; Class B: not managed."""
    v9, m20 = _run(policy, "v9"), _run(policy, "m20")
    assert v9.total("new_spillover") > 0 and m20.total("new_spillover") > 0
    assert v9.total("room_nights_spillover") > 0
    assert m20.total("room_nights_spillover") <= m20.total("new_spillover") * 7
    nobody = replace(BUSY, spillover_share=0.0)
    assert _run(policy, "v9", nobody).total("new_spillover") == 0
    assert _run(policy, "classb").total("new_spillover") == 0


def test_everyone_who_cannot_isolate_at_home_fills_a_room(policy: Policy) -> None:
    """m20 (section 3): the home-isolation days of a close contact who cannot isolate at home are centralized, so a
    contact costs 5 + 3 room-nights instead of 5; v9 has no such rule (its home days are monitoring)."""
    all_home = replace(BUSY, home_isolation_ineligible_share=0.0)
    none_home = replace(BUSY, home_isolation_ineligible_share=1.0)
    home, central = _run(policy, "m20", all_home), _run(policy, "m20", none_home)
    assert home.total("home_isolation") > 0 and central.total("home_isolation") == 0
    per = [r.total("room_nights_close_contacts") / r.total("new_close_contacts") for r in (home, central)]
    assert per[0] <= 5 and per[1] <= 8  # less where a plan is cut short (found infected, the run's end)
    assert per[1] > 1.3 * per[0]
    assert np.array_equal(
        _run(policy, "v9", all_home).series["room_nights"], _run(policy, "v9", none_home).series["room_nights"]
    )


def test_entrants_spend_the_entry_plan_in_rooms_and_bring_infections_where_nobody_quarantines_them(
    policy: Policy,
) -> None:
    """Entrants (measure 10): 7 room-nights each under v9, 5 under m20 (unless found); under no policy the infected
    among them are free in the city."""
    params = SimParameters(seeds_per_100k=0.0, entrants_per_100k_daily=300.0, entrant_infected_share=0.5)
    runs = {v: _run(policy, v, params) for v in ("v9", "m20", "none")}
    for r in runs.values():
        assert r.total("new_entrants") > 0 and r.total("imported_infections") > 0
    for version, nights in (("v9", 7), ("m20", 5)):
        r = runs[version]
        assert 0 < r.total("room_nights_entrants") <= nights * r.total("new_entrants")
    assert runs["none"].total("room_nights") == 0
    # quarantined on arrival, the imported infections seed less under v9 and m20 than under no policy
    local = {v: r.total("new_infections") - r.total("imported_infections") for v, r in runs.items()}
    assert local["none"] > local["m20"] and local["none"] > local["v9"]


@pytest.mark.parametrize("share", [0.0, 0.5, 1.0])
def test_the_city_wide_share_keeps_runs_reproducible_and_conserves_people(policy: Policy, share: float) -> None:
    params = replace(BUSY, citywide_share=share)
    a, b = _run(policy, "none", params), _run(policy, "none", params)
    for name in a.series:
        assert np.array_equal(a.series[name], b.series[name]), name
    assert a.total("new_infections") == N - a.series["susceptible"][-1]


def test_city_wide_contacts_reach_beyond_the_seeded_communities(policy: Policy) -> None:
    """With every community contact local, an infection reaches other communities only through classes and work; with
    all of them city-wide, it reaches more communities by the same day."""
    reached = []
    for share in (0.0, 1.0):
        params = SimParameters(seeds_per_100k=20, entrants_per_100k_daily=0.0, citywide_share=share, employed_share=0.0)
        sim = Simulation(RunSpec(20000, 25, 4, Schedule("none")), policy, params)
        sim.run()
        infected = sim.state != 0
        reached.append(len(set(sim.city.community[infected].tolist())))
    assert reached[1] > reached[0]


def test_area_wide_testing_follows_each_versions_rule(policy: Policy) -> None:
    """v9 tests the whole city while there is an outbreak; m20 only where its conditions all hold (m20.6: source and
    chain unclear, long community transmission), so no sooner than v9; the new ten and Class B never (n10.2)."""
    params = replace(BUSY, seeds_per_100k=60)
    runs = {v: _run(policy, v, params) for v in ("v9", "m20", "n10", "classb")}
    v9, m20 = runs["v9"], runs["m20"]
    assert v9.total("campaign_rounds") > 0 and v9.total("campaign_tubes") > 0
    first_found = int(np.argmax(v9.series["found"] > 0))
    assert int(np.argmax(v9.series["campaign_rounds"] > 0)) > first_found  # the day after an outbreak is found
    if m20.total("campaign_rounds"):
        assert int(np.argmax(m20.series["campaign_rounds"] > 0)) >= int(np.argmax(m20.series["found"] > 0)) + 5
    for version in ("n10", "classb"):
        assert runs[version].total("campaign_rounds") == 0 and runs[version].total("campaign_tubes") == 0

    # a stricter reading of "long community transmission" (every day of the week) never starts testing sooner (up to
    # the first round the runs are the same, by common random numbers; after it, fewer infections need fewer rounds)
    def first_round(r: RunResult) -> int:
        rounds = r.series["campaign_rounds"]
        return int(np.argmax(rounds > 0)) if rounds.any() else DAYS

    strict = _run(policy, "m20", replace(params, long_transmission_days=7))
    loose = _run(policy, "m20", replace(params, long_transmission_days=1))
    assert first_round(strict) >= first_round(m20) >= first_round(loose)
    assert loose.total("campaign_rounds") > 0
