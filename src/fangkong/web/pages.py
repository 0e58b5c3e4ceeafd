"""The console's pages: log in, today's dashboard, the work lists (printable, CSV), a person's page with the
timeline of their plan, and the public self-check. Every page goes through the same services (and so the
same scoping, masking and audit) as the API; nothing a role may not see is rendered."""

from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Annotated, Any
from urllib.parse import urlencode

import sqlalchemy.exc
from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from fangkong.api.deps import DbSession, Rules, get_now, get_wall_now
from fangkong.api.errors import (
    BUSY_RETRY_AFTER,
    busy_body,
    error_parts,
    http_error_body,
    record_refused_read,
    validation_body,
    validation_parts,
)
from fangkong.api.routes_auth import client_address
from fangkong.errors import (
    FangkongError,
    InvalidInput,
    LoginRequired,
    NotInForce,
    TooManyAttempts,
    Unauthenticated,
    http_status,
)
from fangkong.rules.plans import Plan, PlanRefusal, first_day, management_plan, parse_category
from fangkong.services.access import Actor, Permission
from fangkong.services.areas.service import list_areas
from fangkong.services.calendar import local_day, local_time
from fangkong.services.infections.service import list_infections
from fangkong.services.orders.summary import management_summary
from fangkong.services.orders.worklists import work_list
from fangkong.services.sites.service import list_sites, occupancy
from fangkong.services.trends import place_names
from fangkong.services.users.service import actor_for_token, issue_token, revoke_token
from fangkong.web import csrf
from fangkong.web.error_words import field_words, field_words_in_page
from fangkong.web.i18n import DEFAULT, LANGUAGES, translate
from fangkong.web.reason_words import said, said_in_page

router = APIRouter(include_in_schema=False)
COOKIE = "fk_token"

templates = Environment(
    loader=FileSystemLoader(str(resources.files("fangkong.web").joinpath("templates"))),
    autoescape=select_autoescape(["html"]),
)
templates.filters["said"] = said_in_page  # a reason in the page's language: {{ r|said }}
templates.filters["field_words"] = field_words_in_page  # a refused field in words: {{ f|field_words }}


Db = DbSession  # the API's one transaction per request


def now_of(request: Request) -> datetime:
    return get_now(request)  # the API's clock (a drill date in `fangkong serve --today`)


def today_of(request: Request) -> date:
    return local_day(now_of(request))


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("lang") or DEFAULT
    return lang if lang in LANGUAGES else DEFAULT


def actor_of_cookie(request: Request, session: Db) -> Actor:
    token = request.cookies.get(COOKIE)
    actor = actor_for_token(session, token, now=get_wall_now(request)) if token else None
    if actor is None:
        raise LoginRequired
    request.state.actor = actor  # the request's log line names who made it, as the API's does
    return actor


CurrentActor = Annotated[Actor, Depends(actor_of_cookie)]


def render(request: Request, name: str, status: int = 200, actor: Actor | None = None, **context: Any) -> HTMLResponse:
    lang = _lang(request)
    other = "en" if lang == "zh" else "zh"
    html = templates.get_template(name).render(
        t=lambda key: translate(key, lang),
        lang=lang,
        other_lang="en" if lang == "zh" else "zh",
        actor=actor,
        csrf_field=lambda: csrf.field_for(request),  # in every form that posts: {{ csrf_field() }}
        path=request.url.path,
        query=str(request.url.query),
        # the language switch keeps the page's filters: only `lang` changes
        lang_link=request.url.path
        + "?"
        + urlencode([*((k, v) for k, v in request.query_params.multi_items() if k != "lang"), ("lang", other)]),
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    csrf.keep_browser_cookie(request, response)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie("lang", lang, samesite="lax", max_age=365 * 24 * 3600)
    return response


def list_link(path: str, current: dict[str, Any]) -> Callable[..., str]:
    """The `link` the `_list.html` macros call: the list's address with the current filters, some changed; empty
    values (and offset 0) are left out, so the address stays short."""

    def link(**change: Any) -> str:
        query = {k: v for k, v in {**current, **change}.items() if v not in ("", None, 0)}
        return path + ("?" + urlencode(query) if query else "")

    return link


def install(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _: LoginRequired) -> Response:
        # the whole address, filters included, so a list's filters survive the login (issue 16)
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': back})}", status_code=303)

    @app.exception_handler(csrf.CsrfRefused)
    async def _forged(request: Request, _: csrf.CsrfRefused) -> Response:
        # refused before any route ran: nothing changed; the page gives the browser a fresh token
        message = translate("csrf_refused", _lang(request))
        return render(request, "error.html", status=403, title="csrf_title", message=message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        """An unknown address (or a method a route does not take): the API's error body under /api, a page in the
        reader's language elsewhere."""
        if request.url.path.startswith("/api") or request.url.path in ("/docs", "/openapi.json"):
            return http_error_body(exc)
        key = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "detail")
        return render(request, "error.html", status=exc.status_code, title=key, message=request.url.path)

    api_refusal = app.exception_handlers[FangkongError]

    @app.exception_handler(FangkongError)
    async def _refused(request: Request, exc: FangkongError) -> Response:
        """A refusal no console route caught (the lab opening `/contacts`): the API's body under /api and for a
        console's data (`*.json`), a page in the reader's language elsewhere (issue 16), audited as the API's is."""
        answered = api_refusal(request, exc)  # its audit too: a finding of over-reach, a refused read
        body = await answered if inspect.isawaitable(answered) else answered
        path = request.url.path
        if path.startswith("/api") or path.endswith(".json"):
            return body
        status = http_status(exc)
        key = {404: "not_found", 403: "forbidden"}.get(status, "detail")
        message, _, _, _ = error_parts(exc)
        actor = getattr(request.state, "actor", None)
        page = render(request, "error.html", status=status, actor=actor, title=key, message=message)
        if "Retry-After" in body.headers:  # too many attempts: when to try again, as the API says it
            page.headers["Retry-After"] = body.headers["Retry-After"]
        return page

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        """An address or a form the route cannot read (`/persons/abc`): the API's error body under /api and for a
        console's data (`*.json`), a page in the reader's language naming the field elsewhere (issue 16)."""
        path = request.url.path
        if path.startswith("/api") or path in ("/docs", "/openapi.json") or path.endswith(".json"):
            return validation_body(exc)
        message, field = validation_parts(exc)
        lang = _lang(request)
        said_message = said(message, lang)
        if field:
            said_message = f"{field_words(field, lang)}: {said_message}"
        return render(request, "error.html", status=422, title="invalid_input", message=said_message)

    @app.exception_handler(sqlalchemy.exc.TimeoutError)
    async def _busy(request: Request, _: sqlalchemy.exc.TimeoutError) -> Response:
        """Every connection to the store in use past the pool's wait: the API's 503 under /api, a page in the
        reader's language elsewhere — nothing was done, the form may be sent again."""
        if request.url.path.startswith("/api"):
            return busy_body()
        page = render(
            request,
            "error.html",
            status=503,
            title="server_busy_title",
            message=translate("server_busy", _lang(request)),
        )
        page.headers["Retry-After"] = str(BUSY_RETRY_AFTER)
        return page

    @app.get("/favicon.ico", include_in_schema=False)
    def _favicon() -> Response:
        return RedirectResponse("/console-static/favicon.svg", status_code=301)


def error_page(request: Request, actor: Actor | None, exc: FangkongError) -> HTMLResponse:
    if actor is not None:
        record_refused_read(request, exc)  # a page refused is audited as the API's answer is
    status = http_status(exc)
    key = {404: "not_found", 403: "forbidden"}.get(status, "detail")
    message, _, _, _ = error_parts(exc)
    return render(request, "error.html", status=status, actor=actor, title=key, message=message)


# ---- log in --------------------------------------------------------------------------------------------


def _local(next: str) -> bool:
    """An address on this site: a path, not `//host` or `/\\host` (which browsers read as another site)."""
    return next.startswith("/") and not next.startswith(("//", "/\\"))


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", next=next if _local(next) else "/", failed=False)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: Db,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    try:
        token = issue_token(
            session,
            username=username,
            password=password,
            now=get_wall_now(request),
            throttle=request.app.state.login_throttle,
            address=client_address(request),
        )
    except TooManyAttempts as exc:
        page = render(
            request, "login.html", status=429, next=next, failed=False, wait=exc.retry_after, username=username
        )
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    except Unauthenticated:
        return render(request, "login.html", status=401, next=next, failed=True, username=username)
    response = RedirectResponse(next if _local(next) else "/", status_code=303)
    response.set_cookie(
        COOKIE, token, httponly=True, samesite="lax", max_age=12 * 3600, secure=csrf.secure_cookie(request)
    )
    return response


@router.post("/logout")
def logout(request: Request, session: Db) -> Response:
    """The session's token is deleted, not only the cookie: a copy of the cookie is refused from then on."""
    token = request.cookies.get(COOKIE)
    if token:
        revoke_token(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


# ---- today ---------------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, session: Db, actor: CurrentActor) -> Response:
    """Today in ten seconds: who is under management, today's tests, releases, new cases, rooms, areas."""
    today = today_of(request)
    if not actor.may(Permission.read_persons):  # a lab account: its work is the results form
        return RedirectResponse("/forms/results", status_code=303)
    by_category, by_phase = management_summary(session, actor, today)
    day = work_list(session, actor, on=today)
    _, new_cases = list_infections(session, actor, confirmed_from=today, confirmed_to=today, limit=1)
    areas, _ = list_areas(session, actor, active=True, limit=200)
    sites, _ = list_sites(session, actor, limit=50)
    projections = [(s, occupancy(session, actor, s.id, start=today, days=7)) for s in sites]
    return render(
        request,
        "dashboard.html",
        actor=actor,
        today=today,
        by_category=sorted(by_category.items(), key=lambda kv: -kv[1]),
        by_phase=sorted(by_phase.items(), key=lambda kv: -kv[1]),
        managed=sum(by_category.values()),
        tests_due=len(day.tests_due),
        tests_done=sum(1 for t in day.tests_due if t.sampled),
        releases=len(day.releases),
        phase_changes=len(day.phase_changes),
        overdue=len(day.overdue_tests),
        retests=len(day.retests_due),
        new_cases=new_cases,
        areas=areas,
        areas_by_county=sorted(Counter(a.area_code[:6] for a in areas).items()),
        names=place_names(session, actor, {c for a in areas for c in (a.area_code, a.area_code[:6])}),
        projections=projections,
    )


def day_param(on: str | None, today: date) -> date:
    if not on:
        return today
    try:
        return date.fromisoformat(on)
    except ValueError:
        raise InvalidInput("on", f"{on!r} is not a date") from None


# ---- the public self-check (section 4: explain the policy to the public) --------------------------------

SELF_CHECK = ("close_contact", "entry_personnel", "high_risk_spillover", "high_risk_post_worker")


@router.get("/self-check", response_class=HTMLResponse)
def self_check(request: Request, policy: Rules, category: str | None = None, on: str | None = None) -> HTMLResponse:
    """A resident answers what happened to them and on which day, and sees the plan that applies, with the
    clause for each step — no login, nothing stored."""
    today = today_of(request)
    result: Plan | PlanRefusal | None = None
    error = None
    if category:
        try:
            cat = parse_category(category)
            anchor = day_param(on, today)
            if anchor > today:
                raise InvalidInput("on", "is in the future")
            rules = policy.at(today)
            start, _ = first_day(cat, anchor, rules)
            result = management_plan(cat, start, rules)
        except (InvalidInput, NotInForce) as exc:
            error = str(exc)
    return render(
        request,
        "self_check.html",
        categories=SELF_CHECK,
        category=category or "",
        on=on or "",
        result=result,
        error=error,
        today=today,
    )


def day_dates(start: date, days: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(days)]


templates.globals["day_dates"] = day_dates
templates.globals["may"] = lambda actor, permission: actor is not None and actor.may(Permission(permission))
templates.globals["local"] = lambda at: local_time(at).strftime("%Y-%m-%d %H:%M")
