"""The demo county's early-warning alerts (measure 15): the daily job run on the day before the drill day and on the
drill day over the demo signals (services/signals/demo.py), whose outbreak in the first street's two communities shows
first in pharmacy sales and fever-clinic visits. Yesterday's alert of the first community was verified as a cluster —
the infection confirmed there on the 15th — and yesterday's of the second is overdue; today's are open.
`demo_alerts` is called once from services/demo.py; a second call changes nothing."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy import Policy, load_policy
from fangkong.services.access import Actor
from fangkong.services.calendar import local_instant
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.warning_alerts.job import run_triggers
from fangkong.services.warning_alerts.models import WarningAlert
from fangkong.services.warning_alerts.service import AlertAssign, AlertVerify, assign_alert, verify_alert


def demo_alerts(session: Session, actor: Actor, today: date, county: str, *, policy: Policy | None = None) -> int:
    """Run the daily job for yesterday and today in the county; verify yesterday's alert of the community that has an
    infection as a confirmed cluster. Returns the alerts raised (0 when already there)."""
    root = session.get(Jurisdiction, county)
    if root is None:
        return 0
    there = session.scalar(
        select(WarningAlert.id)
        .join(Jurisdiction, Jurisdiction.code == WarningAlert.jurisdiction_code)
        .where(Jurisdiction.path.startswith(root.path))
        .limit(1)
    )
    if there is not None:
        return 0
    policy = policy or load_policy()
    raised = 0
    for day in (today - timedelta(days=1), today):
        run = run_triggers(session, actor, on=day, now=local_instant(day, time(7)), policy=policy)
        raised += len(run.raised)
        if day == today:
            continue
        for alert in run.raised:
            infection = session.scalar(
                select(Infection.id)
                .where(Infection.jurisdiction_code == alert.jurisdiction_code)
                .order_by(Infection.confirmed_at)
                .limit(1)
            )
            if infection is None:
                continue
            at = local_instant(day, time(15))
            assign_alert(session, actor, alert.id, AlertAssign(assignee="epi"), now=at)
            note = "fever clinic and pharmacy rise matched a confirmed infection and its household"
            verify_alert(
                session, actor, alert.id, AlertVerify(outcome="confirmed", infection_ids=[infection], note=note), now=at
            )
    return raised
