"""The venue and transport check of a health code: `GET /api/health-codes/check/{token}`.

Built for the rate of a city's scanners (issue 7): an `async` route on the event loop, no session, no ORM, no
login, one raw statement against the store (`services.health_codes.check`), and an answer of pre-encoded bytes.
Why it needs no account, and why it is not audited: docs/areas-and-codes.md, "The venue check".
"""

from __future__ import annotations

import json
from datetime import date
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from fangkong.services.health_codes.check import (
    CodeStore,
    StoredCode,
    check_body,
    computed_on_the_spot,
    well_formed,
)
from fangkong.services.settings import JURISDICTION_ZONE
from fangkong.services.store import unit_of_work, utcnow

router = APIRouter(prefix="/api", tags=["risk areas and health codes"])


class CodeCheck(BaseModel):
    """What a scanner is told: the colour, and the day the status is for. Nothing personal."""

    colour: Literal["green", "yellow", "red"]
    on: date


class ErrorBody(BaseModel):
    error: dict[str, str | None]


class JsonBytes(Response):
    """JSON already encoded (the check's answers are a handful of byte strings, encoded once each)."""

    media_type = "application/json"


# The old lookup's not-found body, byte for byte: the project's one error shape.
_NOT_FOUND = json.dumps(
    {"error": {"field": None, "message": "no health code token", "clause": None}},
    ensure_ascii=False,
    separators=(",", ":"),
).encode()
# A status answer must never come from a cache between the scanner and the store.
_HEADERS = {"cache-control": "no-store"}
_bodies: dict[tuple[str, date], bytes] = {}  # (colour, day) -> answer: a few entries a day


def _today(request: Request) -> date:
    """The calendar day in the jurisdiction's zone, from the app's clock (a drill's fixed date, else now)."""
    clock = request.app.state.clock
    return (clock() if clock is not None else utcnow()).astimezone(JURISDICTION_ZONE).date()


def _on_the_spot(sessions: sessionmaker[Session], token: str, on: date) -> StoredCode:
    with unit_of_work(sessions) as session:
        return computed_on_the_spot(session, token, on)


@router.get(
    "/health-codes/check/{token}",
    response_class=JsonBytes,
    response_model=None,
    responses={200: {"model": CodeCheck}, 404: {"model": ErrorBody, "description": "no such token"}},
)
async def check(token: str, request: Request) -> Response:
    """What a venue or transport scanner sees when it scans a code: today's colour for the token, from the
    store as it is now (the token is the capability: no login; no name, no person, no reasons)."""
    if not well_formed(token):
        return JsonBytes(_NOT_FOUND, status_code=404, headers=_HEADERS)
    store: CodeStore = request.app.state.code_store
    found = await store.stored(token)
    if found is None:
        return JsonBytes(_NOT_FOUND, status_code=404, headers=_HEADERS)
    today = _today(request)
    if found.on != today:
        # no stored status for today yet (the daily recompute has not run): computed, as the full lookup does
        found = await run_in_threadpool(_on_the_spot, request.app.state.sessions, token, today)
    key = (found.colour, found.on)
    body = _bodies.get(key)
    if body is None:
        body = _bodies.setdefault(key, check_body(found.colour, found.on))
    return JsonBytes(body, headers=_HEADERS)
