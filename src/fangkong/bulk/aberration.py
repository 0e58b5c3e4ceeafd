"""EARS C1, C2 and C3 over every series of a province at once (measure 15: multi-channel early warning; issue 20:
20,000 communities × 6 channels × 2 years of days under 2 s): the same bounds and alarms as
`rules.aberration.judge` on each series (equal to R surveillance's earsC), vectorized with numpy.

The counts are a matrix, one row per series and one column per day (all series on the same days, checked by the
caller as `judge` checks one series). A baseline's mean and standard deviation come from cumulative sums of the counts
and of their squares over each row (whole numbers, exact in float64), so the variance b·Σx² - (Σx)² is exact and the
bounds agree with the per-series two-pass computation to about 1e-14. Rows are taken in blocks small enough to stay in
cache, the blocks spread over the machine's cores (numpy's loops release the GIL).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from fangkong.errors import InvalidInput
from fangkong.policy.terms import Method
from fangkong.rules.aberration import Settings
from fangkong.rules.aberration.ears import EARS_METHODS, first_judged

BLOCK_ROWS = 256  # series per block: a block's working arrays (256 × 731 float64, 1.5 MB each) stay in cache


def _window_sums(
    x: npt.NDArray[np.float64], first_end: int, last_end: int, baseline: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Σx and Σx² over the `baseline` columns ending (inclusive) at each of the columns first_end .. last_end, per row.
    One cumulative sum runs over the whole block, row after row (faster than one per row): a window never crosses a
    row, so its sum is the difference of two of its values. Whole numbers below 2⁵³ are exact in float64, so the sums
    are exact (a block's Σx² stays below 2⁵³ for counts under about 10⁵)."""
    rows, n = x.shape
    sums = []
    for values in (x, x * x):
        running = np.empty(rows * n + 1, dtype=np.float64)
        running[0] = 0.0
        np.cumsum(values.ravel(), out=running[1:])
        through = running[1:].reshape(rows, n)  # Σ of the row's values up to and including each column
        before = running[:-1].reshape(rows, n)  # Σ of the row's values before each column
        sums.append(
            through[:, first_end : last_end + 1] - before[:, first_end - baseline + 1 : last_end - baseline + 2]
        )
    return sums[0], sums[1]


def _block(
    x: npt.NDArray[np.float64],
    method: Method,
    baseline: int,
    z: float,
    min_sigma: float,
    upper: npt.NDArray[np.float64],
    alarm: npt.NDArray[np.bool_],
) -> None:
    """One block of series, as `rules.aberration.ears` on each row, written into `upper` and `alarm` (the block's
    rows of the result). The mean and sample standard deviation (n - 1, as R's sd) come from the exact sums:
    b·Σx² - (Σx)² is a whole number."""
    n = x.shape[1]
    start = first_judged(method, baseline)
    now = x[:, start:]
    with np.errstate(divide="ignore", invalid="ignore"):
        if method is not Method.ears_c3:
            lag = 1 if method is Method.ears_c1 else 3
            s, q = _window_sums(x, start - lag, n - 1 - lag, baseline)
            q *= baseline
            q -= s * s
            q /= baseline * (baseline - 1)
            np.sqrt(q, out=q)  # the standard deviation
            if min_sigma > 0:
                np.maximum(q, min_sigma, out=q)
            q *= z
            s /= baseline  # the mean
            np.add(s, q, out=upper)
        else:
            s, q = _window_sums(x, start - 5, n - 4, baseline)  # C2's baselines: the judged days and the 2 before
            q *= baseline
            q -= s * s
            q /= baseline * (baseline - 1)
            np.sqrt(q, out=q)
            sigma = np.maximum(q, min_sigma)
            s /= baseline
            c2 = (x[:, start - 2 :] - s) / sigma
            c2 -= 1.0
            np.maximum(c2, 0.0, out=c2)
            excess = c2[:, :-2] + c2[:, 1:-1]
            np.subtract(z, excess, out=excess)
            excess *= sigma[:, 2:]
            excess += now
            np.maximum(excess, 0.0, out=upper)
        np.greater(now, upper, out=alarm)  # False where the bound is NaN


def ears_matrix(
    counts: npt.ArrayLike, method: Method, settings: Settings, *, workers: int | None = None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """The bounds (NaN where R gives none) and alarms of every series (row) on every day the method judges (columns
    from `first_judged` on), equal to `rules.aberration.judge` row by row (measure 15). A negative count, or too few
    days, is refused naming the field as `judge` does."""
    if method not in EARS_METHODS:
        raise InvalidInput("method", f"{method.value}: the bulk pass runs the EARS methods")
    matrix = np.asarray(counts)
    if matrix.ndim != 2:
        raise InvalidInput("count", "expected one row of counts per series")
    if not np.issubdtype(matrix.dtype, np.integer):
        raise InvalidInput("count", "counts are whole numbers")
    if matrix.size and int(matrix.min()) < 0:
        row = int(np.argwhere(matrix < 0)[0][0]) + 1
        raise InvalidInput("count", f"series {row}: a count below 0")
    baseline = settings.ears_baseline
    need = first_judged(method, baseline) + 1
    if matrix.shape[1] < need:
        raise InvalidInput("date", f"the series have {matrix.shape[1]} days; {method.value} needs at least {need}")
    z = NormalDist().inv_cdf(1.0 - settings.alpha(method))
    width = matrix.shape[1] - need + 1
    upper = np.empty((matrix.shape[0], width), dtype=np.float64)
    alarm = np.empty((matrix.shape[0], width), dtype=np.bool_)

    def run(top: int) -> None:
        rows = slice(top, top + BLOCK_ROWS)
        block = matrix[rows].astype(np.float64)
        _block(block, method, baseline, z, settings.ears_min_sigma, upper[rows], alarm[rows])

    # numpy releases the GIL in its loops: blocks on threads use every core
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        list(pool.map(run, range(0, matrix.shape[0], BLOCK_ROWS)))
    return upper, alarm
