"""The simulator against Cai et al., "Modeling transmission of SARS-CoV-2 Omicron in China", Nat Med 2022;28:1468-1475
(doi:10.1038/s41591-022-01855-7), issue 22: their scenario for mainland China with no NPIs (R0 3.9) and the
vaccination coverage of March 2022, about six months (March to September 2022). fangkong's no-intervention model on
a city (1 M people by default, several seeds) with their R0 and the spring-2022 coverage by age band, scaled per
capita to 1.41 billion, beside the paper's figures. docs/simulation-crosschecks.md explains each difference.

    .venv/bin/python bench/sim_cai.py [--population 1000000] [--days 184] [--seeds 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import fields, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import result, say

from fangkong.policy import load_policy
from fangkong.sim.model import DEAD, RunSpec, Simulation
from fangkong.sim.parameters import AGE_BANDS, AGE_SHARES, SimParameters
from fangkong.sim.policy_link import Schedule

CHINA = 1.41e9  # mainland China's population, as the paper scales (NBS: 1,412.6 M at the end of 2021)
START = date(2022, 3, 1)  # the paper's runs start in March 2022 and run to September
DAYS = 184  # 1 March to 31 August: about six months
IMPORTATIONS = ("entrants_per_100k_daily",)  # importations, where SimParameters has them: none here

# The paper's figures for the no-NPI scenario (R0 3.9, the March 2022 coverage, no antivirals), about six months:
# the abstract and results, as reported by China Daily, 12 May 2022 ("112 million symptomatic cases, 5.1 million
# hospital admissions, 2.7 million ICU admissions and nearly 1.6 million deaths over a six-month simulation period",
# ICU peak demand 15.6 times the existing capacity, people aged 60+ over 90 % of ICU admissions) and the South China
# Morning Post as quoted on 12 May 2022 (80 symptomatic cases per 1,000 people; 74.7 % of deaths unvaccinated people
# aged 60+).
CAI = {
    "new_symptomatic": 112.2e6,
    "ward_admissions": 5.1e6,  # hospital (non-ICU) admissions
    "icu_admissions": 2.7e6,
    "deaths": 1.55e6,
}
CAI_ICU_PEAK = 15.6 * 64_000  # peak ICU demand: 15.6 times the 64,000 ICU beds the paper counts
CAI_DEATHS_UNVACCINATED_60 = 0.747
CAI_ICU_60 = 0.90  # "over 90 %"

# The vaccination coverage of spring 2022 by age band, from the National Health Commission (NHC):
#   21 March 2022 (Xinhua, 22 Mar): 1.24 billion people fully vaccinated, 659.2 M boosted; 212 M aged 60+ fully
#     vaccinated;
#   18 March 2022 (Zeng Yixin, NHC deputy director; Reuters): aged 80+: 50.7 % primary course, 19.7 % booster;
#   31 March 2022 (Lei Zhenglong, NHC; China Daily, 1 Apr): aged 60+: 212 M fully vaccinated, about 144 M boosted;
#   the paper: about 52 M people aged 60+ not fully vaccinated as of 17 March 2022 (264 M − 212 M).
# Census 2020: 264.0 M aged 60+, 35.8 M aged 80+. The split below 60 is ours (ASSUMPTION): children under 3 were not
# eligible, so 65 % of 0-9 fully vaccinated and 95 % of 10-19; boosters from 18, so 19 % of 10-19; the rest of the
# NHC totals falls on 20-59.
FULL_TOTAL, BOOSTED_TOTAL = 1.24e9, 659.2e6
AGED_60, AGED_80 = 264.0e6, 35.8e6
FULL_60, BOOSTED_60 = 212e6, 144e6
FULL_80_SHARE, BOOSTED_80_SHARE = 0.507, 0.197
CHILDREN = {0: (0.65, 0.0), 10: (0.95, 0.19)}  # band: (fully vaccinated, boosted) shares, ASSUMPTION


def spring_2022_coverage() -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Shares fully vaccinated and boosted by 10-year band 0-9 ... 80+ (the derivation above)."""
    full_80, boosted_80 = FULL_80_SHARE * AGED_80, BOOSTED_80_SHARE * AGED_80
    aged_60_79 = AGED_60 - AGED_80
    full_60_79 = (FULL_60 - full_80) / aged_60_79
    boosted_60_79 = (BOOSTED_60 - boosted_80) / aged_60_79
    under_60 = CHINA - AGED_60
    shares_under_60 = {band: share for band, share in zip(AGE_BANDS, AGE_SHARES, strict=True) if band < 60}
    people = {band: under_60 * share / sum(shares_under_60.values()) for band, share in shares_under_60.items()}
    adults = sum(n for band, n in people.items() if band not in CHILDREN)
    full_children = sum(people[b] * CHILDREN[b][0] for b in CHILDREN)
    boosted_children = sum(people[b] * CHILDREN[b][1] for b in CHILDREN)
    full_adults = min(0.98, (FULL_TOTAL - FULL_60 - full_children) / adults)
    boosted_adults = (BOOSTED_TOTAL - BOOSTED_60 - boosted_children) / adults
    full, boosted = [], []
    for band in AGE_BANDS:
        if band in CHILDREN:
            f, b = CHILDREN[band]
        elif band < 60:
            f, b = full_adults, boosted_adults
        elif band < 80:
            f, b = full_60_79, boosted_60_79
        else:
            f, b = FULL_80_SHARE, BOOSTED_80_SHARE
        full.append(round(f, 3))
        boosted.append(round(b, 3))
    return tuple(full), tuple(boosted)


def cai_parameters() -> SimParameters:
    """fangkong's defaults with the paper's R0 and the spring-2022 coverage; no importations."""
    full, boosted = spring_2022_coverage()
    changes: dict[str, Any] = {"r0": 3.9, "vaccinated": full, "boosted": boosted}
    names = {f.name for f in fields(SimParameters)}
    changes.update({name: type(getattr(SimParameters(), name))(0) for name in IMPORTATIONS if name in names})
    return replace(SimParameters(), **changes).check()


def one_run(n: int, days: int, seed: int, params: SimParameters) -> dict[str, float]:
    """One seed: the totals per person, the ICU peak per person, and who died and who needed an ICU bed."""
    sim = Simulation(RunSpec(n, days, seed, Schedule("none"), START), load_policy(), params)
    run = sim.run()
    c = sim.city
    infected = np.asarray(sim.inf_day) >= 0
    dead = np.asarray(sim.state) == DEAD
    old = np.asarray(c.age) >= 60
    icu = infected & np.asarray(c.icu)
    out = {name: run.total(name) / n for name in ("new_infections", *CAI)}
    out["icu_peak"] = run.peak("icu_beds") / n
    out["deaths_unvaccinated_60"] = float((dead & old & ~np.asarray(c.vaccinated)).sum() / max(1, dead.sum()))
    out["icu_60"] = float((icu & old).sum() / max(1, icu.sum()))
    out["peak_day"] = float(np.argmax(run.series["new_infections"]))
    out["still_infected"] = float((run.series["exposed"][-1] + run.series["infectious"][-1]) / n)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--population", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=DAYS)
    ap.add_argument("--seeds", type=int, default=3)
    args = ap.parse_args()
    params = cai_parameters()
    say(f"spring-2022 coverage by band 0-9 … 80+: fully vaccinated {params.vaccinated}, boosted {params.boosted}")
    runs = []
    t = time.perf_counter()
    for seed in range(1, args.seeds + 1):
        runs.append(one_run(args.population, args.days, seed, params))
    seconds = time.perf_counter() - t
    mean = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
    low = {k: float(min(r[k] for r in runs)) for k in runs[0]}
    high = {k: float(max(r[k] for r in runs)) for k in runs[0]}
    say(
        f"{args.population:,} people × {args.days} days from {START}, R0 {params.r0}, no interventions, "
        f"{args.seeds} seeds ({seconds:.1f} s): infections {mean['new_infections']:.1%} of the city, peak on day "
        f"{mean['peak_day']:.0f}, still infected at the end {mean['still_infected']:.2%}"
    )
    say(f"{'':24}{'fangkong × 1.41 bn':>26}{'Cai et al.':>14}{'ratio':>8}")
    table: dict[str, Any] = {}
    rows = [(name, CAI[name]) for name in CAI] + [("icu_peak", CAI_ICU_PEAK)]
    for name, theirs in rows:
        ours, lo, hi = mean[name] * CHINA, low[name] * CHINA, high[name] * CHINA
        span = f"{ours / 1e6:.2f} M ({lo / 1e6:.2f}–{hi / 1e6:.2f})"
        say(f"{name:24}{span:>26}{theirs / 1e6:>12.2f} M{ours / theirs:>8.2f}")
        table[name] = {
            "fangkong": round(ours),
            "low": round(lo),
            "high": round(hi),
            "cai": theirs,
            "ratio": round(ours / theirs, 2),
        }
    for name, theirs in (("deaths_unvaccinated_60", CAI_DEATHS_UNVACCINATED_60), ("icu_60", CAI_ICU_60)):
        say(f"{name:24}{mean[name]:>26.1%}{theirs:>14.1%}")
        table[name] = {"fangkong": round(mean[name], 4), "cai": theirs}
    table["infections"] = {"fangkong": round(mean["new_infections"] * CHINA)}
    result(
        "sim_cai",
        population=args.population,
        days=args.days,
        seeds=args.seeds,
        start=START.isoformat(),
        r0=params.r0,
        vaccinated=list(params.vaccinated),
        boosted=list(params.boosted),
        attack_rate=round(mean["new_infections"], 4),
        peak_day=round(mean["peak_day"], 1),
        table=table,
        seconds=round(seconds, 2),
    )


if __name__ == "__main__":
    main()
