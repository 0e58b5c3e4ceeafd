"""A new version of the rules taking effect while people are under management.

The command centre first previews who changes and how (released early, phase shortened, next test moved),
then applies it as one audited step. `rules.transition` decides each plan; this module finds the orders and
stores the outcome with the version it was made under.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import Inconsistent, InvalidInput
from fangkong.policy import Policy
from fangkong.rules.plans import Plan
from fangkong.rules.transition import transition_plan
from fangkong.services import logs
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.orders.models import ManagementOrder, OrderEvent, OrderStatus
from fangkong.services.orders.service import stored_plan


class PlanChange(BaseModel):
    order_id: int
    person_id: int
    category: str
    from_version: str
    to_version: str
    released_on_before: date
    released_on_after: date
    released_early: bool
    phases_before: list[str]
    phases_after: list[str]
    next_test_before: date | None
    next_test_after: date | None


class TransitionPreview(BaseModel):
    effective_on: date
    to_version: str
    orders_checked: int
    changes: list[PlanChange]


def _summary(plan: Plan) -> list[str]:
    return [f"{p.kind.value} {p.start}..{p.end} tests {list(p.test_days)}" for p in plan.phases]


def _next_test(plan: Plan, on: date) -> date | None:
    return next((d for d in plan.test_dates if d >= on), None)


def _candidates(session: Session, actor: Actor, effective_on: date) -> list[ManagementOrder]:
    stmt = (
        select(ManagementOrder)
        .join(Jurisdiction, ManagementOrder.jurisdiction_code == Jurisdiction.code)
        .where(
            Jurisdiction.path.startswith(actor.jurisdiction_path),
            ManagementOrder.status == OrderStatus.active,
            ManagementOrder.released_on > effective_on,
        )
        .order_by(ManagementOrder.id)
    )
    return list(session.scalars(stmt))


def preview_transition(
    session: Session, actor: Actor, *, effective_on: date, policy: Policy
) -> tuple[TransitionPreview, dict[int, Plan]]:
    """Who changes, and how, if the rules in force on `effective_on` apply to the plans in flight."""
    actor.require(Permission.apply_policy_transition)
    rules = policy.at(effective_on)
    if policy.span(rules.version)[0] != effective_on:
        raise InvalidInput(
            "effective_on", f"{rules.version} takes effect on {policy.span(rules.version)[0]}, not {effective_on}"
        )
    orders = _candidates(session, actor, effective_on)
    changes: list[PlanChange] = []
    new_plans: dict[int, Plan] = {}
    for order in orders:
        if order.policy_version == rules.version:
            continue
        old = stored_plan(order)
        new = transition_plan(old, rules, effective_on)
        if new == old:
            continue
        new_plans[order.id] = new
        changes.append(
            PlanChange(
                order_id=order.id,
                person_id=order.person_id,
                category=order.category,
                from_version=order.policy_version,
                to_version=rules.version,
                released_on_before=old.released_on,
                released_on_after=new.released_on,
                released_early=new.released_on < old.released_on,
                phases_before=_summary(old),
                phases_after=_summary(new),
                next_test_before=_next_test(old, effective_on),
                next_test_after=_next_test(new, effective_on),
            )
        )
    return TransitionPreview(
        effective_on=effective_on, to_version=rules.version, orders_checked=len(orders), changes=changes
    ), new_plans


def apply_transition(
    session: Session, actor: Actor, *, effective_on: date, reason: str, policy: Policy
) -> TransitionPreview:
    """Apply the preview as one step: every changed plan stored with its new version, each change recorded."""
    preview, new_plans = preview_transition(session, actor, effective_on=effective_on, policy=policy)
    for change in preview.changes:
        order = session.get(ManagementOrder, change.order_id)
        if order is None:
            raise Inconsistent("order is not None")
        plan = new_plans[change.order_id]
        order.plan = plan.model_dump(mode="json")
        order.released_on = plan.released_on
        order.policy_version = preview.to_version
        order.policy_date = effective_on
        session.add(
            OrderEvent(
                order_id=order.id,
                kind="policy_transition",
                actor=actor.username,
                detail={"reason": reason, **change.model_dump(mode="json")},
            )
        )
        record(
            session,
            actor,
            action="update",
            entity="person",
            entity_id=order.person_id,
            reason=reason,
            detail={"order": order.id, "event": "policy_transition", "to": preview.to_version},
        )
    session.flush()
    logs.event(
        "orders.policy_transition",
        who=actor.username,
        effective_on=effective_on,
        to_version=preview.to_version,
        checked=preview.orders_checked,
        changed=len(preview.changes),
    )
    return preview
