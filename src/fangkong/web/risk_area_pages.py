"""The console's map of risk areas and the page of one area with its history (measure 4)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from fangkong.errors import NotFound
from fangkong.services.areas.map import map_features
from fangkong.services.areas.service import area_in_scope, list_areas
from fangkong.services.areas.service import events as area_events
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import place_names
from fangkong.web.pages import CurrentActor, Db, error_page, render

router = APIRouter(include_in_schema=False)


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, session: Db, actor: CurrentActor) -> HTMLResponse:
    """High- and low-risk areas drawn from their shapes on a vendored Leaflet, with no tile server; beside the map
    a legend in words and the list of areas in force by name, level and next change (measure 4)."""
    areas, _ = list_areas(session, actor, active=True, limit=200)
    return render(request, "map.html", actor=actor, areas=areas, names=place_names(session, actor))


@router.get("/map/areas.geojson")
def map_areas(session: Db, actor: CurrentActor) -> JSONResponse:
    """Communities (outlines) and risk areas (filled by level) in the actor's jurisdiction, as GeoJSON."""
    return JSONResponse(map_features(session, actor))


@router.get("/risk-areas/{risk_id}", response_class=HTMLResponse)
def risk_area_page(request: Request, session: Db, actor: CurrentActor, risk_id: int) -> HTMLResponse:
    try:
        risk = area_in_scope(session, actor, risk_id)
    except NotFound as exc:
        return error_page(request, actor, exc)
    area = session.get(Jurisdiction, risk.area_code)
    return render(
        request, "risk_area.html", actor=actor, risk=risk, area=area, history=area_events(session, actor, risk_id)
    )
