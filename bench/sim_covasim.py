"""The simulator against Covasim (issue 22): (a) the epidemic curve with no interventions on a scenario both express
— the same population size, the census age structure (`AGE_SHARES`), the census household sizes, no vaccination,
fangkong's latent and infectious durations, the same layers and layer weights, the same R0 — several seeds each;
(b) speed: 1 M people × 60 days, fangkong under m20 against Covasim with no interventions, in the same run, wall
time and peak memory of each (each in a process of its own).

Covasim is a reference outside CI, not a dependency: install it in a scratch environment next to fangkong,

    python3.11 -m venv /work/scratch/covasim
    /work/scratch/covasim/bin/pip install covasim
    /work/scratch/covasim/bin/pip install -c constraints.txt -e .
    /work/scratch/covasim/bin/python bench/sim_covasim.py [--population 100000] [--days 180] [--seeds 3]

Where covasim is not importable the script says so and runs fangkong's side only. docs/simulation-crosschecks.md
explains the scenario and the differences.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import peak_mb, result, say

from fangkong.policy import load_policy
from fangkong.sim.city import HOUSEHOLD_SHARES, HOUSEHOLD_SIZES, build_city
from fangkong.sim.model import COMMUNITY_CONTACTS, RunSpec, Simulation
from fangkong.sim.parameters import AGE_BANDS, AGE_SHARES, SimParameters
from fangkong.sim.policy_link import Schedule

# Growth is fitted while cumulative infections are between these shares of the population: past the first
# generations' noise, before the depletion of susceptibles bends the curve.
GROWTH_FROM, GROWTH_TO = 0.001, 0.05
IMPORTATIONS = ("entrants_per_100k_daily",)  # importations, where SimParameters has them: none in a cross-check
SCHOOL_AGES = (6, 20)  # fangkong's classes: ages 6-19 (city.build_city)
WORK_AGES = (20, 65)  # fangkong's teams: ages 20-64, `employed_share` of them


def covasim_module() -> Any | None:
    """Covasim, where it is installed (it is not a dependency of fangkong)."""
    try:
        import covasim  # type: ignore[import-not-found]
    except ImportError:
        return None
    return covasim


def no_vaccination(params: SimParameters) -> SimParameters:
    """The cross-check's parameters: nobody vaccinated or boosted, no importations (Covasim's scenario has none)."""
    zero = (0.0,) * len(AGE_BANDS)
    changes: dict[str, Any] = {"vaccinated": zero, "boosted": zero}
    names = {f.name for f in fields(params)}
    if "citywide_share" in names:  # Covasim's community contacts are random across the city: all of fangkong's too
        changes["citywide_share"] = 1.0
    changes.update({name: type(getattr(params, name))(0) for name in IMPORTATIONS if name in names})
    return replace(params, **changes).check()


def curve(daily: np.ndarray, n: int) -> dict[str, float]:
    """The figures compared: peak day and height, attack rate at the end, early growth rate and doubling time."""
    daily = np.asarray(daily, dtype=np.float64)
    cum = np.cumsum(daily)
    window = np.nonzero((cum >= GROWTH_FROM * n) & (cum <= GROWTH_TO * n) & (daily > 0))[0]
    r = float(np.polyfit(window, np.log(daily[window]), 1)[0]) if window.size >= 3 else float("nan")
    return {
        "attack_rate": float(cum[-1] / n),
        "peak_day": int(np.argmax(daily)),
        "peak_per_100k": float(daily.max() / n * 1e5),
        "growth_per_day": r,
        "doubling_days": math.log(2) / r if r > 0 else float("nan"),
    }


def run_fangkong(n: int, days: int, seed: int, params: SimParameters) -> tuple[np.ndarray, float, float]:
    """Daily new infections (seeds on day 0), the run's seconds and the transmission rate `_beta` gave for R0."""
    sim = Simulation(RunSpec(n, days, seed, Schedule("none")), load_policy(), params)
    t = time.perf_counter()
    run = sim.run()
    return run.series["new_infections"].astype(np.float64), time.perf_counter() - t, float(sim.beta)


def covasim_contacts(params: SimParameters) -> dict[str, float]:
    """Covasim's mean contacts per layer that match fangkong's city: a class of `group_size` is `group_size - 1`
    contacts for every pupil; a team is that for the `employed_share` of adults who work, so the mean over all
    adults of working age is smaller; the community is Covasim's 20 (fangkong's `COMMUNITY_CONTACTS`)."""
    class_contacts = float(params.group_size - 1)
    return {"s": class_contacts, "w": class_contacts * params.employed_share, "c": float(COMMUNITY_CONTACTS)}


def run_covasim(cv: Any, n: int, days: int, seed: int, beta: float, params: SimParameters) -> np.ndarray:
    """The same scenario in Covasim v4: fangkong's ages, household sizes, layers and weights, natural history; no
    severe disease (its longer infectious period is not in fangkong's course), no overdispersion, flat viral load,
    no waning (no reinfection within the run). Daily new infections, the seeds on day 0 as in fangkong."""
    import starsim as ss  # type: ignore[import-not-found]  # covasim v4 is built on it

    ages = [
        [band, band + 9 if band < AGE_BANDS[-1] else band + 14, share]
        for band, share in zip(AGE_BANDS, AGE_SHARES, strict=True)
    ]
    people = cv.People(n, age_data=ages)
    network = ss.HybridNet(
        household_size=ss.choice(a=list(HOUSEHOLD_SIZES), p=list(HOUSEHOLD_SHARES)),
        contacts=covasim_contacts(params),
        beta={"h": 1.0, "s": 1.0, "w": 1.0, "c": 1.0},  # the layer weights are the disease's (beta_layer)
        school_ages=list(SCHOOL_AGES),
        work_ages=list(WORK_AGES),
        uniform_targets=True,
    )
    prognoses = cv.get_prognoses()
    prognoses["sus_ORs"][:] = 1.0  # fangkong's susceptibility does not depend on age
    lognormal = "lognormal_int"
    dur = {
        "exp2inf": {"dist": lognormal, "par1": params.latent_mean_days, "par2": params.latent_sd_days},
        "inf2sym": {"dist": "uniform", "par1": 0.0, "par2": 0.0},  # fangkong: symptoms when infectiousness begins
        "asym2rec": {"dist": lognormal, "par1": params.infectious_mean_days, "par2": params.infectious_sd_days},
        "mild2rec": {"dist": lognormal, "par1": params.infectious_mean_days, "par2": params.infectious_sd_days},
    }
    sim = cv.Sim(
        pop_size=n,
        n_days=days,
        pop_type="hybrid",
        people=people,
        networks=[network],
        pop_infected=max(1, round(n * params.seeds_per_100k / 1e5)),
        rand_seed=seed,
        verbose=0,
        beta=beta,
        beta_layer={
            "h": params.household_weight,
            "s": params.group_weight,
            "w": params.group_weight,
            "c": params.community_weight,
        },
        dynam_layer={"h": 0, "s": 0, "w": 0, "c": 1},  # fangkong's community mixes anew each day
        use_waning=False,
        viral_dist={"frac_time": 0.3, "load_ratio": 1, "high_cap": 4},  # flat: fangkong's infectiousness is
        beta_dist={"dist": "uniform", "par1": 1.0, "par2": 1.0},  # everyone transmits alike in fangkong
        rel_severe_prob=0.0,
        dur=dur,
        prognoses=prognoses,
    )
    sim.run()
    res = sim.results
    daily = np.asarray(res["new_infections"], dtype=np.float64)[:days].copy()
    daily[0] += float(np.asarray(res["cum_infections"])[-1] - np.asarray(res["new_infections"]).sum())  # seeds
    return daily


def calibrate(
    cv: Any, n: int, days: int, seed: int, beta: float, target: float, params: SimParameters, tries: int
) -> tuple[float, list[tuple[float, float]]]:
    """Covasim's beta whose early growth rate is fangkong's: secant steps on log beta from fangkong's own beta."""
    steps: list[tuple[float, float]] = []
    b = beta
    for _ in range(tries):
        r = curve(run_covasim(cv, n, days, seed, b, params), n)["growth_per_day"]
        steps.append((b, r))
        say(f"  calibration: beta {b:.5f} → growth {r:.4f}/day (target {target:.4f})")
        if abs(r - target) <= 0.01 * target:
            break
        if len(steps) == 1:
            b = b * target / r  # growth is close to proportional to beta here
        else:
            (b0, r0), (b1, r1) = steps[-2], steps[-1]
            slope = (r1 - r0) / (math.log(b1) - math.log(b0)) if b1 != b0 else 0.0
            b = b1 * math.exp((target - r1) / slope) if slope > 0 else b1 * target / r1
    best = min(steps, key=lambda s: abs(s[1] - target))
    return best[0], steps


def summary(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: round(float(np.mean([r[key] for r in rows])), 4) for key in rows[0]}


def spread(rows: list[dict[str, float]], key: str) -> str:
    xs = [r[key] for r in rows]
    return f"{np.mean(xs):.3g} ({min(xs):.3g}–{max(xs):.3g})"


def crosscheck(args: argparse.Namespace, cv: Any | None) -> dict[str, Any]:
    n, days = args.population, args.days
    params = no_vaccination(SimParameters())
    fk_rows, betas, seconds = [], [], []
    for seed in range(1, args.seeds + 1):
        daily, s, beta = run_fangkong(n, days, seed, params)
        fk_rows.append(curve(daily, n))
        betas.append(beta)
        seconds.append(s)
    beta = float(np.mean(betas))
    say(
        f"fangkong, {n:,} people × {days} days, no vaccination, R0 {params.r0}, {args.seeds} seeds: "
        f"attack rate {spread(fk_rows, 'attack_rate')}, peak day {spread(fk_rows, 'peak_day')}, "
        f"peak {spread(fk_rows, 'peak_per_100k')} per 100k a day, growth {spread(fk_rows, 'growth_per_day')}/day; "
        f"beta {beta:.5f} per weighted contact a day; {np.mean(seconds):.2f} s a run"
    )
    out: dict[str, Any] = {
        "population": n,
        "days": days,
        "seeds": args.seeds,
        "r0": params.r0,
        "fangkong_beta": round(beta, 6),
        "fangkong": summary(fk_rows),
        "fangkong_run_s": round(float(np.mean(seconds)), 3),
    }
    if cv is None:
        say("Covasim not installed: fangkong's side only (see the docstring for the scratch environment)")
        return out
    target = out["fangkong"]["growth_per_day"]
    counter = Simulation(RunSpec(n, 1, 1, Schedule("none")), load_policy(), params)  # seed 1's city: the R0 count
    variants = [("same beta", beta)]
    if args.calibrate:
        b_cal, steps = calibrate(cv, n, days, 1, beta, target, params, args.calibration_tries)
        out["calibration"] = [[round(b, 6), round(r, 5)] for b, r in steps]
        variants.append(("growth-matched beta", b_cal))
    for label, b in variants:
        rows, secs = [], []
        for seed in range(1, args.seeds + 1):
            t = time.perf_counter()
            rows.append(curve(run_covasim(cv, n, days, seed, b, params), n))
            secs.append(time.perf_counter() - t)
        # R0 by the same next-generation count as fangkong's `_beta`, on fangkong's city (the contacts matched)
        r0 = counter.next_generation_r0(b)
        say(
            f"Covasim {cv.__version__}, {label} {b:.5f} (next-generation R0 {r0:.2f}): attack rate "
            f"{spread(rows, 'attack_rate')}, peak day {spread(rows, 'peak_day')}, peak "
            f"{spread(rows, 'peak_per_100k')} per 100k a day, growth {spread(rows, 'growth_per_day')}/day; "
            f"{np.mean(secs):.1f} s a run"
        )
        key = "covasim" if label == "same beta" else "covasim_calibrated"
        out[key] = {
            **summary(rows),
            "beta": round(b, 6),
            "r0_next_generation": round(r0, 3),
            "run_s": round(float(np.mean(secs)), 2),
        }
    out["covasim_version"] = cv.__version__
    return out


# ---- speed: each side in a process of its own, so that each peak memory is its own ----------------------------
def own_peak_mb() -> float:
    """This process's own peak resident memory: `VmHWM` (ru_maxrss of a child starts from its parent's on Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    return peak_mb()


def speed_child(which: str, n: int, days: int, seed: int) -> dict[str, Any]:
    """One timed run: fangkong under m20 or with no interventions (`fangkong-m20`, `fangkong-none`; the city built
    apart), or Covasim's default hybrid sim with no interventions (its people and networks made in `init`, timed
    apart)."""
    if which.startswith("fangkong"):
        policy, params = load_policy(), SimParameters()
        t = time.perf_counter()
        city = build_city(n, seed, params, policy.for_version(policy.default_version))
        setup_s = time.perf_counter() - t
        version = which.partition("-")[2] or "m20"
        sim = Simulation(RunSpec(n, days, seed, Schedule(version)), policy, params, city=city)
        t = time.perf_counter()
        run = sim.run()
        run_s, infections = time.perf_counter() - t, run.total("new_infections")
    else:
        cv = covasim_module()
        assert cv is not None
        sim = cv.Sim(pop_size=n, n_days=days, pop_type="hybrid", rand_seed=seed, verbose=0)
        t = time.perf_counter()
        sim.init()
        setup_s = time.perf_counter() - t
        t = time.perf_counter()
        sim.run()
        run_s = time.perf_counter() - t
        infections = float(np.asarray(sim.results["cum_infections"])[-1])
    return {
        "which": which,
        "setup_s": round(setup_s, 3),
        "run_s": round(run_s, 3),
        "total_s": round(setup_s + run_s, 3),
        "infections": int(infections),
        "peak_mb": round(own_peak_mb()),
    }


def timed_child(which: str, n: int, days: int, seed: int) -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--speed-child",
            which,
            "--population",
            str(n),
            "--days",
            str(days),
            "--seed",
            str(seed),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("CHILD ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"{which} run failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
    return dict(json.loads(line.removeprefix("CHILD ")))


def speed(n: int, days: int, seed: int, with_covasim: bool) -> dict[str, Any]:
    """fangkong under m20 and with no interventions and (where installed) Covasim with none, at n × days, the same
    run. The ratio is Covasim's to fangkong's no-intervention run: the same size, both with no intervention (under
    m20 fangkong's outbreak stays small, which would flatter it)."""
    out: dict[str, Any] = {"speed_population": n, "speed_days": days}
    sides = ["fangkong-m20", "fangkong-none"] + (["covasim"] if with_covasim else [])
    for which in sides:
        child = timed_child(which, n, days, seed)
        what = "m20" if which == "fangkong-m20" else "no interventions"
        say(
            f"speed, {which} ({what}), {n:,} × {days} days: set-up {child['setup_s']:.2f} s, run "
            f"{child['run_s']:.2f} s, total {child['total_s']:.2f} s; {child['infections']:,} infections; "
            f"peak memory {child['peak_mb']:,} MB"
        )
        out[f"{which}_speed"] = child
    if with_covasim:
        ratio = out["covasim_speed"]["total_s"] / out["fangkong-none_speed"]["total_s"]
        out["covasim_over_fangkong"] = round(ratio, 1)
        say(f"Covasim / fangkong, both with no interventions, set-up and run together: {ratio:.1f}×")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--population", type=int, default=100_000, help="the cross-check's population")
    ap.add_argument("--days", type=int, default=180, help="the cross-check's days")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument(
        "--no-calibrate",
        dest="calibrate",
        action="store_false",
        help="skip the growth-matched Covasim beta (only fangkong's own beta)",
    )
    ap.add_argument("--calibration-tries", type=int, default=4)
    ap.add_argument("--speed-population", type=int, default=1_000_000)
    ap.add_argument("--speed-days", type=int, default=60)
    ap.add_argument("--no-speed", dest="speed", action="store_false", help="skip the speed comparison")
    ap.add_argument("--no-crosscheck", dest="crosscheck", action="store_false", help="only the speed comparison")
    ap.add_argument("--seed", type=int, default=1, help="the speed runs' seed")
    ap.add_argument("--speed-child", choices=("fangkong-m20", "fangkong-none", "covasim"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.speed_child:
        child = speed_child(args.speed_child, args.population, args.days, args.seed)
        print("CHILD " + json.dumps(child), flush=True)
        return
    cv = covasim_module()
    figures: dict[str, Any] = {"covasim": cv.__version__ if cv is not None else None}
    if args.crosscheck:
        figures["crosscheck"] = crosscheck(args, cv)
    if args.speed:
        figures["speed"] = speed(args.speed_population, args.speed_days, args.seed, cv is not None)
    result("sim_covasim", **figures)


if __name__ == "__main__":
    main()
