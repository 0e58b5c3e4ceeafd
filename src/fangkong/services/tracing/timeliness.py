"""The timeliness of tracing: hours from confirming an infection to reporting it and to placing each of its close
contacts under management, against the deadlines in force."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput
from fangkong.policy import Policy
from fangkong.rules.timeliness import Timeliness, infection_timeliness
from fangkong.services.access import Actor, Permission
from fangkong.services.calendar import local_day, midnight
from fangkong.services.file_imports.bulk import chunks
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import scope_root

from .models import CandidateStatus, ContactCandidate


class InfectionTimeliness(BaseModel):
    infection_id: int
    jurisdiction_code: str
    confirmed_at: datetime
    contacts: int
    timeliness: Timeliness


class JurisdictionTimeliness(BaseModel):
    jurisdiction_code: str
    infections: int
    reported_late: int
    median_report_hours: float | None
    contacts_placed: int
    contacts_late: int
    contacts_waiting: int
    median_placement_hours: float | None
    max_placement_hours: float | None


class TimelinessReport(BaseModel):
    since: date
    until: date
    report_within_hours: int | None
    contacts_placed_within_hours: int | None
    infections: list[InfectionTimeliness]
    jurisdictions: list[JurisdictionTimeliness]


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else round((s[mid - 1] + s[mid]) / 2, 2)


def timeliness_report(
    session: Session,
    actor: Actor,
    *,
    since: date,
    until: date,
    now: datetime,
    policy: Policy,
    jurisdiction_code: str | None = None,
) -> TimelinessReport:
    """Per infection confirmed in [since, until] and per jurisdiction: hours to report and to place each
    confirmed close contact under management, against the deadlines in force on the confirmation day."""
    actor.require(Permission.read_persons)
    if until < since:
        raise InvalidInput("until", "is before since")
    if (until - since).days > 366:
        raise InvalidInput("until", "at most a year at a time")
    root = scope_root(session, actor, jurisdiction_code)
    infections = list(
        session.scalars(
            select(Infection)
            .join(Jurisdiction, Infection.jurisdiction_code == Jurisdiction.code)
            .where(
                Jurisdiction.path.startswith(root),
                Infection.confirmed_at >= midnight(since),
                Infection.confirmed_at < midnight(until + timedelta(days=1)),
            )
            .order_by(Infection.confirmed_at, Infection.id)
        )
    )
    placed: dict[int, list[datetime | None]] = {i.id: [] for i in infections}
    for part in chunks([i.id for i in infections]):
        # placed when confirmed: the order is made in the same transaction, at the same instant
        for inf_id, status, order_at in session.execute(
            select(ContactCandidate.infection_id, ContactCandidate.status, ContactCandidate.decided_at).where(
                ContactCandidate.infection_id.in_(part), ContactCandidate.status != CandidateStatus.dismissed
            )
        ):
            placed[inf_id].append(order_at if status == CandidateStatus.confirmed else None)
    rows = []
    for inf in infections:
        rules = policy.at(local_day(inf.confirmed_at))
        t = infection_timeliness(inf.confirmed_at, inf.reported_at, placed[inf.id], now, rules)
        rows.append(
            InfectionTimeliness(
                infection_id=inf.id,
                jurisdiction_code=inf.jurisdiction_code,
                confirmed_at=inf.confirmed_at,
                contacts=len(placed[inf.id]),
                timeliness=t,
            )
        )
    by: dict[str, list[InfectionTimeliness]] = {}
    for row in rows:
        by.setdefault(row.jurisdiction_code, []).append(row)
    summary = []
    for code, items in sorted(by.items()):
        hours = [h for it in items for h in it.timeliness.placement_hours]
        reports = [it.timeliness.report_hours for it in items if it.timeliness.report_hours is not None]
        summary.append(
            JurisdictionTimeliness(
                jurisdiction_code=code,
                infections=len(items),
                reported_late=sum(it.timeliness.report_late for it in items),
                median_report_hours=_median(reports),
                contacts_placed=len(hours),
                contacts_late=sum(it.timeliness.contacts_late for it in items),
                contacts_waiting=sum(it.timeliness.contacts_waiting for it in items),
                median_placement_hours=_median(hours),
                max_placement_hours=max(hours) if hours else None,
            )
        )
    rules_now = policy.at(until)
    return TimelinessReport(
        since=since,
        until=until,
        report_within_hours=rules_now.integer("timeliness.report_within_hours").value,
        contacts_placed_within_hours=rules_now.integer("timeliness.contacts_placed_within_hours").value,
        infections=rows,
        jurisdictions=summary,
    )
