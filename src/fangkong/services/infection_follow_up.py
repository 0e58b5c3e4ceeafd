"""What follows an infection, in one flow for the lab import and the API alike: whoever is under management is
transferred to a designated or makeshift hospital — every active order of theirs ends in transfer (section 3 of
the 20 measures) —; and a new infection restarts the clean days of every risk area its home lies in (measure 4)
and has its close contacts proposed from its home and venue scans (measure 2).

Recording the infection itself is `infections.service`; the flow sits above the services it orchestrates —
infections, orders, risk areas, tracing — and the lab import and the API's routes sit above it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from fangkong.policy import Policy
from fangkong.services.access import Actor
from fangkong.services.areas.service import note_infection
from fangkong.services.calendar import local_day
from fangkong.services.infections.models import Infection
from fangkong.services.infections.service import (
    InfectionCreate,
    PositiveResult,
    record_infection,
    record_result_infection,
)
from fangkong.services.orders.service import transfer_active_orders
from fangkong.services.tracing.candidates import propose_contacts

__all__ = ["FollowUp", "follow_infection", "infection_from_result", "infection_recorded"]


@dataclass(frozen=True, slots=True)
class FollowUp:
    """An infection and what followed it."""

    infection: Infection
    created: bool  # a new record (a positive that arrives again finds the one it made)
    transferred: int  # active orders ended in transfer to hospital
    risk_areas: int  # risk areas whose clean days start again
    proposed: int  # close contacts proposed


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
    transferred = transfer_active_orders(
        session, actor, infection.person_id, on=on, today=local_day(now), reason=reason, policy=policy
    )
    if not created:
        return FollowUp(infection, created=False, transferred=transferred, risk_areas=0, proposed=0)
    areas = note_infection(session, actor, infection, policy)  # a risk area it lives in starts its clean days again
    proposed = propose_contacts(session, actor, infection.id, now=now, policy=policy)
    return FollowUp(infection, created=True, transferred=transferred, risk_areas=len(areas), proposed=len(proposed))


def infection_from_result(
    session: Session, actor: Actor, positive: PositiveResult, *, now: datetime, policy: Policy
) -> FollowUp:
    """The infection of a positive single-tube result (one per person however often it arrives) and what
    follows it: the lab import's path."""
    infection, created = record_result_infection(session, actor, positive, policy=policy)
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
