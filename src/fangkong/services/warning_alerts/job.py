"""The daily early-warning job (measure 15: "multi-channel monitoring, early warning and multi-point triggering",
m20.15): judge every signal series of the actor's subtree with the method in force (`multi_point.method`,
`rules.aberration`, equal to R `surveillance`), take the alarms of each jurisdiction together
(`rules.multi_point`) and raise an alert where they trigger one. Run again on the same day it raises nothing twice.

A series is one jurisdiction's one channel as stored (imported or derived): its days up to the day judged, as far
back as the method needs. A series with a day missing is not judged — a gap is never read as zero — and is named in
the answer, as is one too short for the method; fangkong does not guess.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput
from fangkong.policy import Policy
from fangkong.policy.terms import Method, WarningAlertStatus, parse_term
from fangkong.rules.aberration import judge, needed, warning_settings
from fangkong.rules.multi_point import ChannelAlarm, multi_point_trigger
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.signals.models import SignalCount
from fangkong.services.warning_alerts.models import WarningAlert

DAILY = 1  # the signals store holds daily counts


@dataclass
class JobRun:
    """What a run did: the series judged, those left aside and why, the alarms found and the alerts raised."""

    on: date
    method: str
    judged: int = 0
    alarms: list[tuple[str, ChannelAlarm]] = field(default_factory=list)  # (jurisdiction, alarm)
    raised: list[WarningAlert] = field(default_factory=list)
    already: int = 0
    gaps: list[tuple[str, str]] = field(default_factory=list)  # (jurisdiction, channel) with a day missing
    short: list[tuple[str, str]] = field(default_factory=list)  # (jurisdiction, channel) too short for the method


def run_triggers(
    session: Session, actor: Actor, *, on: date, now: datetime, policy: Policy, method: str | None = None
) -> JobRun:
    """Judge the signals of `on` in the actor's subtree and raise the alerts they trigger (m20.15). `method`: another
    method than the one in force (checked: InvalidInput names `method`)."""
    actor.require(Permission.trace_contacts)
    rules = policy.at(on)
    chosen = parse_term(Method, method or str(rules.text("multi_point.method").value), "method")
    settings = warning_settings(rules)
    window = int(rules.integer("multi_point.window_days").value or 1)
    first_judged = on - timedelta(days=window - 1)
    history = needed(chosen, DAILY, settings) + window + 1
    start = on - timedelta(days=history)
    stmt = (
        select(SignalCount.jurisdiction_code, SignalCount.channel, SignalCount.day, SignalCount.count)
        .join(Jurisdiction, Jurisdiction.code == SignalCount.jurisdiction_code)
        .where(
            Jurisdiction.path.startswith(actor.jurisdiction_path),
            SignalCount.day >= start,
            SignalCount.day <= on,
        )
        .order_by(SignalCount.jurisdiction_code, SignalCount.channel, SignalCount.day)
    )
    series: dict[tuple[str, str], list[tuple[date, int]]] = defaultdict(list)
    for code, channel, day, count in session.execute(stmt):
        series[(code, channel)].append((day, int(count)))
    run = JobRun(on=on, method=chosen.value)
    alarms: dict[str, list[ChannelAlarm]] = defaultdict(list)
    for (code, channel), points in sorted(series.items()):
        days = [d for d, _ in points]
        if points[-1][0] < first_judged:
            continue  # nothing counted in the window: nothing to judge
        span = (days[-1] - days[0]).days + 1
        if span != len(days):
            run.gaps.append((code, channel))
            continue
        try:
            judged = judge(days, [c for _, c in points], chosen, settings)
        except InvalidInput:
            run.short.append((code, channel))
            continue
        run.judged += 1
        for j in judged:
            if j.alarm and j.day >= first_judged and j.upperbound is not None:
                alarm = ChannelAlarm(channel=channel, day=j.day, count=j.count, upperbound=float(j.upperbound))
                alarms[code].append(alarm)
                run.alarms.append((code, alarm))
    for code, found in sorted(alarms.items()):
        trigger = multi_point_trigger(found, on, now, rules)
        if not trigger.raised or trigger.kind is None or trigger.verify_by is None:
            continue
        exists = session.scalar(
            select(WarningAlert.id).where(WarningAlert.jurisdiction_code == code, WarningAlert.raised_on == on)
        )
        if exists is not None:
            run.already += 1
            continue
        alert = WarningAlert(
            jurisdiction_code=code,
            raised_on=on,
            kind=trigger.kind.value,
            method=chosen.value,
            channels=list(trigger.channels),
            evidence=[
                {"channel": a.channel, "day": a.day.isoformat(), "count": a.count, "upperbound": a.upperbound}
                for a in trigger.evidence
            ],
            reasons=[r.model_dump() for r in trigger.reasons],
            policy=trigger.policy,
            status=WarningAlertStatus.open.value,
            raised_at=now,
            raised_by=actor.username,
            verify_by=trigger.verify_by,
            infection_ids=[],
        )
        session.add(alert)
        session.flush()
        record(
            session,
            actor,
            action="create",
            entity="warning_alert",
            entity_id=alert.id,
            detail={"jurisdiction": code, "on": on.isoformat(), "kind": alert.kind, "channels": alert.channels},
        )
        run.raised.append(alert)
    return run
