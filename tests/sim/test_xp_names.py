"""The simulator asks its array namespace only for names CuPy has (sim/xp_names.py): a run on a recording namespace
under every version, a switch, campaigns, entrants and spill-over, and the dense path."""

from __future__ import annotations

from datetime import date

import numpy as np

from fangkong.policy import Policy
from fangkong.sim.model import RunSpec, Simulation
from fangkong.sim.parameters import SimParameters
from fangkong.sim.policy_link import Schedule
from fangkong.sim.xp_names import CUPY_NAMES, Recording

BUSY = SimParameters(seeds_per_100k=150, entrants_per_100k_daily=100, spillover_share=0.2)


def test_every_name_the_simulator_asks_of_xp_is_in_cupy(policy: Policy) -> None:
    xp = Recording(np)
    schedules = [
        Schedule("v9"),
        Schedule("m20", ((date(2022, 11, 30), "n10"),)),
        Schedule("classb"),
        Schedule("none"),
    ]
    for schedule in schedules:
        plain = Simulation(RunSpec(6000, 30, 2, schedule), policy, BUSY).run()
        recorded = Simulation(RunSpec(6000, 30, 2, schedule), policy, BUSY, xp=xp).run()
        for name in plain.series:  # the namespace changes nothing but the recording
            assert np.array_equal(plain.series[name], recorded.series[name]), (schedule, name)
    assert {"bincount", "nonzero", "add.at", "searchsorted", "uint64"} <= xp.seen  # it did record
    assert xp.seen <= CUPY_NAMES, f"not checked against CuPy: {sorted(xp.seen - CUPY_NAMES)}"
