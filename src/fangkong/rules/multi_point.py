"""Multi-point triggering of early warning (measure 15: "further improve the multi-channel monitoring, early warning
and multi-point triggering mechanism", 进一步完善疫情多渠道监测预警和多点触发机制, m20.15).

`multi_point_trigger` takes the alarms of one jurisdiction's signal series (each channel judged by an aberration
method, `rules.aberration`) and says whether they raise an alert on a day: two or more channels alarming within
`multi_point.window_days` (`multi_point.min_channels`, register multi-point-window), or one channel alarming strongly
— its count at least `multi_point.strong_ratio` times its upper bound and at least `multi_point.strong_min_count`
(register multi-point-strong). An alert is verified within `multi_point.verify_within_hours` of being raised
(register multi-point-verify).

Pure functions: no store, no clock (the day and the instant are passed in).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from fangkong.policy import PolicyAt
from fangkong.policy.terms import WarningAlertKind
from fangkong.rules.decision import Decision, Reason, because, policy_fields


@dataclass(frozen=True)
class ChannelAlarm:
    """A day on which a channel's count alarmed, with the method's upper bound."""

    channel: str
    day: date
    count: int
    upperbound: float


class Trigger(Decision):
    """Whether the alarms raise an alert on `on` (m20.15): its kind, the channels and alarms that raised it, and the
    verification deadline counted from `raised_at`."""

    raised: bool
    kind: WarningAlertKind | None
    channels: tuple[str, ...]
    evidence: tuple[ChannelAlarm, ...]
    verify_by: datetime | None


def is_strong(alarm: ChannelAlarm, ratio: float, least: int) -> bool:
    """A count at least `ratio` times its upper bound and at least `least` (register multi-point-strong)."""
    return alarm.count >= least and alarm.count >= ratio * alarm.upperbound


def multi_point_trigger(alarms: Iterable[ChannelAlarm], on: date, raised_at: datetime, policy_at: PolicyAt) -> Trigger:
    """The alert the alarms of one jurisdiction raise on `on`, if any (m20.15): alarms of the `window_days` ending
    on `on` count; several channels first, else one strong alarm."""
    window = policy_at.integer("multi_point.window_days")
    least_channels = policy_at.integer("multi_point.min_channels")
    ratio = policy_at.number("multi_point.strong_ratio")
    least_count = policy_at.integer("multi_point.strong_min_count")
    verify = policy_at.integer("multi_point.verify_within_hours")
    first = on - timedelta(days=(window.value or 1) - 1)
    inside = sorted((a for a in alarms if first <= a.day <= on), key=lambda a: (a.day, a.channel))
    channels = tuple(sorted({a.channel for a in inside}))
    fields = policy_fields(policy_at)
    deadline = raised_at + timedelta(hours=verify.value or 0)
    said = ", ".join(c.replace("_", " ") for c in channels)
    if len(channels) >= (least_channels.value or 2):
        reasons: tuple[Reason, ...] = (
            because(least_channels, f"{len(channels)} channels alarmed within {window.value} days: {said}"),
            because(verify, f"verify within {verify.value} hours"),
        )
        return Trigger(
            **fields,
            raised=True,
            kind=WarningAlertKind.multi_channel,
            channels=channels,
            evidence=tuple(inside),
            verify_by=deadline,
            reasons=reasons,
        )
    strong = [a for a in inside if is_strong(a, ratio.value or 0.0, least_count.value or 0)]
    if strong:
        top = max(strong, key=lambda a: a.count / a.upperbound if a.upperbound > 0 else float("inf"))
        reasons = (
            because(
                ratio,
                f"{top.channel.replace('_', ' ')} counted {top.count} on {top.day}, at least {ratio.value} times "
                f"its upper bound {round(top.upperbound, 2)}: a strong signal",
            ),
            because(verify, f"verify within {verify.value} hours"),
        )
        return Trigger(
            **fields,
            raised=True,
            kind=WarningAlertKind.strong_signal,
            channels=(top.channel,),
            evidence=tuple(strong),
            verify_by=deadline,
            reasons=reasons,
        )
    text = (
        f"{len(channels)} channel alarmed within {window.value} days ({said}), not strongly: no alert"
        if channels
        else f"no channel alarmed within {window.value} days: no alert"
    )
    return Trigger(
        **fields,
        raised=False,
        kind=None,
        channels=channels,
        evidence=tuple(inside),
        verify_by=None,
        reasons=(because(least_channels, text),),
    )
