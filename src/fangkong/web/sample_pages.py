"""One test recorded by hand (issue 16): on a person's page, a community worker says the day a sample was taken
under one of the person's active orders, the one-person form beside the work list's "mark sampled" for many. It goes
through the service the API and the work list use (`record_sampling`: the role that may change orders, the scope,
the plan's days, not after today, once a day), so the same refusals apply; a refusal shows the person's page again
with the field named in words and nothing recorded."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fangkong.api.deps import Rules
from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, InvalidInput, NotFound, http_status
from fangkong.services.access import Permission
from fangkong.services.orders.service import order_in_scope
from fangkong.services.orders.worklists import record_sampling
from fangkong.web.pages import CurrentActor, Db, error_page, today_of
from fangkong.web.person_pages import _person

router = APIRouter(include_in_schema=False)


def _order_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise NotFound("order", value) from None


def _day(value: str) -> date:
    if not value.strip():
        raise InvalidInput("sampled_on", "say the day the sample was taken")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("sampled_on", f"{value!r} is not a date") from None


@router.post("/persons/{person_id}/sampled", response_class=HTMLResponse)
def record_one_sample(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    person_id: int,
    order_id: Annotated[str, Form()] = "",
    sampled_on: Annotated[str, Form()] = "",
) -> Response:
    """Record that a sample was taken from the person on `sampled_on` under their order `order_id`."""
    today = today_of(request)
    try:
        actor.require(Permission.change_orders)
        order = order_in_scope(session, actor, _order_id(order_id))
        if order.person_id != person_id:
            raise NotFound("order", order_id)  # another person's order is not this page's to record
    except FangkongError as exc:
        return error_page(request, actor, exc)
    try:
        record_sampling(session, actor, order.id, sampled_on=_day(sampled_on), today=today)
    except FangkongError as exc:
        if isinstance(exc, NotFound):
            return error_page(request, actor, exc)
        session.rollback()
        message, field, clause, _ = error_parts(exc)
        problem = {"field": field, "message": message, "clause": clause, "order_id": order.id, "value": sampled_on}
        return _person(request, session, actor, policy, person_id, sample_problem=problem, status=http_status(exc))
    return RedirectResponse(f"/persons/{person_id}?sampled={sampled_on.strip()}#sample-form-{order.id}", 303)
