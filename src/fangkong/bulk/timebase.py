"""How the bulk files count time: instants as seconds since the Unix epoch (UTC, int64), calendar days as days
since the epoch (int32) in the jurisdiction's zone.

Integers, not engine timestamp types, because DuckDB, Spark and PostgreSQL disagree on time zones of
timestamps read from Parquet; integer arithmetic gives all three the same answer. A calendar day in the
jurisdiction is `(instant + offset) // 86400` — valid only where the zone's offset does not change over the
data's span (Asia/Shanghai has kept +08:00 since 1991), which `fixed_offset` checks instead of assuming.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from fangkong.errors import InvalidInput

EPOCH = date(1970, 1, 1)
DAY_S = 86_400


def epoch_day(day: date) -> int:
    return (day - EPOCH).days


def from_epoch_day(n: int) -> date:
    return EPOCH + timedelta(days=int(n))


def epoch_s(at: datetime) -> int:
    if at.tzinfo is None:
        raise InvalidInput("at", "an instant needs a time zone")
    return int(at.timestamp())


def from_epoch_s(n: int) -> datetime:
    return datetime.fromtimestamp(int(n), UTC)


def fixed_offset(zone: tzinfo, first: date, last: date) -> int:
    """The zone's UTC offset in seconds, the same on every day from `first` to `last` (else refused)."""
    offsets = set()
    day = first - timedelta(days=1)
    while day <= last + timedelta(days=1):
        off = datetime.combine(day, time(12), zone).utcoffset()
        offsets.add(int(off.total_seconds()) if off is not None else 0)
        day += timedelta(days=1)
    if len(offsets) != 1:
        raise InvalidInput("zone", f"{zone} changes its UTC offset between {first} and {last}; bulk days need one")
    return offsets.pop()
