"""Runs: common random numbers, reproducibility by seed, conservation, the switch of version on its date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from fangkong.policy import Policy
from fangkong.sim import crn
from fangkong.sim.compare import compare
from fangkong.sim.model import SERIES, STATES, RunResult, RunSpec, simulate
from fangkong.sim.parameters import SimParameters
from fangkong.sim.policy_link import Schedule

N, DAYS = 5000, 30
BUSY = SimParameters(seeds_per_100k=200)


def _run(
    policy: Policy,
    first: str,
    seed: int = 1,
    params: SimParameters = BUSY,
    switches: tuple[tuple[date, str], ...] = (),
) -> RunResult:
    return simulate(RunSpec(N, DAYS, seed, Schedule(first, switches)), policy, params)


def test_a_draw_is_the_same_whoever_else_is_drawn() -> None:
    stream = crn.key(7, crn.Purpose.infection, 3)
    everyone = crn.uniform(np, stream, np.arange(1000))
    some = np.array([999, 17, 3])
    assert np.array_equal(crn.uniform(np, stream, some), everyone[some])
    assert not np.array_equal(crn.uniform(np, crn.key(7, crn.Purpose.infection, 4), some), everyone[some])
    assert 0.45 < everyone.mean() < 0.55


def test_a_policy_change_that_affects_no_one_changes_no_series(policy: Policy) -> None:
    """Class B determines no contact, delineates no area, isolates no infection: exactly as no intervention."""
    none, classb = _run(policy, "none"), _run(policy, "classb")
    assert none.total("new_infections") > 100
    for name in SERIES:
        assert np.array_equal(none.series[name], classb.series[name]), name


def test_pools_of_twenty_use_fewer_tubes_and_hold_more_people_a_positive_pool(policy: Policy) -> None:
    """Pools of 20 instead of 10 (both allowed by the rules) use fewer tubes, and each positive pool holds up to 20
    people until their single-tube retests; nothing differs before the first positive pool (common random numbers)."""
    ten = _run(policy, "m20")
    twenty = _run(policy, "m20", params=SimParameters(seeds_per_100k=200, preferred_pool=20))
    assert ten.total("people_in_high_risk") > 0
    assert twenty.total("tubes") < ten.total("tubes")
    for run, size in ((ten, 10), (twenty, 20)):
        assert run.total("positive_pools") > 0
        assert (run.series["held"] <= size * run.series["positive_pools"]).all()
        # every member held today is retested single-tube tomorrow (the dead excepted)
        assert run.total("pool_retests") <= run.total("held")
        assert run.total("pool_retests") >= run.total("held") - run.series["held"][-1] - run.total("deaths")
    assert twenty.total("held") / twenty.total("positive_pools") > ten.total("held") / ten.total("positive_pools")
    first = int(np.argmax((ten.series["positive_pools"] + twenty.series["positive_pools"]) > 0))
    assert np.array_equal(ten.series["new_infections"][: first + 1], twenty.series["new_infections"][: first + 1])


def test_reproducible_by_seed(policy: Policy) -> None:
    a, b, other = _run(policy, "m20", 5), _run(policy, "m20", 5), _run(policy, "m20", 6)
    for name in SERIES:
        assert np.array_equal(a.series[name], b.series[name]), name
    assert any(not np.array_equal(a.series[n], other.series[n]) for n in SERIES)


@pytest.mark.parametrize("first", ["none", "v9", "m20", "n10"])
def test_everyone_is_in_exactly_one_state_each_day(policy: Policy, first: str) -> None:
    r = _run(policy, first)
    total = np.sum([r.series[s] for s in STATES], axis=0)
    assert (total == N).all()
    managed = np.sum([r.series[p] for p in ("centralized_isolation", "home_isolation", "home_health_monitoring")], 0)
    assert (managed <= N - r.series["dead"]).all()
    # infections: every one of them is, at the end, exposed, infectious, recovered or dead
    # (and the entrants who arrive recovered from an infection abroad)
    assert r.total("new_infections") + r.total("past_infected_entrants") == N - r.series["susceptible"][-1]
    assert (np.diff(r.series["dead"]) == r.series["deaths"][1:]).all()
    assert r.total("found") <= r.total("new_infections")


def test_the_switch_takes_effect_on_its_date(policy: Policy) -> None:
    on = date(2022, 11, 16) + timedelta(days=12)
    everyone_home = replace(BUSY, home_isolation_ineligible_share=0.0)  # nobody moved to central rooms (section 3)
    r = _run(policy, "m20", params=everyone_home, switches=((on, "n10"),))
    day = 12
    assert r.versions[:day] == ["m20"] * day and r.versions[day:] == ["n10"] * (DAYS - day)
    central = r.series["room_nights_close_contacts"]
    assert central[day - 1] > 0  # m20: close contacts 5 days in centralized isolation
    assert (central[day:] == 0).all()  # n10 from its date: home isolation, recomputed from each plan's start
    # entrants stay 5 days in centralized isolation under both (m20.10; the new ten leave it until Class B)
    rooms = sum(r.series[f"room_nights_{who}"] for who in ("close_contacts", "entrants", "spillover"))
    assert np.array_equal(rooms, r.series["room_nights"])
    assert r.series["home_isolation"][day] > 0
    # up to the day before the switch, the run is m20's own
    plain = _run(policy, "m20", params=everyone_home)
    for name in SERIES:
        assert np.array_equal(plain.series[name][:day], r.series[name][:day]), name


def test_classb_releases_everyone_on_its_date(policy: Policy) -> None:
    on = date(2022, 11, 16) + timedelta(days=10)
    r = _run(policy, "v9", switches=((on, "classb"),))
    assert r.series["centralized_isolation"][9] > 0
    for name in ("centralized_isolation", "home_isolation", "new_close_contacts", "high_risk_areas"):
        assert (r.series[name][10:] == 0).all(), name


def test_compare_pairs_seeds_and_gives_intervals(policy: Policy) -> None:
    c = compare(policy, ["v9", "m20"], population=3000, days=20, seeds=3, params=BUSY)
    s = c.summary["m20"]["room_nights"]
    assert s.low <= s.mean <= s.high
    d = c.differences["m20"]["infections"]
    pairs = [
        b.total("new_infections") - a.total("new_infections") for a, b in zip(c.runs["v9"], c.runs["m20"], strict=True)
    ]
    assert d.mean == pytest.approx(np.mean(pairs))
    assert c.as_json()["code_version"]


def test_the_history_of_november_and_december(policy: Policy) -> None:
    """v9 from 1 Nov, the 20 measures on 11 Nov, the new ten on 7 Dec: each version from its own date."""
    switches = ((date(2022, 11, 11), "m20"), (date(2022, 12, 7), "n10"))
    spec = RunSpec(2000, 45, 1, Schedule("v9", switches), date(2022, 11, 1))
    r = simulate(spec, policy, BUSY)
    assert r.versions[:10] == ["v9"] * 10
    assert r.versions[10:36] == ["m20"] * 26
    assert r.versions[36:] == ["n10"] * 9


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ve_death": 1.3}, "ve_death"),
        ({"trace_coverage_group": -0.1}, "trace_coverage_group"),
        ({"trace_delay_days": 0}, "trace_delay_days"),
        ({"boosted": (1.0,) * 9}, "boosted"),
        ({"vaccinated": (0.5,) * 3}, "vaccinated"),
    ],
)
def test_parameters_out_of_range_are_refused(change: dict[str, object], field: str) -> None:
    from dataclasses import replace

    from fangkong.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        replace(SimParameters(), **change).check()  # type: ignore[arg-type]
    assert caught.value.field == field


def test_the_dense_path_in_blocks_draws_the_same_infections(policy: Policy, monkeypatch: pytest.MonkeyPatch) -> None:
    """The dense path works a block of people at a time to bound its memory; the draws are each person's own, so the
    block size changes nothing."""
    from fangkong.sim import model

    whole = _run(policy, "none")
    monkeypatch.setattr(model, "DENSE_BLOCK", 777)
    blocks = _run(policy, "none")
    assert whole.total("new_infections") > N // 4  # two communities: any infectious person takes the dense path
    for name in SERIES:
        assert np.array_equal(whole.series[name], blocks.series[name]), name


def test_the_city_drawn_in_blocks_is_the_same_city(policy: Policy, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each person's own draws are made a block of people at a time; keyed by id, the block size changes nothing."""
    from fangkong.sim import city

    rules = policy.for_version(policy.default_version)
    whole = city.build_city(7000, 5, BUSY, rules)
    monkeypatch.setattr(city, "CITY_BLOCK", 999)
    blocks = city.build_city(7000, 5, BUSY, rules)
    for name, value in vars(whole).items():
        other = getattr(blocks, name)
        if isinstance(value, np.ndarray):
            assert value.dtype == other.dtype and np.array_equal(value, other), name
        else:
            assert value == other, name
