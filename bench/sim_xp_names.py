"""The array-namespace names the simulator uses, checked against CuPy where it is installed (issue 22: the same module
on an accelerator). CuPy imports without a GPU; only the names are checked here, not a run on a device.

    /work/scratch/cupy/bin/python bench/sim_xp_names.py   # a scratch environment with cupy-cuda12x and fangkong
    .venv/bin/python bench/sim_xp_names.py                # without CuPy: the names only
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from common import result, say

from fangkong.policy import load_policy
from fangkong.sim.model import RunSpec, Simulation
from fangkong.sim.parameters import SimParameters
from fangkong.sim.policy_link import Schedule
from fangkong.sim.xp_names import CUPY_NAMES, Recording


def main() -> None:
    policy = load_policy()
    xp = Recording(np)
    params = SimParameters(seeds_per_100k=150, entrants_per_100k_daily=100, spillover_share=0.2)
    for schedule in (Schedule("v9"), Schedule("m20", ((date(2022, 11, 30), "n10"),)), Schedule("none")):
        Simulation(RunSpec(6000, 30, 2, schedule), policy, params, xp=xp).run()
    used = sorted(xp.seen)
    say(f"names used: {', '.join(used)}")
    figures: dict[str, object] = {"used": used, "outside_the_checked_set": sorted(xp.seen - CUPY_NAMES)}
    try:
        import cupy  # type: ignore[import-not-found]
    except ImportError:
        say("CuPy not installed: the names are not checked against it in this run")
    else:

        def has(name: str) -> bool:
            head, _, attr = name.partition(".")
            return hasattr(cupy, head) and (not attr or hasattr(getattr(cupy, head), attr))

        missing = [n for n in used if not has(n)]
        present = len(used) - len(missing)
        say(f"CuPy {cupy.__version__}: {present} of {len(used)} names present; missing: {missing or 'none'}")
        figures.update(cupy=cupy.__version__, missing_in_cupy=missing)
    result("sim_xp_names", **figures)


if __name__ == "__main__":
    main()
