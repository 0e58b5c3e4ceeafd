"""Codes follow events: every change that can change a health code refreshes the codes of the people it affects,
in the same transaction as the change (issue 14).

A code is "code-managed, may not go out" (赋码管理, measures 1, 3, 5, 9, 10) the moment an order is placed, and
no longer the moment it is cancelled; an infection (section 3), a hold after a positive pool (the testing rules)
and a high-risk area (measure 4) likewise. A venue check reads the stored status, so a stored status that waits
for the night's recompute waves an infected person through for up to a day. Here the store's own changes say
whose codes they touch:

- every flush is looked at (`_note`): a management order, an infection or a hold written for a person, a person
  registered or moved, a risk area delineated, advanced, lowered or lifted, each notes the people (or the area
  whose residents) it affects, with the event that did it and the account in the flush's audit entry;
- every commit first refreshes the codes of everyone noted (`_settle`), for the day of the session's clock and
  under its policy, each change of colour recorded with its cause — so the change and the codes it makes
  commit together or not at all.

Writers that go around the ORM (the lab import's set-based statements) say whom they touched with `owe_codes`.

A session made without a day and a policy (`following`) cannot compute: it marks the noted people's stored
codes as standing on no day, so every check computes them on the spot until they are refreshed — a code is
slower then, never stale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import event, inspect, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker

from fangkong.policy import Policy
from fangkong.services.areas.models import RiskArea, RiskAreaEvent
from fangkong.services.audit.models import AuditEntry
from fangkong.services.file_imports.bulk import keyed
from fangkong.services.infections.models import Infection
from fangkong.services.lab.models import TemporaryControl
from fangkong.services.orders.models import ManagementOrder, OrderEvent
from fangkong.services.persons.models import Person
from fangkong.services.store import session_factory

from .facts import residents_of
from .models import HealthCode
from .owed import owed, settled_all
from .service import follow_codes

FOLLOWING = "fangkong.codes_follow"  # a session.info key
STANDS_ON_NO_DAY = date.min  # `until` of a code whose facts changed where it could not be computed
_HOME = ("jurisdiction_code", "building", "unit")


@dataclass(frozen=True)
class Following:
    """How a session's commits refresh codes: the day (the app's clock, a drill's date) and the rules."""

    today: Callable[[], date]
    policy: Policy


def following(engine: Engine, *, today: Callable[[], date], policy: Policy) -> sessionmaker[Session]:
    """Sessions whose commits refresh the codes their changes touch, for `today()` under `policy`."""
    sessions = session_factory(engine)
    sessions.configure(info={FOLLOWING: Following(today, policy)})
    return sessions


# ---- what a flush changed ---------------------------------------------------------------------------------------


def _note(session: Session, _flush: UOWTransaction) -> None:
    """After each flush (ids assigned, the lists still as before it): who the written records bear on."""
    o = owed(session)
    if o.settling:
        return
    for obj in session.new:
        if isinstance(obj, (ManagementOrder, Infection, TemporaryControl)):
            o.persons.add(obj.person_id)
            if isinstance(obj, Infection):
                o.causes["infection.recorded"] = None
            elif isinstance(obj, TemporaryControl):
                o.causes["lab.held"] = None
        elif isinstance(obj, Person):
            o.persons.add(obj.id)
            o.causes["person.registered"] = None
        elif isinstance(obj, OrderEvent):
            o.causes[f"order.{obj.kind}"] = None
        elif isinstance(obj, RiskArea):
            o.areas.add(obj.area_code)
        elif isinstance(obj, RiskAreaEvent):
            o.area_events.add(obj.risk_area_id)
            o.causes[f"area.{obj.kind}"] = None
        elif isinstance(obj, AuditEntry):
            o.by = obj.actor
    for obj in session.dirty:
        if isinstance(obj, (ManagementOrder, Infection, TemporaryControl)) and session.is_modified(obj):
            o.persons.add(obj.person_id)
            if isinstance(obj, Infection):
                o.causes["infection.updated"] = None
            elif isinstance(obj, TemporaryControl):
                o.causes["lab.hold_ended"] = None
        elif isinstance(obj, Person) and any(inspect(obj).attrs[a].history.has_changes() for a in _HOME):
            o.persons.add(obj.id)
            o.causes["person.moved"] = None
        elif isinstance(obj, RiskArea) and session.is_modified(obj):
            o.areas.add(obj.area_code)
    for obj in session.deleted:
        if isinstance(obj, (ManagementOrder, Infection, TemporaryControl)):
            o.persons.add(obj.person_id)


def _settle(session: Session) -> None:
    """Before each commit: the codes of everyone the transaction's changes touch, refreshed or marked."""
    o = owed(session)
    if o.settling:
        return
    session.flush()  # the last changes noted too
    if not o:
        return
    o.settling = True
    try:
        areas = set(o.areas)
        if o.area_events:
            areas.update(session.scalars(select(RiskArea.area_code).where(RiskArea.id.in_(sorted(o.area_events)))))
        people = o.persons | residents_of(session, areas)
        how: Following | None = session.info.get(FOLLOWING)
        if how is None:
            with keyed(session, sorted(people), "code_unsettled") as where:
                for condition in where(HealthCode.person_id):
                    session.execute(update(HealthCode).where(condition).values(until=STANDS_ON_NO_DAY))
        else:
            follow_codes(
                session, sorted(people), on=how.today(), policy=how.policy, by=o.by or "system", cause=o.cause()
            )
        session.flush()
    finally:
        o.settling = False
        settled_all(session)


event.listen(Session, "after_flush", _note)
event.listen(Session, "before_commit", _settle)
