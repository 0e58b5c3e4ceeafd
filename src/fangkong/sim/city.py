"""A synthetic city for the simulator: people with an age, a household, a residential building and a community, a
class or a workplace team, a vaccination status, and their own natural history drawn once (common random numbers).

Everything is drawn from `crn` streams keyed by (seed, purpose) and indexed by person id, so the same seed gives the
same city and the same person the same course of infection under every policy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from fangkong.policy import PolicyAt
from fangkong.policy.terms import AgeBand
from fangkong.rules.bed_projection import projection_parameters
from fangkong.sim import crn
from fangkong.sim.crn import Purpose
from fangkong.sim.parameters import AGE_SHARES, IFR_UNVACCINATED, SYMPTOMATIC, SimParameters

# Household sizes 1..6 (census 2020 shares, 6 and more folded into 6); mean about 2.6.
HOUSEHOLD_SIZES = (1, 2, 3, 4, 5, 6)
HOUSEHOLD_SHARES = (0.254, 0.297, 0.209, 0.132, 0.065, 0.043)
CITY_BLOCK = 1 << 22  # people a block for their own draws: the city's temporaries stay bounded however large it is
BYTES_PER_PERSON = 200  # the city and the run's peak state: 1.7 GB for 10 M people (bench/sim_speed.py), with room


@dataclass(frozen=True)
class City:
    """One array per attribute, indexed by person id (0 .. n - 1)."""

    n: int
    age: Any  # int8 years (80+: 80..94)
    band: Any  # int8 10-year band 0..8
    household: Any  # int32
    building: Any  # int32
    community: Any  # int32
    group: Any  # int32 class or team, -1: none
    vaccinated: Any  # bool: fully vaccinated (two doses or more)
    protection: Any  # float32: protection against infection today, from the doses and their waning
    latent: Any  # int16 days from infection to infectious
    infectious: Any  # int16 days infectious
    symptomatic: Any  # bool
    inpatient: Any  # bool: would need a general ward bed if infected
    icu: Any  # bool: would need an ICU bed if infected
    dies: Any  # bool: would die if infected
    stay: Any  # int16 days in a ward bed
    icu_stay: Any  # int16 days in an ICU bed
    home_ineligible: Any  # bool: the household cannot isolate at home (no room of one's own; a household trait)
    households: int
    buildings: int
    communities: int
    groups: int
    admission_delay: int


def _lognormal_days(xp: Any, stream: int, ids: Any, mean: float, sd: float) -> Any:
    sigma = math.sqrt(math.log(1 + (sd / mean) ** 2))
    mu = math.log(mean) - sigma**2 / 2
    days = xp.rint(xp.exp(mu + sigma * crn.normal(xp, stream, ids)))
    return xp.clip(days, 1, 60).astype(xp.int16)


def _pick(xp: Any, u: Any, shares: tuple[float, ...] | list[float]) -> Any:
    """Index of the share each uniform falls in."""
    cum = np.cumsum(np.asarray(shares, dtype=np.float64))
    cum = cum / cum[-1]
    return xp.minimum(xp.searchsorted(xp.asarray(cum), u, side="right"), len(shares) - 1)


def build_city(n: int, seed: int, params: SimParameters, severity_rules: PolicyAt, xp: Any = np) -> City:
    """The city of `n` people for `seed`. Severity (ward and ICU need by age band and vaccination, lengths of stay)
    is the capacity projection's (`projection.*`, measure 11) in `severity_rules`; the rest is `params`. Each
    person's own draws are made a block of people at a time (`CITY_BLOCK`: the same draws, since each is keyed by the
    person's id), so the temporaries of the draws stay bounded however large the city."""
    band = xp.empty(n, dtype=xp.int8)
    age = xp.empty(n, dtype=xp.int16)
    for lo, hi in _blocks(n):
        ids = xp.arange(lo, hi, dtype=xp.int64)
        b = _pick(xp, crn.uniform(xp, crn.key(seed, Purpose.age), ids), AGE_SHARES).astype(xp.int8)
        within = crn.uniform(xp, crn.key(seed, Purpose.age, 1), ids)
        band[lo:hi] = b
        age[lo:hi] = (b.astype(xp.int16) * 10 + xp.floor(within * xp.where(b == 8, 15, 10))).astype(xp.int16)
    # households: sizes drawn until the population is covered, people in id order
    sizes_n = n // 2 + 2
    sizes = xp.asarray(HOUSEHOLD_SIZES)[
        _pick(xp, crn.uniform(xp, crn.key(seed, Purpose.household), xp.arange(sizes_n)), HOUSEHOLD_SHARES)
    ]
    if xp is np:
        household = np.repeat(np.arange(sizes_n, dtype=np.int32), sizes)[:n]
    else:  # an accelerator's repeat takes its counts from the host (CuPy): each person's household by a search
        household = xp.searchsorted(xp.cumsum(sizes), xp.arange(n), side="right").astype(xp.int32)
    del sizes
    households = int(household[-1]) + 1
    building = (household // params.households_per_building).astype(xp.int32)
    buildings = int(building[-1]) + 1
    community = (building // params.buildings_per_community).astype(xp.int32)
    communities = int(community[-1]) + 1
    # classes (ages 6-19, by community: people are in community order) and workplace teams (20-64, across the city)
    group = xp.full(n, -1, dtype=xp.int32)
    pupils = xp.nonzero((age >= 6) & (age <= 19))[0]
    group[pupils] = (xp.arange(pupils.size) // params.group_size).astype(xp.int32)
    classes = int(-(-pupils.size // params.group_size))
    del pupils
    adults = xp.nonzero((age >= 20) & (age <= 64))[0]
    u_job = crn.uniform(xp, crn.key(seed, Purpose.employed), adults)
    workers = adults[u_job < params.employed_share]
    del adults, u_job
    shuffled = workers[xp.argsort(crn.uniform(xp, crn.key(seed, Purpose.employed, 1), workers))]
    group[shuffled] = (classes + xp.arange(shuffled.size) // params.group_size).astype(xp.int32)
    groups = classes + int(-(-shuffled.size // params.group_size))
    del workers, shuffled
    proj = projection_parameters(severity_rules)
    traits = {
        "vaccinated": xp.empty(n, dtype=bool),
        "protection": xp.empty(n, dtype=xp.float32),
        "latent": xp.empty(n, dtype=xp.int16),
        "infectious": xp.empty(n, dtype=xp.int16),
        "symptomatic": xp.empty(n, dtype=bool),
        "inpatient": xp.empty(n, dtype=bool),
        "icu": xp.empty(n, dtype=bool),
        "dies": xp.empty(n, dtype=bool),
        "stay": xp.empty(n, dtype=xp.int16),
        "icu_stay": xp.empty(n, dtype=xp.int16),
        "home_ineligible": xp.empty(n, dtype=bool),
    }
    for lo, hi in _blocks(n):
        drawn = _traits(xp, seed, params, proj, lo, hi, band[lo:hi], age[lo:hi], household[lo:hi])
        for name, values in drawn.items():
            traits[name][lo:hi] = values
    return City(
        n=n,
        age=age,
        band=band,
        household=household,
        building=building,
        community=community,
        group=group,
        vaccinated=traits["vaccinated"],
        protection=traits["protection"],
        latent=traits["latent"],
        infectious=traits["infectious"],
        symptomatic=traits["symptomatic"],
        inpatient=traits["inpatient"],
        icu=traits["icu"],
        dies=traits["dies"],
        stay=traits["stay"],
        icu_stay=traits["icu_stay"],
        home_ineligible=traits["home_ineligible"],
        households=households,
        buildings=buildings,
        communities=communities,
        groups=groups,
        admission_delay=proj.admission_delay_days,
    )


def _blocks(n: int) -> list[tuple[int, int]]:
    return [(lo, min(lo + CITY_BLOCK, n)) for lo in range(0, n, CITY_BLOCK)]


def _traits(
    xp: Any,
    seed: int,
    params: SimParameters,
    proj: Any,
    lo: int,
    hi: int,
    band: Any,
    age: Any,
    household: Any,
) -> dict[str, Any]:
    """People `lo`..`hi - 1`'s own course: vaccination and its waning, latent and infectious days, symptoms, ward and
    ICU need and stay, death, and whether their household can isolate at home — each a draw keyed by their id."""
    ids = xp.arange(lo, hi, dtype=xp.int64)
    vacc_share = xp.asarray(np.asarray(params.vaccinated))[band]
    u_vacc = crn.uniform(xp, crn.key(seed, Purpose.vaccinated), ids)
    vaccinated = u_vacc < vacc_share
    # the boosted are a subset of the fully vaccinated (the same draw, a smaller share)
    boosted = u_vacc < xp.asarray(np.asarray(params.boosted))[band]
    months = crn.uniform(xp, crn.key(seed, Purpose.last_dose), ids) * params.months_since_dose_max
    waned = 0.5 ** (months / params.waning_half_life_months)
    ve = xp.where(boosted, params.ve_infection_booster, xp.where(vaccinated, params.ve_infection_primary, 0.0))
    out: dict[str, Any] = {"vaccinated": vaccinated, "protection": (ve * waned).astype(xp.float32)}
    out["latent"] = _lognormal_days(
        xp, crn.key(seed, Purpose.latent), ids, params.latent_mean_days, params.latent_sd_days
    )
    out["infectious"] = _lognormal_days(
        xp, crn.key(seed, Purpose.infectious), ids, params.infectious_mean_days, params.infectious_sd_days
    )
    out["symptomatic"] = crn.uniform(xp, crn.key(seed, Purpose.symptomatic), ids) < xp.asarray(SYMPTOMATIC)[band]
    # severity: the capacity projection's shares by its age bands (under 60, 60-79, 80+) and vaccination
    pband = xp.where(age >= 80, 2, xp.where(age >= 60, 1, 0))
    bands = (AgeBand.under_60, AgeBand.from_60_to_79, AgeBand.from_80)
    need: dict[str, Any] = {}
    for kind in proj.stay:
        table = np.array([[proj.need[(kind, b, v)] for v in (False, True)] for b in bands])
        need[kind.value] = xp.asarray(table)[pband, vaccinated.astype(xp.int8)]
    kinds = list(proj.stay)
    out["inpatient"] = crn.uniform(xp, crn.key(seed, Purpose.inpatient), ids) < need[kinds[0].value]
    out["icu"] = crn.uniform(xp, crn.key(seed, Purpose.icu), ids) < need[kinds[1].value]
    out["stay"] = (_pick(xp, crn.uniform(xp, crn.key(seed, Purpose.stay), ids), proj.stay[kinds[0]]) + 1).astype(
        xp.int16
    )
    out["icu_stay"] = (
        _pick(xp, crn.uniform(xp, crn.key(seed, Purpose.icu_stay), ids), proj.stay[kinds[1]]) + 1
    ).astype(xp.int16)
    ifr = xp.asarray(IFR_UNVACCINATED)[band] * xp.where(vaccinated, 1.0 - params.ve_death, 1.0)
    out["dies"] = crn.uniform(xp, crn.key(seed, Purpose.death), ids) < ifr
    out["home_ineligible"] = (
        crn.uniform(xp, crn.key(seed, Purpose.home_ineligible), household.astype(xp.int64))
        < params.home_isolation_ineligible_share
    )
    return out
