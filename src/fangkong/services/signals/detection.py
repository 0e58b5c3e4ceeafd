"""The signals board's upper bounds and alarms (measure 15: early warning): one series of the store judged by the
method in force (`multi_point.method`, `rules.aberration`, equal to R `surveillance`), with the days before the board
read as the method's history. Runs of days with a count are judged separately — a missing day is never read as zero,
and a run too short for the method has no bound."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from fangkong.policy import Policy
from fangkong.policy.terms import Method, parse_term
from fangkong.rules.aberration import judge, needed, warning_settings
from fangkong.services.access import Actor
from fangkong.services.signals.service import MAX_DAYS, series

DAILY = 1


@dataclass(frozen=True)
class Bounds:
    """Per day of the board: the method's upper bound (None: not judged) and whether the count alarmed."""

    method: str
    upperbound: list[float | None]
    alarm: list[bool | None]


def bounds_of(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str | None,
    channel: str,
    days: list[date],
    today: date,
    policy: Policy,
) -> Bounds:
    """The upper bound and alarm of each of `days` (consecutive) for one channel of a jurisdiction's subtree."""
    if not days:
        return Bounds(method="", upperbound=[], alarm=[])
    rules = policy.at(days[-1])
    found = rules.find("multi_point.method")
    if found is None or not found.value:
        return Bounds(method="", upperbound=[None] * len(days), alarm=[None] * len(days))
    method = parse_term(Method, str(found.value), "method")
    settings = warning_settings(rules)
    history = needed(method, DAILY, settings)
    start = max(days[0] - timedelta(days=history), days[-1] - timedelta(days=MAX_DAYS - 1))
    full = series(
        session, actor, jurisdiction_code=jurisdiction_code, channel=channel, start=start, end=days[-1], today=today
    )
    judged: dict[date, tuple[float | None, bool]] = {}
    run: list[tuple[date, int]] = []
    for day, count in [*zip(full.days, full.counts, strict=True), (None, None)]:
        if count is not None and day is not None:
            run.append((day, count))
            continue
        if len(run) >= history:
            for j in judge([d for d, _ in run], [c for _, c in run], method, settings):
                judged[j.day] = (j.upperbound, j.alarm)
        run = []
    return Bounds(
        method=method.value,
        upperbound=[judged[d][0] if d in judged else None for d in days],
        alarm=[judged[d][1] if d in judged else None for d in days],
    )
