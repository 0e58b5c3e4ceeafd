"""Aberration detection for the early warning of measure 15 ("improve the multi-channel monitoring and early warning
mechanism ... multi-point triggering", 完善多渠道监测预警机制, 多点触发, m20.15): is a day's (or week's) count of a
signal higher than its history explains?

`judge(days, counts, method, settings)` gives, for every epoch the method can judge, the count, its upper bound and
whether it alarms, equal to R `surveillance` (`earsC` for EARS C1, C2 and C3, `farringtonFlexible` for the improved
Farrington method) with the values of `warning.*` (its defaults; register warning-*). A series is daily (dates 1 day
apart, an `sts` of frequency 365) or weekly (7 days apart, frequency 52), with positional epochs (register
warning-frequency): it must have no gaps, no repeated dates and whole counts of at least 0, and be long enough for the
method; otherwise `InvalidInput` names the field and the row, and nothing is judged.

Pure: no store, no clock; the series and the settings are arguments.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from numbers import Integral
from typing import Any

from pydantic import BaseModel, ConfigDict

from fangkong.errors import InvalidInput, RowError
from fangkong.policy import PolicyAt
from fangkong.policy.terms import Method
from fangkong.rules.aberration import ears as _ears
from fangkong.rules.aberration import farrington as _farrington
from fangkong.rules.aberration.farrington import POWERS, FarringtonSettings
from fangkong.rules.decision import Reason

__all__ = ["FarringtonSettings", "Judged", "Method", "Settings", "judge", "needed", "warning_settings"]

DAILY, WEEKLY = 1, 7  # the spacings of a series, in days


class Judged(BaseModel):
    """One epoch judged (measure 15): its day and count, the upper bound (None where the method gives none: R's NA)
    and whether the count alarms, with the reason citing the clause."""

    model_config = ConfigDict(frozen=True)

    day: date
    count: int
    upperbound: float | None
    alarm: bool
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Settings:
    """The values the methods use (`warning.*`, measure 15): the EARS baseline, least sigma and alpha of each EARS
    method, the Farrington settings, the epochs of a year by spacing, and the clause they cite."""

    ears_baseline: int
    ears_min_sigma: float
    ears_alpha: Mapping[Method, float]
    farrington: FarringtonSettings
    epochs_per_year: Mapping[int, int]  # spacing in days -> epochs of a year (7: 52, 1: 365)
    clause: str

    def alpha(self, method: Method) -> float:
        """The significance level of the method's bound."""
        return self.farrington.alpha if method is Method.farrington else self.ears_alpha[method]

    def overridden(
        self, method: Method, *, alpha: float | None = None, baseline: int | None = None, years: int | None = None
    ) -> Settings:
        """These settings with the method's alpha, the EARS baseline (days) or Farrington's past years changed, as a
        caller's flags ask (checked: InvalidInput names the flag)."""
        changed = self
        if alpha is not None:
            if not 0.0 < alpha < 1.0:
                raise InvalidInput("alpha", f"{alpha} is not between 0 and 1")
            if method is Method.farrington:
                changed = replace(changed, farrington=replace(changed.farrington, alpha=alpha))
            else:
                changed = replace(changed, ears_alpha={**changed.ears_alpha, method: alpha})
        if baseline is not None:
            if method is Method.farrington:
                raise InvalidInput("baseline", "the baseline is the EARS methods' days; Farrington's is its years")
            if baseline < 3:
                raise InvalidInput("baseline", f"{baseline} days: the least baseline is 3 (as surveillance's earsC)")
            changed = replace(changed, ears_baseline=baseline)
        if years is not None:
            if method is not Method.farrington:
                raise InvalidInput("years", "the past years are the Farrington method's; EARS uses its baseline days")
            if years < 1:
                raise InvalidInput("years", f"{years}: at least 1 past year")
            changed = replace(changed, farrington=replace(changed.farrington, years_back=years))
        return changed


def warning_settings(policy: PolicyAt) -> Settings:
    """The methods' values in force (measure 15, `warning.*`); NotInForce before the 20 measures."""

    def value(path: str) -> Any:  # checked against the parameter's `type:` when the policy was loaded
        return policy.get(f"warning.{path}").value

    power = str(value("farrington.power"))
    if power not in POWERS:
        raise InvalidInput("warning.farrington.power", f"{power!r} is not one of {', '.join(POWERS)}")
    farrington = FarringtonSettings(
        years_back=int(value("farrington.years_back")),
        half_window=int(value("farrington.half_window")),
        alpha=float(value("farrington.alpha")),
        reweight=bool(value("farrington.reweight")),
        weights_threshold=float(value("farrington.weights_threshold")),
        trend=bool(value("farrington.trend")),
        trend_p=float(value("farrington.trend_p")),
        limit_cases=int(value("farrington.limit_cases")),
        limit_periods=int(value("farrington.limit_periods")),
        power=power,
    )
    return Settings(
        ears_baseline=int(value("ears.baseline_days")),
        ears_min_sigma=float(value("ears.min_sigma")),
        ears_alpha={m: float(value(f"ears.alpha.{m.value.removeprefix('ears-')}")) for m in _ears.EARS_METHODS},
        farrington=farrington,
        epochs_per_year={
            WEEKLY: int(value("epochs_per_year.weekly")),
            DAILY: int(value("epochs_per_year.daily")),
        },
        clause=policy.get("warning.ears.baseline_days").source.clause,
    )


def needed(method: Method, spacing: int, settings: Settings) -> int:
    """The rows a series needs before the method judges its first epoch, and one more (measure 15): EARS C1 the
    baseline + 1, C2 + 3, C3 + 5; Farrington freq · b + w + 1."""
    if method is Method.farrington:
        return _farrington.first_judged(settings.epochs_per_year[spacing], settings.farrington) + 1
    return _ears.first_judged(method, settings.ears_baseline) + 1


def spacing_of(days: Sequence[date], rows: Sequence[int]) -> int:
    """The series' spacing (1 or 7 days), checking every date: in order, no repeat, no gap, one spacing (measure 15;
    register warning-frequency). RowError names the `date` of the row that breaks it."""
    if len(days) < 2:
        return DAILY
    spacing = (days[1] - days[0]).days
    for i in range(1, len(days)):
        step = (days[i] - days[i - 1]).days
        day, before = days[i].isoformat(), days[i - 1].isoformat()
        if step == 0:
            raise RowError(rows[i], "date", f"{days[i].isoformat()} appears twice in the series")
        if step < 0:
            raise RowError(rows[i], "date", f"{day} after {before}: the dates of a series must go forward")
        if i == 1 and step not in (DAILY, WEEKLY):
            raise RowError(
                rows[i], "date", f"{day} after {before}: a series is daily (1 day apart) or weekly (7 days apart)"
            )
        if step != spacing:
            if step % spacing == 0:
                raise RowError(
                    rows[i], "date", f"{day} after {before}: a gap in a series whose dates are {spacing} days apart"
                )
            raise RowError(
                rows[i], "date", f"{day} after {before}: mixed spacing in a series whose dates are {spacing} days apart"
            )
    return spacing


def _reasons(count: int, upper: float, alarm: bool, method: Method, settings: Settings) -> tuple[Reason, ...]:
    """Why an epoch alarms or not (measure 15), citing the clause."""
    if math.isnan(upper):
        if method is Method.farrington:
            f = settings.farrington
            text = f"fewer than {f.limit_cases} cases in the last {f.limit_periods} periods: no upper bound, no alarm"
        else:
            text = "the baseline does not vary: no upper bound, no alarm"
    elif alarm:
        text = f"count {count} above the upper bound {upper:.2f}: an aberration to verify"
    else:
        text = f"count {count} not above the upper bound {upper:.2f}"
    return (Reason(clause=settings.clause, text=text),)


def judge(
    days: Sequence[date],
    counts: Sequence[int],
    method: Method,
    settings: Settings,
    *,
    rows: Sequence[int] | None = None,
) -> list[Judged]:
    """Every epoch of a daily or weekly series that the method can judge, in order (measure 15), equal to R
    `surveillance` on the same series. `rows`: the row of each value in the caller's input, named in errors (by
    default 1, 2, ...). Bad input (a repeated or missing date, mixed spacing, a negative count, too short a history)
    raises InvalidInput naming the field and the row; nothing is judged."""
    row_of = list(rows) if rows is not None else list(range(1, len(days) + 1))
    if len(counts) != len(days) or len(row_of) != len(days):
        raise InvalidInput("count", f"{len(counts)} counts for {len(days)} dates")
    for row, count in zip(row_of, counts, strict=True):
        if isinstance(count, bool) or not isinstance(count, Integral) or count < 0:
            raise RowError(row, "count", f"{count!r} is not a whole number of at least 0")
    spacing = spacing_of(days, row_of)
    need = needed(method, spacing, settings)
    if len(days) < need:
        every = "weeks" if spacing == WEEKLY else "days"
        raise InvalidInput(
            "date", f"the series has {len(days)} {every}; {method.value} needs at least {need} to judge its last one"
        )
    if method is Method.farrington:
        upper, alarm = _farrington.farrington(counts, settings.epochs_per_year[spacing], settings.farrington)
    else:
        upper, alarm = _ears.ears(
            counts,
            method,
            baseline=settings.ears_baseline,
            alpha=settings.alpha(method),
            min_sigma=settings.ears_min_sigma,
        )
    first = len(days) - len(upper)
    return [
        Judged(
            day=days[first + i],
            count=int(counts[first + i]),
            upperbound=None if math.isnan(u) else float(u),
            alarm=bool(a),
            reasons=_reasons(int(counts[first + i]), float(u), bool(a), method, settings),
        )
        for i, (u, a) in enumerate(zip(upper.tolist(), alarm.tolist(), strict=True))
    ]
