"""Policy comparisons for the command centre (issue 22): run `fangkong.sim.compare` on a synthetic city the size of
the demo county, from its drill day, within the console's limits; save the request, the result and the code version
that produced it; list the saved comparisons and read one.

The city is synthetic — no person of the store is in it — so a read is not audited as a read of personal data; a
run is audited as the change it makes (a comparison saved). Running and reading are the command centre's (and the
administrator's), who choose between versions of the rules: the permission of a policy transition.

The limits are the console's, not the simulator's: a run is synchronous (the request waits for it), so the largest
one allowed — 200,000 people, 120 days, 10 seeds, 5 policies — must finish within a request's patience."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, Strict
from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from fangkong.bounds import Day
from fangkong.errors import InvalidInput, NotFound
from fangkong.policy import Policy
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.paging import page_of
from fangkong.sim.compare import compare
from fangkong.sim.local_rules import MOST_TESTS_PER_DAY, NATIONAL, WHEN, LocalCampaign
from fangkong.sim.model import DRILL_DAY
from fangkong.sim.policy_link import NO_POLICY

from .models import SimulationComparison

RUN = Permission.apply_policy_transition  # the command centre's and the administrator's: who chooses the rules
POPULATION = (1_000, 200_000)  # people in the city: the demo county's size and up to a district's
DAYS = (1, 120)  # days simulated: up to four months, a wave and its tail
SEEDS = (1, 10)  # replicates: enough for a 95 % interval, few enough to wait for
POLICIES = (2, 5)  # a comparison needs two; every version and "none" at most
FIRST_SEED = (0, 1_000_000)  # any seed can be asked again; a bound keeps it a stored integer
Whole = Annotated[int, Strict()]  # a number in a JSON body: 20000, not "20000" nor true
Flag = Annotated[bool, Strict()]  # true or false in a JSON body, not "true" nor 1
MAX_SWITCHES = 5  # one switch of version per version at most
BUDGET_ENV = "FANGKONG_SIM_MAX_PERSON_DAYS"
"""The most work one request may ask for, in simulated person-days (people × days × seeds × policies); a deployment
whose requests must answer sooner lowers it, one with more patience raises it (up to the largest the limits allow,
1.2 billion: 76 s on this 2-core machine with Ct values, venues and the guard in the model)."""
DEFAULT_BUDGET = 600_000_000  # about 38 s here: half the largest request the limits allow

DEFAULT_POPULATION = 20_000  # the form's first values: the demo county's size, two months, three seeds
DEFAULT_DAYS = 60
DEFAULT_SEEDS = 3


class Switch(BaseModel):
    """From `on` (a day of the run after its first) every policy of the comparison applies `version`."""

    model_config = ConfigDict(extra="forbid")

    on: Day
    version: str = Field(max_length=16, description="v9, m20, n10, classb or none")


class LocalCampaignRequest(BaseModel):
    """A county's own area-wide testing of all its residents (measure 6), the same under every policy of the
    comparison; each version's rule reviews it day by day, and the over-reach guard (measure 16) refuses what the
    rule refuses (`fangkong.sim.local_rules.LocalCampaign`)."""

    model_config = ConfigDict(extra="forbid")

    when: str = Field(
        default=NATIONAL.when,
        max_length=16,
        description="when the county wants a round: where_allowed (where the rule allows one: the national rule), "
        "first_case (every day from the first infection found outside centralized isolation until the stop rule) "
        "or always (every day, outbreak or not)",
        json_schema_extra={"enum": list(WHEN)},
    )
    tests_per_day: Whole = Field(
        default=NATIONAL.tests_per_day,
        description=f"rounds a day: 1 to {MOST_TESTS_PER_DAY} (measure 6 corrects two and three tests a day)",
        json_schema_extra={"minimum": 1, "maximum": MOST_TESTS_PER_DAY},
    )
    guarded: Flag = Field(
        default=NATIONAL.guarded,
        description="true: a round the rule refuses is not run, counted in campaign_refused with its clause; false: "
        "run anyway and counted in campaign_overreach — what the over-reach would cost",
    )


class ComparisonRequest(BaseModel):
    """What to compare: 2–5 distinct policies on a city of 1,000–200,000 people over 1–120 days, 1–10 seeds from
    `first_seed`, from `start` (the demo county's drill day, 16 Nov 2022, by default); with a county's own area-wide
    testing proposal `local_campaign` where given (none: the national rule)."""

    model_config = ConfigDict(extra="forbid")

    policies: list[str] = Field(description="2 to 5 distinct versions of the rules: v9, m20, n10, classb or none")
    population: Whole = Field(description="people in the synthetic city: 1,000 to 200,000")
    days: Whole = Field(description="days simulated: 1 to 120")
    seeds: Whole = Field(description="replicates, seeds first_seed .. first_seed + seeds - 1: 1 to 10")
    first_seed: Whole = Field(default=0, description="the first seed: 0 to 1,000,000")
    start: Day = Field(default=DRILL_DAY, description="the first simulated day")
    switches: list[Switch] = Field(default_factory=list, description="later versions for every policy, from a day")
    local_campaign: LocalCampaignRequest | None = Field(
        default=None,
        description="the county's own area-wide testing, reviewed by the over-reach guard under each policy; "
        "absent or null: the national rule (a round a day where the version allows one)",
    )


@dataclass(frozen=True)
class Checked:
    policies: tuple[str, ...]
    switches: tuple[tuple[date, str], ...]
    local: LocalCampaign = NATIONAL


def versions(policy: Policy) -> tuple[str, ...]:
    """The policies a comparison may name: each version of the rules, and no intervention at all."""
    return (*policy.versions, NO_POLICY)


def _outside(value: int, bounds: tuple[int, int]) -> bool:
    return isinstance(value, bool) or not bounds[0] <= value <= bounds[1]


def person_day_budget() -> int:
    """`FANGKONG_SIM_MAX_PERSON_DAYS` where set (a whole number above 0), else `DEFAULT_BUDGET`."""
    raw = os.environ.get(BUDGET_ENV, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_BUDGET


def check_request(policy: Policy, data: ComparisonRequest) -> Checked:
    """The console's limits, each refusal naming its field (the simulator's own checks come after, and pass)."""
    known = versions(policy)
    low, high = POLICIES
    if not low <= len(data.policies) <= high:
        raise InvalidInput("policies", f"{len(data.policies)} chosen: choose between {low} and {high} policies")
    for name in data.policies:
        if name not in known:
            raise InvalidInput("policies", f"{name!r} is not a policy; the policies are {', '.join(known)}")
    twice = [name for i, name in enumerate(data.policies) if name in data.policies[:i]]
    if twice:
        raise InvalidInput("policies", f"{twice[0]} is chosen twice")
    if _outside(data.population, POPULATION):
        raise InvalidInput("population", f"{data.population} people: between {POPULATION[0]} and {POPULATION[1]}")
    if _outside(data.days, DAYS):
        raise InvalidInput("days", f"{data.days} days: between {DAYS[0]} and {DAYS[1]}")
    if _outside(data.seeds, SEEDS):
        raise InvalidInput("seeds", f"{data.seeds} seeds: between {SEEDS[0]} and {SEEDS[1]}")
    if _outside(data.first_seed, FIRST_SEED):
        raise InvalidInput("first_seed", f"{data.first_seed} as the first seed: between 0 and {FIRST_SEED[1]}")
    if len(data.switches) > MAX_SWITCHES:
        raise InvalidInput("switches", f"{len(data.switches)} switches: at most {MAX_SWITCHES}")
    work, budget = data.population * data.days * data.seeds * len(data.policies), person_day_budget()
    if work > budget:
        raise InvalidInput(
            "population", f"{work} person-days (people × days × seeds × policies): at most {budget} a request"
        )
    first, last = data.start + timedelta(days=1), data.start + timedelta(days=data.days - 1)
    switches = []
    for i, s in enumerate(data.switches):
        if not first <= s.on <= last:
            raise InvalidInput(f"switches[{i}].on", f"{s.on} is outside the run ({first} to {last})")
        if s.version not in known:
            raise InvalidInput(
                f"switches[{i}].version", f"{s.version!r} is not a policy; the policies are {', '.join(known)}"
            )
        switches.append((s.on, s.version))
    return Checked(tuple(data.policies), tuple(sorted(switches)), _proposal(data.local_campaign))


def _proposal(asked: LocalCampaignRequest | None) -> LocalCampaign:
    """The county's proposal within the simulator's own limits (`LocalCampaign.check`'s: its `WHEN` and
    `MOST_TESTS_PER_DAY`), refused naming the field of the request; none asked: the national rule."""
    if asked is None:
        return NATIONAL
    if asked.when not in WHEN:
        raise InvalidInput("local_campaign.when", f"{asked.when!r} is not one of {', '.join(WHEN)}")
    if _outside(asked.tests_per_day, (1, MOST_TESTS_PER_DAY)):
        raise InvalidInput(
            "local_campaign.tests_per_day", f"{asked.tests_per_day} tests a day: between 1 and {MOST_TESTS_PER_DAY}"
        )
    return LocalCampaign(asked.when, asked.tests_per_day, asked.guarded).check()  # the simulator's check: it passes


@dataclass(frozen=True)
class Computed:
    """A comparison's result as it is saved: the JSON, the code version that produced it, the seconds it took."""

    result: dict[str, Any]
    code_version: str
    elapsed_seconds: float


def compute_comparison(policy: Policy, data: ComparisonRequest) -> Computed:
    """Run the comparison (common random numbers across policies, `fangkong.sim.compare`); nothing is saved."""
    checked = check_request(policy, data)
    began = time.perf_counter()
    result = compare(
        policy,
        checked.policies,
        population=data.population,
        days=data.days,
        seeds=data.seeds,
        first_seed=data.first_seed,
        start=data.start,
        switches=checked.switches,
        local=checked.local,
    )
    return Computed(result.as_json(), result.code_version, round(time.perf_counter() - began, 3))


def run_comparison(
    session: Session, actor: Actor, data: ComparisonRequest, *, policy: Policy, computed: Computed | None = None
) -> SimulationComparison:
    """Run the comparison now, save it with its request, result, code version and the seconds it took, and audit
    the run. `computed`: the same request's result computed already (the demo's, once a process: a run is
    deterministic in its request, the rules and the code)."""
    actor.require(RUN)
    checked = check_request(policy, data)
    done = computed if computed is not None else compute_comparison(policy, data)
    saved = SimulationComparison(
        requested_by=actor.username,
        policies=list(checked.policies),
        population=data.population,
        days=data.days,
        seeds=data.seeds,
        first_seed=data.first_seed,
        start=data.start,
        switches=[{"on": on.isoformat(), "version": v} for on, v in checked.switches],
        result=done.result,
        code_version=done.code_version,
        elapsed_seconds=done.elapsed_seconds,
    )
    session.add(saved)
    session.flush()
    record(
        session,
        actor,
        action="create",
        entity="simulation",
        entity_id=saved.id,
        detail={
            "policies": saved.policies,
            "population": saved.population,
            "days": saved.days,
            "seeds": saved.seeds,
            "code_version": saved.code_version,
            "local_campaign": checked.local.as_json(),
        },
    )
    return saved


def list_comparisons(
    session: Session, actor: Actor, *, offset: int = 0, limit: int = 50
) -> tuple[list[SimulationComparison], int]:
    """The saved comparisons, newest first, without their results."""
    actor.require(RUN)
    stmt = select(SimulationComparison).order_by(SimulationComparison.id.desc())
    return page_of(session, stmt, offset=offset, limit=limit)


def comparison(session: Session, actor: Actor, comparison_id: int) -> SimulationComparison:
    """One saved comparison with its result."""
    actor.require(RUN)
    found = session.scalar(
        select(SimulationComparison)
        .where(SimulationComparison.id == comparison_id)
        .options(undefer(SimulationComparison.result))
    )
    if found is None:
        raise NotFound("comparison", comparison_id)
    return found


def local_campaign_of(saved: SimulationComparison) -> dict[str, Any]:
    """The county's proposal a saved comparison ran under, from its result (`Comparison.as_json`'s `local_campaign`);
    a result saved before the simulator had proposals ran under the national rule. Reads the result (deferred)."""
    return dict(saved.result.get("local_campaign") or NATIONAL.as_json())


def request_of(saved: SimulationComparison) -> dict[str, Any]:
    """The request a saved comparison answered, as it was asked (the proposal of the county's own testing is in the
    result: `local_campaign_of`, so that a list of comparisons loads no result)."""
    return {
        "policies": list(saved.policies),
        "population": saved.population,
        "days": saved.days,
        "seeds": saved.seeds,
        "first_seed": saved.first_seed,
        "start": saved.start.isoformat(),
        "switches": list(saved.switches or []),
    }
