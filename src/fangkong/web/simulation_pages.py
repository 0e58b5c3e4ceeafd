"""Policy comparisons in the console (issue 22), the command centre's: `/simulations` — the form that runs a
comparison of versions of the rules on a synthetic city the size of the demo county (policies by name, people, days,
seeds, and the county's own area-wide testing the over-reach guard reviews: when, tests a day, run what it refuses
anyway) and the saved comparisons; `/simulations/{id}` — the proposal compared, in words; the rounds the guard
refused, per policy and clause (cited by `clause_words`, as the supplies pages cite theirs); the summary (each
figure's mean and 95 % interval per policy, and each policy's difference from the first, paired by seed) and, per
policy by day, the charts of new infections, centralized-isolation room-nights, test tubes, people in high-risk areas
and ward and ICU beds. The charts are drawn by static/simulations.js from `/simulations/{id}/data.json` (no inline
script: the Content-Security-Policy); a table under each holds the same figures. Everything goes through
`services.simulations`, as the API does; a refused form is shown again with the field named. Figures and series are
said in words: a figure the words do not know is left out of the page (tests/web/test_simulation_pages.py fails on
it), never shown by its key."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, InvalidInput, http_status
from fangkong.services.access import Actor
from fangkong.services.simulations.models import SimulationComparison
from fangkong.services.simulations.service import (
    DAYS,
    DEFAULT_DAYS,
    DEFAULT_POPULATION,
    DEFAULT_SEEDS,
    POPULATION,
    SEEDS,
    ComparisonRequest,
    LocalCampaignRequest,
    comparison,
    list_comparisons,
    local_campaign_of,
    run_comparison,
    versions,
)
from fangkong.sim.local_rules import MOST_TESTS_PER_DAY, NATIONAL, WHEN
from fangkong.web.i18n import MESSAGES, translate
from fangkong.web.pages import CurrentActor, Db, _lang, error_page, render
from fangkong.web.supplies_pages import clause_words

router = APIRouter(include_in_schema=False)
PAGE = 50
DEFAULT_POLICIES = ("v9", "m20")
# The charts the issue names, each from the runs' series (`fangkong.sim.model.SERIES`) summed, with its y axis.
CHARTS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("new_infections", ("new_infections",), "simc_y_people"),
    ("room_nights", ("room_nights",), "simc_y_rooms"),
    ("tubes", ("tubes",), "simc_y_tubes"),
    ("people_in_high_risk", ("people_in_high_risk",), "simc_y_people"),
    ("beds", ("ward_beds", "icu_beds"), "simc_y_beds"),
)


def _worded(key: str) -> bool:
    entry = MESSAGES.get(key, {})
    return bool(entry.get("zh") and entry.get("en"))


def policy_name(version: str, lang: str) -> str:
    """A version of the rules by its name; one the words do not know yet by its own short name (v9, m20)."""
    key = "simc_policy_" + version
    return translate(key, lang) if _worded(key) else version


def number(value: float) -> str:
    """A figure as a reader takes it in: whole numbers from 100 on, fewer decimals as it grows."""
    size = abs(value)
    return f"{value:,.0f}" if size >= 100 else f"{value:,.1f}" if size >= 10 else f"{value:,.2f}"


def interval(cell: dict[str, float], signed: bool = False) -> str:
    """Mean [where 95 % of the seeds lie]; a difference (`signed`) also gets the 95 % confidence interval of its
    mean in round brackets, where the saved result has it."""
    sign = "+" if signed and cell["mean"] > 0 else ""
    mean = ""
    if signed and "mean_low" in cell:
        mean = f" ({number(cell['mean_low'])} – {number(cell['mean_high'])})"
    return f"{sign}{number(cell['mean'])}{mean} [{number(cell['low'])} – {number(cell['high'])}]"


def _whole(text: str, field: str) -> int:
    cleaned = text.strip().replace(",", "").replace("，", "")
    if not cleaned.isdigit():
        raise InvalidInput(field, f"{text!r} is not a whole number")
    return int(cleaned)


def _form_page(
    request: Request,
    session: Db,
    actor: Actor,
    *,
    chosen: dict[str, Any] | None = None,
    problem: dict[str, Any] | None = None,
    offset: int = 0,
    status: int = 200,
) -> HTMLResponse:
    offset = max(0, offset)
    rows, total = list_comparisons(session, actor, offset=offset, limit=PAGE)
    lang = _lang(request)
    return render(
        request,
        "simulations.html",
        status=status,
        actor=actor,
        rows=rows,
        total=total,
        offset=offset,
        page=PAGE,
        versions=[(v, policy_name(v, lang)) for v in versions(request.app.state.policy)],
        named=lambda v: policy_name(v, lang),
        chosen=chosen
        or {
            "policies": list(DEFAULT_POLICIES),
            "population": str(DEFAULT_POPULATION),
            "days": str(DEFAULT_DAYS),
            "seeds": str(DEFAULT_SEEDS),
            "local_when": NATIONAL.when,
            "tests_per_day": str(NATIONAL.tests_per_day),
            "unguarded": not NATIONAL.guarded,
        },
        limits={"population": POPULATION, "days": DAYS, "seeds": SEEDS, "tests_per_day": (1, MOST_TESTS_PER_DAY)},
        whens=WHEN,
        problem=problem,
    )


@router.get("/simulations", response_class=HTMLResponse)
def simulations(request: Request, session: Db, actor: CurrentActor, offset: int = 0) -> HTMLResponse:
    """The form that runs a comparison, and the saved comparisons, newest first."""
    try:
        return _form_page(request, session, actor, offset=offset)
    except FangkongError as exc:
        return error_page(request, actor, exc)


@router.post("/simulations", response_class=HTMLResponse)
def run_form(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policies: Annotated[list[str] | None, Form()] = None,
    population: Annotated[str, Form()] = "",
    days: Annotated[str, Form()] = "",
    seeds: Annotated[str, Form()] = "",
    local_when: Annotated[str, Form()] = NATIONAL.when,
    tests_per_day: Annotated[str, Form()] = str(NATIONAL.tests_per_day),
    unguarded: Annotated[str, Form()] = "",
) -> Response:
    """Run the comparison and show it; a refusal shows the form again with what was chosen and the field named.
    The county's own area-wide testing is always sent (its defaults are the national rule's)."""
    chosen = {
        "policies": list(policies or []),
        "population": population,
        "days": days,
        "seeds": seeds,
        "local_when": local_when,
        "tests_per_day": tests_per_day,
        "unguarded": bool(unguarded),
    }
    try:
        if local_when not in WHEN:  # only a tampered form: said without the simulator's keys the API lists
            raise InvalidInput("local_campaign.when", f"{local_when!r} is not one of the choices offered")
        data = ComparisonRequest(
            policies=chosen["policies"],
            population=_whole(population, "population"),
            days=_whole(days, "days"),
            seeds=_whole(seeds, "seeds"),
            local_campaign=LocalCampaignRequest(
                when=local_when,
                tests_per_day=_whole(tests_per_day, "local_campaign.tests_per_day"),
                guarded=not unguarded,
            ),
        )
        saved = run_comparison(session, actor, data, policy=request.app.state.policy)
    except InvalidInput as exc:
        session.rollback()
        message, field, clause, _ = error_parts(exc)
        problem = {"field": field, "message": message, "clause": clause}
        try:
            return _form_page(request, session, actor, chosen=chosen, problem=problem, status=http_status(exc))
        except FangkongError as inner:
            return error_page(request, actor, inner)
    except FangkongError as exc:  # a role that may not run one
        session.rollback()
        return error_page(request, actor, exc)
    return RedirectResponse(f"/simulations/{saved.id}", status_code=303)


def _days(saved: SimulationComparison) -> list[date]:
    return [saved.start + timedelta(days=i) for i in range(saved.days)]


def _series(saved: SimulationComparison, policy: str, parts: tuple[str, ...]) -> list[float] | None:
    """One chart's line for one policy: the mean by day of its series, summed (None when the result lacks one)."""
    means = saved.result.get("mean_series", {}).get(policy, {})
    if not all(p in means for p in parts):
        return None
    return [round(sum(values), 3) for values in zip(*(means[p] for p in parts), strict=True)]


def _charts(saved: SimulationComparison, lang: str) -> list[dict[str, Any]]:
    """The charts the result can draw, each with a line per policy, in the reader's words."""
    out = []
    for chart_id, parts, y_axis in CHARTS:
        lines = [(p, _series(saved, p, parts)) for p in saved.policies]
        if any(data is None for _, data in lines):
            continue
        out.append(
            {
                "id": chart_id,
                "title": translate("simc_chart_" + chart_id, lang),
                "y_axis": translate(y_axis, lang),
                "series": [{"name": policy_name(p, lang), "data": data} for p, data in lines],
            }
        )
    return out


def _summary_rows(saved: SimulationComparison) -> list[dict[str, Any]]:
    """Each figure the words know, in the simulator's order: per policy its interval, per later policy its difference
    from the first."""
    summary = saved.result.get("summary", {})
    differences = saved.result.get("difference_from_first", {})
    first = saved.policies[0]
    rows = []
    for figure in summary.get(first, {}):
        if not _worded("simc_fig_" + figure):
            continue  # a figure newer than the words: left out rather than shown by its key
        cells = []
        for p in saved.policies:
            cell = {"policy": p, "value": interval(summary[p][figure])}
            if p != first and figure in differences.get(p, {}):
                cell["difference"] = interval(differences[p][figure], signed=True)
            cells.append(cell)
        rows.append({"figure": figure, "cells": cells})
    return rows


def _proposal_line(saved: SimulationComparison, lang: str) -> str:
    """The county's own area-wide testing the comparison ran under, in words: when, tests a day, guarded or not."""
    asked = local_campaign_of(saved)
    when = asked.get("when", NATIONAL.when)
    guard = "simc_local_compared_guarded" if asked.get("guarded", True) else "simc_local_compared_unguarded"
    return translate("simc_local_compared", lang).format(
        when=translate("simc_local_" + (when if when in WHEN else NATIONAL.when), lang),
        n=asked.get("tests_per_day", NATIONAL.tests_per_day),
        guard=translate(guard, lang),
    )


def _refusal_rows(saved: SimulationComparison, lang: str) -> list[dict[str, str]]:
    """Per policy and clause, the mean days the over-reach guard refused the county's rounds (none refused: no row);
    the clause cited in words (`clause_words`), never by its id."""
    refusals = saved.result.get("refusals", {})
    return [
        {"policy": p, "clause": clause_words({"clause": clause}, lang), "days": number(days)}
        for p in saved.policies
        for clause, days in refusals.get(p, {}).items()
        if days > 0
    ]


@router.get("/simulations/{comparison_id}", response_class=HTMLResponse)
def simulation(request: Request, session: Db, actor: CurrentActor, comparison_id: int) -> HTMLResponse:
    """One saved comparison: what was asked, the summary, the charts by day."""
    lang = _lang(request)
    try:
        saved = comparison(session, actor, comparison_id)
    except FangkongError as exc:
        return error_page(request, actor, exc)
    return render(
        request,
        "simulation.html",
        actor=actor,
        saved=saved,
        named=lambda v: policy_name(v, lang),
        first=saved.policies[0],
        later=saved.policies[1:],
        rows=_summary_rows(saved),
        proposal=_proposal_line(saved, lang),
        refusals=_refusal_rows(saved, lang),
        charts=_charts(saved, lang),
        days=_days(saved),
        number=number,
        data_src=f"/simulations/{saved.id}/data.json?lang={lang}",
    )


@router.get("/simulations/{comparison_id}/data.json")
def simulation_data(request: Request, session: Db, actor: CurrentActor, comparison_id: int) -> Response:
    """The charts' figures in the reader's language: the days, and per chart its title, y axis and a line per
    policy (the mean over seeds by day)."""
    lang = _lang(request)
    try:
        saved = comparison(session, actor, comparison_id)
    except FangkongError as exc:
        message, field, _, _ = error_parts(exc)
        return JSONResponse({"detail": message, "field": field}, status_code=http_status(exc))
    return JSONResponse(
        {
            "days": [d.isoformat() for d in _days(saved)],
            "x_axis": translate("simc_x_axis", lang),
            "charts": _charts(saved, lang),
        }
    )
