"""The signals board (measure 15, m20.15: 多渠道监测预警; issue 20): for a jurisdiction in the reader's scope and a
range of days, each channel's daily counts as a line chart and, below it, the same figures as a table (a day with no
count is said so, never drawn or written as zero); a filter by jurisdiction, channel and days; and, for the command
centre, the form that imports the channels' files (a refused file is named on the page with its field and row).

Each chart's series carries `upperbound` and `alarm` arrays, empty until the aberration methods are wired in: the
chart draws an upper-bound line and marks alarms wherever they are given. The charts are drawn by static/signals.js
from /signals/data.json (no inline script: the console's Content-Security-Policy). Counts, no person named."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, InvalidInput, LoginRequired, http_status
from fangkong.policy.terms import SignalChannel, parse_term
from fangkong.services.access import Actor
from fangkong.services.file_imports.batches import ImportSummary
from fangkong.services.file_imports.rows import format_of
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import scope_root
from fangkong.services.signals.detection import Bounds, bounds_of
from fangkong.services.signals.imports import import_signals
from fangkong.services.signals.service import READ, WRITE, Series, checked_range, series
from fangkong.services.store import unit_of_work
from fangkong.web.i18n import translate
from fangkong.web.pages import CurrentActor, Db, _lang, actor_of_cookie, error_page, render, today_of

router = APIRouter(include_in_schema=False)
WITH_TESTS = SignalChannel.nucleic_acid_positivity


def _day(text: str, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a date (YYYY-MM-DD)") from None


def _places(session: Db, actor: Actor) -> list[tuple[str, str]]:
    """The county, streets and communities the reader may choose from (signals are counted down to communities)."""
    stmt = (
        select(Jurisdiction.code, Jurisdiction.name)
        .where(Jurisdiction.path.startswith(actor.jurisdiction_path), Jurisdiction.level.not_in(("building", "unit")))
        .order_by(Jurisdiction.path)
        .limit(500)
    )
    return [(c, n) for c, n in session.execute(stmt)]


def _board(
    request: Request, session: Db, actor: Actor, jurisdiction: str, channel: str, start: str, end: str
) -> tuple[str, list[Series], dict[str, str]]:
    """The jurisdiction's code, each channel's series asked, and the filter as it stands."""
    actor.require(READ)
    today = today_of(request)
    first, last = checked_range(_day(start, "from"), _day(end, "to"), today=today)
    root = scope_root(session, actor, jurisdiction or None)
    code = jurisdiction or root.rstrip("/").rsplit("/", 1)[-1]
    channels = [parse_term(SignalChannel, channel, "channel")] if channel else list(SignalChannel)
    shown = [
        series(session, actor, jurisdiction_code=code or None, channel=c.value, start=first, end=last, today=today)
        for c in channels
    ]
    query = {"jurisdiction": code, "channel": channel, "from": first.isoformat(), "to": last.isoformat()}
    return code, shown, query


def _bounds(request: Request, session: Db, actor: Actor, shown: list[Series]) -> list[Bounds]:
    """Each series' upper bounds and alarms by the method in force (`services.signals.detection`)."""
    return [
        bounds_of(
            session,
            actor,
            jurisdiction_code=s.jurisdiction_code,
            channel=s.channel.value,
            days=s.days,
            today=today_of(request),
            policy=request.app.state.policy,
        )
        for s in shown
    ]


def _rows(s: Series, b: Bounds) -> list[dict[str, Any]]:
    """The table's rows: the day, the count (None: no count) and, for positivity, the tests and the rate; the
    method's upper bound and whether the day alarmed (None: not judged)."""
    out = []
    for day, count, tests, upper, alarm in zip(s.days, s.counts, s.tests, b.upperbound, b.alarm, strict=True):
        rate = round(100 * count / tests, 2) if count is not None and tests else None
        out.append({"day": day, "count": count, "tests": tests, "rate": rate, "upper": upper, "alarm": alarm})
    return out


def _page(
    request: Request,
    session: Db,
    actor: Actor,
    *,
    jurisdiction: str = "",
    channel: str = "",
    start: str = "",
    end: str = "",
    problem: dict[str, Any] | None = None,
    summary: ImportSummary | None = None,
    status: int = 200,
) -> HTMLResponse:
    filter_problem = None
    try:
        code, shown, query = _board(request, session, actor, jurisdiction, channel, start, end)
    except InvalidInput as exc:  # a filter that is not one: the board with the defaults, the field named
        message, field, clause, _ = error_parts(exc)
        filter_problem, status = {"field": field, "message": message, "clause": clause}, http_status(exc)
        code, shown, query = _board(request, session, actor, "", "", "", "")
    place = session.get(Jurisdiction, code)
    return render(
        request,
        "signals.html",
        status=status,
        actor=actor,
        place=place,
        shown=[
            {"channel": s.channel.value, "present": s.present, "rows": _rows(s, b), "method": b.method}
            for s, b in zip(shown, _bounds(request, session, actor, shown), strict=True)
        ],
        any_counted=any(s.present for s in shown),
        chosen=query,
        channels=[c.value for c in SignalChannel],
        places=_places(session, actor),
        with_tests=WITH_TESTS.value,
        filter_problem=filter_problem,
        problem=problem,
        summary=summary,
        may_import=actor.may(WRITE),
        data_src="/signals/data.json?" + urlencode({**query, "lang": _lang(request)}),
    )


@router.get("/signals", response_class=HTMLResponse)
def signals_board(
    request: Request,
    session: Db,
    actor: CurrentActor,
    jurisdiction: str = "",
    channel: str = "",
) -> HTMLResponse:
    """The signals board of a jurisdiction (the reader's own by default) over four weeks to today by default, every
    channel or one (measure 15). A filter that is not one shows the default board with the field named."""
    try:
        return _page(
            request,
            session,
            actor,
            jurisdiction=jurisdiction,
            channel=channel,
            start=request.query_params.get("from", ""),
            end=request.query_params.get("to", ""),
        )
    except FangkongError as exc:
        return error_page(request, actor, exc)


@router.get("/signals/data.json")
def signals_data(
    request: Request, session: Db, actor: CurrentActor, jurisdiction: str = "", channel: str = ""
) -> Response:
    """The charts' figures in the reader's language: per channel, the count by day (null: no count), and the
    `upperbound` and `alarm` arrays the chart draws when the aberration methods give them (empty for now)."""
    lang = _lang(request)
    try:
        _, shown, _ = _board(
            request,
            session,
            actor,
            jurisdiction,
            channel,
            request.query_params.get("from", ""),
            request.query_params.get("to", ""),
        )
    except FangkongError as exc:
        message, field, _, _ = error_parts(exc)
        return JSONResponse({"detail": message, "field": field}, status_code=http_status(exc))

    def t(key: str) -> str:
        return translate(key, lang)

    bounds = _bounds(request, session, actor, shown)
    charts = [
        {
            "id": s.channel.value,
            "title": t("sig_channel_" + s.channel.value),
            "series": {
                "name": t("sig_positives" if s.channel is WITH_TESTS else "sig_count"),
                "data": s.counts,
                "upperbound": [round(u, 3) if u is not None else None for u in b.upperbound],
                "alarm": b.alarm,
            },
        }
        for s, b in zip(shown, bounds, strict=True)
    ]
    days = shown[0].days if shown else []
    return JSONResponse(
        {
            "days": [d.isoformat() for d in days],
            "x_axis": t("sig_x_axis"),
            "y_axis": t("sig_y_axis"),
            "upperbound_name": t("sig_upperbound"),
            "alarm_name": t("sig_alarm"),
            "charts": charts,
        }
    )


@router.post("/signals/import", response_class=HTMLResponse)
async def signals_import(request: Request, file: Annotated[UploadFile, File()]) -> Response:
    """The command centre's import of a file of daily counts (measure 15): the board again, with what was imported,
    or the refusal naming the field and the row (nothing stored)."""
    data = await file.read()
    return await run_in_threadpool(_import, request, data, file.filename or "signals.csv")


def _import(request: Request, data: bytes, filename: str) -> HTMLResponse:
    with unit_of_work(request.app.state.sessions) as session:
        try:
            actor = actor_of_cookie(request, session)
        except LoginRequired:
            return render(request, "error.html", status=401, title="login", message="")
        try:
            try:
                summary = import_signals(
                    session, actor, data, format_of(filename), today=today_of(request), filename=filename
                )
            except InvalidInput as exc:  # the file refused: the board again with the field and row named
                session.rollback()
                message, field, clause, _ = error_parts(exc)
                problem = {"field": field, "message": message, "clause": clause}
                return _page(request, session, actor, problem=problem, status=http_status(exc))
            return _page(request, session, actor, summary=summary)
        except FangkongError as exc:  # a role that may not import (or read the board)
            session.rollback()
            return error_page(request, actor, exc)
