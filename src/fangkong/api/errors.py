"""One error body for every failure: {"error": {"field": ..., "message": ..., "clause": ..., "row": ...}} with the
status `fangkong.errors.http_status` gives (the console uses the same mapping)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from fangkong.errors import (
    Conflict,
    FangkongError,
    Forbidden,
    InvalidInput,
    NotInForce,
    Refused,
    RowError,
    TooManyAttempts,
    http_status,
)
from fangkong.services.access import Actor
from fangkong.services.audit.reads import is_refused_read, refusal_of
from fangkong.services.calendar import local_day
from fangkong.services.overreach.service import record_refusal
from fangkong.services.store import unit_of_work


def _body(
    status: int, message: str, field: str | None = None, clause: str | None = None, row: int | None = None
) -> JSONResponse:
    error: dict[str, object] = {"field": field, "message": message, "clause": clause}
    if row is not None:  # a rejected file: the first bad row (1 = the first data row)
        error["row"] = row
    return JSONResponse({"error": error}, status_code=status)


def error_parts(exc: FangkongError) -> tuple[str, str | None, str | None, int | None]:
    """(message, field, clause, row) of an error, as both the API's body and the console's page show them."""
    if isinstance(exc, RowError):
        return exc.message, exc.field, exc.clause, exc.row
    if isinstance(exc, InvalidInput | Conflict):
        return exc.message, exc.field, None, None
    if isinstance(exc, Refused):
        return exc.message, None, exc.clause, None
    if isinstance(exc, NotInForce):
        return str(exc), exc.path, None, None
    if isinstance(exc, Forbidden):
        return exc.message, None, None, None
    return str(exc), None, None, None


def _record_refusal(request: Request, exc: Refused) -> None:
    """Every refusal of the national rules becomes a finding for the supervisors (measure 16), in its own
    transaction: the request's was rolled back with the refused action."""
    actor: Actor | None = getattr(request.state, "actor", None)
    if actor is None:
        return
    with unit_of_work(request.app.state.sessions) as session:
        record_refusal(
            session, actor, exc, on=local_day(request.app.state.clock()), subject=f"{request.method} {request.url.path}"
        )


def record_refused_read(request: Request, exc: FangkongError) -> None:
    """A read (or reach) of a record refused to a signed-in caller — missing, outside their jurisdiction, beyond
    their role — is itself an audit entry (issue 17), in its own transaction: the request's was rolled back."""
    actor: Actor | None = getattr(request.state, "actor", None)
    # reads only: a refused change is answered and changes nothing, and the overreach findings take refusals
    if actor is None or request.method not in ("GET", "HEAD") or not is_refused_read(exc):
        return
    route = getattr(request.scope.get("route"), "path", request.url.path)
    refusal_of(
        request.app.state.sessions, actor, method=request.method, route=route, params=request.path_params, exc=exc
    )


def http_error_body(exc: StarletteHTTPException) -> JSONResponse:
    """An unknown address or a method a route does not take: the one error body, not the framework's."""
    message = {404: "no such address", 405: "method not allowed"}.get(exc.status_code, str(exc.detail))
    response = _body(exc.status_code, message, None)
    for name, value in (getattr(exc, "headers", None) or {}).items():
        response.headers[name] = value
    return response


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
        return _body(422, str(first.get("msg", "invalid")), ".".join(loc) or None)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return http_error_body(exc)

    @app.exception_handler(FangkongError)
    async def _domain(request: Request, exc: FangkongError) -> JSONResponse:
        if isinstance(exc, Refused):
            await run_in_threadpool(_record_refusal, request, exc)
        if is_refused_read(exc):
            await run_in_threadpool(record_refused_read, request, exc)
        message, field, clause, row = error_parts(exc)
        response = _body(http_status(exc), message, field, clause, row)
        if isinstance(exc, TooManyAttempts):  # RFC 9110 10.2.3: when a client may try again
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
