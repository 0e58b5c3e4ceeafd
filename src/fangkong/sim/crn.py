"""Common random numbers: one uniform draw per (seed, purpose, day, agent), addressable by agent id.

A draw is a counter-based hash (SplitMix64) of a key and the agent's id: the key comes from numpy's `SeedSequence`
spawned by (seed, purpose, day). Agent 17's draw "does the contact get traced on day 9" is the same number under
every policy, whoever else is drawn that day and in whatever order — so two policies differ only where the policy
differs (tests/sim/test_crn.py). Written against an array namespace `xp` (numpy; CuPy has the same operations).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import numpy as np

_GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB


class Purpose(IntEnum):
    """What a draw decides; each its own stream."""

    age = 1
    household = 2
    employed = 3
    vaccinated = 4
    latent = 5
    infectious = 6
    symptomatic = 7
    inpatient = 8
    icu = 9
    death = 10
    stay = 11
    seed_infection = 12
    infection = 13
    report = 14
    test = 15
    trace = 16
    icu_stay = 17
    booster = 18
    last_dose = 19
    spillover = 20
    entrant_count = 21
    entrant = 22
    entrant_infected = 23
    city_count = 24
    city_pick = 25
    city_infection = 26
    home_ineligible = 27
    ct_peak = 28
    ct_noise = 29
    entrant_past = 30
    entrant_past_day = 31
    venue = 32


def key(seed: int, purpose: Purpose, day: int = -1) -> int:
    """The 64-bit key of a stream: SeedSequence(seed, purpose, day) (day -1: drawn once per agent, at birth)."""
    return int(np.random.SeedSequence([seed, int(purpose), day + 1]).generate_state(1, np.uint64)[0])


def bits(xp: Any, stream: int, ids: Any) -> Any:
    """The 64 random bits of each id's draw (uint64): several decisions cut from one hash, where one draw a person
    decides several things at once (a venue visit: whether, where, when, scanned)."""
    z = ids.astype(xp.uint64) * xp.uint64(_GOLDEN) + xp.uint64(stream)
    z = (z ^ (z >> xp.uint64(30))) * xp.uint64(_M1)
    z = (z ^ (z >> xp.uint64(27))) * xp.uint64(_M2)
    return z ^ (z >> xp.uint64(31))


def uniform(xp: Any, stream: int, ids: Any) -> Any:
    """Uniform draws in [0, 1), one per id, the same for the same (stream, id) whatever else is drawn."""
    return (bits(xp, stream, ids) >> xp.uint64(11)).astype(xp.float64) * (1.0 / 9007199254740992.0)


def normal(xp: Any, stream: int, ids: Any) -> Any:
    """Standard normal draws (Box–Muller on two streams derived from one)."""
    u1 = uniform(xp, stream, ids)
    u2 = uniform(xp, stream ^ 0x5851F42D4C957F2D, ids)
    return xp.sqrt(-2.0 * xp.log1p(-u1)) * xp.cos(2.0 * np.pi * u2)
