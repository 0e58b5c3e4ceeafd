"""The day step of the simulator: transmission in households, classes and workplaces and communities; infections
found by symptoms and by the tests of the plans and of high-risk areas; close contacts traced and managed by the
plan of the rules in force; risk areas delineated and downgraded; beds, deaths, rooms and tubes counted.

Array code is written against `xp` (numpy by default; CuPy offers the same calls). One run is one seed and one
schedule of versions; `sim.compare` runs several.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

import fangkong
from fangkong.errors import InvalidInput
from fangkong.policy import Policy
from fangkong.policy.terms import Category
from fangkong.sim import crn
from fangkong.sim.city import BYTES_PER_PERSON, City, build_city
from fangkong.sim.crn import Purpose
from fangkong.sim.local_rules import (
    NATIONAL,
    CampaignGuard,
    LocalCampaign,
    RoundsToday,
    campaign_facts,
)
from fangkong.sim.policy_link import (
    CATEGORY_CODES,
    NOT_DETECTED,
    PAST_INFECTION,
    POSITIVE,
    RETEST,
    DayRules,
    Schedule,
    pool_size,
    rules_source,
)
from fangkong.sim.venues import Venues

SUSCEPTIBLE, EXPOSED, INFECTIOUS, RECOVERED, DEAD = range(5)
STATES = ("susceptible", "exposed", "infectious", "recovered", "dead")
PHASE_SERIES = ("centralized_isolation", "home_isolation", "home_health_monitoring", "testing_only")
COMMUNITY_CONTACTS = 20  # Covasim's default community contacts a day
DRILL_DAY = date(2022, 11, 16)  # the demo county's drill day: the default first day of a run
MAX_DAYS = 730
DENSE_BLOCK = 1 << 22  # people a block on the dense path: its temporaries stay about 100 MB however large the city

SERIES = (
    "new_infections",
    "venue_infections",
    "found",
    "found_by_test",
    "missed",
    *STATES,
    *PHASE_SERIES,
    "new_close_contacts",
    "new_secondary_contacts",
    "new_venue_contacts",
    "new_entrants",
    "imported_infections",
    "past_infected_entrants",
    "new_spillover",
    "hospital_isolated",
    "room_nights",
    "room_nights_close_contacts",
    "room_nights_entrants",
    "room_nights_spillover",
    "tubes",
    "pooled_tubes",
    "campaign_rounds",
    "campaign_tubes",
    "positive_pools",
    "pool_retests",
    "held",
    "band_retests",
    "past_infections",
    "found_after_recovery",
    "campaign_refused",
    "campaign_overreach",
    "high_risk_areas",
    "people_in_high_risk",
    "medium_risk_areas",
    "people_in_medium_risk",
    "new_symptomatic",
    "ward_admissions",
    "icu_admissions",
    "ward_beds",
    "icu_beds",
    "deaths",
)
"""Every series a run records, one value per day. `room_nights` is the people in centralized isolation that night
(its maximum is the peak rooms needed, one person a room); `missed` the infections that ended unfound that day;
`room_nights_*` the same by who is in the room (close contacts, entrants, people who were outside an area when it was
delineated); `imported_infections` the entrants infected on arrival (counted in `new_infections` too);
`new_symptomatic` the symptom onsets that day, `ward_admissions` and `icu_admissions` the admissions that day;
`campaign_rounds` the rounds of area-wide testing held that day (more than one where a county's own proposal tests
twice or three times a day), `campaign_refused` the rounds a county proposed that the over-reach guard refused,
`campaign_overreach` the rounds run against the rule where the guard is off (`sim.local_rules`).;
`venue_infections` the infections made at venues that day (among `new_infections`: each infection's share of the
venue force in its force of infection, drawn from its own draw), `new_venue_contacts` the close contacts found from
venue scans that day who are not household members, classmates or co-workers of a case traced that day (among
`new_close_contacts`)."""


@dataclass(frozen=True)
class RunSpec:
    population: int
    days: int
    seed: int
    schedule: Schedule
    start: date = DRILL_DAY

    def check(self, policy: Policy) -> RunSpec:
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise InvalidInput("seed", f"{self.seed!r} is not a whole number 0 or more")
        if isinstance(self.population, bool) or not isinstance(self.population, int) or self.population < 1:
            raise InvalidInput("population", f"{self.population!r}: at least 1 person")
        room = available_memory()
        if self.population * BYTES_PER_PERSON > room:
            most = room // BYTES_PER_PERSON
            raise InvalidInput(
                "population",
                f"{self.population:,} people need more memory than this machine has (at most about {most:,})",
            )
        if isinstance(self.days, bool) or not isinstance(self.days, int) or not 1 <= self.days <= MAX_DAYS:
            raise InvalidInput("days", f"{self.days!r}: 1 to {MAX_DAYS} days")
        last = self.start + timedelta(days=self.days - 1)
        for on, _ in self.schedule.switches:
            if not self.start < on <= last:
                raise InvalidInput("switch", f"{on.isoformat()} is outside the run ({self.start}..{last})")
        return self


def available_memory() -> int:
    """Physical memory of this machine, in bytes."""
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError):  # pragma: no cover - not Linux
        return 16 * 2**30


@dataclass
class RunResult:
    """A run's series by day, what produced it (the parameters, the schedule, the code version)."""

    spec: RunSpec
    params: dict[str, Any]
    series: dict[str, np.ndarray]
    versions: list[str]
    code_version: str = fangkong.__version__
    city: dict[str, int] = field(default_factory=dict)
    local_campaign: LocalCampaign = NATIONAL
    refusals: dict[str, int] = field(default_factory=dict)  # clause id → days the guard refused a round by it

    def total(self, name: str) -> float:
        return float(self.series[name].sum())

    def peak(self, name: str) -> float:
        return float(self.series[name].max())

    def as_json(self) -> dict[str, Any]:
        return {
            "population": self.spec.population,
            "days": self.spec.days,
            "seed": self.spec.seed,
            "start": self.spec.start.isoformat(),
            "policy": self.spec.schedule.first,
            "switches": [{"on": on.isoformat(), "version": v} for on, v in self.spec.schedule.switches],
            "versions": self.versions,
            "parameters": self.params,
            "code_version": self.code_version,
            "city": self.city,
            "local_campaign": self.local_campaign.as_json(),
            "refusals": dict(self.refusals),
            "series": {k: [int(x) for x in v.tolist()] for k, v in self.series.items()},
        }


class Simulation:
    """One run: the city, the state of every person, and the day step."""

    def __init__(
        self,
        spec: RunSpec,
        policy: Policy,
        params: Any,
        xp: Any = np,
        city: City | None = None,
        local: LocalCampaign | None = None,
    ) -> None:
        from fangkong.sim.parameters import SimParameters

        self.spec = spec.check(policy)
        self.params: SimParameters = params.check()
        self.local = (local or NATIONAL).check()
        self.guard = CampaignGuard(policy, self.local)
        self.refusals: dict[str, int] = {}
        self.xp = xp
        self.rules_on: Callable[[date], DayRules] = rules_source(policy, spec.schedule)
        self.city = city or build_city(
            spec.population, spec.seed, self.params, policy.for_version(policy.default_version), xp
        )
        n = self.city.n
        self.state = xp.zeros(n, dtype=xp.int8)
        self.inf_day = xp.full(n, -1, dtype=xp.int16)
        self.found = xp.zeros(n, dtype=bool)
        self.hosp_iso = xp.zeros(n, dtype=bool)
        self.gone = xp.zeros(n, dtype=bool)  # in hospital isolation or dead: in no layer
        self.hosp_count = 0
        self.plan_cat = xp.zeros(n, dtype=xp.int8)
        self.anchor = xp.zeros(n, dtype=xp.int16)
        self.phase = xp.zeros(n, dtype=xp.int8)
        self.reports: dict[int, Any] = {}
        self.active = xp.zeros(0, dtype=xp.int64)
        self.counts = [n, 0, 0, 0, 0]
        self.hh_start = xp.searchsorted(self.city.household, xp.arange(self.city.households + 1))
        self.community_size = xp.bincount(self.city.community, minlength=self.city.communities)
        self.community_start = xp.searchsorted(self.city.community, xp.arange(self.city.communities + 1))
        self.venues = Venues(
            xp,
            spec.seed,
            self.params,
            self.city.community,
            self.community_start,
            self.city.communities,
            _members,
        )
        self.unit_start = {
            "building": xp.searchsorted(self.city.building, xp.arange(self.city.buildings + 1)),
            "community": self.community_start,
        }
        self.was_high = {
            "building": xp.zeros(self.city.buildings, dtype=bool),
            "community": xp.zeros(self.city.communities, dtype=bool),
        }
        in_group = self.city.group >= 0
        self.group_order = xp.nonzero(in_group)[0][xp.argsort(self.city.group[in_group], kind="stable")]
        sizes = xp.bincount(self.city.group[in_group], minlength=self.city.groups)
        self.group_start = xp.concatenate([xp.zeros(1, dtype=xp.int64), xp.cumsum(sizes)])
        self.last_found = {
            "building": xp.full(self.city.buildings, -(10**6), dtype=xp.int32),
            "community": xp.full(self.city.communities, -(10**6), dtype=xp.int32),
        }
        horizon = spec.days + 128
        self.ward_diff = xp.zeros(horizon, dtype=xp.int64)
        self.icu_diff = xp.zeros(horizon, dtype=xp.int64)
        self.onsets = xp.zeros(horizon, dtype=xp.int64)
        self.ward_in = xp.zeros(horizon, dtype=xp.int64)
        self.icu_in = xp.zeros(horizon, dtype=xp.int64)
        self.trace_queue: dict[int, Any] = {}
        self.pool_due: dict[int, Any] = {}  # day → members of positive pools retested single-tube that day
        self.band_due: dict[int, Any] = {}  # day → entrants retested after a result in the Ct band (section 3)
        self.ended: dict[int, Any] = {}  # day → infections that ended that day (their Ct tail follows)
        self.held_ids = xp.zeros(0, dtype=xp.int64)  # members of positive pools held today (temporary control)
        self.high_ids: Any = None  # people in a high-risk area at the end of the day
        self.counted = xp.zeros(0, dtype=xp.int64)
        self.series = {name: np.zeros(spec.days, dtype=np.int64) for name in SERIES}
        self.found_community = np.zeros(spec.days, dtype=np.int64)  # found outside centralized isolation, by day
        self.found_unplanned = np.zeros(spec.days, dtype=np.int64)  # ... and under no plan (source, chain unclear)
        self.building_size = xp.bincount(self.city.building, minlength=self.city.buildings)
        self.versions: list[str] = []
        self.beta = self._beta()
        self.susceptibility = (self.beta * (1.0 - self.city.protection)).astype(xp.float32)
        self.max_susceptibility = float(self.susceptibility.max())
        self.t = 0
        self._seed_infections()

    # ---- set-up ----------------------------------------------------------------------------------
    def _beta(self) -> float:
        """The transmission rate per weighted contact-day that gives R0 (`next_generation_r0`), by bisection. (A rate
        counted as if every contact-day were a new person gave R0 = 3.5 for a nominal 3.9; bench/sim_covasim.py
        measured it.)"""
        target = self.params.r0
        low, high = 0.0, 1.0
        while self.next_generation_r0(high) < target:
            high *= 2.0
        for _ in range(60):
            mid = (low + high) / 2.0
            low, high = (mid, high) if self.next_generation_r0(mid) < target else (low, mid)
        return (low + high) / 2.0

    def next_generation_r0(self, beta: float) -> float:
        """A first case's expected infections in this city, fully susceptible, at rate `beta`: household members,
        classmates and co-workers are the same people every day, so each of them is infected at most once over the
        infectious days D — a probability 1 - exp(-w β D) per person, averaged over the city's own D, household and
        group sizes; community contacts are other people each day: w β D × the contacts a day."""
        xp, c, p = self.xp, self.city, self.params
        if not hasattr(self, "_r0_terms"):
            hh_size = xp.bincount(c.household, minlength=c.households)
            in_group = c.group >= 0
            g_size = xp.bincount(c.group[in_group], minlength=c.groups)
            household = float((hh_size[c.household] - 1).mean())
            group = float(xp.where(in_group, g_size[xp.maximum(c.group, 0)] - 1, 0).mean())
            counts = np.asarray(xp.bincount(c.infectious.astype(xp.int64)).tolist(), dtype=np.float64)
            self._r0_terms = (household, group, counts / counts.sum(), np.arange(counts.size, dtype=np.float64))
        household, group, share, days = self._r0_terms
        saturating = household * (1.0 - np.exp(-p.household_weight * beta * days))
        saturating += group * (1.0 - np.exp(-p.group_weight * beta * days))
        mean_days = float((share * days).sum())
        return float((share * saturating).sum()) + p.community_weight * COMMUNITY_CONTACTS * beta * mean_days

    def _seed_infections(self) -> None:
        xp = self.xp
        ids = xp.arange(self.city.n, dtype=xp.int64)
        u = crn.uniform(xp, crn.key(self.spec.seed, Purpose.seed_infection), ids)
        share = max(self.params.seeds_per_100k / 1e5, 1.0 / self.city.n)
        first = xp.nonzero(u < share)[0]
        if first.size == 0:
            first = ids[:1]
        self._infect(first, 0)
        self.seeded = int(first.size)

    def _infect(self, who: Any, t: int) -> None:
        xp, c, p = self.xp, self.city, self.params
        self.state[who] = EXPOSED
        self.inf_day[who] = t
        onset = t + c.latent[who].astype(xp.int64)
        u = crn.uniform(xp, crn.key(self.spec.seed, Purpose.report), who)
        reported = c.symptomatic[who] & (u < p.report_probability)
        for day in xp.unique(onset[reported] + p.report_delay_days).tolist():
            due = who[reported & (onset + p.report_delay_days == day)]
            self.reports[day] = xp.concatenate([self.reports[day], due]) if day in self.reports else due
        self.active = xp.concatenate([self.active, who])
        self.counts[SUSCEPTIBLE] -= int(who.size)
        self.counts[EXPOSED] += int(who.size)
        admit = onset + c.admission_delay
        top = self.ward_diff.size - 1
        symptomatic = c.symptomatic[who]
        if bool(symptomatic.any()):
            xp.add.at(self.onsets, xp.minimum(onset[symptomatic], top), 1)
        for diff, admitted, needs, stay in (
            (self.ward_diff, self.ward_in, c.inpatient, c.stay),
            (self.icu_diff, self.icu_in, c.icu, c.icu_stay),
        ):
            sel = needs[who]
            if bool(sel.any()):
                a = xp.minimum(admit[sel], top)
                xp.add.at(diff, a, 1)
                xp.add.at(admitted, a, 1)
                xp.add.at(diff, xp.minimum(a + stay[who][sel], top), -1)

    # ---- the day ---------------------------------------------------------------------------------
    def step(self) -> None:
        xp, c, p, t = self.xp, self.city, self.params, self.t
        today = self.spec.start + timedelta(days=t)
        rules = self.rules_on(today)
        self.versions.append(rules.version)
        out = dict.fromkeys(SERIES, 0)
        seed = self.spec.seed

        # 0. close contacts of the cases found `trace_delay_days` ago: household members and classmates or
        #    co-workers (coverage), managed from their last exposure (the case's finding), from today; and the people
        #    who scanned a venue a case scanned within the co-presence minutes inside its look-back window, managed
        #    from that visit (their last exposure; a later one kept)
        cases = self.trace_queue.pop(t - p.trace_delay_days, None)
        close = CATEGORY_CODES[Category.close_contact]
        if cases is not None and close in rules.plans:
            found_on = t - p.trace_delay_days
            contacts = self._contacts(cases, t)
            met, met_on = self._venue_contacts(cases, found_on, rules)
            if met.size:
                only = ~xp.isin(met, contacts)  # a household member or co-worker too: last exposed at the finding
                met, met_on = met[only], met_on[only]
                later = (self.plan_cat[met] == close) & (self.anchor[met].astype(xp.int64) > met_on)
                self.plan_cat[met] = close
                self.anchor[met] = xp.where(later, self.anchor[met].astype(xp.int64), met_on).astype(xp.int16)
                out["new_venue_contacts"] = int(met.size)
            if contacts.size:
                self.plan_cat[contacts] = close
                self.anchor[contacts] = found_on
            if met.size:
                contacts = xp.concatenate([contacts, met])
            if contacts.size:
                out["new_close_contacts"] = int(contacts.size)
                second = CATEGORY_CODES[Category.secondary_close_contact]
                if rules.secondary:
                    sec = _members(xp, self.hh_start, xp.unique(c.household[contacts]))
                    sec = sec[(self.plan_cat[sec] == 0) & ~self.found[sec] & (self.state[sec] != DEAD)]
                    self.plan_cat[sec] = second
                    self.anchor[sec] = t
                    out["new_secondary_contacts"] = int(sec.size)

        # 0b. entrants arriving today (measure 10): the same people under every policy (common random numbers); a
        #     share infected on arrival; under the entrants' plan where the version has one, else free in the city
        arrivals = self._arrivals(t)
        imported = xp.zeros(0, dtype=xp.int64)
        if arrivals.size:
            out["new_entrants"] = int(arrivals.size)
            entry = CATEGORY_CODES[Category.entry_personnel]
            if entry in rules.plans:
                self.plan_cat[arrivals] = entry
                self.anchor[arrivals] = t
            fresh = arrivals[self.state[arrivals] == SUSCEPTIBLE]
            u = crn.uniform(xp, crn.key(seed, Purpose.entrant_infected, t), fresh)
            imported = fresh[u < p.entrant_infected_share]
            out["imported_infections"] = int(imported.size)
            out["past_infected_entrants"] = self._past_infected_entrants(fresh[u >= p.entrant_infected_share], t)

        # 1. plans: today's phase of everyone under one, by the plan of the rules in force today (recomputed from
        #    its anchor: the transition of a new version; a category no longer managed is released)
        self.phase[:] = 0
        managed = xp.nonzero(self.plan_cat > 0)[0]
        tested: list[Any] = []
        release: list[Any] = []
        entry_code = CATEGORY_CODES[Category.entry_personnel]
        if managed.size:
            cats = self.plan_cat[managed]
            for code in CATEGORY_CODES.values():
                sel = managed[cats == code]
                if sel.size == 0:
                    continue
                table = rules.plans.get(code)
                if table is None:
                    self.plan_cat[sel] = 0
                    continue
                pos = t - self.anchor[sel].astype(xp.int64) - table.offset
                length = len(table.kinds)
                ended = pos >= length
                self.plan_cat[sel[ended]] = 0
                inside = (pos >= 0) & ~ended
                kinds = xp.asarray(np.asarray(table.kinds, dtype=np.int8))
                tests = xp.asarray(np.asarray(table.tests, dtype=bool))
                self.phase[sel[inside]] = kinds[pos[inside]]
                tested.append(sel[inside][tests[pos[inside]]])
                if code == entry_code and table.release_index >= 0:
                    release.append(sel[inside][pos[inside] == table.release_index])
        if managed.size and rules.ineligible_centralized:
            # section 3: who cannot isolate at home spends the plan's home-isolation days in centralized isolation
            moved = managed[(self.phase[managed] == 2) & c.home_ineligible[managed]]
            self.phase[moved] = 1

        # 1b. single tubes: the plans' tests, the retests of yesterday's positive pools, and the retests of entrants
        #     whose result fell in the band (section 3), each read by its Ct as `rules.ct` reads it
        pool_due = self.pool_due.pop(t, None)
        band_due = self.band_due.pop(t, None)
        singles = [*tested]
        if pool_due is not None:
            out["pool_retests"] = int(pool_due.size)
            singles.append(pool_due)
        if band_due is not None:
            out["band_retests"] = int(band_due.size)
            singles.append(band_due)
        test_ids = xp.unique(xp.concatenate(singles)) if singles else xp.zeros(0, dtype=xp.int64)
        test_ids = test_ids[~self.gone[test_ids]]
        out["tubes"] += int(test_ids.size)
        positive = self._read_singles(test_ids, band_due, release, rules, out)

        # 2. area screening: everyone in a high-risk area as the day begins is tested (daily: an assumption), in
        #    pools of the largest size the version allows up to the preferred one, by building
        self.held_ids = xp.zeros(0, dtype=xp.int64)
        inside = self.high_ids
        if inside is not None and rules.area_unit is not None:
            inside = xp.sort(inside[~self.gone[inside] & (self.phase[inside] != 1)])
            positive = xp.concatenate([positive, self._pooled(inside, rules, out, 0)])
            test_ids = xp.concatenate([test_ids, inside])

        # 2b. area-wide testing as the county proposes it and the rule allows it (`review_campaign`; by default a
        #     round a day where the version allows one: everyone in the city once, no one twice, m20.6), pooled by
        #     building; a refused proposal is trimmed to what the rule allows (guarded) or run whole as over-reach
        #     (unguarded). A second or third round tests the same people again, each round's tubes their own
        rounds = self._campaign_today(rules, t)
        if rounds.run:
            out["campaign_rounds"] = rounds.run
            for k in range(rounds.run):
                positive = xp.concatenate([positive, self._campaign(test_ids, rules, out, k)])
        out["campaign_refused"] = rounds.refused
        out["campaign_overreach"] = rounds.overreach
        if rounds.refused:
            for clause in rounds.clauses:
                self.refusals[clause] = self.refusals.get(clause, 0) + 1
        if self.held_ids.size:
            self.held_ids = xp.unique(self.held_ids)
            out["held"] = int(self.held_ids.size)

        # 3. found: positive tests, and symptomatic infections reported; a positive whose infection is over (a
        #    missed one, in its Ct tail) is found too — the rules read a tube, not a course of infection
        reported = self.reports.pop(t, xp.zeros(0, dtype=xp.int64))
        new = xp.unique(xp.concatenate([positive, reported]))
        state = self.state[new]
        late = new[~self.found[new] & (state == RECOVERED)]
        if late.size:
            self.found[late] = True
            out["found_after_recovery"] = int(late.size)
        new = new[~self.found[new] & ((state == EXPOSED) | (state == INFECTIOUS))]
        if new.size:
            self.found[new] = True
            by_test = ~xp.isin(new, reported)
            out["found_by_test"] = int(by_test.sum())
        traced = xp.concatenate([new, late]) if late.size else new
        if traced.size:
            counted = traced[self.phase[traced] != 1]  # found in centralized isolation: no risk area (excluded finding)
            self.counted = counted
            self.found_community[t] = int(counted.size)
            self.found_unplanned[t] = int((self.plan_cat[counted] == 0).sum())
            if rules.area_unit is not None:
                unit = self.last_found[rules.area_unit]
                unit[getattr(c, rules.area_unit)[counted]] = t
            if rules.transferred:
                fresh = int((~self.hosp_iso[new]).sum())
                self.hosp_iso[new] = True
                self.gone[new] = True
                self.hosp_count += fresh
                self.plan_cat[traced] = 0
                self.phase[traced] = 0
            else:
                home = CATEGORY_CODES[Category.mild_infection]
                if home in rules.plans:
                    self.plan_cat[traced] = home
                    self.anchor[traced] = t
            self.trace_queue[t] = traced
        else:
            self.counted = traced
        out["found"] = int(new.size)

        # 4. high-risk areas: high from the day an infection is found in the unit until the clean days have passed
        #    (the downgrade takes effect the day after the last clean day, as rules.risk_area counts)
        #    then medium-risk for further clean days where the version downgrades to medium (the 9th edition)
        in_high = None
        in_medium = None
        self.highs: dict[str, Any] = {}
        if rules.area_unit is not None and rules.clean_days is not None:
            highs = {u: (t - last) <= rules.clean_days for u, last in self.last_found.items()}
            self.highs = highs
            areas = int(highs["building"].sum() + highs["community"].sum())
            if areas:
                in_high = highs["building"][c.building] | highs["community"][c.community]
                out["high_risk_areas"] = areas
                out["new_spillover"] = self._spill_over(rules, highs, t)
            if rules.medium_days is not None:
                top = rules.clean_days + rules.medium_days
                mediums = {
                    u: ((t - last) > rules.clean_days) & ((t - last) <= top) for u, last in self.last_found.items()
                }
                count = int(mediums["building"].sum() + mediums["community"].sum())
                if count:
                    in_medium = mediums["building"][c.building] | mediums["community"][c.community]
                    if in_high is not None:
                        in_medium &= ~in_high
                    out["medium_risk_areas"] = count
            self.was_high = highs
        else:
            self.was_high = {u: xp.zeros_like(v) for u, v in self.was_high.items()}

        # 5. transmission: the force of infection on the susceptible under some force, and their draws
        #    (a medium-risk area's people stay inside it: no class or work, the community kept)
        removed = self.gone | (self.phase == 1)
        self.high_ids = None
        if in_high is not None:
            self.high_ids = xp.nonzero(in_high & ~removed)[0]
            out["people_in_high_risk"] = int(self.high_ids.size)
        if in_medium is not None:
            medium_ids = xp.nonzero(in_medium & ~removed)[0]
            out["people_in_medium_risk"] = int(medium_ids.size)
            self.high_ids = medium_ids if self.high_ids is None else xp.concatenate([self.high_ids, medium_ids])
        goes_out = ~removed
        if managed.size or in_high is not None:
            goes_out &= self.phase != 2
            if in_high is not None:
                goes_out &= ~in_high
        in_community = goes_out & (self.phase != 3) if managed.size else goes_out
        if in_medium is not None:
            in_community = in_community | (in_medium & ~removed & (self.phase != 2))
            goes_out &= ~in_medium
        if self.held_ids.size:
            # a positive pool's members under temporary control until their retest: at home today
            goes_out = goes_out.copy()
            goes_out[self.held_ids] = False
            in_community = in_community.copy()
            in_community[self.held_ids] = False
        self.venues.remember(t, in_community)
        active = self.active
        src = active[self.state[active] == INFECTIOUS]
        src = src[~removed[src]]
        infected = xp.zeros(0, dtype=xp.int64)
        if src.size:
            hh_i = xp.bincount(c.household[src], minlength=c.households)
            g_src = src[goes_out[src] & (c.group[src] >= 0)]
            g_i = xp.bincount(c.group[g_src] + 1, minlength=c.groups + 1)
            g_i[0] = 0
            c_src = src[in_community[src]]
            c_i = xp.bincount(c.community[c_src], minlength=c.communities)
            staying = xp.nonzero(~in_community)[0]
            c_n = xp.maximum(self.community_size - xp.bincount(c.community[staying], minlength=c.communities), 1)
            # the local contacts less the venues' share (made at venues: `sim.venues`, the same contacts in expectation)
            local = (1.0 - p.citywide_share) * (1.0 - p.venue_share if self.venues.transmits else 1.0)
            pressure = (p.community_weight * COMMUNITY_CONTACTS * local * c_i / c_n).astype(xp.float32)
            at_venues = self.venues.infectious_visitors(c_src, t, c_n)
            hh_w = (p.household_weight * hh_i).astype(xp.float32)
            g_w = (p.group_weight * g_i).astype(xp.float32)
            c_hit = xp.nonzero(c_i)[0]
            key = crn.key(seed, Purpose.infection, t)
            if int(self.community_size[c_hit].sum()) > c.n // 4:
                # much of the city under some force: everyone at once, contiguous gathers (people are in household
                # and community order), a block of people at a time so that the day's temporaries stay bounded
                parts = []
                for lo in range(0, c.n, DENSE_BLOCK):
                    block = slice(lo, min(lo + DENSE_BLOCK, c.n))
                    force = hh_w[c.household[block]]
                    force += pressure[c.community[block]] * in_community[block]
                    force += g_w[c.group[block] + 1] * goes_out[block]
                    reach = force > 0
                    if at_venues is not None and p.venue_share >= 1.0:  # no mass action left to mark them
                        reach |= self.venues.reached(at_venues, c.community[block]) & in_community[block]
                    cand = xp.nonzero(reach & (self.state[block] == SUSCEPTIBLE) & ~removed[block])[0]
                    force = force[cand]
                    cand = cand + lo
                    if at_venues is None:
                        parts.append(self._draw_infections(key, cand, force))
                        continue
                    venue = self.venues.force(at_venues, cand, in_community, t)
                    force += venue
                    drawn, there = self._draw_venue_infections(key, cand, force, venue)
                    parts.append(drawn)
                    out["venue_infections"] += there
                infected = xp.concatenate(parts) if len(parts) > 1 else parts[0]
            else:
                # a few places: only the members of households, groups and communities with an infectious person
                mark = xp.zeros(c.n, dtype=bool)
                mark[_members(xp, self.hh_start, xp.unique(c.household[src]))] = True
                g_hit = xp.nonzero(g_i)[0]
                if g_hit.size:
                    mark[self.group_order[_members(xp, self.group_start, g_hit - 1)]] = True
                if c_hit.size:
                    mark[_members(xp, self.community_start, c_hit)] = True
                mark &= self.state == SUSCEPTIBLE
                mark &= ~removed
                cand = xp.nonzero(mark)[0]
                force = hh_w[c.household[cand]]
                force += pressure[c.community[cand]] * in_community[cand]
                force += g_w[c.group[cand] + 1] * goes_out[cand]
                if at_venues is None:
                    keep = force > 0
                    infected = self._draw_infections(key, cand[keep], force[keep])
                else:
                    venue = self.venues.force(at_venues, cand, in_community, t)
                    force += venue
                    keep = force > 0
                    infected, out["venue_infections"] = self._draw_venue_infections(
                        key, cand[keep], force[keep], venue[keep]
                    )
            city_goers = in_community if in_medium is None else in_community & ~in_medium
            city_src = int(city_goers[src].sum())
            if city_src and p.citywide_share > 0:
                crowd = c.n - int(staying.size) - (int((in_medium & ~removed).sum()) if in_medium is not None else 0)
                rate = p.community_weight * COMMUNITY_CONTACTS * p.citywide_share * city_src / max(crowd, 1)
                infected = xp.union1d(infected, self._citywide(rate, city_goers, removed, t))
        out["new_infections"] = int(infected.size) + (self.seeded if t == 0 else 0)
        if imported.size:
            out["new_infections"] += int((~xp.isin(imported, infected)).sum())

        # 6. the course of infection: exposed → infectious → recovered or dead (the next day's state)
        since = t + 1 - self.inf_day[active].astype(xp.int64)
        lat = c.latent[active]
        becomes = active[(self.state[active] == EXPOSED) & (since >= lat)]
        self.state[becomes] = INFECTIOUS
        ended = since >= lat + c.infectious[active]
        over = active[ended]
        self.active = active[~ended]
        if over.size:
            dies = c.dies[over]
            self.state[over] = xp.where(dies, DEAD, RECOVERED).astype(xp.int8)
            out["deaths"] = int(dies.sum())
            out["missed"] = int((~self.found[over]).sum())
            self.hosp_count -= int(self.hosp_iso[over].sum())
            self.hosp_iso[over] = False
            self.gone[over] = dies
            self.counts[RECOVERED] += int(over.size) - out["deaths"]
            self.counts[DEAD] += out["deaths"]
            self.ended[t] = xp.concatenate([self.ended[t], over[~dies]]) if t in self.ended else over[~dies]
        self.ended.pop(t - p.ct_tail_days - 2, None)
        self.counts[EXPOSED] -= int(becomes.size)
        self.counts[INFECTIOUS] += int(becomes.size) - int(over.size)
        if imported.size:
            infected = xp.concatenate([infected[~xp.isin(infected, imported)], imported])
        if infected.size:
            self._infect(infected, t)

        # 7. the day's counts (after the day: states as they stand at night)
        for i, name in enumerate(STATES):
            out[name] = self.counts[i]
        if managed.size:
            phases = xp.bincount(self.phase[managed], minlength=5)
            for i, name in enumerate(PHASE_SERIES, start=1):
                out[name] = int(phases[i])
        out["room_nights"] = out["centralized_isolation"]
        if out["room_nights"]:
            rooms = xp.bincount(self.plan_cat[managed][self.phase[managed] == 1], minlength=len(CATEGORY_CODES) + 1)
            out["room_nights_close_contacts"] = int(rooms[CATEGORY_CODES[Category.close_contact]])
            out["room_nights_entrants"] = int(rooms[CATEGORY_CODES[Category.entry_personnel]])
            out["room_nights_spillover"] = int(rooms[CATEGORY_CODES[Category.high_risk_spillover]])
        out["hospital_isolated"] = self.hosp_count
        out["ward_beds"] = int(self.ward_diff[: t + 1].sum())
        out["icu_beds"] = int(self.icu_diff[: t + 1].sum())
        out["new_symptomatic"] = int(self.onsets[t])
        out["ward_admissions"] = int(self.ward_in[t])
        out["icu_admissions"] = int(self.icu_in[t])
        for name, value in out.items():
            self.series[name][t] = value
        self.t += 1

    def _contacts(self, cases: Any, t: int) -> Any:
        """Household members and classmates or co-workers of `cases` found by tracing (coverage by layer)."""
        xp, c, p = self.xp, self.city, self.params
        stream = crn.key(self.spec.seed, Purpose.trace, t)
        households = xp.unique(c.household[cases])
        cand_h = _members(xp, self.hh_start, households)
        cand_h = cand_h[crn.uniform(xp, stream, cand_h) < p.trace_coverage_household]
        groups = xp.unique(c.group[cases])
        groups = groups[groups >= 0]
        cand_g = self.group_order[_members(xp, self.group_start, groups)]
        cand_g = cand_g[crn.uniform(xp, stream, cand_g) < p.trace_coverage_group]
        found = xp.unique(xp.concatenate([cand_h, cand_g]))
        return found[~self.found[found] & (self.state[found] != DEAD)]

    def _venue_contacts(self, cases: Any, found_on: int, rules: DayRules) -> tuple[Any, Any]:
        """The people who scanned a venue one of `cases` (found on `found_on`) scanned, on a day of its window —
        from `tracing.look_back_days` before its onset (where it had symptoms by then) or its sampling (the finding)
        up to the finding — at most the co-presence minutes apart (`venue_gap_slots`; measure 2,
        rules.tracing.venue_candidates); each with the day of their latest shared visit. None where the version
        traces no venues (`tracing.venue_co_presence_minutes` null: Class B)."""
        xp, c = self.xp, self.city
        if rules.venue_gap_slots is None or rules.look_back_days is None or not self.venues.on:
            return xp.zeros(0, dtype=xp.int64), xp.zeros(0, dtype=xp.int64)
        onset = self.inf_day[cases].astype(xp.int64) + c.latent[cases].astype(xp.int64)
        anchor = xp.where(c.symptomatic[cases] & (onset <= found_on), onset, found_on)
        met, met_on = self.venues.co_visitors(cases, anchor - rules.look_back_days, found_on, rules.venue_gap_slots)
        keep = ~self.found[met] & (self.state[met] != DEAD)
        return met[keep], met_on[keep]

    def _draw_venue_infections(self, key: int, cand: Any, force: Any, venue: Any) -> tuple[Any, int]:
        """`_draw_infections` (the same draws), and how many of the infected were infected at a venue: each by its
        own draw u, at a venue where u falls in the venue force's share of its probability of infection (competing
        forces: P(at a venue) = (1 − e^(−f)) × f_v / f)."""
        xp = self.xp
        f = force * self.susceptibility[cand]
        u = crn.uniform(xp, key, cand)
        chance = -xp.expm1(-f)
        hit = u < chance
        share = venue[hit] / force[hit]
        return cand[hit], int((u[hit] < chance[hit] * share).sum())

    def _draw_infections(self, key: int, cand: Any, force: Any) -> Any:
        """Who of `cand`, under `force` (weighted infectious contacts today), is infected: each person's own draw."""
        xp = self.xp
        f = force * self.susceptibility[cand]
        u = crn.uniform(xp, key, cand)
        return cand[u < -xp.expm1(-f)]

    def _campaign_today(self, rules: DayRules, t: int) -> RoundsToday:
        """Today's rounds of area-wide testing: the county's proposal (`sim.local_rules.LocalCampaign`; by default
        a round a day where the version allows one) reviewed by the engine's rule (`review_campaign`, scope all
        residents) with the day's facts — an outbreak: an infection found outside centralized isolation within the
        last clean rounds (`testing_campaign.clean_rounds_to_stop`, else the parameter); the source and the chain
        unclear: infections found under no plan in that window; long community transmission: found under no plan
        on `long_transmission_days` of the last 7 days."""
        window = rules.campaign_clean_rounds or self.params.campaign_clean_rounds
        facts = campaign_facts(
            self.found_community, self.found_unplanned, t, window, self.params.long_transmission_days
        )
        return self.guard.today(rules, facts)

    def _campaign(self, tested: Any, rules: DayRules, out: dict[str, int], round_index: int = 0) -> Any:
        """One round: everyone not in hospital isolation, not dead, not in centralized isolation (tested by their
        plan) and not tested already today, pooled by building. Returns the positives it finds (single tubes where
        the version pools nothing; a positive pool's members are held and retested instead)."""
        xp = self.xp
        skip = self.gone | (self.phase == 1)
        skip[tested] = True
        people = xp.nonzero(~skip)[0]
        before = out["tubes"]
        found = self._pooled(people, rules, out, round_index)
        out["campaign_tubes"] += out["tubes"] - before
        return found

    def _ct(self, who: Any, salt: int = 0) -> Any:
        """The Ct of one tube of each of `who` today (`NOT_DETECTED` where no target is): each person's own curve —
        from the first infectious day down to their peak (`ct_peak_mean`, spread `ct_peak_sd`) in
        `ct_proliferation_days`, up to 35 when infectiousness ends, then to 40 over `ct_tail_days` (the band the
        notices call a past infection) — plus the tube's own noise; a swab that collects no virus
        (`test_sensitivity`) detects nothing. The same person's tube reads the same under every policy."""
        xp, c, p, t = self.xp, self.city, self.params, self.t
        ct = xp.full(who.size, NOT_DETECTED, dtype=xp.float64)
        state = self.state[who]
        infected = (state != SUSCEPTIBLE) & (state != DEAD)
        if not bool(infected.any()):
            return ct
        ids = who[infected]
        d = (t - self.inf_day[ids].astype(xp.int64)).astype(xp.float64)
        start = c.latent[ids].astype(xp.float64)
        length = c.infectious[ids].astype(xp.float64)
        end = start + length
        peak_day = start + xp.minimum(p.ct_proliferation_days, length - 0.5)
        peak = p.ct_peak_mean + p.ct_peak_sd * crn.normal(xp, crn.key(self.spec.seed, Purpose.ct_peak), ids)
        peak = xp.clip(peak, 12.0, 34.0)
        rising = 40.0 - (40.0 - peak) * (d - start + 1.0) / (peak_day - start + 1.0)
        falling = peak + (35.0 - peak) * (d - peak_day) / xp.maximum(end - peak_day, 1.0)
        tail = 35.0 + 5.0 * (d - end) / p.ct_tail_days
        curve = xp.where(d < peak_day, rising, xp.where(d < end, falling, tail))
        curve = xp.where((d < start) | (d >= end + p.ct_tail_days), NOT_DETECTED, curve)
        day = t * 4 + salt
        curve = curve + p.ct_noise_sd * crn.normal(xp, crn.key(self.spec.seed, Purpose.ct_noise, day), ids)
        swab = crn.uniform(xp, crn.key(self.spec.seed, Purpose.test, day), ids) < p.test_sensitivity
        ct[infected] = xp.where(swab, curve, NOT_DETECTED)
        return ct

    def _read_singles(self, who: Any, band_due: Any, release: list[Any], rules: DayRules, out: dict[str, int]) -> Any:
        """Single tubes read as `rules.ct.adjudicate_ct` reads them (`CtRules.judge`): returns the positives;
        schedules the band's retests; puts the entrants judged past infections under their plan (m20.s3)."""
        xp, t = self.xp, self.t
        if who.size == 0:
            return who
        ct = self._ct(who)
        follows = xp.isin(who, band_due) if band_due is not None else xp.zeros(who.size, dtype=bool)
        # an entrant: under the entrants' plan, or the past-infection plan only entrants get (`rules.ct.ct_context`)
        cat = self.plan_cat[who]
        past_code = CATEGORY_CODES[Category.past_infection_ct35_40]
        entrant = (cat == CATEGORY_CODES[Category.entry_personnel]) | (cat == past_code)
        at_release = xp.isin(who, xp.concatenate(release)) if release else xp.zeros(who.size, dtype=bool)
        outcome = rules.ct.judge(ct, entrant, follows, at_release, xp)
        retest = who[outcome == RETEST]
        if retest.size:
            due = t + rules.ct.retest_days
            self.band_due[due] = xp.concatenate([self.band_due[due], retest]) if due in self.band_due else retest
        past = who[(outcome == PAST_INFECTION) & (cat != past_code)]  # judged again under its plan: the plan holds
        if past.size:
            out["past_infections"] = int(past.size)
            if past_code in rules.plans:
                self.plan_cat[past] = past_code
                self.anchor[past] = t
        return who[outcome == POSITIVE]

    def _pooled(self, people: Any, rules: DayRules, out: dict[str, int], round_index: int) -> Any:
        """Tubes of `people` (sorted by id, so each building's are together) pooled by building in pools of the
        largest size the version allows up to the preferred one (`pool.sizes`). A pool reads as its lowest member's
        Ct diluted log2(its size) cycles, with the kit's cut-off (`rules.pooling.pool_result`); a positive pool's
        members are held where `pool.positive_members_held` says so and retested single-tube the next day. Where
        the version pools nothing, each tube is read alone: returns those positives."""
        xp, c, p, t = self.xp, self.city, self.params, self.t
        pool = pool_size(rules.pool_sizes, p.preferred_pool)
        starts = xp.searchsorted(people, self.unit_start["building"])
        counts = starts[1:] - starts[:-1]
        tubes = -(-counts // pool)
        out["tubes"] += int(tubes.sum())
        out["pooled_tubes"] += int(tubes[counts > 1].sum()) if pool > 1 else 0
        cand = self._infected_now()
        if cand.size == 0 or people.size == 0:
            return xp.zeros(0, dtype=xp.int64)
        pos = xp.minimum(xp.searchsorted(people, cand), people.size - 1)
        keep = people[pos] == cand
        cand, pos = cand[keep], pos[keep]
        ct = self._ct(cand, round_index)
        seen = ct < NOT_DETECTED
        cand, pos, ct = cand[seen], pos[seen], ct[seen]
        if pool == 1 or cand.size == 0:
            return cand[rules.ct.pool_positive(ct)] if cand.size else cand
        b = c.building[cand]
        rank = pos - starts[b]
        first = pos - rank % pool
        size = xp.minimum(pool, starts[b + 1] - first)
        order = xp.lexsort(xp.stack([ct, first.astype(xp.float64)]))  # by pool, then its lowest Ct first
        first, size, ct = first[order], size[order], ct[order]
        heads = xp.concatenate([xp.ones(1, dtype=bool), first[1:] != first[:-1]])
        diluted = ct[heads] + xp.log2(size[heads].astype(xp.float64))
        hit = rules.ct.pool_positive(diluted)
        if not bool(hit.any()):
            return xp.zeros(0, dtype=xp.int64)
        out["positive_pools"] += int(hit.sum())
        members = people[_ranges(xp, first[heads][hit], size[heads][hit])]
        if rules.ct.pool_hold:
            self.held_ids = xp.concatenate([self.held_ids, members])
        due = t + 1
        self.pool_due[due] = xp.concatenate([self.pool_due[due], members]) if due in self.pool_due else members
        return xp.zeros(0, dtype=xp.int64)

    def _infected_now(self) -> Any:
        """Everyone whose tube could hold virus today: infections in course and those ended within the Ct tail."""
        xp = self.xp
        parts = [self.active]
        for day in range(self.t - self.params.ct_tail_days - 1, self.t + 1):
            if day in self.ended:
                parts.append(self.ended[day])
        return xp.unique(xp.concatenate(parts))

    def _citywide(self, rate: float, goers: Any, removed: Any, t: int) -> Any:
        """Infections from the city-wide share of community contacts (markets, transit, eating out): a force `rate`
        (per weighted contact-day, before susceptibility) on everyone who goes out. Drawn by thinning, so only the
        people it may reach are touched: K = rate × max susceptibility × N picks with replacement (each person picked
        with probability 1 - exp(-rate × max susceptibility)), each pick kept with its own probability's share.
        The picks are a prefix of one keyed sequence, so a policy with more city-wide force picks a superset of the
        people a policy with less picks (common random numbers)."""
        xp, c = self.xp, self.city
        most = rate * self.max_susceptibility
        expected = most * c.n
        whole = int(expected)
        one = xp.zeros(1, dtype=xp.int64)
        extra = crn.uniform(xp, crn.key(self.spec.seed, Purpose.city_count, t), one)[0] < expected - whole
        picks = whole + int(bool(extra))
        if picks == 0:
            return xp.zeros(0, dtype=xp.int64)
        u = crn.uniform(xp, crn.key(self.spec.seed, Purpose.city_pick, t), xp.arange(picks, dtype=xp.int64))
        cand = xp.unique(xp.minimum((u * c.n).astype(xp.int64), c.n - 1))
        cand = cand[(self.state[cand] == SUSCEPTIBLE) & goers[cand] & ~removed[cand]]
        keep = -xp.expm1(-rate * self.susceptibility[cand].astype(xp.float64)) / -np.expm1(-most)
        u = crn.uniform(xp, crn.key(self.spec.seed, Purpose.city_infection, t), cand)
        return cand[u < keep]

    def _arrivals(self, t: int) -> Any:
        """Today's entrants: residents back from abroad, `entrants_per_100k_daily` on average (the fraction of one
        drawn), picked by common random numbers; the dead, the found and people already under a plan are not."""
        xp, c, p = self.xp, self.city, self.params
        expected = p.entrants_per_100k_daily * c.n / 1e5
        if expected <= 0:
            return xp.zeros(0, dtype=xp.int64)
        whole = int(expected)
        one = xp.zeros(1, dtype=xp.int64)
        count = whole + int(
            bool(crn.uniform(xp, crn.key(self.spec.seed, Purpose.entrant_count, t), one)[0] < expected - whole)
        )
        if count == 0:
            return xp.zeros(0, dtype=xp.int64)
        u = crn.uniform(xp, crn.key(self.spec.seed, Purpose.entrant, t), xp.arange(count, dtype=xp.int64))
        who = xp.unique(xp.minimum((u * c.n).astype(xp.int64), c.n - 1))
        return who[(self.state[who] != DEAD) & ~self.found[who] & ~self.gone[who] & (self.plan_cat[who] == 0)]

    def _past_infected_entrants(self, fresh: Any, t: int) -> int:
        """Entrants infected abroad weeks ago (`entrant_past_infection_share`): recovered on arrival, somewhere in
        their Ct tail (35 to 40), so their tubes fall in the entrants' retest band (section 3) — the same people
        under every policy."""
        xp, c, p = self.xp, self.city, self.params
        if fresh.size == 0 or p.entrant_past_infection_share <= 0:
            return 0
        u = crn.uniform(xp, crn.key(self.spec.seed, Purpose.entrant_past, t), fresh)
        past = fresh[u < p.entrant_past_infection_share]
        if past.size == 0:
            return 0
        into_tail = crn.uniform(xp, crn.key(self.spec.seed, Purpose.entrant_past_day, t), past) * p.ct_tail_days
        course = c.latent[past].astype(xp.int64) + c.infectious[past].astype(xp.int64)
        self.state[past] = RECOVERED
        self.inf_day[past] = (t - course - into_tail.astype(xp.int64)).astype(xp.int16)
        self.ended[t] = xp.concatenate([self.ended[t], past]) if t in self.ended else past
        self.counts[SUSCEPTIBLE] -= int(past.size)
        self.counts[RECOVERED] += int(past.size)
        return int(past.size)

    def _spill_over(self, rules: DayRules, highs: dict[str, Any], t: int) -> int:
        """Residents outside an area on the day it becomes high-risk (`spillover_share`: at work, away) are managed
        as people who left it (measure 3), anchored on that day, where the version manages them."""
        xp, p = self.xp, self.params
        code = CATEGORY_CODES[Category.high_risk_spillover]
        if code not in rules.plans or p.spillover_share <= 0:
            return 0
        total = 0
        for unit, high in highs.items():
            fresh = xp.nonzero(high & ~self.was_high[unit])[0]
            if fresh.size == 0:
                continue
            people = _members(xp, self.unit_start[unit], fresh)
            people = people[(self.plan_cat[people] == 0) & ~self.found[people] & ~self.gone[people]]
            people = people[self.state[people] != DEAD]
            away = people[crn.uniform(xp, crn.key(self.spec.seed, Purpose.spillover, t), people) < p.spillover_share]
            self.plan_cat[away] = code
            self.anchor[away] = t
            total += int(away.size)
        return total

    def run(self, progress: Callable[[int], None] | None = None) -> RunResult:
        while self.t < self.spec.days:
            self.step()
            if progress is not None:
                progress(self.t)
        c = self.city
        return RunResult(
            spec=self.spec,
            params=_params_dict(self.params),
            series=self.series,
            versions=self.versions,
            local_campaign=self.local,
            refusals=dict(sorted(self.refusals.items())),
            city={
                "people": c.n,
                "households": c.households,
                "buildings": c.buildings,
                "communities": c.communities,
                "groups": c.groups,
            },
        )


def _members(xp: Any, starts: Any, which: Any) -> Any:
    """The positions of the members of `which` in a grouping given by its start offsets (CSR)."""
    first = starts[which]
    return _ranges(xp, first, starts[which + 1] - first)


def _ranges(xp: Any, first: Any, counts: Any) -> Any:
    """The positions first[i] .. first[i] + counts[i] - 1 of every i, one after another."""
    total = int(counts.sum())
    if total == 0:
        return xp.zeros(0, dtype=xp.int64)
    ends = xp.cumsum(counts)
    offset = first - (ends - counts)
    if xp is np:
        shift = np.repeat(offset, counts)
    else:
        # an accelerator's repeat takes its counts from the host (CuPy): each position's segment by a search instead
        shift = offset[xp.searchsorted(ends, xp.arange(total), side="right")]
    return (xp.arange(total) + shift).astype(xp.int64)


def _params_dict(params: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(params).items()}


def simulate(
    spec: RunSpec,
    policy: Policy,
    params: Any = None,
    xp: Any = np,
    progress: Callable[[int], None] | None = None,
    local: LocalCampaign | None = None,
) -> RunResult:
    """One run of `spec` under the rules of `policy` (a version a day, as the schedule says), with a county's own
    area-wide testing proposal `local` where given (reviewed by the over-reach guard)."""
    from fangkong.sim.parameters import SimParameters

    return Simulation(spec, policy, params or SimParameters(), xp, local=local).run(progress)
