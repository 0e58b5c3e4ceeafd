"""The venue and transport check of a health code: `GET /api/health-codes/check/{token}`.

Built for the rate of a city's scanners (issue 7): no session, no ORM, no login, one raw statement against the
store (`services.health_codes.check`), and an answer of bytes encoded once per (colour, day).

It is served twice over, with one handler (`answer`): the route below documents it in the OpenAPI schema and
answers when the app is used without its middleware; `CheckFastPath`, an ASGI middleware that `create_app`
installs, answers it before FastAPI's router. Measured in one process on this machine, a request to the route
costs ~400 µs behind the app's other routers in FastAPI 0.165 and ~180 µs as its first route (the router's
bookkeeping and the dependency solver), through the middleware ~25 µs all told; 10,000 checks a second on two
cores leave ~100 µs of one core per request for the HTTP server, the database and the load together.

Why the check needs no account and is not audited: docs/areas-and-codes.md, "The venue check".
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from fangkong.api.errors import ErrorBody
from fangkong.bounds import Day
from fangkong.errors import NotFound
from fangkong.policy import Policy
from fangkong.services.calendar import local_day
from fangkong.services.health_codes.check import CodeStore, StoredCode, check_body, computed_on_the_spot, well_formed
from fangkong.services.store import unit_of_work, utcnow

PATH = "/api/health-codes/check/"
router = APIRouter(prefix="/api", tags=["risk areas and health codes"])


class CodeCheck(BaseModel):
    """What a scanner is told: the colour, and the day the status is for. Nothing personal."""

    colour: Literal["green", "yellow", "red"]
    on: Day


class JsonBytes(Response):
    """JSON already encoded."""

    media_type = "application/json"


# The staff lookup's not-found body, byte for byte: the project's one error shape.
NOT_FOUND = json.dumps(
    {"error": {"field": None, "message": "no health code token", "clause": None}},
    ensure_ascii=False,
    separators=(",", ":"),
).encode()
_bodies: dict[tuple[str, date], bytes] = {}  # (colour, day) -> answer: a few entries a day


def _today(app: Any) -> date:
    """The calendar day in the jurisdiction's zone, from the app's clock (a drill's fixed date, else now)."""
    clock = app.state.clock
    return local_day(clock() if clock is not None else utcnow())


def _on_the_spot(sessions: sessionmaker[Session], token: str, on: date, policy: Policy) -> StoredCode | None:
    with unit_of_work(sessions) as session:
        try:
            return computed_on_the_spot(session, token, on, policy)
        except NotFound:  # the code went between the two reads
            return None


async def answer(app: Any, token: str) -> tuple[int, bytes]:
    """The check of `token` against the store as it is now: (HTTP status, body)."""
    if not well_formed(token):
        return 404, NOT_FOUND
    store: CodeStore = app.state.code_store
    found = await store.stored(token)
    if found is None:
        return 404, NOT_FOUND
    today = _today(app)
    if not found.stands_on(today):
        # the stored status is not today's (the daily job has not run yet): computed, as the staff lookup does
        found = await run_in_threadpool(_on_the_spot, app.state.sessions, token, today, app.state.policy)
        if found is None:
            return 404, NOT_FOUND
    key = (found.colour, today)
    body = _bodies.get(key)
    if body is None:
        body = _bodies.setdefault(key, check_body(found.colour, today))
    return 200, body


@router.get(
    "/health-codes/check/{token}",
    response_class=JsonBytes,
    response_model=None,
    responses={200: {"model": CodeCheck}, 404: {"model": ErrorBody, "description": "no such token"}},
)
async def check(token: str, request: Request) -> Response:
    """What a venue or transport scanner sees when it scans a code: today's colour for the token, from the
    store as it is now. The token is the capability: no login; no name, no person, no reasons."""
    status, body = await answer(request.app, token)
    return JsonBytes(body, status_code=status, headers={"cache-control": "no-store"})


class CheckFastPath:
    """ASGI middleware: `GET /api/health-codes/check/{token}` answered by `answer` before FastAPI's router;
    everything else passes through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"].startswith(PATH):
            token = scope["path"][len(PATH) :]
            if "/" not in token:  # else not this route: the router says so
                status, body = await answer(scope["app"], token)
                await send({"type": "http.response.start", "status": status, "headers": _headers(body)})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


_header_lists: dict[bytes, list[tuple[bytes, bytes]]] = {}


def _headers(body: bytes) -> list[tuple[bytes, bytes]]:
    """The response headers of a body, built once per body. A status answer must never come from a cache
    between the scanner and the store: no-store."""
    headers = _header_lists.get(body)
    if headers is None:
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
        ]
        _header_lists[body] = headers
    return headers
