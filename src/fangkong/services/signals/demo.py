"""The demo county's early-warning signals (measure 15, m20.15): eight weeks of daily counts per community and
channel ending on the drill day, each with a plain weekly pattern, and a local outbreak in the first two communities
over the last five days that shows first in pharmacy sales and fever-clinic visits, then in sentinel influenza-like
illness and positivity, last in absences. Loaded as one imported file (so it has its batch record), then
positivity re-derived from the lab results in the store for the days the file leaves. Deterministic and idempotent:
`demo_signals` is called from `services.demo`."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy.terms import SignalChannel
from fangkong.services.access import Actor
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.signals.imports import import_signals
from fangkong.services.signals.models import SignalCount
from fangkong.services.signals.service import derive_positivity

WEEKS = 8
OUTBREAK_DAYS = 5  # the last days of the series, the drill day the last of them
OUTBREAK_PLACES = 2  # the first communities (of the first street) have the outbreak
TESTS = 600  # nucleic-acid tests a community's sampling points report a day
# a community's mean count a day, and the weekday factors Monday..Sunday: pharmacies and clinics busier at weekends,
# absences a weekday matter, arrivals at the week's ends
BASELINE: dict[SignalChannel, tuple[float, tuple[float, ...]]] = {
    SignalChannel.fever_clinic: (14.0, (1.1, 1.0, 1.0, 1.0, 1.0, 0.9, 1.0)),
    SignalChannel.antipyretic_sales: (40.0, (0.9, 0.9, 0.9, 1.0, 1.1, 1.3, 1.2)),
    SignalChannel.cough_cold_sales: (55.0, (0.9, 0.9, 0.9, 1.0, 1.1, 1.3, 1.2)),
    SignalChannel.antigen_kit_sales: (25.0, (0.9, 0.9, 0.9, 1.0, 1.1, 1.3, 1.2)),
    SignalChannel.sentinel_ili: (5.0, (1.2, 1.0, 1.0, 1.0, 1.0, 0.8, 0.9)),
    SignalChannel.school_absence: (18.0, (1.2, 1.0, 1.0, 1.0, 1.1, 0.3, 0.3)),
    SignalChannel.workplace_absence: (30.0, (1.2, 1.0, 1.0, 1.0, 1.1, 0.4, 0.4)),
    SignalChannel.interprovincial_arrivals: (16.0, (0.8, 0.8, 0.9, 0.9, 1.3, 1.4, 1.2)),
}
POSITIVE_RATE = 0.0005  # the background share of positive tests before the outbreak
# the outbreak communities' factor on each of the last five days: pharmacies and fever clinics first
OUTBREAK: dict[SignalChannel, tuple[float, ...]] = {
    SignalChannel.antipyretic_sales: (1.4, 1.9, 2.6, 3.4, 4.3),
    SignalChannel.cough_cold_sales: (1.3, 1.8, 2.4, 3.1, 3.9),
    SignalChannel.antigen_kit_sales: (1.5, 2.1, 2.9, 3.8, 4.8),
    SignalChannel.fever_clinic: (1.3, 1.7, 2.3, 3.0, 3.8),
    SignalChannel.sentinel_ili: (1.0, 1.0, 1.4, 1.9, 2.5),
    SignalChannel.school_absence: (1.0, 1.0, 1.0, 1.3, 1.7),
    SignalChannel.workplace_absence: (1.0, 1.0, 1.0, 1.2, 1.5),
}
OUTBREAK_POSITIVES = (0, 0, 2, 4, 7)  # positives above the background in an outbreak community


def demo_signals(session: Session, actor: Actor, today: date, county: str) -> int:
    """Give the demo county's communities `WEEKS` weeks of daily signals ending on `today` (the file's rows, imported
    under `actor`), then derive positivity from the store's lab results for the days the file leaves (today's);
    returns the rows stored (0 when the county has signals already)."""
    communities = list(
        session.scalars(
            select(Jurisdiction.code)
            .where(Jurisdiction.path.contains(f"/{county}/"), Jurisdiction.level == "community")
            .order_by(Jurisdiction.code)
        )
    )
    if not communities:
        return 0
    stored = select(SignalCount.id).where(SignalCount.jurisdiction_code.in_(communities)).limit(1)
    if session.scalar(stored) is not None:
        return 0
    start = today - timedelta(days=WEEKS * 7 - 1)
    summary = import_signals(
        session, actor, demo_file(communities, start, today), "csv", today=today, filename="demo-signals.csv"
    )
    derived = derive_positivity(session, actor, start=start, end=today, today=today)
    return summary.added + derived.written


def demo_file(communities: list[str], start: date, end: date) -> bytes:
    """The demo's signals as the CSV a county's channels would send: every community, channel and day from `start`
    to `end`, except positivity on `end` (today's tubes are still in the labs: derived from the store instead). The
    first `OUTBREAK_PLACES` communities have the outbreak."""
    rng = np.random.default_rng(20221116)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("jurisdiction", "channel", "date", "count", "tests"))
    days = (end - start).days + 1
    for place_index, code in enumerate(communities):
        for i in range(days):
            day = start + timedelta(days=i)
            late = i - (days - OUTBREAK_DAYS)  # the outbreak's day (0..4), negative before it
            struck = place_index < OUTBREAK_PLACES and late >= 0
            for channel, (mean, week) in BASELINE.items():
                factor = OUTBREAK.get(channel, (1.0,) * OUTBREAK_DAYS)[late] if struck else 1.0
                writer.writerow(
                    (code, channel.value, day.isoformat(), int(rng.poisson(mean * week[day.weekday()] * factor)), "")
                )
            if day < end:
                positives = int(rng.poisson(TESTS * POSITIVE_RATE)) + (OUTBREAK_POSITIVES[late] if struck else 0)
                tests = TESTS + int(rng.integers(-60, 61))
                writer.writerow((code, SignalChannel.nucleic_acid_positivity.value, day.isoformat(), positives, tests))
    return out.getvalue().encode()
