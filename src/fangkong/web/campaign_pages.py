"""The console's page of one testing campaign (measure 6): what was approved and why, and for area-wide testing
its rounds — each recorded with the community infections it found — and where it stands under the 21 Nov testing
rules (the next round, the final round three days after three clean ones, or stopped)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fangkong.api.deps import Rules
from fangkong.errors import FangkongError, InvalidInput, NotFound, http_status
from fangkong.services.campaigns.service import (
    RoundRecord,
    campaign_in_scope,
    progress,
    record_round,
)
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.web.forms import _refused
from fangkong.web.pages import CurrentActor, Db, error_page, render, today_of

router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    campaign_id: int,
    *,
    values: dict[str, str] | None = None,
    problem: dict[str, str | None] | None = None,
    status: int = 200,
) -> HTMLResponse:
    try:
        campaign = campaign_in_scope(session, actor, campaign_id)
    except NotFound as exc:
        return error_page(request, actor, exc)
    area = session.get(Jurisdiction, campaign.area_code)
    state = progress(session, actor, campaign_id, policy=policy) if campaign.scope == "all_residents" else None
    return render(
        request,
        "campaign.html",
        status=status,
        actor=actor,
        campaign=campaign,
        area=area,
        state=state,
        values=values or {"on": today_of(request).isoformat(), "community_infections": "0"},
        problem=problem,
    )


@router.get("/campaigns/{campaign_id}", response_class=HTMLResponse)
def campaign_page(request: Request, session: Db, actor: CurrentActor, policy: Rules, campaign_id: int) -> HTMLResponse:
    return _page(request, session, actor, policy, campaign_id)


@router.post("/campaigns/{campaign_id}/rounds", response_class=HTMLResponse)
def campaign_round_submit(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    campaign_id: int,
    on: Annotated[str, Form()],
    community_infections: Annotated[str, Form()],
) -> Response:
    """Record a round from the console; a refused round is shown again with the field or the clause."""
    values = {"on": on, "community_infections": community_infections}
    try:
        try:
            day = date.fromisoformat(on)
        except ValueError:
            raise InvalidInput("on", f"{on!r} is not a date (YYYY-MM-DD)") from None
        try:
            found = int(community_infections)
        except ValueError:
            raise InvalidInput("community_infections", f"{community_infections!r} is not a whole number") from None
        if found < 0:
            raise InvalidInput("community_infections", f"{found}: must be 0 or more")
        record_round(
            session,
            actor,
            campaign_id,
            RoundRecord(on=day, community_infections=found),
            today=today_of(request),
            policy=policy,
        )
    except FangkongError as exc:
        problem = _refused(session, actor, request, exc)
        return _page(
            request, session, actor, policy, campaign_id, values=values, problem=problem, status=http_status(exc)
        )
    return RedirectResponse(f"/campaigns/{campaign_id}", status_code=303)
