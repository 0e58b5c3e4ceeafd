"""An order placed by hand answers the tracing proposals it matches (issue 16).

An epidemiologist often places a close contact straight from the interview notes, or a worker places someone the
proposals also named. The proposal must not stay open beside the order: the work list would show a decision
still to take, and confirming it later would be refused as a second order. So placing an order (the API's
`POST /api/orders`, the console's form) goes through here: the person's proposed candidates of the same category
are settled as confirmed, linked to the order, with who and when — every infection that proposed them, since the
one order answers each (measure 2: one close-contact plan, from the last exposure).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy import Policy
from fangkong.services.access import Actor
from fangkong.services.audit.service import record
from fangkong.services.calendar import local_day
from fangkong.services.orders.models import ManagementOrder
from fangkong.services.orders.schemas import OrderCreate
from fangkong.services.orders.service import place_order

from .models import CandidateStatus, ContactCandidate


def place_order_by_hand(
    session: Session, actor: Actor, data: OrderCreate, *, now: datetime, policy: Policy
) -> tuple[ManagementOrder, list[ContactCandidate]]:
    """Place the order (refusals as `place_order`'s), then settle the matching proposals; answers both."""
    order = place_order(session, actor, data, today=local_day(now), policy=policy)
    settled = list(
        session.scalars(
            select(ContactCandidate)
            .where(
                ContactCandidate.person_id == order.person_id,
                ContactCandidate.category == order.category,
                ContactCandidate.status == CandidateStatus.proposed,
            )
            .order_by(ContactCandidate.id)
        )
    )
    for candidate in settled:
        candidate.status, candidate.order_id = CandidateStatus.confirmed, order.id
        candidate.decided_at, candidate.decided_by = now, actor.username
    if settled:
        record(
            session,
            actor,
            action="update",
            entity="person",
            entity_id=order.person_id,
            reason="order placed by hand",
            detail={"order": order.id, "settled_candidates": [c.id for c in settled]},
        )
        session.flush()
    return order, settled
