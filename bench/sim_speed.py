"""Policy impact simulation (issue 22): 1 M people × 60 days under the 20 measures, target under 3 s; the city's
building timed apart, peak memory reported; with no interventions too (the epidemic's whole course). Where Covasim
is installed, a Covasim run of the same size and days in the same run (it is a reference outside CI, not a
dependency: `pip install covasim` in a scratch environment).

    .venv/bin/python bench/sim_speed.py [--population 1000000] [--days 60] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import peak_mb, result, say

from fangkong.policy import load_policy
from fangkong.sim.city import build_city
from fangkong.sim.model import RunSpec, Simulation
from fangkong.sim.parameters import SimParameters
from fangkong.sim.policy_link import Schedule

TARGET_S = 3.0  # 1 M people × 60 days (issue 22)
TARGET_10M_S = 40.0  # 10 M people × 60 days


def target_for(population: int) -> float:
    """The issue's target for a run of this size: 3 s up to 1 M people, 40 s up to 10 M (none is set beyond)."""
    return TARGET_S if population <= 1_000_000 else TARGET_10M_S


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--population", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    policy = load_policy()
    params = SimParameters()
    t0 = time.perf_counter()
    city = build_city(args.population, args.seed, params, policy.for_version(policy.default_version))
    city_s = time.perf_counter() - t0
    say(f"city of {args.population:,}: {city_s:.2f} s ({city.households:,} households, {city.buildings:,} buildings)")
    figures: dict[str, object] = {"population": args.population, "days": args.days, "city_s": round(city_s, 3)}
    # m20 on its own usually stops the default 5 seed infections per 100,000 within days; an outbreak found late
    # (200 per 100,000 on day 1) runs the rules' heavy path — tracing, rooms, areas, campaigns — for the whole run
    late = replace(params, seeds_per_100k=200.0)
    for name, version, chosen in (("m20", "m20", params), ("m20_late", "m20", late), ("none", "none", params)):
        times, cpu = [], []
        for _ in range(args.runs):
            spec = RunSpec(args.population, args.days, args.seed, Schedule(version))
            sim = Simulation(spec, policy, chosen, city=city)
            t, c = time.perf_counter(), time.process_time()
            run = sim.run()
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        best = min(times)
        # on a shared machine the wall time waits for other work; the CPU time is this process's own
        figures[f"{name}_cpu_s"] = round(min(cpu), 3)
        say(
            f"{name}: best {best:.2f} s of {', '.join(f'{x:.2f}' for x in times)} (CPU {min(cpu):.2f} s); "
            f"{run.total('new_infections'):,.0f} infections, peak rooms {run.peak('room_nights'):,.0f}, "
            f"tubes {run.total('tubes'):,.0f}"
        )
        figures[f"{name}_s"] = round(best, 3)
        figures[f"{name}_infections"] = int(run.total("new_infections"))
    figures["target_s"] = target_for(args.population)
    slowest = max(figures["m20_s"], figures["m20_late_s"])  # type: ignore[type-var]
    figures["met"] = bool(slowest <= figures["target_s"])  # type: ignore[operator]
    try:
        import covasim as cv  # type: ignore[import-not-found]
    except ImportError:
        say("Covasim not installed: no comparison in this run")
    else:
        t = time.perf_counter()
        cv.Sim(pop_size=args.population, n_days=args.days, pop_type="hybrid", verbose=0).run()
        figures["covasim_s"] = round(time.perf_counter() - t, 2)
        say(f"Covasim {cv.__version__}: {figures['covasim_s']} s")
    say(f"peak memory {peak_mb():,.0f} MB; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    figures["load_average"] = round(os.getloadavg()[0], 1)
    result("sim_speed", **figures)


if __name__ == "__main__":
    main()
