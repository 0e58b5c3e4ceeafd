"""Trends over the last days for the command centre's charts (issue 16): new infections by the day they were
confirmed, people under management by category, tests owed by the plans and tests done, isolation rooms occupied
of all rooms, and risk areas by level — one number per day, in the actor's jurisdiction.

Each day is counted as it stood that day, by the definitions the single-day views use: an order is under
management from its start to the day before its release (`orders.summary.management_summary`), a test is owed on
its plan's test day and done when a sample of that day is recorded (`orders.worklists.work_list`), a room is
occupied from the stay's first day through its last night (`sites.service.occupancy`), an infection counts on the
day it was confirmed (`infections.service.list_infections`). One difference makes the past hold still: an order
that has ended since (released, cancelled, transferred, superseded) still counts on the days before it ended — the
single-day views read today's status, so for a past day they leave it out, and a chart built on them would redraw
the past at every release.

The store does the counting: each series is a few aggregate queries over the whole range, grouped by what decides
the days (an order's category and span, a plan's test days, a stay's first and last night, an area's level spans),
and only those groups are spread over the days here — never one row per person.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Date, Text, case, cast, func, or_, select
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput
from fangkong.policy.terms import AreaLevel, Category, JurisdictionLevel, PhaseKind
from fangkong.rules.plans import Plan
from fangkong.services.access import Actor, Permission
from fangkong.services.areas.models import AreaEventKind, RiskArea, RiskAreaEvent
from fangkong.services.calendar import midnight
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.orders.models import ManagementOrder, OrderEvent, OrderStatus, Sampling
from fangkong.services.sites.models import IsolationSite, Room, RoomAssignment

FEWEST_DAYS, MOST_DAYS, DEFAULT_DAYS = 7, 90, 14
ENDINGS = (OrderStatus.released, OrderStatus.cancelled, OrderStatus.transferred, OrderStatus.superseded)
AREA_LEVELS = (AreaLevel.high, AreaLevel.medium)  # the levels an area is active at (medium: the 9th edition's)


class Trends(BaseModel):
    """Per-day series over `days` (the first day to today); each list has one number per day."""

    days: list[date]
    new_infections: list[int]
    under_management: dict[str, list[int]]  # by category, in the vocabulary's order; categories with nobody left out
    tests_owed: list[int]
    tests_done: list[int]
    rooms_occupied: list[int]
    rooms: int  # all rooms of the sites in the jurisdiction
    risk_areas: dict[str, list[int]]  # high (always) and medium (where an area was at it) areas active each day


def trends(session: Session, actor: Actor, *, today: date, days: int = DEFAULT_DAYS) -> Trends:
    """The last `days` days up to `today` (7 to 90) in the actor's jurisdiction."""
    actor.require(Permission.read_persons)
    if not FEWEST_DAYS <= days <= MOST_DAYS:
        raise InvalidInput("days", f"{days} is not between {FEWEST_DAYS} and {MOST_DAYS}")
    first = today - timedelta(days=days - 1)
    window = _Window(first, days)
    root = actor.jurisdiction_path
    owed, done = _tests(session, root, window)
    return Trends(
        days=window.dates,
        new_infections=_infections(session, root, window),
        under_management=_under_management(session, root, window),
        tests_owed=owed,
        tests_done=done,
        rooms_occupied=_rooms_occupied(session, root, window),
        rooms=session.scalar(
            select(func.count(Room.id))
            .join(IsolationSite, Room.site_id == IsolationSite.id)
            .join(Jurisdiction, IsolationSite.jurisdiction_code == Jurisdiction.code)
            .where(Jurisdiction.path.startswith(root))
        )
        or 0,
        risk_areas=_risk_areas(session, root, window),
    )


class _Window:
    """The days counted: `first` and the `days` after it; spreads a group's number over the days it covers."""

    def __init__(self, first: date, days: int) -> None:
        self.first, self.size = first, days
        self.last = first + timedelta(days=days - 1)
        self.dates = [first + timedelta(days=i) for i in range(days)]

    def zeros(self) -> list[int]:
        return [0] * self.size

    def index(self, day: date) -> int | None:
        i = (day - self.first).days
        return i if 0 <= i < self.size else None

    def spread(self, series: list[int], since: date, until: date | None, n: int) -> None:
        """Add `n` to each day from `since` up to, not including, `until` (None: to the end)."""
        lo = max((since - self.first).days, 0)
        hi = self.size if until is None else min((until - self.first).days, self.size)
        for i in range(lo, hi):
            series[i] += n


def _in(root: str) -> ColumnElement[bool]:
    return Jurisdiction.path.startswith(root)


def _ended_on() -> ColumnElement[Any]:
    """The day an order ended (the `on` of its ending event), None while it is active. Looked up only for the
    orders that ended: the status decides first, so an active order costs no look-up."""
    on = (
        select(func.min(OrderEvent.detail["on"].as_string()))
        .where(OrderEvent.order_id == ManagementOrder.id, OrderEvent.kind.in_([s.value for s in ENDINGS]))
        .scalar_subquery()
    )
    return case((ManagementOrder.status == OrderStatus.active.value, None), else_=on)


def _end(released_on: date, ended_on: str | None) -> date:
    """The first day an order no longer counts: its release, or the day it ended if that came first."""
    return released_on if ended_on is None else min(released_on, date.fromisoformat(ended_on))


def _plan(cache: dict[str, Plan], text: str) -> Plan:
    """A stored plan read from its JSON text (as `orders.service.stored_plan` reads it), once per distinct plan."""
    if text not in cache:
        cache[text] = Plan.model_validate(json.loads(text))
    return cache[text]


def _infections(session: Session, root: str, window: _Window) -> list[int]:
    """Infections confirmed each day, by the day in the jurisdiction's zone."""
    bounds = [midnight(window.first + timedelta(days=i)) for i in range(window.size + 1)]
    day = case(*((Infection.confirmed_at < bounds[i + 1], i) for i in range(window.size)), else_=None)
    found = (
        select(day.label("day"))
        .join(Jurisdiction, Infection.jurisdiction_code == Jurisdiction.code)
        .where(_in(root), Infection.confirmed_at >= bounds[0], Infection.confirmed_at < bounds[-1])
        .subquery()
    )
    series = window.zeros()
    for i, n in session.execute(select(found.c.day, func.count()).group_by(found.c.day)):
        series[int(i)] += n
    return series


def _under_management(session: Session, root: str, window: _Window) -> dict[str, list[int]]:
    """Orders in force each day by category: grouped by category and span, spread over the span's days."""
    spans = (
        select(
            ManagementOrder.category.label("category"),
            ManagementOrder.start.label("start"),
            ManagementOrder.released_on.label("released_on"),
            _ended_on().label("ended_on"),
        )
        .join(Jurisdiction, ManagementOrder.jurisdiction_code == Jurisdiction.code)
        .where(_in(root), ManagementOrder.start <= window.last, ManagementOrder.released_on > window.first)
        .subquery()
    )
    grouped = select(spans.c.category, spans.c.start, spans.c.released_on, spans.c.ended_on, func.count()).group_by(
        spans.c.category, spans.c.start, spans.c.released_on, spans.c.ended_on
    )
    by_category: dict[str, list[int]] = {}
    for category, start, released_on, ended_on, n in session.execute(grouped):
        window.spread(by_category.setdefault(category, window.zeros()), start, _end(released_on, ended_on), n)
    order = {c.value: i for i, c in enumerate(Category)}
    return {
        c: series
        for c, series in sorted(by_category.items(), key=lambda kv: order.get(kv[0], len(order)))
        if any(series)
    }


def _tests(session: Session, root: str, window: _Window) -> tuple[list[int], list[int]]:
    """Tests owed each day (a test day of a plan in force) and done (a sample of that day recorded), as the work
    list counts its tests due: orders grouped by their plan, samplings by plan and day."""
    plan_text = cast(ManagementOrder.plan, Text)
    scoped = (
        select(plan_text.label("plan"), _ended_on().label("ended_on"), ManagementOrder.released_on.label("released_on"))
        .join(Jurisdiction, ManagementOrder.jurisdiction_code == Jurisdiction.code)
        .where(_in(root), ManagementOrder.start <= window.last, ManagementOrder.released_on > window.first)
    )
    orders = scoped.subquery()
    sampled = (
        scoped.add_columns(Sampling.sampled_on.label("sampled_on"))
        .join(Sampling, Sampling.order_id == ManagementOrder.id)
        .where(Sampling.sampled_on >= window.first, Sampling.sampled_on <= window.last)
        .subquery()
    )
    plans: dict[str, Plan] = {}
    owed, done = window.zeros(), window.zeros()
    for text, ended_on, released_on, n in session.execute(
        select(orders.c.plan, orders.c.ended_on, orders.c.released_on, func.count()).group_by(
            orders.c.plan, orders.c.ended_on, orders.c.released_on
        )
    ):
        end = _end(released_on, ended_on)
        for day, times in Counter(_plan(plans, text).test_dates).items():
            i = window.index(day)
            if i is not None and day < end:
                owed[i] += times * n
    for text, ended_on, released_on, day, n in session.execute(
        select(sampled.c.plan, sampled.c.ended_on, sampled.c.released_on, sampled.c.sampled_on, func.count()).group_by(
            sampled.c.plan, sampled.c.ended_on, sampled.c.released_on, sampled.c.sampled_on
        )
    ):
        times = Counter(_plan(plans, text).test_dates)[day]  # a sample on a day that is no test day is no test due
        i = window.index(day)
        if i is not None and times and day < _end(released_on, ended_on):
            done[i] += times * n
    return owed, done


def _rooms_occupied(session: Session, root: str, window: _Window) -> list[int]:
    """Rooms occupied each day at the sites in the jurisdiction: stays grouped by plan, first day and end."""
    stays = (
        select(
            cast(ManagementOrder.plan, Text).label("plan"),
            RoomAssignment.from_date.label("from_date"),
            RoomAssignment.ended_on.label("ended_on"),
        )
        .join(ManagementOrder, RoomAssignment.order_id == ManagementOrder.id)
        .join(Room, RoomAssignment.room_id == Room.id)
        .join(IsolationSite, Room.site_id == IsolationSite.id)
        .join(Jurisdiction, IsolationSite.jurisdiction_code == Jurisdiction.code)
        .where(_in(root), RoomAssignment.from_date <= window.last)
        .where(or_(RoomAssignment.ended_on.is_(None), RoomAssignment.ended_on > window.first))
        .subquery()
    )
    plans: dict[str, Plan] = {}
    series = window.zeros()
    for text, from_date, ended_on, n in session.execute(
        select(stays.c.plan, stays.c.from_date, stays.c.ended_on, func.count()).group_by(
            stays.c.plan, stays.c.from_date, stays.c.ended_on
        )
    ):
        # the last night as `sites.service.occupancy` sees it: the end of the plan's centralized isolation, or the
        # night before the stay ended early
        centralized = [p.end for p in _plan(plans, text).phases if p.kind is PhaseKind.centralized_isolation]
        if not centralized:
            continue
        last = max(centralized)
        if ended_on is not None:
            last = min(last, ended_on - timedelta(days=1))
        if last >= from_date:
            window.spread(series, from_date, last + timedelta(days=1), n)
    return series


def _risk_areas(session: Session, root: str, window: _Window) -> dict[str, list[int]]:
    """Areas at each active level each day (measure 4), from their delineation and level changes: each level
    holds from its event's day to the next one's."""
    ordered = (RiskAreaEvent.on, RiskAreaEvent.id)
    spans = (
        select(
            RiskAreaEvent.level.label("level"),
            RiskAreaEvent.on.label("since"),
            func.lead(RiskAreaEvent.on, type_=Date)
            .over(partition_by=RiskAreaEvent.risk_area_id, order_by=ordered)
            .label("until"),
        )
        .join(RiskArea, RiskAreaEvent.risk_area_id == RiskArea.id)
        .join(Jurisdiction, RiskArea.area_code == Jurisdiction.code)
        .where(_in(root), RiskAreaEvent.kind.in_([AreaEventKind.delineated.value, AreaEventKind.level_change.value]))
        .subquery()
    )
    grouped = (
        select(spans.c.level, spans.c.since, spans.c.until, func.count())
        .where(spans.c.level.in_([level.value for level in AREA_LEVELS]), spans.c.since <= window.last)
        .where(or_(spans.c.until.is_(None), spans.c.until > window.first))
        .group_by(spans.c.level, spans.c.since, spans.c.until)
    )
    by_level = {level.value: window.zeros() for level in AREA_LEVELS}
    for level, since, until, n in session.execute(grouped):
        window.spread(by_level[level], since, until, n)
    # high always (the chart of the 20 measures' areas), medium only where an area was at it
    return {level: series for level, series in by_level.items() if level == AreaLevel.high.value or any(series)}


def place_names(session: Session, actor: Actor, codes: Iterable[str]) -> dict[str, str]:
    """The names of places a page shows by code (a county, a risk area): a building or unit named with the place
    above it ("Community 1-1 · Building 7"), as a reader finds it. The codes come from records already read in
    the actor's scope; a code with no jurisdiction keeps its code."""
    actor.require(Permission.read_persons)
    wanted = set(codes)
    if not wanted:
        return {}
    rows = session.execute(
        select(Jurisdiction.code, Jurisdiction.name, Jurisdiction.level, Jurisdiction.parent_code).where(
            Jurisdiction.code.in_(wanted)
        )
    ).all()
    small = (JurisdictionLevel.building.value, JurisdictionLevel.unit.value)
    parents = {parent for _, _, level, parent in rows if level in small and parent}
    parent_names = (
        dict(session.execute(select(Jurisdiction.code, Jurisdiction.name).where(Jurisdiction.code.in_(parents))).all())
        if parents
        else {}
    )
    names = {
        code: f"{parent_names[parent]} · {name}" if level in small and parent in parent_names else name
        for code, name, level, parent in rows
    }
    return {code: names.get(code, code) for code in wanted}
