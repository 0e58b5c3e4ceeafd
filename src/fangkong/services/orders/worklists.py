"""Today's work: who must be tested where, whose phase changes, who is released, who is overdue, and the open needs
of people under closure (measure 17).

What community workers and isolation-site managers open each morning, for one date and a jurisdiction subtree.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fangkong.errors import Conflict, Inconsistent, InvalidInput
from fangkong.policy.terms import NeedStatus
from fangkong.rules.plans import parse_category
from fangkong.rules.work_list import Where, work_entries
from fangkong.services.access import Actor, Permission
from fangkong.services.calendar import midnight
from fangkong.services.closure_services.models import ClosureNeed
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import scope_root
from fangkong.services.lab.models import Retest, TemporaryControl
from fangkong.services.orders.models import ManagementOrder, OrderStatus, Sampling
from fangkong.services.orders.service import order_in_scope, stored_plan
from fangkong.services.paging import MAX_LIMIT
from fangkong.services.persons.models import Person
from fangkong.services.store import unique_violated


class WorkItem(BaseModel):
    """One line of a day's list; `detail` says it in English, the other fields let a page say it in any language."""

    order_id: int
    person_id: int
    person_name: str
    jurisdiction_code: str
    address: str
    category: str
    phase: str | None
    detail: str
    row_version: int = 1  # the order's, for an action taken from the list (a release)
    test_day: date | None = None  # a test: the day it is (or was) due
    phase_day: int | None = None  # a test: its day number within its phase
    previous_phase: str | None = None  # a change of phase: the phase it ends
    phase_end: date | None = None  # a change of phase: the last day of the new one
    policy: str | None = None  # a release: the version of the rules the plan was made under


class TestDue(WorkItem):
    where: Where
    phase_day: int
    sampled: bool


class RetestDue(BaseModel):
    """A single-tube retest owed: a member of a positive pool (held until cleared) or an entrant 24 h after a
    Ct 35–40 result. Due on or before the day; it stays on the list until a later result settles it."""

    retest_id: int
    person_id: int
    person_name: str
    jurisdiction_code: str
    address: str
    reason: str
    due_at: datetime
    held: bool
    cite: list[str]


class NeedDue(BaseModel):
    """An open need of a person under closure (measure 17): what, how urgent, by when, and whether it is late."""

    need_id: int
    person_id: int
    person_name: str
    jurisdiction_code: str
    address: str
    kind: str
    urgency: str
    deadline: datetime
    status: str
    assignee: str | None
    overdue: bool
    escalation_level: int


SECTIONS = ("tests_due", "phase_changes", "releases", "overdue_tests", "retests_due", "needs_open")
# the keys a day's lists are sorted by (a leading "-" reverses): the rows' own fields, blank where a list has none
WORKLIST_SORTS = {"address": "address", "name": "person_name", "category": "category", "place": "jurisdiction_code"}


class WorkList(BaseModel):
    """The day's four lists. Each is cut to `offset`..`offset+limit`; `totals` counts each whole list."""

    on: date
    jurisdiction_code: str
    tests_due: list[TestDue]
    phase_changes: list[WorkItem]
    releases: list[WorkItem]
    overdue_tests: list[WorkItem]
    retests_due: list[RetestDue] = []
    needs_open: list[NeedDue] = []
    totals: dict[str, int] = {}
    offset: int = 0
    limit: int | None = None

    def arranged(self, *, sort: str = "address", q: str | None = None) -> WorkList:
        """Every list kept to the people whose name or address holds `q` (any case), and sorted by `sort`
        (`WORKLIST_SORTS`, a leading "-" reverses it; ties keep the lists' own order: place, address, order)."""
        key = sort.removeprefix("-")
        if key not in WORKLIST_SORTS:
            raise InvalidInput("sort", f"{sort!r} is not one of {', '.join(WORKLIST_SORTS)} (a leading - reverses it)")
        field = WORKLIST_SORTS[key]
        needle = (q or "").strip().casefold()

        def kept(rows: list[Any]) -> list[Any]:
            if needle:
                rows = [r for r in rows if needle in r.person_name.casefold() or needle in r.address.casefold()]
            return sorted(rows, key=lambda r: str(getattr(r, field, "") or ""), reverse=sort.startswith("-"))

        return self.model_copy(update={name: kept(getattr(self, name)) for name in SECTIONS})

    def page(self, offset: int, limit: int) -> WorkList:
        if offset < 0:
            raise InvalidInput("offset", "must be 0 or more")
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput("limit", f"must be between 1 and {MAX_LIMIT}")
        cut = {name: getattr(self, name)[offset : offset + limit] for name in SECTIONS}
        totals = {name: len(getattr(self, name)) for name in SECTIONS}
        return self.model_copy(update={**cut, "totals": totals, "offset": offset, "limit": limit})


def work_list(
    session: Session,
    actor: Actor,
    *,
    on: date,
    jurisdiction_code: str | None = None,
    overdue_days: int = 7,
    category: str | None = None,
    where: str | None = None,
    now: datetime | None = None,
) -> WorkList:
    """The day's work for active orders of people in the subtree; overdue looks back `overdue_days` days.

    `category` keeps one category of order; `where` keeps the tests due at a centralized site or on home visits
    (the site manager's and the community worker's rounds). The open needs (measure 17) are those raised by the end
    of the day, late when their deadline is before `now` (the end of the day when not given).
    """
    actor.require(Permission.read_persons)
    if where is not None and where not in ("centralized_site", "home_visit"):
        raise InvalidInput("where", "centralized_site or home_visit")
    category = parse_category(category).value if category is not None else None
    if overdue_days < 0 or overdue_days > 60:
        raise InvalidInput("overdue_days", "between 0 and 60")
    root = scope_root(session, actor, jurisdiction_code)
    code = jurisdiction_code or root.strip("/").split("/")[-1]
    rows = session.execute(
        select(ManagementOrder, Person)
        .join(Person, ManagementOrder.person_id == Person.id)
        .join(Jurisdiction, ManagementOrder.jurisdiction_code == Jurisdiction.code)
        .where(
            Jurisdiction.path.startswith(root),
            ManagementOrder.status == OrderStatus.active,
            ManagementOrder.start <= on,
            ManagementOrder.released_on >= on - timedelta(days=overdue_days),
            *([ManagementOrder.category == category] if category else []),
        )
        .order_by(ManagementOrder.jurisdiction_code, Person.address, ManagementOrder.id)
    ).all()
    order_ids = [o.id for o, _ in rows]
    sampled: dict[int, set[date]] = {}
    if order_ids:
        for s in session.scalars(
            select(Sampling).where(
                Sampling.order_id.in_(order_ids),
                Sampling.sampled_on >= on - timedelta(days=overdue_days),
                Sampling.sampled_on <= on,
            )
        ):
            sampled.setdefault(s.order_id, set()).add(s.sampled_on)
    result = WorkList(on=on, jurisdiction_code=code, tests_due=[], phase_changes=[], releases=[], overdue_tests=[])
    for order, person in rows:
        plan = stored_plan(order)
        base = {
            "order_id": order.id,
            "person_id": person.id,
            "person_name": person.name,
            "jurisdiction_code": order.jurisdiction_code,
            "address": person.address,
            "category": order.category,
            "row_version": order.row_version,
        }
        for entry in work_entries(plan, order.released_on, on, sampled.get(order.id, set()), overdue_days):
            if entry.section == "release":
                result.releases.append(
                    WorkItem(**base, phase=None, policy=plan.policy, detail=f"released on {on} ({plan.policy})")
                )
            elif entry.section == "phase_change":
                if entry.phase is None or entry.previous_phase is None:
                    raise Inconsistent("entry.phase is not None and entry.previous_phase is not None")
                result.phase_changes.append(
                    WorkItem(
                        **base,
                        phase=entry.phase.value,
                        previous_phase=entry.previous_phase.value,
                        phase_end=entry.phase_end,
                        detail=f"{entry.previous_phase.value} → {entry.phase.value} until {entry.phase_end}",
                    )
                )
            elif entry.section == "test_due":
                if entry.phase is None or entry.phase_day is None:
                    raise Inconsistent("entry.phase is not None and entry.phase_day is not None")
                result.tests_due.append(
                    TestDue(
                        **base,
                        phase=entry.phase.value,
                        where=entry.where,
                        phase_day=entry.phase_day,
                        test_day=entry.test_day,
                        sampled=bool(entry.sampled),
                        detail=f"day {entry.phase_day} of {entry.phase.value}",
                    )
                )
            else:
                if entry.phase is None:
                    raise Inconsistent("entry.phase is not None")
                result.overdue_tests.append(
                    WorkItem(
                        **base,
                        phase=entry.phase.value,
                        test_day=entry.test_day,
                        phase_day=entry.phase_day,
                        detail=f"test of {entry.test_day} (day {entry.phase_day}) not recorded",
                    )
                )
    if where is not None:
        result.tests_due = [t for t in result.tests_due if t.where == where]
    if category is None:
        result.retests_due = _retests_due(session, root, on)
        result.needs_open = _needs_open(session, root, on, now)
    return result


def _needs_open(session: Session, root: str, on: date, now: datetime | None) -> list[NeedDue]:
    """Needs still to be met under `root` raised by the end of `on`, earliest deadline first (measure 17)."""
    end = midnight(on + timedelta(days=1))
    at = now if now is not None else end
    rows = session.execute(
        select(ClosureNeed, Person.name)
        .join(Person, Person.id == ClosureNeed.person_id)
        .where(
            ClosureNeed.jurisdiction_path.startswith(root),
            ClosureNeed.status.in_((NeedStatus.open.value, NeedStatus.assigned.value)),
            ClosureNeed.raised_at < end,
        )
        .order_by(ClosureNeed.deadline, ClosureNeed.id)
    ).all()
    return [
        NeedDue(
            need_id=need.id,
            person_id=need.person_id,
            person_name=name,
            jurisdiction_code=need.jurisdiction_code,
            address=need.address,
            kind=need.kind,
            urgency=need.urgency,
            deadline=need.deadline,
            status=need.status,
            assignee=need.assignee,
            overdue=need.deadline <= at,
            escalation_level=need.escalation_level,
        )
        for need, name in rows
    ]


def _retests_due(session: Session, root: str, on: date) -> list[RetestDue]:
    """Retests due by the end of `on` under `root`, earliest first. Columns, not entities: after a city's heaviest
    day there are over a hundred thousand, and loading each retest and person into the session cost seconds."""
    end = midnight(on + timedelta(days=1))
    rows = session.execute(
        select(
            Retest.id,
            Retest.reason,
            Retest.due_at,
            Retest.cite,
            Person.id,
            Person.name,
            Person.jurisdiction_code,
            Person.address,
            TemporaryControl.id,
        )
        .join(Person, Person.id == Retest.person_id)
        .join(Jurisdiction, Person.jurisdiction_code == Jurisdiction.code)
        .outerjoin(
            TemporaryControl,
            (TemporaryControl.person_id == Retest.person_id) & TemporaryControl.ended_at.is_(None),
        )
        .where(Jurisdiction.path.startswith(root), Retest.done_sample_id.is_(None), Retest.due_at < end)
        .order_by(Retest.due_at, Retest.id)
    ).all()
    return [
        RetestDue(
            retest_id=retest_id,
            person_id=person_id,
            person_name=name,
            jurisdiction_code=jurisdiction_code,
            address=address,
            reason=reason,
            due_at=due_at,
            held=hold is not None,
            cite=cite,
        )
        for retest_id, reason, due_at, cite, person_id, name, jurisdiction_code, address, hold in rows
    ]


def record_sampling(session: Session, actor: Actor, order_id: int, *, sampled_on: date, today: date) -> Sampling:
    """Record that a sample was taken from a person under an order (the result comes from the lab)."""
    actor.require(Permission.change_orders)
    order = order_in_scope(session, actor, order_id)
    if order.status != OrderStatus.active:
        raise Conflict("status", f"order {order.id} is {order.status}")
    if sampled_on > today:
        raise InvalidInput("sampled_on", f"{sampled_on} is after today ({today})")
    if not order.start <= sampled_on < order.released_on:
        raise InvalidInput("sampled_on", f"{sampled_on} is outside the plan ({order.start} to {order.released_on})")
    exists = session.scalar(select(Sampling.id).where(Sampling.order_id == order_id, Sampling.sampled_on == sampled_on))
    if exists is not None:
        raise Conflict("sampled_on", f"a sample of {sampled_on} is recorded for order {order_id}")
    s = Sampling(order_id=order_id, sampled_on=sampled_on, recorded_by=actor.username)
    session.add(s)
    try:
        session.flush()
    except IntegrityError as exc:
        # two workers recording the same day at once: both passed the check above, the store keeps the first
        if not unique_violated(exc, Sampling.__table__, "uq_sampling_order_day"):  # type: ignore[arg-type]
            raise
        raise Conflict("sampled_on", f"a sample of {sampled_on} is recorded for order {order_id}") from None
    return s
