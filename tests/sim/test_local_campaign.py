"""A county's own area-wide testing under the over-reach guard (measures 6 and 16): the engine's
`review_campaign` decides each day; a refused round is not run and is counted with its clause, or run anyway and
counted as over-reach where the guard is off; the national default is the simulator's previous behaviour."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from fangkong.cli.main import app
from fangkong.errors import InvalidInput
from fangkong.policy import Policy
from fangkong.policy.terms import CampaignCondition
from fangkong.sim.local_rules import CampaignFacts, CampaignGuard, LocalCampaign
from fangkong.sim.model import SERIES, RunResult, RunSpec, simulate
from fangkong.sim.parameters import SimParameters
from fangkong.sim.policy_link import Schedule, day_rules

N, DAYS = 6000, 30
# nobody is ever found (no reports, no entrants): there is never an outbreak
QUIET = SimParameters(report_probability=0.0, entrants_per_100k_daily=0.0)
# outbreaks found early, and m20's conditions met soon (long transmission: unplanned finds on one day of the week)
BUSY = SimParameters(seeds_per_100k=60, entrants_per_100k_daily=0.0, long_transmission_days=1)
ALL_CONDITIONS = frozenset(CampaignCondition)


def _run(
    policy: Policy, version: str, local: LocalCampaign | None = None, params: SimParameters = BUSY, seed: int = 2
) -> RunResult:
    return simulate(RunSpec(N, DAYS, seed, Schedule(version)), policy, params, local=local)


def _same_series(a: RunResult, b: RunResult, *, but: tuple[str, ...] = ()) -> list[str]:
    """The series that differ between two runs, leaving out `but`."""
    return [k for k in SERIES if k not in but and not np.array_equal(a.series[k], b.series[k])]


def test_m20_refuses_testing_everyone_where_there_is_no_outbreak(policy: Policy) -> None:
    """m20.6: "where there is no outbreak" no area-wide testing — every day refused by m20.6; guarded, no round and
    no tube; unguarded, a round every day, each one over-reach, its tubes counted."""
    always = LocalCampaign(when="always")
    guarded = _run(policy, "m20", always, QUIET)
    assert guarded.total("found") == 0  # no outbreak, ever
    assert guarded.series["campaign_refused"].tolist() == [1] * DAYS
    assert guarded.refusals == {"m20.6": DAYS}
    assert guarded.total("campaign_rounds") == 0 and guarded.total("campaign_tubes") == 0
    assert guarded.as_json()["refusals"] == {"m20.6": DAYS}
    assert guarded.as_json()["local_campaign"] == {"when": "always", "tests_per_day": 1, "guarded": True}

    loose = _run(policy, "m20", replace(always, guarded=False), QUIET)
    assert loose.series["campaign_rounds"].tolist() == [1] * DAYS
    assert loose.series["campaign_overreach"].tolist() == [1] * DAYS
    assert loose.total("campaign_refused") == 0 and loose.refusals == {}
    assert loose.total("campaign_tubes") > DAYS * N / 10 * 0.8  # everyone once a day, 10 in a tube
    assert guarded.total("tubes") == 0 and loose.total("tubes") >= loose.total("campaign_tubes")
    assert loose.total("found_by_test") > 0  # what the over-reach finds: the infections no report found


def test_v9_allows_testing_everyone_without_an_outbreak(policy: Policy) -> None:
    """v9.scope: area-wide testing is allowed where there is no outbreak, so "always" is never refused."""
    v9 = _run(policy, "v9", LocalCampaign(when="always"), QUIET)
    assert v9.series["campaign_rounds"].tolist() == [1] * DAYS
    assert v9.total("campaign_refused") == 0 and v9.total("campaign_overreach") == 0 and v9.refusals == {}
    guard = CampaignGuard(policy)
    decision = guard.review(
        day_rules(policy.for_version("v9", date(2022, 11, 16))), CampaignFacts(False, ALL_CONDITIONS), 1
    )
    assert decision.allowed and [r.clause for r in decision.reasons] == ["v9.scope"]


@pytest.mark.parametrize(("version", "allowed", "clauses"), [("v9", True, []), ("m20", False, ["m20.6"])])
def test_two_tests_a_day(policy: Policy, version: str, allowed: bool, clauses: list[str]) -> None:
    """m20.6 corrects "two tests a day" (`max_tests_per_day` 1); v9 has no such limit. The engine's own decision,
    on an outbreak with every condition held."""
    rules = day_rules(policy.for_version(version, date(2022, 11, 25)))
    decision = CampaignGuard(policy).review(rules, CampaignFacts(True, ALL_CONDITIONS), 2)
    assert decision.allowed is allowed
    if not allowed:
        assert [r.clause for r in decision.reasons] == clauses and "2 tests a day" in decision.reasons[0].text


def test_two_rounds_a_day_in_the_city(policy: Policy) -> None:
    """Where the national rule runs a round, m20 refuses the county's second one (m20.6) and the guard trims the
    proposal to the national round: every series as the national rule's but the refusals; v9 runs both: twice the
    tubes on the first day, and no fewer found than with one."""
    national = _run(policy, "m20")
    first_round = int(np.argmax(national.series["campaign_rounds"] > 0))
    assert national.total("campaign_rounds") > 0
    twice = _run(policy, "m20", LocalCampaign(tests_per_day=2))
    assert twice.refusals.keys() == {"m20.6"}
    assert np.array_equal(twice.series["campaign_rounds"], national.series["campaign_rounds"])
    assert np.array_equal(twice.series["campaign_refused"], national.series["campaign_rounds"])
    assert _same_series(national, twice, but=("campaign_refused",)) == []
    assert int(np.argmax(twice.series["campaign_refused"] > 0)) == first_round

    one, two = _run(policy, "v9", LocalCampaign(when="first_case")), _run(policy, "v9", LocalCampaign("first_case", 2))
    day = int(np.argmax(one.series["campaign_rounds"] > 0))
    assert day > 0 and one.series["campaign_rounds"][day] == 1 and two.series["campaign_rounds"][day] == 2
    assert _same_series(one, two, but=()) != []
    # the same city up to that day (common random numbers): the second round is the same people again
    assert two.series["campaign_tubes"][day] == 2 * one.series["campaign_tubes"][day]
    assert two.series["found_by_test"][day] >= one.series["found_by_test"][day]
    assert two.refusals == {} and two.total("campaign_overreach") == 0


def test_a_second_round_finds_what_the_first_missed(policy: Policy) -> None:
    """Each round's tubes are their own draws: with a sensitivity of one half, three rounds a day catch more positive
    pools on the first day of testing than one round does, so more people are held for a single-tube retest."""
    half = replace(BUSY, test_sensitivity=0.5)
    held = {}
    for n in (1, 3):
        runs = [_run(policy, "v9", LocalCampaign("first_case", n), half, seed) for seed in range(4)]
        held[n] = sum(int(r.series["held"][int(np.argmax(r.series["campaign_rounds"] > 0))]) for r in runs)
    assert held[3] > held[1]


@pytest.mark.parametrize("when", ["always", "first_case"])
def test_n10_refuses_area_wide_testing(policy: Policy, when: str) -> None:
    """n10.2: no area-wide testing by administrative region, outbreak or not."""
    r = _run(policy, "n10", LocalCampaign(when=when))
    assert r.total("campaign_rounds") == 0 and r.total("campaign_refused") > 0
    assert r.refusals.keys() == {"n10.2"}
    if when == "always":
        assert r.refusals == {"n10.2": DAYS}


@pytest.mark.parametrize("version", ["v9", "m20", "n10", "classb", "none"])
def test_the_national_default_is_the_previous_behaviour(policy: Policy, version: str) -> None:
    """No proposal and the default proposal give the same run, with no refusal and no over-reach; the national rule's
    rounds are one a day."""
    plain = _run(policy, version)
    default = _run(policy, version, LocalCampaign(when="where_allowed", tests_per_day=1, guarded=True))
    unguarded = _run(policy, version, LocalCampaign(guarded=False))
    assert _same_series(plain, default) == [] and _same_series(plain, unguarded) == []
    assert plain.total("campaign_refused") == 0 and plain.total("campaign_overreach") == 0 and plain.refusals == {}
    assert plain.peak("campaign_rounds") <= 1
    if version == "v9":
        assert plain.total("campaign_rounds") > 0


@pytest.mark.parametrize(
    ("version", "local"),
    [
        ("m20", LocalCampaign(when="always")),
        ("m20", LocalCampaign(when="first_case")),  # refused where the conditions do not all hold
        ("n10", LocalCampaign(when="first_case", tests_per_day=3)),
    ],
)
def test_a_refused_proposal_changes_nothing_but_its_count(policy: Policy, version: str, local: LocalCampaign) -> None:
    """Common random numbers: what the guard refuses is not run, so every series but `campaign_refused` is the national
    run's (m20 allows what its conditions allow, the same rounds as the national rule's)."""
    params = replace(BUSY, long_transmission_days=5)
    national, proposed = _run(policy, version, params=params), _run(policy, version, local, params)
    assert proposed.total("campaign_refused") > 0
    if version == "m20":
        assert national.total("campaign_rounds") > 0  # allowed rounds run as the national rule's
    assert _same_series(national, proposed, but=("campaign_refused",)) == []


def test_unguarded_over_reach_costs_tubes(policy: Policy) -> None:
    """Unguarded, n10's refused rounds are run anyway: over-reach rounds, their tubes, their finds."""
    national = _run(policy, "n10")
    over = _run(policy, "n10", LocalCampaign(when="first_case", guarded=False))
    assert over.total("campaign_overreach") == over.total("campaign_rounds") > 0
    assert over.total("tubes") > national.total("tubes")
    assert over.total("campaign_refused") == 0 and over.refusals == {}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"when": "sometimes"}, "local_campaign"),
        ({"tests_per_day": 0}, "tests_per_day"),
        ({"tests_per_day": 4}, "tests_per_day"),
        ({"tests_per_day": True}, "tests_per_day"),
    ],
)
def test_a_bad_proposal_is_refused(fields: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        LocalCampaign(**fields).check()  # type: ignore[arg-type]
    assert raised.value.field == field


runner = CliRunner()
SMALL = ["--population", "3000", "--days", "12"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["run", "--tests-per-day", "0"], "tests_per_day"),
        (["run", "--tests-per-day", "4"], "tests_per_day"),
        (["run", "--local-campaign", "sometimes"], "local_campaign"),
        (["compare", "v9", "m20", "--tests-per-day", "4"], "tests_per_day"),
        (["compare", "v9", "m20", "--local-campaign", "daily"], "local_campaign"),
    ],
)
def test_cli_bad_input(tmp_path: Path, args: list[str], field: str) -> None:
    out = tmp_path / "never.json"
    done = runner.invoke(app, ["sim", args[0], *SMALL, *args[1:], "--out", str(out)])
    assert done.exit_code == 2, done.output
    assert field in done.output
    assert not out.exists()


def test_cli_a_county_proposal(tmp_path: Path) -> None:
    out = tmp_path / "cmp.json"
    args = ["sim", "compare", "v9", "m20", "--seeds", "2", *SMALL, "--local-campaign", "always", "--out", str(out)]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    assert "rounds refused" in done.output  # the table's row
    assert "m20: rounds refused by the over-reach guard, a run's mean: m20.6 on 12.0 days" in done.output
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["local_campaign"] == {"when": "always", "tests_per_day": 1, "guarded": True}
    assert saved["summary"]["v9"]["campaign_refused"]["mean"] == 0
    assert saved["summary"]["m20"]["campaign_refused"]["mean"] > 0 and "m20.6" in saved["refusals"]["m20"]
    run = runner.invoke(app, ["sim", "run", "--policy", "m20", *SMALL, "--local-campaign", "always", "--unguarded"])
    assert run.exit_code == 0, run.output
    assert "campaign overreach" in run.output


def test_the_rounds_ask_xp_only_for_names_cupy_has(policy: Policy) -> None:
    """Three rounds a day, over-reach included, on a recording namespace: the same run, CuPy's names only."""
    from fangkong.sim.model import Simulation
    from fangkong.sim.xp_names import CUPY_NAMES, Recording

    xp = Recording(np)
    local = LocalCampaign(when="first_case", tests_per_day=3, guarded=False)
    spec = RunSpec(N, DAYS, 2, Schedule("m20"))
    plain = Simulation(spec, policy, BUSY, local=local).run()
    recorded = Simulation(spec, policy, BUSY, xp=xp, local=local).run()
    assert plain.total("campaign_overreach") > 0 and plain.peak("campaign_rounds") == 3
    assert _same_series(plain, recorded) == []
    assert xp.seen <= CUPY_NAMES, f"not checked against CuPy: {sorted(xp.seen - CUPY_NAMES)}"
