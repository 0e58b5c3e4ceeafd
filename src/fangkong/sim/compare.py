"""Several policies over several seeds: the same city and the same random numbers for each policy under one seed
(common random numbers), so a difference between two policies under one seed is the policy's alone; the summary
gives each figure's mean and its 95 % interval over seeds, and each policy's difference from the first, paired by
seed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

import fangkong
from fangkong.errors import InvalidInput
from fangkong.policy import Policy
from fangkong.sim.city import build_city
from fangkong.sim.local_rules import NATIONAL, LocalCampaign
from fangkong.sim.model import DRILL_DAY, RunResult, RunSpec, Simulation
from fangkong.sim.parameters import SimParameters
from fangkong.sim.policy_link import Schedule, check_version

FIGURES: dict[str, Callable[[RunResult], float]] = {
    "infections": lambda r: r.total("new_infections"),
    "found": lambda r: r.total("found"),
    "missed": lambda r: r.total("missed"),
    "close_contacts": lambda r: r.total("new_close_contacts"),
    "venue_contacts": lambda r: r.total("new_venue_contacts"),
    "venue_infections": lambda r: r.total("venue_infections"),
    "room_nights": lambda r: r.total("room_nights"),
    "room_nights_close_contacts": lambda r: r.total("room_nights_close_contacts"),
    "room_nights_entrants": lambda r: r.total("room_nights_entrants"),
    "room_nights_spillover": lambda r: r.total("room_nights_spillover"),
    "room_nights_per_contact": lambda r: (
        r.total("room_nights_close_contacts") / max(r.total("new_close_contacts"), 1.0)
    ),
    "peak_rooms": lambda r: r.peak("room_nights"),
    "tubes": lambda r: r.total("tubes"),
    "peak_tubes_a_day": lambda r: r.peak("tubes"),
    "pooled_tubes": lambda r: r.total("pooled_tubes"),
    "campaign_days": lambda r: float((r.series["campaign_rounds"] > 0).sum()),
    "positive_pools": lambda r: r.total("positive_pools"),
    "held_person_days": lambda r: r.total("held"),
    "pool_retests": lambda r: r.total("pool_retests"),
    "band_retests": lambda r: r.total("band_retests"),
    "past_infections": lambda r: r.total("past_infections"),
    "found_after_recovery": lambda r: r.total("found_after_recovery"),
    "campaign_refused": lambda r: r.total("campaign_refused"),
    "campaign_overreach": lambda r: r.total("campaign_overreach"),
    "high_risk_area_days": lambda r: r.total("high_risk_areas"),
    "peak_high_risk_areas": lambda r: r.peak("high_risk_areas"),
    "peak_medium_risk_areas": lambda r: r.peak("medium_risk_areas"),
    "people_days_in_high_risk": lambda r: r.total("people_in_high_risk"),
    "symptomatic": lambda r: r.total("new_symptomatic"),
    "ward_admissions": lambda r: r.total("ward_admissions"),
    "icu_admissions": lambda r: r.total("icu_admissions"),
    "peak_ward_beds": lambda r: r.peak("ward_beds"),
    "peak_icu_beds": lambda r: r.peak("icu_beds"),
    "deaths": lambda r: r.total("deaths"),
}
"""The summary's figures, each from one run."""

CHARTED = ("new_infections", "room_nights", "tubes", "people_in_high_risk", "ward_beds", "icu_beds", "deaths")
"""The series drawn with their 95 % band over seeds (`series_interval`) besides their mean."""


@dataclass(frozen=True)
class Interval:
    """A figure over seeds: its mean; `low`..`high`, where 95 % of the seeds' values lie (2.5th and 97.5th
    percentiles: what one outbreak may cost); `mean_low`..`mean_high`, the 95 % confidence interval of the mean
    (Student's t over the seeds: what the policy costs on average). For a difference, both are over the differences
    paired by seed."""

    mean: float
    low: float
    high: float
    mean_low: float = 0.0
    mean_high: float = 0.0

    @classmethod
    def of(cls, values: Sequence[float]) -> Interval:
        from scipy.stats import t as student  # type: ignore[import-untyped]

        a = np.asarray(values, dtype=np.float64)
        mean = float(a.mean())
        half = 0.0
        if a.size > 1:
            half = float(student.ppf(0.975, a.size - 1) * a.std(ddof=1) / np.sqrt(a.size))
        return cls(mean, float(np.percentile(a, 2.5)), float(np.percentile(a, 97.5)), mean - half, mean + half)

    def as_json(self) -> dict[str, float]:
        return {
            "mean": round(self.mean, 3),
            "low": round(self.low, 3),
            "high": round(self.high, 3),
            "mean_low": round(self.mean_low, 3),
            "mean_high": round(self.mean_high, 3),
        }


@dataclass
class Comparison:
    policies: tuple[str, ...]
    seeds: tuple[int, ...]
    population: int
    days: int
    start: date
    runs: dict[str, list[RunResult]]
    local_campaign: LocalCampaign = NATIONAL
    summary: dict[str, dict[str, Interval]] = field(default_factory=dict)
    differences: dict[str, dict[str, Interval]] = field(default_factory=dict)
    code_version: str = fangkong.__version__

    def as_json(self) -> dict[str, Any]:
        first = self.runs[self.policies[0]][0]
        return {
            "policies": list(self.policies),
            "seeds": list(self.seeds),
            "population": self.population,
            "days": self.days,
            "start": self.start.isoformat(),
            "parameters": first.params,
            "local_campaign": self.local_campaign.as_json(),
            "refusals": {
                p: {k: float(np.mean([r.refusals.get(k, 0) for r in runs])) for k in _clauses(runs)}
                for p, runs in self.runs.items()
            },
            "code_version": self.code_version,
            "summary": {p: {k: v.as_json() for k, v in figs.items()} for p, figs in self.summary.items()},
            "difference_from_first": {
                p: {k: v.as_json() for k, v in figs.items()} for p, figs in self.differences.items()
            },
            "mean_series": {
                p: {k: np.mean([r.series[k] for r in runs], axis=0).round(3).tolist() for k in runs[0].series}
                for p, runs in self.runs.items()
            },
            "series_interval": {
                p: {
                    k: {
                        "low": np.percentile([r.series[k] for r in runs], 2.5, axis=0).round(3).tolist(),
                        "high": np.percentile([r.series[k] for r in runs], 97.5, axis=0).round(3).tolist(),
                    }
                    for k in CHARTED
                }
                for p, runs in self.runs.items()
            },
        }


def compare(
    policy: Policy,
    policies: Sequence[str],
    *,
    population: int,
    days: int,
    seeds: int,
    first_seed: int = 0,
    start: date = DRILL_DAY,
    params: SimParameters | None = None,
    switches: Sequence[tuple[date, str]] = (),
    xp: Any = np,
    progress: Callable[[], None] | None = None,
    local: LocalCampaign | None = None,
) -> Comparison:
    """Each of `policies` (versions or "none") over `seeds` seeds from `first_seed`, on the same cities; with a
    county's own area-wide testing proposal `local` where given, the same under every policy (each version's rule
    reviews it)."""
    if len(policies) < 2:
        raise InvalidInput("policies", "name two policies or more to compare")
    if isinstance(seeds, bool) or not isinstance(seeds, int) or not 1 <= seeds <= 1000:
        raise InvalidInput("seeds", f"{seeds!r}: 1 to 1000 seeds")
    for name in policies:
        check_version(policy, name, "policies")
    chosen = (params or SimParameters()).check()
    proposal = (local or NATIONAL).check()
    runs: dict[str, list[RunResult]] = {p: [] for p in policies}
    seed_list = tuple(range(first_seed, first_seed + seeds))
    for seed in seed_list:
        city = None
        for name in policies:
            spec = RunSpec(population, days, seed, Schedule(name, tuple(switches)), start).check(policy)
            if city is None:
                city = build_city(population, seed, chosen, policy.for_version(policy.default_version), xp)
            runs[name].append(Simulation(spec, policy, chosen, xp, city=city, local=proposal).run())
            if progress is not None:
                progress()
    out = Comparison(tuple(policies), seed_list, population, days, start, runs, proposal)
    base = runs[policies[0]]
    for name in policies:
        out.summary[name] = {k: Interval.of([f(r) for r in runs[name]]) for k, f in FIGURES.items()}
        if name != policies[0]:
            out.differences[name] = {
                k: Interval.of([f(r) - f(b) for r, b in zip(runs[name], base, strict=True)]) for k, f in FIGURES.items()
            }
    return out


def _clauses(runs: Sequence[RunResult]) -> list[str]:
    """The clauses that refused a round in any of the runs, sorted."""
    return sorted({k for r in runs for k in r.refusals})
