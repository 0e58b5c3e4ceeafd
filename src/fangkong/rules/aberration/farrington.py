"""The improved Farrington method, exactly as R `surveillance::farringtonFlexible` computes it with one period
(`noPeriods = 1`) and the delta threshold (measure 15: early warning).

For the epoch judged, the reference values are the epochs within `w` of the same epoch in each of the `b` past years
(`freq` rows back per year, positional). A quasi-Poisson regression with a log link (statsmodels' GLM, Poisson family,
the dispersion from Pearson's X² as R's glm `quasipoisson`) is fitted on them with a linear time trend; reference values
whose Anscombe residual is above the threshold are down-weighted and the model refitted; the trend is kept only when
significant (t test), there are at least 3 past years and it does not predict above the largest reference value,
otherwise the model is refitted without it. The bound is the prediction's upper 1 - alpha limit on the 2/3-power scale,
with the dispersion at least 1 and the prediction's standard error (from the unbounded dispersion, as R's
`predict.glm`). No bound and no alarm unless the last `limit_periods` epochs had `limit_cases` cases (limit54); a zero
count never alarms.

Pure: numbers in, numbers out.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt
import statsmodels.api as sm  # type: ignore[import-untyped]
from scipy.stats import t as student_t  # type: ignore[import-untyped]

POWERS = {"none": 1.0, "1/2": 0.5, "2/3": 2.0 / 3.0}


@dataclass(frozen=True)
class FarringtonSettings:
    """The method's values (`warning.farrington.*`, measure 15): surveillance's `b`, `w`, `alpha`, `reweight`,
    `weightsThreshold`, `trend`, `pThresholdTrend`, `limit54` and `powertrans`; `pastWeeksNotIncluded` is `w`."""

    years_back: int
    half_window: int
    alpha: float
    reweight: bool
    weights_threshold: float
    trend: bool
    trend_p: float
    limit_cases: int
    limit_periods: int
    power: str


def first_judged(freq: int, settings: FarringtonSettings) -> int:
    """The 0-based index of the first epoch judged (surveillance's default range starts at freq · b + w + 1,
    1-based): the same epoch b years back, less w, is the series' first row."""
    return freq * settings.years_back + settings.half_window


@dataclass(frozen=True)
class _Fit:
    """One fitted GLM, with what the method reads from it."""

    beta: npt.NDArray[np.float64]
    mu: npt.NDArray[np.float64]
    working: npt.NDArray[np.float64]
    cov_unscaled: npt.NDArray[np.float64]
    dispersion: float  # Pearson's X² / residual df (R's summary.glm dispersion), not bounded below
    df_resid: int
    # The dispersion R's summary.glm and predict.glm read from the model surveillance returns: after a reweighted fit
    # surveillance stores the weights ω in `model$weights`, where glm keeps the working weights (ω·μ), so R's summary
    # then gives Σ ω (y - μ)² / μ² / df. It sets the trend's t test and the prediction's standard error; phi is the
    # Pearson dispersion above. Reproduced, so that the bounds equal R's.
    summary_dispersion: float


class _RPoisson(sm.families.Poisson):  # type: ignore[misc]
    """The Poisson family started where R's glm starts it (mustart = y + 0.1), so that statsmodels' IRLS takes R's
    steps and, stopped by R's test, lands on R's estimate (to the float), not only near the same maximum."""

    def starting_mu(self, y: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.asarray(y + 0.1, dtype=np.float64)


# R's glm.control(): stop when |dev - dev_old| / (|dev| + 0.1) < epsilon = 1e-8, at most 25 iterations. In statsmodels'
# terms |dev_old - dev| <= atol + rtol · |dev|, with rtol = epsilon and atol = 0.1 · epsilon.
_EPSILON = 1e-8
_MAX_ITERATIONS = 25


def _glm(
    y: npt.NDArray[np.float64], x: npt.NDArray[np.float64], weights: npt.NDArray[np.float64] | None
) -> _Fit | None:
    """R's `glm(y ~ x, family = quasipoisson, weights = weights)` by statsmodels' IRLS: None where the unweighted
    fit does not converge (surveillance checks only that one). The scale is left at 1 while fitting (R's deviance
    test reads the unscaled deviance); the dispersions are computed here as R's summary computes them."""
    model = sm.GLM(y, x, family=_RPoisson(), var_weights=weights)
    with warnings.catch_warnings():
        # A perfect fit (all zeros) warns in statsmodels as R's glm does; the bound still follows from the estimate.
        warnings.simplefilter("ignore")
        result = model.fit(
            method="IRLS", maxiter=_MAX_ITERATIONS, tol=0.1 * _EPSILON, atol=0.1 * _EPSILON, rtol=_EPSILON
        )
    if not result.converged and weights is None:
        return None  # R refits without the trend, or gives NA (the reweighted fit R takes as it comes)
    beta = np.asarray(result.params, dtype=np.float64)
    mu = np.exp(x @ beta)
    # As R's glm.fit: the working weights (prior weight · μ) are those of the last iteration's start, the residuals
    # those of the final μ; summary.glm, hatvalues and predict.glm read both so.
    working = np.asarray(model.weights, dtype=np.float64)
    df_resid = len(y) - x.shape[1]
    try:
        cov_unscaled = np.asarray(np.linalg.inv(x.T @ (working[:, None] * x)), dtype=np.float64)
    except np.linalg.LinAlgError:  # weights underflowed to 0: R's summary would give NaN; no bound
        return None
    squared = ((y - mu) / mu) ** 2
    dispersion = float(np.sum(working * squared) / df_resid)
    summary = dispersion if weights is None else float(np.sum(weights * squared) / df_resid)
    return _Fit(beta, mu, working, cov_unscaled, dispersion, df_resid, summary)


def _anscombe(y: npt.NDArray[np.float64], x: npt.NDArray[np.float64], fit: _Fit, phi: float) -> npt.NDArray[np.float64]:
    """surveillance's `anscombe.residuals`: 3/2 (y^(2/3) mu^(-1/6) - mu^(1/2)) / sqrt(phi (1 - h)), h the hat values
    of the (unweighted) fit."""
    hat = fit.working * np.einsum("ij,jk,ik->i", x, fit.cov_unscaled, x)
    a = 1.5 * (y ** (2.0 / 3.0) * fit.mu ** (-1.0 / 6.0) - np.sqrt(fit.mu))
    return np.asarray(a / np.sqrt(phi * (1.0 - hat)), dtype=np.float64)


def _weights(s: npt.NDArray[np.float64], threshold: float) -> npt.NDArray[np.float64]:
    """surveillance's `algo.farrington.assign.weights`: s^-2 above the threshold, 1 below, scaled to average 1."""
    above = s > threshold
    with np.errstate(divide="ignore"):
        inverse_square = np.where(above, s**-2.0, 1.0)
    gamma = len(s) / float(np.sum(inverse_square))
    return np.where(above, gamma * inverse_square, gamma)


def _fit(
    y: npt.NDArray[np.float64], x: npt.NDArray[np.float64], settings: FarringtonSettings
) -> tuple[_Fit, float] | None:
    """surveillance's `algo.farrington.fitGLM.flexible`: the fit (reweighted when asked) and phi = max(dispersion,
    1); a model with a trend that does not converge is tried without (as R does), None where neither does."""
    fit = _glm(y, x, None)
    if fit is None and x.shape[1] > 1:
        x = x[:, :1]
        fit = _glm(y, x, None)
    if fit is None:
        return None
    phi = max(fit.dispersion, 1.0)
    if settings.reweight:
        omega = _weights(_anscombe(y, x, fit, phi), settings.weights_threshold)
        refit = _glm(y, x, omega)
        if refit is None:
            return None
        fit = refit
        phi = max(fit.dispersion, 1.0)
    return fit, phi


def _predict(fit: _Fit, x0: npt.NDArray[np.float64]) -> tuple[float, float]:
    """R's `predict.glm(type = "response", se.fit = TRUE)`: the mean and its standard error (delta method, with the
    model's dispersion as R's summary reads it)."""
    mu0 = math.exp(float(x0 @ fit.beta))
    se_link = math.sqrt(fit.summary_dispersion * float(x0 @ fit.cov_unscaled @ x0))
    return mu0, mu0 * se_link


def _upper(mu0: float, se_fit: float, phi: float, settings: FarringtonSettings) -> float:
    """surveillance's `algo.farrington.threshold.farrington`: the upper limit on the power scale, back-transformed."""
    exponent = POWERS[settings.power]
    tau = phi + se_fit**2 / mu0
    if settings.power == "none":
        se = math.sqrt(mu0 * tau)
    elif settings.power == "1/2":
        se = math.sqrt(0.25 * tau)
    else:
        se = math.sqrt(4.0 / 9.0 * mu0 ** (1.0 / 3.0) * tau)
    return float((mu0**exponent + NormalDist().inv_cdf(1.0 - settings.alpha) * se) ** (1.0 / exponent))


def judge_one(counts: npt.NDArray[np.float64], k: int, freq: int, settings: FarringtonSettings) -> tuple[float, bool]:
    """The bound and alarm of epoch `k` (0-based) of a positional series of frequency `freq` (measure 15). The bound
    is NaN where limit54 withholds it or the model does not converge; then there is no alarm."""
    b, w = settings.years_back, settings.half_window
    rows = np.concatenate([np.arange(k - j * freq - w, k - j * freq + w + 1) for j in range(b, 0, -1)])
    rows = rows[(rows < k - w) | (rows > k)]  # pastWeeksNotIncluded = w: the epoch judged and the w before it
    y = counts[rows]
    # Time is the 1-based position, as surveillance's wtime for an sts without dates.
    x = np.column_stack([np.ones(len(rows)), rows + 1.0]) if settings.trend else np.ones((len(rows), 1))
    x0 = np.array([1.0, k + 1.0]) if settings.trend else np.array([1.0])
    fitted = _fit(y, x, settings)
    if fitted is None:
        return math.nan, False
    fit, phi = fitted
    if fit.beta.shape[0] > 1:
        mu_trend, _ = _predict(fit, x0)
        with np.errstate(divide="ignore", invalid="ignore"):
            # A series without noise has a zero dispersion: t is ±inf and p is 0, as in R. (0/0 would make R stop
            # with "missing value where TRUE/FALSE needed"; here p is NaN and the trend is not kept.)
            t_value = float(np.float64(fit.beta[1]) / np.sqrt(fit.summary_dispersion * fit.cov_unscaled[1, 1]))
        p_value = 2.0 * float(student_t.sf(abs(t_value), fit.df_resid))
        keep = b >= 3 and p_value < settings.trend_p and mu_trend <= float(np.max(y))
        if not keep:
            x, x0 = x[:, :1], x0[:1]
            fitted = _fit(y, x, settings)
            if fitted is None:
                return math.nan, False
            fit, phi = fitted
    mu0, se_fit = _predict(fit, x0[: fit.beta.shape[0]])
    upper = _upper(mu0, se_fit, phi, settings)
    y_now = float(counts[k])
    if float(np.sum(counts[k - settings.limit_periods + 1 : k + 1])) < settings.limit_cases:
        return math.nan, False
    score = (y_now - mu0) / (upper - mu0)
    return upper, bool(score > 1.0 and y_now != 0.0)


def farrington(
    counts: Sequence[float] | npt.NDArray[np.float64], freq: int, settings: FarringtonSettings
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """The bounds and alarms from `first_judged(freq, settings)` to the last epoch (measure 15;
    `surveillance::farringtonFlexible` with `range` left to its default). The caller checks the length."""
    x = np.asarray(counts, dtype=np.float64)
    start = first_judged(freq, settings)
    judged = [judge_one(x, k, freq, settings) for k in range(start, len(x))]
    upper = np.array([u for u, _ in judged], dtype=np.float64)
    alarm = np.array([a for _, a in judged], dtype=np.bool_)
    return upper, alarm
