"""Trends in the console (issue 16): the last days in charts — new infections, people under management by
category, tests owed and done, isolation rooms occupied, risk areas — each with a table of the same numbers under
it, so the picture is never the only carrier of what it says (screen readers, print, a browser without scripts).

The page holds the tables; `static/trends.js` draws the charts (vendored Apache ECharts) from `/trends/data.json`,
whose titles, series names and axis names are already in the reader's language. Both come from one count
(`services.trends`), scoped to the reader's jurisdiction like the dashboard's numbers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, InvalidInput, http_status
from fangkong.services.trends import DEFAULT_DAYS, FEWEST_DAYS, MOST_DAYS, Trends, trends
from fangkong.web.i18n import translate
from fangkong.web.pages import CurrentActor, Db, _lang, render, today_of

router = APIRouter(include_in_schema=False)


def days_param(days: str) -> int:
    """The `days` a reader typed: a whole number (the service checks the range)."""
    try:
        return int(days.strip()) if days.strip() else DEFAULT_DAYS
    except ValueError:
        raise InvalidInput("days", f"{days!r} is not a whole number") from None


def charts(tr: Trends, lang: str) -> list[dict[str, Any]]:
    """The five charts as data: an id (the section's anchor), the title, the y axis's name, whether the series
    stack, and each series' name (in `lang`), drawing and numbers. The page's tables and the charts read this."""

    def t(key: str) -> str:
        return translate(key, lang)

    return [
        {
            "id": "infections",
            "title": t("trend_infections"),
            "y_axis": t("trend_axis_people"),
            "stacked": False,
            "series": [{"name": t("trend_new_infections"), "type": "bar", "data": tr.new_infections}],
        },
        {
            "id": "management",
            "title": t("trend_management"),
            "y_axis": t("trend_axis_people"),
            "stacked": True,
            "series": [{"name": t(c), "type": "bar", "data": n} for c, n in tr.under_management.items()],
        },
        {
            "id": "tests",
            "title": t("trend_tests"),
            "y_axis": t("trend_axis_tests"),
            "stacked": False,
            "series": [
                {"name": t("trend_tests_owed"), "type": "bar", "data": tr.tests_owed},
                {"name": t("trend_tests_done"), "type": "bar", "data": tr.tests_done},
            ],
        },
        {
            "id": "rooms",
            "title": t("trend_rooms"),
            "y_axis": t("trend_axis_rooms"),
            "stacked": False,
            "series": [
                {"name": t("trend_rooms_occupied"), "type": "bar", "data": tr.rooms_occupied},
                {"name": t("trend_rooms_total"), "type": "line", "data": [tr.rooms] * len(tr.days)},
            ],
        },
        {
            "id": "areas",
            "title": t("trend_areas"),
            "y_axis": t("trend_axis_areas"),
            "stacked": True,
            "series": [
                {"name": t("trend_level_" + level), "type": "bar", "data": n} for level, n in tr.risk_areas.items()
            ],
        },
    ]


@router.get("/trends", response_class=HTMLResponse)
def trends_page(request: Request, session: Db, actor: CurrentActor, days: str = "") -> HTMLResponse:
    """The command centre (or anyone who reads the lists) looks back over the last 7 to 90 days: five charts, each
    with its numbers in a table; risk areas as measure 4 delineates them, tests as the plans owe them (the work
    list's test days). A bad number of days is refused naming the field, with the form to try again."""
    problem: dict[str, Any] | None = None
    tr: Trends | None = None
    status = 200
    try:
        tr = trends(session, actor, today=today_of(request), days=days_param(days))
    except FangkongError as exc:
        message, field, _, _ = error_parts(exc)
        problem = {"field": field, "message": message}
        status = http_status(exc)
    return render(
        request,
        "trends.html",
        status=status,
        actor=actor,
        tr=tr,
        charts=charts(tr, _lang(request)) if tr is not None else [],
        days=days or str(DEFAULT_DAYS),
        fewest=FEWEST_DAYS,
        most=MOST_DAYS,
        problem=problem,
    )


@router.get("/trends/data.json")
def trends_data(request: Request, session: Db, actor: CurrentActor, days: str = "") -> JSONResponse:
    """What the page's charts draw: the days, the axis name and the five charts, in the reader's language. A bad
    number of days answers the API's error body, naming the field."""
    lang = _lang(request)
    try:
        tr = trends(session, actor, today=today_of(request), days=days_param(days))
    except FangkongError as exc:
        message, field, clause, _ = error_parts(exc)
        return JSONResponse(
            {"error": {"field": field, "message": message, "clause": clause}}, status_code=http_status(exc)
        )
    return JSONResponse(
        {
            "days": [d.isoformat() for d in tr.days],
            "x_axis": translate("day", lang),
            "charts": charts(tr, lang),
        }
    )
