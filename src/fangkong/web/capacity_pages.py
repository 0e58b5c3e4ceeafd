"""The capacity board (measure 11: "Prepare inpatient and critical-care beds ... in advance"; issue 18): for a
jurisdiction on a day, the beds in use at each level of care that takes a hospital bed (inpatient, ICU) against the
staffed and physical beds, and the projection of `rules.bed_projection` over its horizon — a line chart per level
(projected in use against staffed beds, the run-out day marked), the same figures in a table, the run-out day said
in words beside the chart, and the alert as a banner with its reasons when it is due.

The figures come from `services.care.projection` (counts, no names: no person's record is read). The chart is drawn by
static/capacity.js from /capacity/data.json (no inline script: the console's Content-Security-Policy); the table
serves a screen reader and a browser without scripts."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from fangkong.api.deps import Rules
from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, http_status
from fangkong.policy import Policy
from fangkong.policy.terms import BedKind, CareLevel, FacilityStatus
from fangkong.rules.bed_projection import BED_KINDS, BedProjection
from fangkong.services.access import Actor, Permission
from fangkong.services.care.projection import census_on, project_jurisdiction, projected_place, staffed_capacity
from fangkong.services.care.service import capacity, list_facilities
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.web.care_pages import _jurisdictions
from fangkong.web.i18n import translate
from fangkong.web.pages import CurrentActor, Db, _lang, day_param, error_page, render, today_of

router = APIRouter(include_in_schema=False)


def physical_beds(session: Session, actor: Actor, root: str, on: date, policy: Policy) -> dict[CareLevel, int]:
    """The physical inpatient and ICU beds of the open hospitals under `root`'s path — the facilities whose staffed
    beds the projection counts (`care.places.hospital`); general beds include the convertible ICU beds."""
    kinds = {str(k) for k in policy.at(on).get("care.places.hospital").value}
    beds = dict.fromkeys(BED_KINDS, 0)
    for f in list_facilities(session, actor, root=root, status=FacilityStatus.open.value):
        if f.kind in kinds:
            beds[CareLevel.inpatient] += capacity(f, BedKind.general) + capacity(f, BedKind.convertible_icu)
            beds[CareLevel.icu] += capacity(f, BedKind.icu)
    return beds


def _board(
    session: Session, actor: Actor, jurisdiction: str, on: date, policy: Policy
) -> tuple[Jurisdiction, list[dict[str, Any]], BedProjection | None, dict[str, Any] | None]:
    """The jurisdiction, today's census by level, and the projection (None with the refusal when there is nothing
    to project from, e.g. a day before any infection)."""
    actor.require(Permission.read_persons)
    place = projected_place(session, actor, jurisdiction or None)
    census: list[dict[str, Any]] = []
    try:
        in_use = census_on(session, place.path, on)
        staffed = staffed_capacity(session, actor, place.path, on, policy=policy)
        physical = physical_beds(session, actor, place.path, on, policy)
        census = [
            {"level": k.value, "occupied": in_use[k], "staffed": staffed[k], "physical": physical[k]} for k in BED_KINDS
        ]
        projection: BedProjection | None = project_jurisdiction(session, actor, place.code, on, policy=policy)
        refused = None
    except FangkongError as exc:  # a day before the rules or the data: said on the board, not an error page
        message, field, clause, _ = error_parts(exc)
        projection, refused = None, {"field": field, "message": message, "clause": clause}
    return place, census, projection, refused


@router.get("/capacity", response_class=HTMLResponse)
def capacity_board(
    request: Request, session: Db, actor: CurrentActor, policy: Rules, jurisdiction: str = "", on: str = ""
) -> HTMLResponse:
    """The capacity board of a jurisdiction (the reader's own by default) on a day (today by default): census by
    level, the projection per level with its run-out day, and the alert (measure 11). A day that is not one shows
    today's board with the field named."""
    problem, status = None, 200
    try:
        day = day_param(on, today_of(request))
    except FangkongError as exc:
        message, field, clause, _ = error_parts(exc)
        problem, status, day = (
            {"field": field, "message": message, "clause": clause},
            http_status(exc),
            today_of(request),
        )
    try:
        place, census, projection, refused = _board(session, actor, jurisdiction, day, policy)
    except FangkongError as exc:
        return error_page(request, actor, exc)
    query = {"jurisdiction": place.code, "on": day.isoformat(), "lang": _lang(request)}
    return render(
        request,
        "capacity.html",
        status=status,
        actor=actor,
        place=place,
        on=day,
        census=census,
        projection=projection,
        refused=refused,
        problem=problem,
        jurisdictions=_jurisdictions(session, actor),
        data_src="/capacity/data.json?" + urlencode(query),
    )


@router.get("/capacity/data.json")
def capacity_data(
    request: Request, session: Db, actor: CurrentActor, policy: Rules, jurisdiction: str = "", on: str = ""
) -> Response:
    """The chart's figures in the reader's language: per level, the projected beds in use and the staffed beds by
    day, and the run-out day (null within the horizon) that the chart marks (measure 11)."""
    lang = _lang(request)
    try:
        day = day_param(on, today_of(request))
        actor.require(Permission.read_persons)
        place = projected_place(session, actor, jurisdiction or None)
        projection = project_jurisdiction(session, actor, place.code, day, policy=policy)
    except FangkongError as exc:
        message, field, _, _ = error_parts(exc)
        return JSONResponse({"detail": message, "field": field}, status_code=http_status(exc))

    def t(key: str) -> str:
        return translate(key, lang)

    charts = []
    for o in projection.outlooks:
        level = t("care_level_" + o.kind.value)
        charts.append(
            {
                "id": o.kind.value,
                "title": level,
                "series": [
                    {"name": t("care_projected"), "data": [round(c, 1) for c in o.census]},
                    {"name": t("care_staffed_capacity"), "data": list(o.capacity)},
                ],
                "run_out": o.run_out.isoformat() if o.run_out else None,
                "run_out_label": (
                    t("care_run_out_of").format(level=level, day=o.run_out.isoformat()) if o.run_out else None
                ),
                "alert": o.alert,
            }
        )
    return JSONResponse(
        {
            "days": [d.isoformat() for o in projection.outlooks[:1] for d in o.days],
            "x_axis": t("care_x_axis"),
            "y_axis": t("care_y_axis"),
            "charts": charts,
        }
    )
