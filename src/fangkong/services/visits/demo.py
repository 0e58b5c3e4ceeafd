"""The demo county's home visits on the drill day: two people at home in one community were visited this morning,
one of them with a fever (flagged for follow-up), so the console's visits page has something to show."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.bounds import FIRST_DAY
from fangkong.services.access import Actor
from fangkong.services.calendar import local_instant
from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.orders.service import stored_plan
from fangkong.services.visits.service import HOME_PHASES, VisitCreate, record_visit

FINDINGS = (
    VisitCreate(visited_on=FIRST_DAY, at_home=True, temperature=38.1, symptoms=["fever", "cough"], stayed_home=True),
    VisitCreate(visited_on=FIRST_DAY, at_home=True, temperature=36.6, symptoms=[], stayed_home=True),
)


def demo_visits(session: Session, actor: Actor, today: date, jurisdiction_code: str) -> int:
    """Record one visit of `FINDINGS` each to the first people of the community in a home phase today."""
    orders = session.scalars(
        select(ManagementOrder)
        .where(
            ManagementOrder.jurisdiction_code == jurisdiction_code,
            ManagementOrder.status == OrderStatus.active,
            ManagementOrder.start <= today,
        )
        .order_by(ManagementOrder.id)
    )
    at_home = [o for o in orders if (p := stored_plan(o).phase_on(today)) is not None and p.kind in HOME_PHASES]
    for order, finding in zip(at_home, FINDINGS, strict=False):
        data = finding.model_copy(update={"visited_on": today, "note": "demo"})
        record_visit(session, actor, order.id, data, today=today, now=local_instant(today, time(10)))
    return min(len(at_home), len(FINDINGS))
