"""Staff accounts in the console, for an administrator: the accounts of the subtree, a form to add one, and on each
row forms to change its role or jurisdiction, disable or enable it, and reset its password. Every form goes through
`services.users.admin` as the API does: the same scope, password policy and audit; a refused form shows the page
again with the field named and nothing stored."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, http_status
from fangkong.services.access import STAFF_ROLES, Actor
from fangkong.services.users.admin import (
    AccountCreate,
    AccountUpdate,
    PasswordReset,
    add_account,
    change_account,
    list_accounts,
    reset_password,
)
from fangkong.web.pages import CurrentActor, Db, error_page, render

router = APIRouter(include_in_schema=False)
PAGE = 50


def _page(
    request: Request,
    session: Db,
    actor: Actor,
    *,
    offset: int = 0,
    saved: str = "",
    problem: dict[str, Any] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    rows, total = list_accounts(session, actor, offset=offset, limit=PAGE)
    return render(
        request,
        "users.html",
        status=status,
        actor=actor,
        rows=rows,
        total=total,
        offset=offset,
        page=PAGE,
        roles=[r.value for r in STAFF_ROLES],
        saved=saved,
        problem=problem,
        values=values or {},
    )


def _refused(
    request: Request, session: Db, actor: Actor, exc: FangkongError, values: dict[str, str] | None = None
) -> HTMLResponse:
    session.rollback()
    message, field, clause, _ = error_parts(exc)
    problem = {"field": field, "message": message, "clause": clause}
    return _page(request, session, actor, problem=problem, values=values, status=http_status(exc))


def _saved(name: str) -> RedirectResponse:
    return RedirectResponse(f"/users?{urlencode({'saved': name})}", status_code=303)


@router.get("/users", response_class=HTMLResponse)
def users(request: Request, session: Db, actor: CurrentActor, offset: int = 0, saved: str = "") -> HTMLResponse:
    try:
        return _page(request, session, actor, offset=max(offset, 0), saved=saved)
    except FangkongError as exc:
        return error_page(request, actor, exc)


@router.post("/users", response_class=HTMLResponse)
def add(
    request: Request,
    session: Db,
    actor: CurrentActor,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    role: Annotated[str, Form()],
    jurisdiction_code: Annotated[str, Form(max_length=20)],
) -> Response:
    values = {"username": username, "role": role, "jurisdiction_code": jurisdiction_code}
    try:
        user = add_account(session, actor, AccountCreate(password=password, **values))
    except FangkongError as exc:
        return _refused(request, session, actor, exc, values)
    return _saved(user.username)


@router.post("/users/{user_id}", response_class=HTMLResponse)
def change(
    request: Request,
    session: Db,
    actor: CurrentActor,
    user_id: int,
    role: Annotated[str, Form()] = "",
    jurisdiction_code: Annotated[str, Form(max_length=20)] = "",
    active: Annotated[str, Form()] = "",
) -> Response:
    """One form per row for the role and jurisdiction, one button to disable or enable (`active` yes or no)."""
    body = AccountUpdate(
        role=role or None,
        jurisdiction_code=jurisdiction_code or None,
        active={"yes": True, "no": False}.get(active),
    )
    try:
        user = change_account(session, actor, user_id, body)
    except FangkongError as exc:
        return _refused(request, session, actor, exc)
    return _saved(user.username)


@router.post("/users/{user_id}/password", response_class=HTMLResponse)
def reset(
    request: Request,
    session: Db,
    actor: CurrentActor,
    user_id: int,
    password: Annotated[str, Form(max_length=1000)],
) -> Response:
    try:
        user = reset_password(session, actor, user_id, PasswordReset(password=password))
    except FangkongError as exc:
        return _refused(request, session, actor, exc)
    return _saved(user.username)
