"""What follows an infection, in one flow for the lab import and the API alike: whoever is under management is
transferred to a designated or makeshift hospital — every active order of theirs ends in transfer (section 3 of
the 20 measures) —; and a new infection restarts the clean days of every risk area its home lies in (measure 4)
and has its close contacts proposed from its home and venue scans (measure 2); an infection of a resident or a member
of staff of a key institution raises the institution's alert (measure 14). A positive after the infection's
discharge is a re-positive: noted on the infection, and noted as not counted by the risk areas its person lives in
(the 21 Nov 2022 risk-area plan).

Recording the infection itself is `infections.service`; the flow sits above the services it orchestrates —
infections, orders, risk areas, tracing — and the lab import and the API's routes sit above it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput
from fangkong.policy import Policy
from fangkong.policy.terms import Category, Finding
from fangkong.services.access import Actor, Permission
from fangkong.services.areas.service import note_finding, note_infection
from fangkong.services.calendar import local_day
from fangkong.services.infections.models import Infection, RePositive
from fangkong.services.infections.service import (
    InfectionCreate,
    PositiveResult,
    RePositiveCreate,
    infection_in_scope,
    is_re_positive,
    record_infection,
    record_re_positive,
    record_result_infection,
)
from fangkong.services.key_populations.members import alert_on_infection
from fangkong.services.orders.models import ManagementOrder
from fangkong.services.orders.schemas import OrderChange, OrderCreate
from fangkong.services.orders.service import place_order, release, supersede_active_orders, transfer_active_orders
from fangkong.services.tracing.candidates import propose_contacts

__all__ = [
    "FollowUp",
    "follow_infection",
    "infection_from_result",
    "infection_recorded",
    "isolate_at_home",
    "re_positive_recorded",
    "release_order",
]


@dataclass(frozen=True, slots=True)
class FollowUp:
    """An infection and what followed it."""

    infection: Infection
    created: bool  # a new record (a positive that arrives again finds the one it made)
    transferred: int  # active orders ended in transfer to hospital
    risk_areas: int  # risk areas whose clean days start again
    proposed: int  # close contacts proposed
    re_positive: bool = False  # a new re-positive after the infection's discharge, not a new case
    note: RePositive | None = None  # the re-positive noted (new or found again)
    institution_alerts: int = 0  # key institutions alerted because the person lives or works there (measure 14)


def follow_infection(
    session: Session,
    actor: Actor,
    infection: Infection,
    *,
    created: bool,
    on: date,
    reason: str,
    now: datetime,
    policy: Policy,
) -> FollowUp:
    """What follows an infection found on `on`: its person's active orders end in transfer (with `reason`) — and,
    for a new infection only, the risk areas its home lies in count it and its close contacts are proposed."""
    today = local_day(now)
    transfer = policy.at(on).get("management.infection.transferred_to_hospital")
    transferred = 0
    if transfer.value:
        transferred = transfer_active_orders(
            session, actor, infection.person_id, on=on, today=today, reason=reason, policy=policy
        )
    elif created:
        isolate_at_home(session, actor, infection, on=on, today=today, policy=policy)
    # a resident or member of staff of a nursing home (or the like) alerts it (measure 14); once per institution and
    # infection, so a positive that arrives again raises nothing new
    alerted = len(alert_on_infection(session, actor, infection, on=on, now=now, policy=policy))
    if not created:
        return FollowUp(
            infection, created=False, transferred=transferred, risk_areas=0, proposed=0, institution_alerts=alerted
        )
    areas = note_infection(session, actor, infection, policy)  # a risk area it lives in starts its clean days again
    proposed = propose_contacts(session, actor, infection.id, now=now, policy=policy)
    return FollowUp(
        infection,
        created=True,
        transferred=transferred,
        risk_areas=len(areas),
        proposed=len(proposed),
        institution_alerts=alerted,
    )


def infection_from_result(
    session: Session, actor: Actor, positive: PositiveResult, *, now: datetime, policy: Policy
) -> FollowUp:
    """The infection of a positive single-tube result (one per person however often it arrives) and what
    follows it: the lab import's path."""
    infection, created = record_result_infection(session, actor, positive, policy=policy)
    sampled_on = local_day(positive.collected_at)
    if not created and is_re_positive(infection, sampled_on):
        return _re_positive(
            session,
            actor,
            infection,
            RePositiveCreate(
                sampled_on=sampled_on,
                confirmed_at=positive.reported_at,
                note=f"positive result of sample {positive.barcode}",
            ),
            result_id=positive.result_id,
            now=now,
            policy=policy,
        )
    return follow_infection(
        session,
        actor,
        infection,
        created=created,
        on=local_day(positive.reported_at),
        reason=f"positive result of sample {positive.barcode} (infection {infection.id})",
        now=now,
        policy=policy,
    )


def infection_recorded(
    session: Session, actor: Actor, data: InfectionCreate, *, now: datetime, policy: Policy
) -> FollowUp:
    """An infection recorded by an epidemiologist and what follows it: the API's path."""
    infection = record_infection(session, actor, data, now=now, policy=policy)
    return follow_infection(
        session,
        actor,
        infection,
        created=True,
        on=local_day(data.confirmed_at),
        reason=f"infection {infection.id} recorded",
        now=now,
        policy=policy,
    )


def re_positive_recorded(
    session: Session, actor: Actor, infection_id: int, data: RePositiveCreate, *, now: datetime, policy: Policy
) -> FollowUp:
    """A re-positive reported by an epidemiologist (another lab, a follow-up visit) and what follows it: the API's
    path."""
    actor.require(Permission.trace_contacts)
    infection = infection_in_scope(session, actor, infection_id)
    return _re_positive(session, actor, infection, data, result_id=None, now=now, policy=policy)


def _re_positive(
    session: Session,
    actor: Actor,
    infection: Infection,
    data: RePositiveCreate,
    *,
    result_id: int | None,
    now: datetime,
    policy: Policy,
) -> FollowUp:
    """A re-positive noted once (a result that arrives twice finds its note) and, when new, in the history of every
    risk area its person lives in as not counted. Not a new case: no contacts are proposed, no order transferred."""
    note, created = record_re_positive(session, actor, infection, data, result_id=result_id, now=now)
    if created:
        note_finding(
            session,
            actor,
            infection.person_id,
            Finding.re_positive_after_discharge,
            data.sampled_on,
            f"re-positive of infection {infection.id} (discharged {infection.discharged_on}), sampled",
            policy,
        )
    return FollowUp(infection, created=False, transferred=0, risk_areas=0, proposed=0, re_positive=created, note=note)


def isolate_at_home(
    session: Session, actor: Actor, infection: Infection, *, on: date, today: date, policy: Policy
) -> ManagementOrder | None:
    """The new ten (n10.3): an infection is isolated at home under an order of its own, counted from its positive
    sample, and every other active order of the person ends, superseded (interpretation register:
    n10-infection-kind). None where the isolation would already be over (an infection recorded late)."""
    rules = policy.at(on)
    managed = rules.flag("management.mild_infection.determined")
    if not managed.value:
        return None
    why = f"infection {infection.id} ({infection.kind}) isolated at home"
    supersede_active_orders(
        session, actor, infection.person_id, on=on, today=today, reason=why, clause=managed.source.clause
    )
    try:
        return place_order(
            session,
            actor,
            OrderCreate(
                person_id=infection.person_id,
                category=Category.mild_infection.value,
                anchor_date=min(infection.sampled_on, today),
                reason=why,
            ),
            today=today,
            policy=policy,
        )
    except InvalidInput:
        return None  # the seven days from the sample are over: nothing left to isolate


def release_order(
    session: Session, actor: Actor, order_id: int, change: OrderChange, *, today: date, policy: Policy
) -> ManagementOrder:
    """Release an order at the end of its plan; an infection isolated at home is released by its tests (n10.3) and
    its infection discharged that day, so the code follows the release."""
    order = release(session, actor, order_id, change, today=today, policy=policy)
    if order.category == Category.mild_infection.value:
        infection = session.scalar(select(Infection).where(Infection.person_id == order.person_id))
        if infection is not None and infection.discharged_on is None:
            infection.discharged_on = change.on
            session.flush()
    return order
