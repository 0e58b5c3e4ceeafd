"""The EARS C1, C2 and C3 methods, exactly as R `surveillance::earsC` computes them (measure 15: early warning).

A day is judged against a baseline of `baseline` days: C1 the days just before it, C2 the same number of days ending
3 days before it (a lag of 2 keeps the first days of an outbreak out of its own baseline), and C3 sums C2's excesses
over 1 of the two days before: upper bound = mean + qnorm(1 - alpha) · max(sd, min_sigma) for C1 and C2; for C3 the
day's count + max(sd, min_sigma) · (qnorm(1 - alpha) - Σ max(0, C2 - 1) over the two days before), at least 0. An alarm
is a count above the bound. Arithmetic follows IEEE floats as R's does: a bound R gives as NaN (a zero standard
deviation under C3) is NaN here too, and the caller says it as "no bound, no alarm".

Pure: numbers in, numbers out.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from fangkong.policy.terms import Method

EARS_METHODS = (Method.ears_c1, Method.ears_c2, Method.ears_c3)

# The epochs before the first judged one that each method reads (surveillance's maxLag): C1 the baseline; C2 the
# baseline and the lag of 2; C3 also C2 on the two epochs before.
_EXTRA = {Method.ears_c1: 0, Method.ears_c2: 2, Method.ears_c3: 4}


def first_judged(method: Method, baseline: int) -> int:
    """The 0-based index of the first epoch the method judges (surveillance's default range starts at baseline + 1,
    + 3 or + 5, 1-based): a series needs one more row than this to be judged at all."""
    return baseline + _EXTRA[method]


def _baseline_stats(
    x: npt.NDArray[np.float64], ends: npt.NDArray[np.int64], baseline: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The mean and sample standard deviation (n - 1, as R's sd) of the `baseline` values x[e - baseline + 1 .. e]
    for each e in `ends`."""
    windows = x[ends[:, None] - np.arange(baseline - 1, -1, -1)[None, :]]
    return windows.mean(axis=1), windows.std(axis=1, ddof=1)


def ears(
    counts: Sequence[float] | npt.NDArray[np.float64], method: Method, *, baseline: int, alpha: float, min_sigma: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """The upper bounds and alarms of one EARS method over the epochs it judges, from `first_judged(method,
    baseline)` to the last (measure 15; `surveillance::earsC` with `range` left to its default). A NaN bound has no
    alarm. The caller checks that the series is long enough."""
    if method not in EARS_METHODS:
        raise ValueError(f"{method} is not an EARS method")
    x = np.asarray(counts, dtype=np.float64)
    z = NormalDist().inv_cdf(1.0 - alpha)  # Wichura's AS 241, as R's qnorm
    start = first_judged(method, baseline)
    judged = np.arange(start, len(x), dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method is Method.ears_c1:
            mean, sd = _baseline_stats(x, judged - 1, baseline)
            upper = mean + z * np.maximum(sd, min_sigma)
        elif method is Method.ears_c2:
            mean, sd = _baseline_stats(x, judged - 3, baseline)
            upper = mean + z * np.maximum(sd, min_sigma)
        else:
            # C2 on the judged epochs and the two before each (surveillance's rangeC2).
            around = np.arange(start - 2, len(x), dtype=np.int64)
            mean, sd = _baseline_stats(x, around - 3, baseline)
            sigma = np.maximum(sd, min_sigma)
            c2 = (x[around] - mean) / sigma
            lag2 = np.maximum(0.0, c2[:-2] - 1.0)
            lag1 = np.maximum(0.0, c2[1:-1] - 1.0)
            upper = np.maximum(0.0, x[judged] + sigma[2:] * (z - (lag2 + lag1)))
        alarm = x[judged] > upper
    return upper, alarm & ~np.isnan(upper)
