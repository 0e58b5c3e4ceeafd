"""Counts for the command centre's view of a day: people under management by category and by phase."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.services.access import Actor, Permission
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.orders.service import stored_plan


def management_summary(session: Session, actor: Actor, on: date) -> tuple[Counter[str], Counter[str]]:
    """(by category, by phase kind) of active orders covering `on` in the actor's subtree."""
    actor.require(Permission.read_persons)
    by_category: Counter[str] = Counter()
    by_phase: Counter[str] = Counter()
    for order in session.scalars(
        select(ManagementOrder)
        .join(Jurisdiction, Jurisdiction.code == ManagementOrder.jurisdiction_code)
        .where(
            Jurisdiction.path.startswith(actor.jurisdiction_path),
            ManagementOrder.status == OrderStatus.active,
            ManagementOrder.start <= on,
            ManagementOrder.released_on > on,
        )
    ):
        by_category[order.category] += 1
        for phase in stored_plan(order).phases:
            if phase.covers(on):
                by_phase[phase.kind.value] += 1
    return by_category, by_phase
