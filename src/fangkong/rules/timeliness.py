"""Timeliness of reporting an infection and of placing its close contacts under management (measure 2:
"promptly"; the hours are parameters, see the interpretation register: report-deadline, tracing-deadline)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from fangkong.policy import PolicyAt, repealed
from fangkong.rules.decision import Decision, because, policy_fields


class Timeliness(Decision):
    report_hours: float | None  # None: not reported yet
    report_late: bool
    placement_hours: tuple[float, ...]  # per contact placed
    contacts_on_time: int
    contacts_late: int  # placed after the deadline, or still not placed once it has passed
    contacts_waiting: int  # not placed, deadline not yet passed


def _hours(start: datetime, end: datetime) -> float:
    """Elapsed hours, exact: deadlines are judged on this, never on the rounded figure shown."""
    return (end - start).total_seconds() / 3600


def infection_timeliness(
    confirmed_at: datetime,
    reported_at: datetime | None,
    contacts_placed_at: Sequence[datetime | None],
    now: datetime,
    policy: PolicyAt,
) -> Timeliness:
    """Hours from confirmation to report and to each confirmed contact's order; late against the deadlines."""
    report = policy.integer("timeliness.report_within_hours")
    placed = policy.integer("timeliness.contacts_placed_within_hours")
    if report.value is None:
        raise repealed(report)
    exact_report = _hours(confirmed_at, reported_at) if reported_at is not None else None
    report_late = (exact_report if exact_report is not None else _hours(confirmed_at, now)) > report.value
    report_hours = round(exact_report, 2) if exact_report is not None else None
    hours = tuple(round(_hours(confirmed_at, p), 2) for p in contacts_placed_at if p is not None)
    deadline = placed.value
    on_time = late = waiting = 0
    for p in contacts_placed_at:
        elapsed = _hours(confirmed_at, p if p is not None else now)
        if deadline is not None and elapsed > deadline:
            late += 1
        elif p is None:
            waiting += 1
        else:
            on_time += 1
    reasons = [
        because(
            report,
            f"reported {report_hours} h after confirmation (deadline {report.value} h)"
            if report_hours is not None
            else f"not reported yet (deadline {report.value} h)",
        )
    ]
    if deadline is not None:
        reasons.append(
            because(
                placed, f"{on_time} contacts placed on time, {late} late, {waiting} waiting (deadline {deadline} h)"
            )
        )
    return Timeliness(
        **policy_fields(policy),
        report_hours=report_hours,
        report_late=report_late,
        placement_hours=hours,
        contacts_on_time=on_time,
        contacts_late=late,
        contacts_waiting=waiting,
        reasons=tuple(reasons),
    )
