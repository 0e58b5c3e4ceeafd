"""The four earlies in the console (measure 15, m20.15): for the command centre and the epidemiologist, how early
infections were detected, reported, their close contacts isolated and they were admitted — overall, per jurisdiction
one level down and per week, with the share on time and the late ones listed (their persons audited). The same report
as the API's (`services.four_earlies`), over four weeks unless other days are asked."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from fangkong.api.deps import Rules
from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, Forbidden, http_status
from fangkong.services.four_earlies import four_earlies_report
from fangkong.web.pages import CurrentActor, Db, day_param, error_page, now_of, render, today_of

router = APIRouter(include_in_schema=False)
DEFAULT_DAYS = 28


@router.get("/four-earlies", response_class=HTMLResponse)
def four_earlies(
    request: Request, session: Db, actor: CurrentActor, policy: Rules, since: str = "", until: str = ""
) -> HTMLResponse:
    """The four earlies report of the infections confirmed from `since` to `until` (default: the last four weeks)."""
    today = today_of(request)
    problem = None
    status = 200
    result = None
    try:
        end = day_param(until, today)
        start = day_param(since, today) if since else end - timedelta(days=DEFAULT_DAYS - 1)
        result = four_earlies_report(session, actor, date_from=start, date_to=end, now=now_of(request), policy=policy)
    except Forbidden as exc:
        return error_page(request, actor, exc)
    except FangkongError as exc:
        session.rollback()
        message, field, clause, _ = error_parts(exc)
        problem, status = {"field": field, "message": message, "clause": clause}, http_status(exc)
    return render(
        request,
        "four_earlies.html",
        status=status,
        actor=actor,
        result=result,
        problem=problem,
        since=since,
        until=until,
    )
