"""The one calendar: instants are stored in UTC, days are counted in the jurisdiction's zone, and "now" comes from
one clock set once per application (the API's app, the CLI's context) so that a drill or a test can fix it.

Rules never read a clock (DESIGN.md section 2): the services turn the clock's instant into the day the rules are
asked about, here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

JURISDICTION_ZONE = ZoneInfo("Asia/Shanghai")  # calendar days are counted in the jurisdiction's zone

Clock = Callable[[], datetime]
"""Gives the current instant (timezone-aware). The system clock, or a fixed one for a drill or a test."""


def system_clock() -> datetime:
    return datetime.now(UTC)


def drill_clock(day: date) -> Clock:
    """A drill (`fangkong serve --today`): the day fixed, the time of day running."""

    def now() -> datetime:
        return datetime.combine(day, local_time(system_clock()).timetz()).astimezone(UTC)

    return now


def today(clock: Clock = system_clock) -> date:
    """The jurisdiction's calendar day by a clock."""
    return local_day(clock())


def local_day(at: datetime) -> date:
    """The calendar day an instant falls on in the jurisdiction: what "today" means to staff."""
    return at.astimezone(JURISDICTION_ZONE).date()


def local_time(at: datetime) -> datetime:
    """An instant as the jurisdiction's wall clock shows it."""
    return at.astimezone(JURISDICTION_ZONE)


def local_instant(day: date, at: time = time(0)) -> datetime:
    """The instant of a wall-clock time on a day in the jurisdiction."""
    return datetime.combine(day, at, JURISDICTION_ZONE)


def midnight(day: date) -> datetime:
    """The instant a day begins in the jurisdiction."""
    return local_instant(day)


def day_span(first: date, last: date) -> tuple[datetime, datetime]:
    """The half-open interval of instants from the start of `first` to the end of `last`."""
    return midnight(first), midnight(last + timedelta(days=1))


def assume_local(at: datetime) -> datetime:
    """A wall-clock instant without a zone (a lab's local clock) read in the jurisdiction's zone."""
    return at if at.tzinfo is not None else at.replace(tzinfo=JURISDICTION_ZONE)
