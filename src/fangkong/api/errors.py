"""One error body for every failure: {"error": {"field": ..., "message": ..., "clause": ...}} with a 4xx status."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from fangkong.api.deps import Unauthenticated
from fangkong.errors import Conflict, FangkongError, Forbidden, InvalidInput, NotFound, NotInForce, Refused
from fangkong.rules.decision import Reason
from fangkong.services.access import Actor
from fangkong.services.overreach.service import record_finding
from fangkong.services.settings import JURISDICTION_ZONE
from fangkong.services.store import unit_of_work, utcnow


def _body(
    status: int, message: str, field: str | None = None, clause: str | None = None, row: int | None = None
) -> JSONResponse:
    error: dict[str, object] = {"field": field, "message": message, "clause": clause}
    if row is not None:  # a rejected file: the first bad row (1 = the first data row)
        error["row"] = row
    return JSONResponse({"error": error}, status_code=status)


def _record_refusal(request: Request, exc: Refused) -> None:
    """Every refusal of the national rules becomes a finding for the supervisors (measure 16), in its own
    transaction: the request's was rolled back with the refused action."""
    actor: Actor | None = getattr(request.state, "actor", None)
    if actor is None:
        return
    clock = request.app.state.clock
    now = clock() if clock is not None else utcnow()
    with unit_of_work(request.app.state.sessions) as session:
        record_finding(
            session,
            actor,
            on=now.astimezone(JURISDICTION_ZONE).date(),
            jurisdiction_code=actor.jurisdiction_path.strip("/").split("/")[-1],
            kind="refusal",
            subject=f"{request.method} {request.url.path}",
            verdict="refused",
            reasons=[Reason(clause=exc.clause, text=exc.message)],
        )


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
        return _body(422, str(first.get("msg", "invalid")), ".".join(loc) or None)

    @app.exception_handler(FangkongError)
    async def _domain(request: Request, exc: FangkongError) -> JSONResponse:
        if isinstance(exc, InvalidInput):
            return _body(422, exc.message, exc.field, row=getattr(exc, "row", None))
        if isinstance(exc, Refused):
            await run_in_threadpool(_record_refusal, request, exc)
            return _body(422, exc.message, None, exc.clause)
        if isinstance(exc, NotInForce):
            return _body(422, str(exc), exc.path)
        if isinstance(exc, NotFound):
            return _body(404, str(exc))
        if isinstance(exc, Forbidden):
            return _body(403, exc.message)
        if isinstance(exc, Conflict):
            return _body(409, exc.message, exc.field)
        if isinstance(exc, Unauthenticated):
            return _body(401, str(exc))
        return _body(400, str(exc))
