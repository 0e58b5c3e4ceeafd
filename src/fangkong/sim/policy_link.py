"""What the simulator takes from the rules in force on a simulated day: the same policy objects and rule functions
as the engine (DESIGN.md section 2), turned into small tables the array code indexes.

A close contact's plan is `rules.plans.management_plan` for the day 1 `rules.plans.first_day` gives — exactly what the
engine gives a real close contact with the same last exposure (tests/sim/test_plan_equality.py). Risk areas use the
delineation unit, the clean days and the level of a downgrade of `risk_area.*`; pooling the pool sizes the version
allows (`pool.sizes`); the stop rule of area-wide testing `testing_campaign.clean_rounds_to_stop` (whether a round is
allowed is `rules.testing_campaign.review_campaign`'s, asked by `sim.local_rules`); found infections go to
hospital or home isolation as `management.infection.*` and `management.mild_infection.*` say. A downgraded high-risk
area stays medium-risk where the version has that level (`risk_area.high.downgrade_to`,
`risk_area.medium.clean_days_to_low_after_high`); people who were outside an area when it was delineated, and
entrants, get the plans of `management.high_risk_spillover.*` and `management.entry_personnel.*`. Each test is read
by its Ct as `rules.ct.adjudicate_ct` and `rules.pooling.pool_result` read it (`CtRules.judge`, held equal to them by
tests/sim/test_ct.py): the kit's cut-off, the entrants' cut-off with its retest band, and a positive pool's members
held and retested single-tube.
Venue co-visitors are traced from `tracing.look_back_days` before onset (or sampling) to the finding, at most
`tracing.venue_co_presence_minutes` apart (`rules.tracing.co_presence_gap`; none where it is null: Class B).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from fangkong.errors import InvalidInput
from fangkong.policy import Policy, PolicyAt
from fangkong.policy.terms import Category, PhaseKind
from fangkong.rules.plans import Plan, first_day, management_plan
from fangkong.rules.tracing import co_presence_gap
from fangkong.sim.venues import SLOT_MINUTES

NO_POLICY = "none"
"""The policy name of a run without interventions (nobody traced, isolated, tested or sealed)."""

# phase codes in the simulator's arrays (0: under no plan)
PHASE_CODES = {
    PhaseKind.centralized_isolation: 1,
    PhaseKind.home_isolation: 2,
    PhaseKind.home_health_monitoring: 3,
    PhaseKind.testing_only: 4,
}
PHASES = tuple(PHASE_CODES)

# plan categories in the simulator's arrays (0: none)
CATEGORIES = (
    Category.close_contact,
    Category.secondary_close_contact,
    Category.mild_infection,
    Category.entry_personnel,
    Category.high_risk_spillover,
    Category.past_infection_ct35_40,
)
CATEGORY_CODES = {c: i + 1 for i, c in enumerate(CATEGORIES)}


@dataclass(frozen=True)
class PlanTable:
    """A plan as the arrays use it: day 1 is `offset` days after the anchor (last exposure, positive sample); then
    one phase code and one test flag per day of the plan."""

    offset: int
    kinds: tuple[int, ...]
    tests: tuple[bool, ...]

    @property
    def release_index(self) -> int:
        """The day of the plan (0-based) of its release test: the last test of its last centralized-isolation phase
        (a Ct in the entrants' band there calls for a risk assessment: `rules.ct.ct_context`); -1 where none."""
        last = -1
        for i, (kind, test) in enumerate(zip(self.kinds, self.tests, strict=True)):
            if test and kind == PHASE_CODES[PhaseKind.centralized_isolation]:
                last = i
        return last


NEGATIVE, POSITIVE, RETEST, PAST_INFECTION = range(4)
"""What one single-tube result sets in motion (`rules.ct.CtDecision.action`): nothing; a found infection; a retest
after the band's hours; a past infection (the entrants' home isolation)."""

NOT_DETECTED = math.inf
"""The Ct of a tube in which no target was detected (the rules' `None`)."""


@dataclass(frozen=True)
class CtRules:
    """How a result is read on one day (`ct.*`, `pool.*`): the values the rule functions read, for arrays."""

    general_below: float = 40.0  # ct.general.positive_below
    entry_below: float | None = None  # ct.entry_personnel.positive_below (None: entrants read like everyone)
    band_upper: float | None = None  # ct.entry_personnel.grey_band_upper
    band_inclusive: bool = False  # ct.entry_personnel.grey_band_upper_inclusive
    band_at_screening: bool = True  # ct.entry_personnel.grey_band_at_screening
    retest_days: int = 1  # ct.entry_personnel.retest_after_hours, in whole days (24 h: the next day)
    pool_hold: bool = True  # pool.positive_members_held

    def judge(self, ct: Any, entrant: Any, follows_band: Any, release: Any, xp: Any = np) -> Any:
        """One outcome code per single tube, as `rules.ct.adjudicate_ct` gives it: an entrant (under an entry plan,
        or retested after a band result) by the entrants' cut-off where it is in force — below it positive; a
        retest after a band result at or above it a past infection; a result in the band (at release, or at any
        stage where the band applies at screening) retested; otherwise negative — and everyone else by the kit's
        cut-off. A retest is always sampled the band's hours after the result it follows (the simulator schedules
        it so), so the rules' "too early" branch does not arise."""
        positive = ct < self.general_below
        out = xp.where(positive, POSITIVE, NEGATIVE).astype(xp.int8)
        if self.entry_below is None or self.band_upper is None:
            return out
        judged = entrant | follows_band
        below = ct < self.entry_below
        upper = (ct <= self.band_upper) if self.band_inclusive else (ct < self.band_upper)
        band = ~below & upper & (release | self.band_at_screening)
        entry = xp.where(
            below,
            POSITIVE,
            xp.where(follows_band, PAST_INFECTION, xp.where(band, RETEST, NEGATIVE)),
        ).astype(xp.int8)
        return xp.where(judged, entry, out).astype(xp.int8)

    def pool_positive(self, ct: Any) -> Any:
        """A pool's tube is read with the kit's cut-off (`rules.pooling.pool_result`)."""
        return ct < self.general_below


def ct_rules(rules: PolicyAt) -> CtRules:
    """The `ct.*` and `pool.*` values in force on `rules.on`."""
    general = rules.number("ct.general.positive_below").value
    entry = rules.find("ct.entry_personnel.positive_below")
    upper = rules.find("ct.entry_personnel.grey_band_upper")
    hours = rules.find("ct.entry_personnel.retest_after_hours")
    inclusive = rules.find("ct.entry_personnel.grey_band_upper_inclusive")
    at_screening = rules.find("ct.entry_personnel.grey_band_at_screening")
    held = rules.find("pool.positive_members_held")
    in_force = entry is not None and entry.value is not None and upper is not None and upper.value is not None
    return CtRules(
        general_below=float(general) if general is not None else 40.0,
        entry_below=float(entry.value) if in_force and entry is not None else None,
        band_upper=float(upper.value) if in_force and upper is not None else None,
        band_inclusive=bool(inclusive is not None and inclusive.value),
        band_at_screening=at_screening is None or bool(at_screening.value),
        retest_days=max(1, math.ceil((hours.value or 24) / 24)) if hours is not None else 1,
        pool_hold=held is None or bool(held.value),
    )


@dataclass(frozen=True)
class DayRules:
    """The rules the simulator applies on one day."""

    version: str
    plans: dict[int, PlanTable]  # category code → its plan (absent: the category is not managed)
    transferred: bool  # a found infection goes to a designated or makeshift hospital
    area_unit: str | None  # "building" or "community" (None: no high-risk areas)
    clean_days: int | None  # clean days for a high-risk area's downgrade
    medium_days: int | None  # further clean days a downgraded area stays medium-risk (None: downgraded to low)
    pool_sizes: tuple[int, ...]  # pool sizes whose results may be used (`pool.sizes`)
    secondary: bool  # close contacts' household members are determined (secondary close contacts)
    ineligible_centralized: bool = False  # the home-isolation days of someone who cannot isolate at home are central
    campaign_clean_rounds: int | None = None  # clean daily rounds after which a campaign stops (None: no rule)
    ct: CtRules = field(default_factory=CtRules)  # how results are read (`ct.*`, `pool.*`)
    on: date | None = None  # the day of the rules (`PolicyAt.on`): the over-reach guard reviews on the same rules
    look_back_days: int | None = None  # exposures count from this many days before onset or sampling (None: none)
    venue_gap_slots: int | None = None  # venue slots two scans may be apart to be together (None: no venue tracing)


def plan_for(category: Category, anchor_on: date, rules: PolicyAt) -> Plan | None:
    """The engine's plan for a person of `category` whose anchor fact (last exposure; a positive sample) is on
    `anchor_on`: `first_day` then `management_plan`, as tracing and orders call them. None where it is refused."""
    start, _ = first_day(category, anchor_on, rules)
    plan = management_plan(category, start, rules)
    return plan if isinstance(plan, Plan) else None


def plan_table(category: Category, rules: PolicyAt) -> PlanTable | None:
    """The plan of `category` under `rules` as a table; the anchor day is the rules' own day (a plan's shape does not
    depend on its date within one state of the rules)."""
    anchor = rules.on
    plan = plan_for(category, anchor, rules)
    if plan is None:
        return None
    kinds: list[int] = []
    tests: list[bool] = []
    tested = set(plan.test_dates)
    day = plan.start
    while day < plan.released_on:
        phase = plan.phase_on(day)
        kinds.append(PHASE_CODES[phase.kind] if phase is not None else 0)
        tests.append(day in tested)
        day += timedelta(days=1)
    return PlanTable(offset=(plan.start - anchor).days, kinds=tuple(kinds), tests=tuple(tests))


# the delineation units the policy names, as the simulated city has them
UNITS = {
    "residential compound or village": "community",
    "unit or building": "building",
    "building, unit, floor or household": "building",
}


def day_rules(rules: PolicyAt) -> DayRules:
    """Everything the simulator needs from the rules in force on `rules.on`."""
    plans = {}
    for category in CATEGORIES:
        determined = rules.find(f"management.{category.value}.determined")
        if determined is None or not determined.value:
            continue
        table = plan_table(category, rules)
        if table is not None:
            plans[CATEGORY_CODES[category]] = table
    transferred = rules.find("management.infection.transferred_to_hospital")
    levels = rules.texts("risk_area.levels").value or ()
    unit = rules.text("risk_area.delineation_unit").value
    clean = rules.find("risk_area.high.clean_days_to_downgrade")
    downgrade_to = rules.find("risk_area.high.downgrade_to")
    medium = rules.find("risk_area.medium.clean_days_to_low_after_high")
    medium_days = (
        medium.value
        if "medium" in levels and downgrade_to is not None and downgrade_to.value == "medium" and medium is not None
        else None
    )
    area_unit = UNITS.get(unit or "", "building") if "high" in levels and unit else None
    sizes = rules.get("pool.sizes").value or (1,)
    ineligible_to = rules.find("management.home_isolation_ineligible.isolated_in")
    clean_rounds = rules.find("testing_campaign.clean_rounds_to_stop")
    look_back = rules.find("tracing.look_back_days")
    gap = co_presence_gap(rules) if rules.find("tracing.venue_co_presence_minutes") is not None else None
    return DayRules(
        version=rules.version,
        plans=plans,
        transferred=bool(transferred is not None and transferred.value),
        area_unit=area_unit,
        clean_days=clean.value if clean is not None else None,
        medium_days=medium_days,
        pool_sizes=tuple(sizes),
        secondary=CATEGORY_CODES[Category.secondary_close_contact] in plans,
        ineligible_centralized=ineligible_to is not None
        and ineligible_to.value == PhaseKind.centralized_isolation.value,
        campaign_clean_rounds=clean_rounds.value if clean_rounds is not None else None,
        ct=ct_rules(rules),
        on=rules.on,
        look_back_days=look_back.value if look_back is not None else None,
        # |k| slots apart is k × 30 minutes apart: together where that is within the co-presence minutes
        venue_gap_slots=None if gap is None else int(gap.total_seconds()) // 60 // SLOT_MINUTES,
    )


def pool_size(sizes: tuple[int, ...], preferred: int) -> int:
    """The largest pool size the version allows up to the preferred one (10-in-1); 1 where it allows no pooling."""
    allowed = [s for s in sizes if s <= preferred]
    return max(allowed) if allowed else 1


def no_rules() -> DayRules:
    return DayRules(
        version=NO_POLICY,
        plans={},
        transferred=False,
        area_unit=None,
        clean_days=None,
        medium_days=None,
        pool_sizes=(1,),
        secondary=False,
    )


@dataclass(frozen=True)
class Schedule:
    """Which version applies on which day: the first from the start, then each switch from its date."""

    first: str
    switches: tuple[tuple[date, str], ...] = ()

    def version_on(self, day: date) -> str:
        version = self.first
        for on, v in self.switches:
            if on <= day:
                version = v
        return version


def check_version(policy: Policy, version: str, field: str) -> str:
    if version != NO_POLICY and version not in policy.versions:
        known = ", ".join([*policy.versions, NO_POLICY])
        raise InvalidInput(field, f"unknown version {version!r}; known: {known}")
    return version


def parse_switch(policy: Policy, text: str, start: date, days: int) -> tuple[date, str]:
    """`DATE:VERSION` (the CLI's `--switch`): the date within the run, the version known."""
    raw_date, sep, version = text.partition(":")
    if not sep:
        raise InvalidInput("switch", f"{text!r}: expected DATE:VERSION, e.g. 2022-12-07:n10")
    try:
        on = date.fromisoformat(raw_date)
    except ValueError:
        raise InvalidInput("switch", f"{raw_date!r} is not a date (YYYY-MM-DD)") from None
    last = start + timedelta(days=days - 1)
    if not start < on <= last:
        raise InvalidInput(
            "switch", f"{on.isoformat()} is outside the run ({(start + timedelta(days=1)).isoformat()}..{last})"
        )
    return on, check_version(policy, version, "switch")


def rules_source(policy: Policy, schedule: Schedule) -> Callable[[date], DayRules]:
    """The rules of each simulated day, memoised by (version, the state of its rules): `policy.for_version(v, day)`
    for the version the schedule names that day (a version's rules move to the nearest day of its span)."""
    cache: dict[tuple[str, date], DayRules] = {}

    def on(day: date) -> DayRules:
        version = schedule.version_on(day)
        if version == NO_POLICY:
            return no_rules()
        rules = policy.for_version(version, day)
        k = (version, rules.on)
        if k not in cache:
            cache[k] = day_rules(rules)
        return cache[k]

    return on
