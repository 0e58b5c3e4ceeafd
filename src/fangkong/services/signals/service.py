"""The early-warning signals of a jurisdiction (measure 15, m20.15: 进一步完善疫情多渠道监测预警和多点触发机制): lists
of the daily counts, one channel's series with every day (a day with no count is missing, never zero), and the
channels fangkong can derive from its own store.

Derived now: nucleic-acid positivity per jurisdiction and sampling day, from the lab results already imported (each
member of a resulted tube is a test in their own jurisdiction; a positive is a result the Ct rule called positive —
a positive pool is not, its members are retested). Derivable later: arrivals from other provinces, from the
landing-check register (落地检) another part of issue 20 adds. Signals are counts, no person named: their reads are
not audited as person reads; a re-derivation is audited as the change it makes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import BaseModel
from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput
from fangkong.policy.terms import CtResult, SignalChannel, parse_term
from fangkong.services.access import Actor, Permission
from fangkong.services.arrivals.models import Arrival
from fangkong.services.audit.service import record
from fangkong.services.calendar import local_day, midnight
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import scope_root
from fangkong.services.lab.models import LabResult, Sample, SampleMember
from fangkong.services.paging import page_of
from fangkong.services.persons.models import Person
from fangkong.services.signals.models import SignalCount

READ = Permission.trace_contacts  # the epidemiologist's and the command centre's: who watches the signals
WRITE = Permission.apply_policy_transition  # the command centre's: who loads the channels' files and re-derives
IMPORTED, DERIVED = "import", "derived"
MAX_DAYS = 800  # the longest series asked at once: two years of days and a margin (a bound on the answer, no rule)
DEFAULT_DAYS = 28  # the days shown when no start is asked: four weeks (a display default, no rule)
DERIVED_CHANNELS = (SignalChannel.nucleic_acid_positivity,)


@dataclass(frozen=True)
class Series:
    """One channel's daily counts in a jurisdiction's subtree, one entry per day from `start` to `end`: the sum of
    the subtree's counts that day, or None when nothing was counted that day (missing, not zero). `tests` holds the
    denominators of nucleic-acid positivity (None elsewhere)."""

    jurisdiction_code: str
    channel: SignalChannel
    days: list[date]
    counts: list[int | None]
    tests: list[int | None]

    @property
    def present(self) -> int:
        """The days that have a count."""
        return sum(c is not None for c in self.counts)


class DeriveSummary(BaseModel):
    """What a re-derivation did: the days it covered, the derived rows it removed and wrote, and the (jurisdiction,
    day)s it left alone because an imported count stands there."""

    channel: str
    start: date
    end: date
    removed: int
    written: int
    kept_imported: int


def checked_range(start: date | None, end: date | None, *, today: date) -> tuple[date, date]:
    """The days asked: `end` today when left out, `start` `DEFAULT_DAYS` days back to `end`; refused naming `to`
    when it is before `from`, or the span past `MAX_DAYS`."""
    last = end or today
    first = start or last - timedelta(days=DEFAULT_DAYS - 1)
    if last < first:
        raise InvalidInput("to", f"{last} is before {first}")
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidInput("from", f"{(last - first).days + 1} days asked; at most {MAX_DAYS} at once")
    return first, last


def _in_scope(stmt: Select[SignalCount], root: str) -> Select[SignalCount]:
    return stmt.join(Jurisdiction, SignalCount.jurisdiction_code == Jurisdiction.code).where(
        Jurisdiction.path.startswith(root)
    )


def list_signals(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str | None = None,
    channel: str | None = None,
    start: date | None = None,
    end: date | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[SignalCount], int]:
    """The daily counts in a jurisdiction's subtree (the actor's own by default; one outside it is not found),
    of one channel or all, between two days, newest first (measure 15)."""
    actor.require(READ)
    root = scope_root(session, actor, jurisdiction_code)
    stmt = _in_scope(select(SignalCount), root)
    if channel:
        stmt = stmt.where(SignalCount.channel == parse_term(SignalChannel, channel, "channel").value)
    if start is not None and end is not None and end < start:
        raise InvalidInput("to", f"{end} is before {start}")
    if start is not None:
        stmt = stmt.where(SignalCount.day >= start)
    if end is not None:
        stmt = stmt.where(SignalCount.day <= end)
    stmt = stmt.order_by(SignalCount.day.desc(), SignalCount.jurisdiction_code, SignalCount.channel)
    return page_of(session, stmt, offset=offset, limit=limit)


def series(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str | None,
    channel: str,
    start: date | None = None,
    end: date | None = None,
    today: date,
) -> Series:
    """One channel's series in a jurisdiction's subtree with every day from `start` to `end` (measure 15): the
    counts of the subtree summed per day, a day with none missing (None) — what the aberration methods read, which
    must not take a gap for a zero."""
    actor.require(READ)
    kind = parse_term(SignalChannel, channel, "channel")
    first, last = checked_range(start, end, today=today)
    root = scope_root(session, actor, jurisdiction_code)
    code = jurisdiction_code or _code_of(session, root)
    stmt = (
        select(SignalCount.day, func.sum(SignalCount.count), func.sum(SignalCount.tests))
        .join(Jurisdiction, SignalCount.jurisdiction_code == Jurisdiction.code)
        .where(
            Jurisdiction.path.startswith(root),
            SignalCount.channel == kind.value,
            SignalCount.day >= first,
            SignalCount.day <= last,
        )
        .group_by(SignalCount.day)
    )
    found = {day: (int(count), None if tests is None else int(tests)) for day, count, tests in session.execute(stmt)}
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return Series(
        jurisdiction_code=code,
        channel=kind,
        days=days,
        counts=[found[d][0] if d in found else None for d in days],
        tests=[found[d][1] if d in found else None for d in days],
    )


def _code_of(session: Session, path: str) -> str:
    """The jurisdiction at a scope's path ("/" — everywhere — has none: the tree's first root stands for it)."""
    code = path.rstrip("/").rsplit("/", 1)[-1]
    if code:
        return code
    return session.scalar(select(Jurisdiction.code).where(Jurisdiction.parent_code.is_(None)).order_by("code")) or ""


def derive_positivity(session: Session, actor: Actor, *, start: date, end: date, today: date) -> DeriveSummary:
    """Recompute nucleic-acid positivity per jurisdiction and sampling day from the lab results in the store, for the
    actor's subtree and the days `start`..`end` (measure 15: signals derived where fangkong already has the data).
    Idempotent: the derived rows of those days are replaced; a (jurisdiction, day) with an imported count keeps it.
    A day in the future is refused naming `to`."""
    actor.require(WRITE)
    first, last = checked_range(start, end, today=today)
    if last > today:
        raise InvalidInput("to", f"{last} is in the future")
    channel = SignalChannel.nucleic_acid_positivity.value
    root = actor.jurisdiction_path
    stmt = (
        select(Sample.collected_at, Person.jurisdiction_code, LabResult.outcome)
        .join(LabResult, LabResult.sample_id == Sample.id)
        .join(SampleMember, SampleMember.sample_id == Sample.id)
        .join(Person, Person.id == SampleMember.person_id)
        .join(Jurisdiction, Jurisdiction.code == Person.jurisdiction_code)
        .where(
            Sample.collected_at >= midnight(first),
            Sample.collected_at < midnight(last + timedelta(days=1)),
            Jurisdiction.path.startswith(root),
        )
    )
    tally: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0])  # (place, day) -> [positives, tests]
    for collected_at, code, outcome in session.execute(stmt):
        counts = tally[(code, local_day(collected_at))]
        counts[1] += 1
        counts[0] += outcome == CtResult.positive.value
    derived = {key: (positives, tests) for key, (positives, tests) in tally.items()}
    summary = _replace_derived(session, actor, channel, first, last, root, derived)
    record(session, actor, action="update", entity="signals", entity_id=channel, detail=summary.model_dump(mode="json"))
    session.flush()
    return summary


def _replace_derived(
    session: Session,
    actor: Actor,
    channel: str,
    first: date,
    last: date,
    root: str,
    derived: Mapping[tuple[str, date], tuple[int, int | None]],
) -> DeriveSummary:
    """Replace the derived counts of `channel` from `first` to `last` in the subtree `root` by `derived`
    ((jurisdiction, day) -> (count, tests)); a (jurisdiction, day) with an imported count keeps it."""
    places = select(Jurisdiction.code).where(Jurisdiction.path.startswith(root))
    in_range = (
        SignalCount.channel == channel,
        SignalCount.day >= first,
        SignalCount.day <= last,
        SignalCount.jurisdiction_code.in_(places),
    )
    imported = {
        (code, day)
        for code, day in session.execute(
            select(SignalCount.jurisdiction_code, SignalCount.day).where(*in_range, SignalCount.source == IMPORTED)
        )
    }
    stale = delete(SignalCount).where(*in_range, SignalCount.source == DERIVED)
    done = session.execute(stale.execution_options(synchronize_session=False))
    removed = int(done.rowcount or 0)  # type: ignore[attr-defined]  # a DELETE's result is a CursorResult
    rows = [
        {
            "jurisdiction_code": code,
            "channel": channel,
            "day": day,
            "count": count,
            "tests": tests,
            "source": DERIVED,
            "recorded_by": actor.username,
        }
        for (code, day), (count, tests) in sorted(derived.items())
        if (code, day) not in imported
    ]
    if rows:
        session.execute(insert(SignalCount), rows)
    return DeriveSummary(
        channel=channel,
        start=first,
        end=last,
        removed=removed,
        written=len(rows),
        kept_imported=sum(key in imported for key in derived),
    )


def derive_arrivals(session: Session, actor: Actor, *, start: date, end: date, today: date) -> DeriveSummary:
    """Recompute the arrivals from other provinces per jurisdiction and day from the landing-check register
    (`services.arrivals`, measure 15), as `derive_positivity` does positivity: idempotent, imported counts kept, a
    day in the future refused naming `to`."""
    actor.require(WRITE)
    first, last = checked_range(start, end, today=today)
    if last > today:
        raise InvalidInput("to", f"{last} is in the future")
    channel = SignalChannel.interprovincial_arrivals.value
    root = actor.jurisdiction_path
    stmt = (
        select(Arrival.jurisdiction_code, Arrival.arrived_at)
        .join(Jurisdiction, Jurisdiction.code == Arrival.jurisdiction_code)
        .where(
            Jurisdiction.path.startswith(root),
            Arrival.arrived_at >= midnight(first),
            Arrival.arrived_at < midnight(last + timedelta(days=1)),
        )
    )
    tally: dict[tuple[str, date], int] = defaultdict(int)
    for code, arrived_at in session.execute(stmt):
        tally[(code, local_day(arrived_at))] += 1
    summary = _replace_derived(session, actor, channel, first, last, root, {k: (n, None) for k, n in tally.items()})
    record(session, actor, action="update", entity="signals", entity_id=channel, detail=summary.model_dump(mode="json"))
    session.flush()
    return summary


# The channels fangkong derives from its own store, and how.
DERIVERS = {
    SignalChannel.nucleic_acid_positivity: derive_positivity,
    SignalChannel.interprovincial_arrivals: derive_arrivals,
}


def derive(session: Session, actor: Actor, channel: str, *, start: date, end: date, today: date) -> DeriveSummary:
    """Re-derive one channel that fangkong has the data for (measure 15); another channel is refused naming
    `channel`."""
    chosen = parse_term(SignalChannel, channel, "channel")
    run = DERIVERS.get(chosen)
    if run is None:
        said = ", ".join(c.value for c in DERIVERS)
        raise InvalidInput("channel", f"{chosen.value} is not derived from the store (derived: {said})")
    return run(session, actor, start=start, end=end, today=today)
