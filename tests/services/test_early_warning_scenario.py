"""Issue 20's scenario on the demo county (measure 15): the outbreak seeded in the demo signals shows first in pharmacy
sales and fever clinics, the daily job's multi-point alert fires for the outbreak's communities and not for a quiet
one, its task is verified as a cluster linked to the infection it led to, and the four earlies report of that week
shows the infection's timings. Judged with the methods held equal to R `surveillance` (tests/rules/aberration)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy import load_policy
from fangkong.services.access import Actor, Role
from fangkong.services.calendar import local_instant
from fangkong.services.demo import COUNTY, DEMO_TODAY
from fangkong.services.four_earlies import four_earlies_report
from fangkong.services.infections.models import Infection
from fangkong.services.signals.demo import OUTBREAK_DAYS
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.warning_alerts.job import run_triggers
from fangkong.services.warning_alerts.models import WarningAlert
from fangkong.services.warning_alerts.service import AlertVerify, list_alerts, verify_alert
from tests.stores import Templates

OUTBREAK = (f"{COUNTY}001001", f"{COUNTY}001002")
QUIET = f"{COUNTY}002003"
COMMAND = Actor("command", Role.command_centre, f"/11/1101/{COUNTY}/")
POLICY = load_policy()


@pytest.fixture
def session(tmp_path: Path, store_templates: Templates) -> Iterator[Session]:
    with store_templates.store("sqlite", "demo_20", tmp_path) as url:
        engine = make_engine(url)
        with unit_of_work(session_factory(engine)) as s:
            yield s
        engine.dispose()


def test_the_outbreak_is_found_verified_and_timed(session: Session) -> None:
    # the demo raised yesterday's and today's alerts already; judge the days before, as the job ran them (the first
    # community's alarms from the outbreak's first day on)
    first_alarm: dict[str, date] = {}
    raised_on: dict[str, date] = {}
    for back in range(5, 1, -1):  # from 11 Nov, when the 20 measures began
        day = DEMO_TODAY - timedelta(days=back)
        run = run_triggers(session, COMMAND, on=day, now=local_instant(day, time(7)), policy=POLICY)
        assert not run.gaps and not run.short
        for code, alarm in run.alarms:
            if code == OUTBREAK[0] and alarm.day >= DEMO_TODAY - timedelta(days=OUTBREAK_DAYS - 1):
                first_alarm.setdefault(alarm.channel, alarm.day)
        for alert in run.raised:
            raised_on.setdefault(alert.jurisdiction_code, day)
    # pharmacy sales and fever clinics alarm first; positivity and influenza-like illness later
    early = min(first_alarm[c] for c in ("antipyretic_sales", "cough_cold_sales", "fever_clinic"))
    assert all(first_alarm.get(c, DEMO_TODAY) > early for c in ("sentinel_ili", "nucleic_acid_positivity"))
    # the alert fires for the outbreak's communities, never for a quiet one
    assert set(raised_on) <= set(OUTBREAK) and OUTBREAK[0] in raised_on
    alerts, _ = list_alerts(session, COMMAND, now=local_instant(DEMO_TODAY, time(9)), jurisdiction_code=OUTBREAK[0])
    assert all(a.kind == "multi_channel" for a in alerts)
    assert not list_alerts(session, COMMAND, now=local_instant(DEMO_TODAY, time(9)), jurisdiction_code=QUIET)[1]
    # the task verified: today's alert of the first community, a cluster linked to its infection
    infection = session.scalar(select(Infection.id).where(Infection.jurisdiction_code == OUTBREAK[0]))
    assert infection is not None
    today_alert = session.scalar(
        select(WarningAlert).where(WarningAlert.jurisdiction_code == OUTBREAK[0], WarningAlert.raised_on == DEMO_TODAY)
    )
    assert today_alert is not None and today_alert.status == "open"
    done = verify_alert(
        session,
        COMMAND,
        today_alert.id,
        AlertVerify(outcome="confirmed", infection_ids=[infection], note="household cluster"),
        now=local_instant(DEMO_TODAY, time(11)),
    )
    assert done.status == "confirmed" and done.infection_ids == [infection]
    # the four earlies of that week show the infection's timings
    report = four_earlies_report(
        session,
        COMMAND,
        date_from=DEMO_TODAY - timedelta(days=DEMO_TODAY.weekday()),
        date_to=DEMO_TODAY,
        now=datetime.combine(DEMO_TODAY, time(1), UTC),
        policy=POLICY,
    )
    assert report.infections >= 1
    week = [w for w in report.weeks if w.week_start == DEMO_TODAY - timedelta(days=DEMO_TODAY.weekday())]
    reporting = next(s for w in week for s in w.steps if s.step.value == "reporting")
    assert reporting.measured >= 1
