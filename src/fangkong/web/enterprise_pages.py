"""Enterprises and industrial parks in the console (measure 19, m20.19; with m20.16): the parks and enterprises of the
reader's jurisdiction, each with its plan's chain of responsibility and ledger of checks, whether it is on the white
list of key enterprises, and a form to order a stop of production that the guard judges — a white-listed enterprise
refused with its clause, another refused without an approval — each refusal kept as an over-reach finding as the API
keeps it. Everything goes through `services.enterprises` as the API does."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, InvalidInput, Refused, http_status
from fangkong.rules.enterprises import chain_levels
from fangkong.services.access import Actor
from fangkong.services.enterprises.models import EnterprisePlanCheck, EnterpriseReturnCheck
from fangkong.services.enterprises.service import (
    PlanCheckIn,
    PlanIn,
    ReturnCheckIn,
    StopOrderIn,
    adopt_plan,
    check_returning_worker,
    list_enterprises,
    list_parks,
    order_stop,
    plan_of,
    reasons_of,
    record_plan_check,
    set_white_list,
)
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.overreach.service import record_refusal
from fangkong.web.pages import CurrentActor, Db, error_page, render, today_of
from fangkong.web.person_lookup import person_by_document

router = APIRouter(include_in_schema=False)
PAGE = 50


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    white: str,
    offset: int,
    *,
    saved: str = "",
    problem: dict[str, Any] | None = None,
    status: int = 200,
    returned: EnterpriseReturnCheck | None = None,
) -> HTMLResponse:
    offset = max(0, offset)
    white_listed = {"yes": True, "no": False}.get(white)
    rows, total = list_enterprises(session, actor, white_listed=white_listed, offset=offset, limit=PAGE)
    parks, _ = list_parks(session, actor, limit=PAGE)
    codes = sorted({e.jurisdiction_code for e in rows} | {p.jurisdiction_code for p in parks})
    names = dict(
        session.execute(select(Jurisdiction.code, Jurisdiction.name).where(Jurisdiction.code.in_(codes))).all()
    )
    plans = {e.id: plan_of(session, enterprise_id=e.id) for e in rows}
    park_plans = {p.id: plan_of(session, park_id=p.id) for p in parks}
    plan_ids = [p.id for p in [*plans.values(), *park_plans.values()] if p is not None]
    ledger: dict[int, list[EnterprisePlanCheck]] = {i: [] for i in plan_ids}
    for check in session.scalars(
        select(EnterprisePlanCheck)
        .where(EnterprisePlanCheck.plan_id.in_(plan_ids))
        .order_by(EnterprisePlanCheck.checked_on, EnterprisePlanCheck.id)
    ):
        ledger[check.plan_id].append(check)

    def link(**change: Any) -> str:
        current = {"white": white, "offset": offset} | change
        return "/enterprises?" + urlencode({k: v for k, v in current.items() if v not in ("", None, 0)})

    return render(
        request,
        "enterprises.html",
        status=status,
        actor=actor,
        rows=rows,
        total=total,
        parks=parks,
        park_names={p.id: p.name for p in parks},
        names=names,
        plans=plans,
        park_plans=park_plans,
        ledger=ledger,
        white=white,
        offset=offset,
        page=PAGE,
        link=link,
        saved=saved,
        problem=problem,
        returned=returned,
        returned_reasons=reasons_of(returned.reasons) if returned is not None else [],
        levels=chain_levels(request.app.state.policy.at(today_of(request))),
    )


@router.get("/enterprises", response_class=HTMLResponse)
def enterprises(
    request: Request, session: Db, actor: CurrentActor, white: str = "", offset: int = 0, saved: str = ""
) -> HTMLResponse:
    """The parks and enterprises of the reader's jurisdiction with their plans, ledgers and the white list."""
    try:
        return _page(request, session, actor, white, offset, saved=saved)
    except FangkongError as exc:
        return error_page(request, actor, exc)


@router.post("/enterprises/{enterprise_id}/stop", response_class=HTMLResponse)
def stop(
    request: Request,
    session: Db,
    actor: CurrentActor,
    enterprise_id: int,
    reason: Annotated[str, Form()] = "",
    approved_by: Annotated[str, Form()] = "",
    approval_ref: Annotated[str, Form()] = "",
) -> Response:
    """An order stopping production, judged by the guard (m20.19, m20.16)."""
    try:
        data = StopOrderIn(reason=reason, approved_by=approved_by or None, approval_ref=approval_ref or None)
        order_stop(session, actor, enterprise_id, data, today=today_of(request), policy=request.app.state.policy)
    except FangkongError as exc:
        session.rollback()
        if isinstance(exc, Refused):
            record_refusal(session, actor, exc, on=today_of(request), subject=f"console {request.url.path}")
        return _refused(request, session, actor, exc, f"stop-{enterprise_id}")
    return RedirectResponse("/enterprises?" + urlencode({"saved": "stopped"}), status_code=303)


def _refused(request: Request, session: Session, actor: Actor, exc: FangkongError, form: str) -> HTMLResponse:
    message, field, clause, _ = error_parts(exc)
    problem = {"field": field, "message": message, "clause": clause, "form": form}
    try:
        return _page(request, session, actor, "", 0, problem=problem, status=http_status(exc))
    except FangkongError as inner:
        return error_page(request, actor, inner)


@router.post("/enterprises/{enterprise_id}/return-checks", response_class=HTMLResponse)
def return_check(
    request: Request,
    session: Db,
    actor: CurrentActor,
    enterprise_id: int,
    document_number: Annotated[str, Form()] = "",
    returning_from: Annotated[str, Form()] = "",
) -> Response:
    """A returning worker, found by the number on their ID document (`web.person_lookup`), checked against the risk
    areas and their management status (m20.19); the page says whether the worker is cleared or held, and why."""
    try:
        person = person_by_document(session, actor, "document_number", document_number, today_of(request))
        data = ReturnCheckIn(person_id=person, returning_from=returning_from.strip() or None)
        check = check_returning_worker(
            session, actor, enterprise_id, data, today=today_of(request), policy=request.app.state.policy
        )
    except FangkongError as exc:
        session.rollback()
        return _refused(request, session, actor, exc, f"return-{enterprise_id}")
    return _page(request, session, actor, "", 0, returned=check)


# ---- the plan, its ledger and the white list from the console (measure 19: 一企一策, 台账, 白名单) ----------------


def _done(saved: str) -> RedirectResponse:
    return RedirectResponse("/enterprises?" + urlencode({"saved": saved}), status_code=303)


@router.post("/enterprises/plans", response_class=HTMLResponse)
async def adopt(request: Request, session: Db, actor: CurrentActor) -> Response:
    """Adopt the one plan of an enterprise or a park: who answers for it at each level of the chain (m20.19)."""
    form = await request.form()
    said = {key: str(value) for key, value in form.items()}
    target = "enterprise_id" if said.get("enterprise_id") else "park_id"
    form_id = f"plan-{said.get(target, '')}" if target == "enterprise_id" else f"park-plan-{said.get(target, '')}"
    try:
        if not said.get(target, "").isdigit():
            raise InvalidInput(target, "the number of an enterprise or park")
        levels = chain_levels(request.app.state.policy.at(today_of(request)))
        data = PlanIn.model_validate(
            {
                target: int(said[target]),
                "chain": {level: said.get(f"chain_{level}", "").strip() for level in levels},
                "measures": said.get("measures", "").strip(),
            }
        )
        adopt_plan(session, actor, data, today=today_of(request), policy=request.app.state.policy)
    except FangkongError as exc:
        session.rollback()
        return _refused(request, session, actor, exc, form_id)
    return _done("plan")


@router.post("/enterprises/plans/{plan_id}/checks", response_class=HTMLResponse)
def ledger_check(
    request: Request,
    session: Db,
    actor: CurrentActor,
    plan_id: int,
    level: Annotated[str, Form()] = "",
    checker: Annotated[str, Form()] = "",
    passed: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """A line of a plan's ledger: a check at one level of its chain, passed or not (m20.19)."""
    try:
        if passed not in ("yes", "no"):
            raise InvalidInput("passed", f"{passed!r} is not one of yes, no")
        data = PlanCheckIn(level=level, checker=checker, passed=passed == "yes", note=note.strip())
        record_plan_check(session, actor, plan_id, data, today=today_of(request))
    except FangkongError as exc:
        session.rollback()
        return _refused(request, session, actor, exc, f"check-{plan_id}")
    return _done("checked")


@router.post("/enterprises/{enterprise_id}/white-list", response_class=HTMLResponse)
def white_list(
    request: Request,
    session: Db,
    actor: CurrentActor,
    enterprise_id: int,
    white_listed: Annotated[str, Form()] = "",
) -> Response:
    """Put an enterprise on the white list of key enterprises (industrial chains, livelihoods), or take it off."""
    try:
        if white_listed not in ("yes", "no"):
            raise InvalidInput("white_listed", f"{white_listed!r} is not one of yes, no")
        set_white_list(session, actor, enterprise_id, white_listed == "yes")
    except FangkongError as exc:
        session.rollback()
        return _refused(request, session, actor, exc, f"white-{enterprise_id}")
    return _done("white_listed")
