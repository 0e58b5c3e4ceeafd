"""One error body for every failure: {"error": {"field": ..., "message": ..., "clause": ..., "row": ...}} with the
status `fangkong.errors.http_status` gives (the console uses the same mapping)."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy.exc
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.dependencies.utils import get_flat_params
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from fangkong.api import raw_files
from fangkong.api.deps import CurrentActor, get_bearer
from fangkong.bounds import NUL_REFUSED, holds_nul
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


class ErrorDetail(BaseModel):
    field: str | None = Field(description="the field at fault (`body` for a body that is not JSON), if one is")
    message: str
    clause: str | None = Field(description="the measure or article that decided, for a refusal")
    row: int | None = Field(default=None, description="a rejected file's first bad row (1 = the first data row)")


class ErrorBody(BaseModel):
    """The one error body every status from 400 up is answered with."""

    error: ErrorDetail


_WHAT = {
    400: "the request could not be read",
    401: "no valid token: send Authorization: Bearer <token> (POST /api/auth/token)",
    403: "the caller's role or jurisdiction does not allow it",
    404: "no such record (or address)",
    405: "method not allowed",
    409: "a conflict with what is stored (a stale row_version, a duplicate)",
    413: "request body too large",
    415: "unsupported content type",
    422: "invalid input: the field is named",
    429: "too many requests: retry after the Retry-After header's seconds",
    500: "server error",
    503: "the server is busy (every connection to the store in use): retry after the Retry-After header's seconds",
}
BUSY_RETRY_AFTER = 5  # seconds: long enough for a burst of writes to one record to drain
BUSY = "the server is busy: try again in a few seconds"


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for these statuses, each with the one error body."""
    return {status: {"model": ErrorBody, "description": _WHAT[status]} for status in statuses}


def at_the_edges(router: APIRouter) -> None:
    """Run on a router before the app includes it: every status its routes can answer goes into the OpenAPI
    (the errors every route may give, 401/403 where a token is required, 409, 413 and 415 where there is a body:
    the limit of `body_limit`), and a query parameter a route does not take is refused (after the token is
    checked, so a stranger learns nothing from it and the request log names the caller)."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        statuses = [400, 404, 422, 500, 503]
        authenticated = get_bearer in calls(route)
        if authenticated:
            statuses += [401, 403]
        if (route.methods or set()) - {"GET", "HEAD"}:
            statuses += [409, 413, 415]
        for status, spec in responses(*statuses).items():
            route.responses.setdefault(status, spec)
        # the routers are the modules' own, shared by every app made in a process (each test makes its own):
        # their checks are added once, or each app would add them again and every request run them once per app
        if any(d.dependency in _EDGE_CHECKS for d in route.dependencies):
            continue
        route.dependencies.append(Depends(_known_query_of_actor if authenticated else known_query_only))
        if not raw_files.FILE_BODIES & calls(route):  # a file sent whole is its parser's to refuse
            route.dependencies.append(Depends(no_nul_in_body))


def known_query_only(request: Request) -> None:
    """A query parameter the route does not take is refused (422 naming it), not silently ignored: a misspelt
    filter (`?jurisdicton=...`) would otherwise answer the unfiltered list as if it were the filtered one."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = {p.alias for p in get_flat_params(dependant)}
    for name, value in request.query_params.multi_items():
        if name not in known:
            raise InvalidInput(name or "query", "not a parameter of this address")
        if "\x00" in value:
            raise InvalidInput(name, _NUL)
    for name, value in request.path_params.items():
        if "\x00" in str(value):
            raise InvalidInput(name, _NUL)


_NUL = NUL_REFUSED


async def no_nul_in_body(request: Request) -> None:
    """A body with a NUL character (raw, or `\\u0000` in a JSON string) is refused as the field `body`.

    Only the bodies the routes read as text — JSON and urlencoded forms. A file, sent whole (`raw_files`) or in a
    multipart upload, goes to its parser, which refuses what it cannot read naming the `file` (and an XLSX, a
    zip, is full of NUL bytes)."""
    if request.method in ("GET", "HEAD"):
        return
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if not (kind in ("application/json", "application/x-www-form-urlencoded", "") or kind.endswith("+json")):
        return
    body = await request.body()  # read once: FastAPI keeps it for the route
    if b"\x00" in body:
        raise InvalidInput("body", _NUL)
    if b"\\u0000" in body:
        try:
            parsed = json.loads(body)
        except ValueError:
            return  # the route reports malformed JSON
        if holds_nul(parsed):
            raise InvalidInput("body", _NUL)


def _known_query_of_actor(request: Request, _: CurrentActor) -> None:
    known_query_only(request)


_EDGE_CHECKS = (known_query_only, _known_query_of_actor)


def calls(route_or_dependant: Any) -> set[Any]:
    """Every dependency a route (or a dependency) calls, however deep."""
    dependant = getattr(route_or_dependant, "dependant", route_or_dependant)
    found = {dependant.call}
    for sub in dependant.dependencies:
        found |= calls(sub)
    return found


def _malformed_json(exc: RequestValidationError) -> JSONResponse | None:
    """A body that is not JSON: the field is `body` and the message says where (line and column), not a byte
    offset presented as a field name."""
    first = exc.errors()[0]
    if first.get("type") != "json_invalid":
        return None
    loc = list(first.get("loc", ()))
    pos = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else 0
    doc = exc.body if isinstance(exc.body, str) else ""
    line = doc.count("\n", 0, pos) + 1
    column = pos - (doc.rfind("\n", 0, pos) + 1) + 1
    reason = str((first.get("ctx") or {}).get("error", "invalid JSON"))
    return _body(422, f"malformed JSON at line {line}, column {column}: {reason}", "body")


def validation_parts(exc: RequestValidationError) -> tuple[str, str | None]:
    """The first problem of a request that did not validate: (its message, the field it names)."""
    first = exc.errors()[0]
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
    return str(first.get("msg", "invalid")), ".".join(loc) or None


def validation_body(exc: RequestValidationError) -> JSONResponse:
    """A request that did not validate: the one error body naming the field (malformed JSON by line and column)."""
    malformed = _malformed_json(exc)
    if malformed is not None:
        return malformed
    message, field = validation_parts(exc)
    return _body(422, message, field)


def http_error_body(exc: StarletteHTTPException) -> JSONResponse:
    """An unknown address or a method a route does not take: the one error body, not the framework's."""
    message = {404: "no such address", 405: "method not allowed"}.get(exc.status_code, str(exc.detail))
    response = _body(exc.status_code, message, None)
    for name, value in (getattr(exc, "headers", None) or {}).items():
        response.headers[name] = value
    return response


def busy_body() -> JSONResponse:
    """Every pooled connection held (a burst of requests queued on one record's lock) for longer than the pool
    waits: the request did nothing, and the client may try again — an overload, not a crash."""
    response = _body(503, BUSY)
    response.headers["Retry-After"] = str(BUSY_RETRY_AFTER)
    return response


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_body(exc)

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

    @app.exception_handler(sqlalchemy.exc.TimeoutError)
    async def _busy(_: Request, __: sqlalchemy.exc.TimeoutError) -> JSONResponse:
        return busy_body()

    @app.exception_handler(Exception)
    async def _crash(_: Request, __: Exception) -> JSONResponse:
        # the one body for a server error too (the exception itself is logged by the server, not shown)
        return _body(500, "server error")
