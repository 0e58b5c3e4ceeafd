"""The demo county's signals (measure 15): eight weeks of every channel for each community ending on the drill day,
deterministic and idempotent, with an outbreak in the last days that rises first in pharmacy sales and fever-clinic
visits — what the aberration methods and the multi-point trigger are to find — and today's positivity derived from
the lab results in the store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.policy.terms import SignalChannel
from fangkong.services.access import SYSTEM
from fangkong.services.demo import COUNTY, DEMO_TODAY
from fangkong.services.signals.demo import OUTBREAK_DAYS, WEEKS, demo_file, demo_signals
from fangkong.services.signals.models import SignalCount
from fangkong.services.signals.service import series
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.stores import Templates

C11 = f"{COUNTY}001001"  # an outbreak community
C23 = f"{COUNTY}002003"  # a quiet one


@pytest.fixture
def session(tmp_path: Path, store_templates: Templates) -> Iterator[Session]:
    with store_templates.store("sqlite", "demo_20", tmp_path) as url:
        engine = make_engine(url)
        with unit_of_work(session_factory(engine)) as s:
            yield s
        engine.dispose()


def _counts(session: Session, place: str, channel: SignalChannel) -> list[int]:
    s = series(
        session, SYSTEM, jurisdiction_code=place, channel=channel.value,
        start=DEMO_TODAY - timedelta(days=WEEKS * 7 - 1), end=DEMO_TODAY, today=DEMO_TODAY,
    )  # fmt: skip
    assert all(c is not None for c in s.counts), channel
    return [c for c in s.counts if c is not None]


def _rise(counts: list[int]) -> float:
    """The last day against the highest day of the four weeks before the outbreak."""
    before = counts[-OUTBREAK_DAYS - 28 : -OUTBREAK_DAYS]
    return counts[-1] / max(before)


def test_the_demo_signals(session: Session) -> None:
    """`load_demo` holds them already (the demo_20 template); a second call adds nothing."""
    stored = session.scalar(select(func.count()).select_from(SignalCount)) or 0
    assert stored > 0
    assert demo_signals(session, SYSTEM, DEMO_TODAY, COUNTY) == 0  # idempotent
    assert session.scalar(select(func.count()).select_from(SignalCount)) == stored
    for channel in SignalChannel:
        if channel is not SignalChannel.nucleic_acid_positivity:
            assert len(_counts(session, C23, channel)) == WEEKS * 7
    # the outbreak community: pharmacies and fever clinics rise first and most; absences come last
    early = [_rise(_counts(session, C11, c)) for c in (SignalChannel.antipyretic_sales, SignalChannel.fever_clinic)]
    late = [_rise(_counts(session, C11, c)) for c in (SignalChannel.workplace_absence, SignalChannel.school_absence)]
    assert min(early) > 1.5 and max(late) < min(early), (early, late)
    sales = _counts(session, C11, SignalChannel.antipyretic_sales)
    assert sales[-3] > max(sales[-OUTBREAK_DAYS - 28 : -OUTBREAK_DAYS])  # already above the baseline 3 days back
    ili = _counts(session, C11, SignalChannel.sentinel_ili)
    assert ili[-OUTBREAK_DAYS] <= max(ili[-OUTBREAK_DAYS - 28 : -OUTBREAK_DAYS])  # not yet on the first day
    # a quiet community stays within its own range
    assert _rise(_counts(session, C23, SignalChannel.antipyretic_sales)) < 1.5
    # positivity: imported for the days before, derived from the store's lab results for the drill day
    today = session.scalars(
        select(SignalCount.source).where(
            SignalCount.channel == SignalChannel.nucleic_acid_positivity.value, SignalCount.day == DEMO_TODAY
        )
    ).all()
    assert today and set(today) == {"derived"}


def test_the_demo_file_is_deterministic() -> None:
    start = DEMO_TODAY - timedelta(days=WEEKS * 7 - 1)
    assert demo_file([C11, C23], start, DEMO_TODAY) == demo_file([C11, C23], start, DEMO_TODAY)
