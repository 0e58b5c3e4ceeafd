"""Venues with scans (sim/venues.py): visits by common random numbers, the venue force's calibration, and the tracing of
co-visitors within `tracing.venue_co_presence_minutes` inside the look-back window (measure 2)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest

from fangkong.policy import Policy
from fangkong.policy.terms import Category
from fangkong.sim.model import COMMUNITY_CONTACTS, RunSpec, Simulation, simulate
from fangkong.sim.parameters import SimParameters
from fangkong.sim.policy_link import CATEGORY_CODES, PHASE_CODES, Schedule, day_rules, plan_for

QUIET = SimParameters(seeds_per_100k=0.0, entrants_per_100k_daily=0.0)


def _sim(policy: Policy, version: str = "m20", params: SimParameters = QUIET, n: int = 6000) -> Simulation:
    return Simulation(RunSpec(n, 30, 3, Schedule(version)), policy, params)


def test_visits_are_reproducible_and_the_same_under_every_policy(policy: Policy) -> None:
    a, b = _sim(policy, "m20"), _sim(policy, "none")
    everyone = np.arange(a.city.n, dtype=np.int64)
    some = np.array([5999, 17, 3, 2500])
    for day in (0, 7):
        whole = a.venues.draw(everyone, day)
        for x, y, z in zip(whole, b.venues.draw(everyone, day), a.venues.draw(some, day), strict=True):
            assert np.array_equal(x, y)  # another policy, the same visits
            assert np.array_equal(x[some], z)  # whoever else is drawn
    visits, scans, place = a.venues.draw(everyone, 3)
    assert 0.47 < visits.mean() < 0.53 and 0.88 < scans.mean() < 0.92
    assert place.min() >= 0 and place.max() < 25 * 24
    assert np.bincount(place, minlength=600).min() > 0  # every venue and slot is visited by someone
    other_day = a.venues.draw(everyone, 4)
    assert not np.array_equal(visits, other_day[0])


def _brute_force(sim: Simulation, case: int, days: range, gap: int) -> dict[int, int]:
    """Who scanned a venue `case` scanned on one of `days`, at most `gap` slots apart: person → latest day."""
    c = sim.city
    members = np.nonzero(c.community == c.community[case])[0]
    found: dict[int, int] = {}
    for day in days:
        visits, scans, place = sim.venues.draw(members, day)
        mine = members == case
        if not (visits[mine][0] and scans[mine][0]):
            continue
        venue, slot = divmod(int(place[mine][0]), sim.params.venue_slots)
        for person, v, s, pl in zip(members.tolist(), visits, scans, place.tolist(), strict=True):
            w, sl = divmod(pl, sim.params.venue_slots)
            if person != case and v and s and w == venue and abs(sl - slot) <= gap:
                found[person] = day
    return found


def test_a_co_visitor_within_the_gap_and_the_window_is_traced_and_no_other(policy: Policy) -> None:
    """m20: 30 minutes (1 slot either side), 4 days back from the finding of an infection without symptoms."""
    sim = _sim(policy)
    rules = day_rules(policy.for_version("m20"))
    assert rules.venue_gap_slots == 1 and rules.look_back_days == 4
    n = sim.city.n
    for day in range(12):
        sim.venues.remember(day, np.ones(n, dtype=bool))
    found_on = 9
    window = range(found_on - 4, found_on + 1)
    members_of = {}
    case = -1
    for person in np.nonzero(~sim.city.symptomatic)[0][:300].tolist():  # one with an unscanned co-visitor
        members = np.nonzero(sim.city.community == sim.city.community[person])[0]
        unscanned = []
        for day in window:
            visits, scans, place = sim.venues.draw(members, day)
            me = members == person
            if visits[me][0] and scans[me][0]:
                near = abs(place - place[me][0]) <= 1  # the same venue, one slot either side (or the next venue's)
                near &= place // 24 == place[me][0] // 24
                unscanned += [(p, day) for p in members[near & visits & ~scans].tolist()]
        if unscanned:
            case, members_of[person] = person, unscanned
            break
    assert case >= 0
    sim.inf_day[case] = 5
    met, met_on = sim._venue_contacts(np.array([case]), found_on, rules)
    expected = _brute_force(sim, case, window, gap=1)
    assert len(expected) > 3
    traced = dict(zip(met.tolist(), met_on.tolist(), strict=True))
    assert traced == expected
    # a wider gap, an earlier window, unscanned co-visitors: seen by the brute force, not traced
    wider = _brute_force(sim, case, window, gap=3)
    earlier = _brute_force(sim, case, range(0, found_on - 4), gap=1)
    assert set(wider) - set(expected) and not (set(wider) - set(expected)) & set(met.tolist())
    assert set(earlier) - set(expected) and not (set(earlier) - set(expected)) & set(met.tolist())
    for person, day in members_of[case]:  # there together that day, not scanned: not found from that visit
        assert traced.get(person) != day
    # a day the case was not in the community (in a room, sealed at home): no visit, nobody found from it
    sim.venues.remember(found_on, np.zeros(n, dtype=bool))
    fewer, _ = sim._venue_contacts(np.array([case]), found_on, rules)
    assert set(fewer.tolist()) == set(_brute_force(sim, case, range(found_on - 4, found_on), gap=1))
    # the window opens 4 days before the onset where the infection had symptoms by the finding
    symptomatic = int(np.nonzero(sim.city.symptomatic & (sim.city.latent == 3))[0][0])
    sim.inf_day[symptomatic] = 2  # onset on day 5: the window is days 1..9
    _, on = sim._venue_contacts(np.array([symptomatic]), found_on, rules)
    assert set(on.tolist()) == set(_brute_force(sim, symptomatic, range(1, found_on), gap=1).values())


def test_no_venue_tracing_where_the_version_has_no_co_presence_minutes(policy: Policy) -> None:
    """Class B: `tracing.venue_co_presence_minutes` null (classb.general): no venue contacts."""
    rules = day_rules(policy.for_version("classb"))
    assert rules.venue_gap_slots is None and rules.look_back_days is None
    sim = _sim(policy, "classb")
    for day in range(10):
        sim.venues.remember(day, np.ones(sim.city.n, dtype=bool))
    met, _ = sim._venue_contacts(np.arange(50, dtype=np.int64), 9, rules)
    assert met.size == 0
    busy = replace(QUIET, seeds_per_100k=300.0)
    run = simulate(RunSpec(6000, 30, 3, Schedule("classb")), policy, busy)
    assert run.total("found") > 0 and run.total("new_venue_contacts") == 0
    m20 = simulate(RunSpec(6000, 30, 3, Schedule("m20")), policy, busy)
    assert m20.total("new_venue_contacts") > 0
    assert m20.total("new_close_contacts") >= m20.total("new_venue_contacts")


def test_venue_contacts_get_the_rules_plan_from_their_visit(policy: Policy) -> None:
    """A venue contact's last exposure is the shared visit: its plan is `rules.plans`' for that day."""
    busy = replace(QUIET, seeds_per_100k=300.0, home_isolation_ineligible_share=0.0)
    sim = Simulation(RunSpec(6000, 30, 3, Schedule("m20")), policy, busy)
    close = CATEGORY_CODES[Category.close_contact]
    checked = 0
    while sim.t < sim.spec.days:
        cases = sim.trace_queue.get(sim.t - busy.trace_delay_days)
        before = sim.plan_cat.copy()
        sim.step()
        if cases is None:
            continue
        found_on = sim.t - 1 - busy.trace_delay_days
        today = sim.spec.start + timedelta(days=sim.t - 1)
        rules = policy.for_version("m20", today)
        fresh = np.nonzero((sim.plan_cat == close) & (before != close) & (sim.anchor < found_on))[0]
        for person in fresh.tolist():  # anchored before the finding: found from a venue scan
            anchor_on = sim.spec.start + timedelta(days=int(sim.anchor[person]))
            plan = plan_for(Category.close_contact, anchor_on, rules)
            assert plan is not None
            phase = plan.phase_on(today)
            assert int(sim.phase[person]) == (PHASE_CODES[phase.kind] if phase is not None else 0)
            checked += 1
    assert checked > 0


@pytest.mark.parametrize("share", [0.0, 0.3, 1.0])
def test_runs_with_venues_conserve_people(policy: Policy, share: float) -> None:
    params = SimParameters(seeds_per_100k=150, venue_share=share)
    for version in ("none", "m20"):
        r = simulate(RunSpec(6000, 30, 2, Schedule(version)), policy, params)
        states = sum(r.series[s] for s in ("susceptible", "exposed", "infectious", "recovered", "dead"))
        assert np.all(states == 6000)
        arrived = r.total("past_infected_entrants")  # recovered on arrival from an infection abroad
        assert r.total("new_infections") + arrived == 6000 - r.series["susceptible"][-1]
        assert np.all(r.series["venue_infections"] <= r.series["new_infections"])
        assert (r.total("venue_infections") > 0) == (share > 0)


def test_the_venue_force_is_the_mass_action_it_replaces(policy: Policy) -> None:
    """The weighted contacts a day an infectious person makes at venues are, in expectation, the venue share of the
    local community contacts (K_v (n_c − 1) / n_c): the module's derivation, realised."""
    params = SimParameters(seeds_per_100k=0.0)
    sim = Simulation(RunSpec(20000, 10, 5, Schedule("none")), policy, params)
    v, n = sim.venues, sim.city.n
    everyone = np.arange(n, dtype=np.int64)
    present = sim.community_size
    k_v = COMMUNITY_CONTACTS * params.community_weight * (1 - params.citywide_share) * params.venue_share
    rng = np.random.default_rng(0)
    realised, expected = 0.0, 0.0
    for day in range(20):
        sources = np.sort(rng.choice(n, 300, replace=False))
        force = v.infectious_visitors(sources, day, present)
        assert force is not None
        others = np.setdiff1d(everyone, sources)
        realised += float(v.force(force, others, np.ones(n, dtype=bool), day).sum())
        comm = sim.city.community[sources]
        m = np.bincount(comm, minlength=sim.city.communities)[comm]
        expected += float((k_v * (present[comm] - m) / present[comm]).sum())
    assert realised == pytest.approx(expected, rel=0.06)
    # R0's calibration counts venue contacts as the community contacts they were: beta does not move with the share
    betas = {
        s: Simulation(RunSpec(20000, 2, 5, Schedule("none")), policy, replace(params, venue_share=s)).beta
        for s in (0.0, 0.6)
    }
    assert betas[0.0] == betas[0.6]


def test_early_growth_does_not_move_with_the_venue_share(policy: Policy) -> None:
    """Under no policy, infections in the first 3 weeks are the same, up to noise, whatever share of the local
    contacts is made at venues (the same contacts in expectation: R0 holds)."""
    totals = {}
    for share in (0.0, 0.3, 0.9):
        params = SimParameters(seeds_per_100k=50, entrants_per_100k_daily=0.0, venue_share=share)
        runs = [simulate(RunSpec(20000, 21, seed, Schedule("none")), policy, params) for seed in range(6)]
        totals[share] = float(np.mean([r.total("new_infections") for r in runs]))
    assert totals[0.3] == pytest.approx(totals[0.0], rel=0.12)
    assert totals[0.9] == pytest.approx(totals[0.0], rel=0.12)
