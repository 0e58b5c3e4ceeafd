"""Vaccination in the console (measure 12: "accelerate the increase of the vaccination rate, especially of the
elderly", m20.12; issue 19): the coverage board of a jurisdiction on a day — by age band for any dose, the full
course and a booster, as a table and a bar chart, with a row per community and the trend — and the outreach list of
the elderly to ask, the oldest first, each with the status, the day a booster falls due and why, printable, exported
as CSV, with a form per person to record what came of asking (a contraindication with its reason, a refusal, a later
day agreed), so that nobody is asked again for nothing.

Everything goes through `services.vaccination` as the API does: the same scope, rules and audit. The board is counts
(no person named); the outreach list names persons, so each answered page and each export is audited as a list read.
The charts are drawn by static/vaccination.js from /vaccination/data.json (no inline script: the console's
Content-Security-Policy); the tables carry the same figures for a screen reader and a browser without scripts."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.api.deps import Rules
from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, InvalidInput, http_status
from fangkong.policy import Policy
from fangkong.policy.terms import OutreachOutcome
from fangkong.rules.decision import Reason
from fangkong.rules.vaccination import products
from fangkong.services.access import Actor, Permission
from fangkong.services.care.projection import projected_place
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.vaccination.coverage import (
    CoverageRow,
    OutreachRow,
    audited,
    coverage,
    coverage_trend,
    outreach_list,
)
from fangkong.services.vaccination.service import DoseIn, OutreachIn, person_doses, record_dose, record_outreach
from fangkong.web.care_pages import _jurisdictions
from fangkong.web.i18n import translate
from fangkong.web.pages import CurrentActor, Db, _lang, day_param, error_page, render, today_of
from fangkong.web.reason_words import said

router = APIRouter(include_in_schema=False)
PAGE = 50
TREND_WEEKS = 8  # the board's trend: the last eight weeks, a point a week (coverage_trend's own limit is a quarter)
OUTCOMES = tuple(o.value for o in OutreachOutcome)


def band_words(band_from: int, band_to: int | None, lang: str) -> str:
    """An age band said in words: "3–17岁" / "3–17", "80岁及以上" / "80 and over"."""
    if band_to is None:
        return translate("vax_band_open", lang).format(a=band_from)
    return translate("vax_band", lang).format(a=band_from, b=band_to)


def share(part: int, whole: int) -> float:
    """A coverage as a percentage with one decimal (0 for an empty band)."""
    return round(100.0 * part / whole, 1) if whole else 0.0


def _totals(rows: list[CoverageRow]) -> list[dict[str, Any]]:
    """The rows summed by age band over the communities of the scope, the youngest band first."""
    sums: dict[tuple[int, int | None], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in rows:
        t = sums[(r.band_from, r.band_to)]
        for i, n in enumerate((r.persons, r.any_dose, r.full_course, r.boosted)):
            t[i] += n
    return [
        {"band_from": b, "band_to": top, "persons": t[0], "any_dose": t[1], "full_course": t[2], "boosted": t[3]}
        for (b, top), t in sorted(sums.items(), key=lambda kv: kv[0][0])
    ]


def _communities(session: Session, place: Jurisdiction, rows: list[CoverageRow]) -> list[dict[str, Any]]:
    """The rows summed per community under `place` (a person's building or unit rolled up to its community), so the
    board shows where coverage is low; a place at or below a community is one row."""
    under = session.execute(
        select(Jurisdiction.code, Jurisdiction.path, Jurisdiction.level, Jurisdiction.name).where(
            Jurisdiction.path.startswith(place.path)
        )
    ).all()
    by_path = {p: (c, lvl, n) for c, p, lvl, n in under}
    path_of = {c: p for c, p, _, _ in under}

    def community_of(code: str) -> tuple[str, str]:
        path = path_of.get(code, place.path)
        parts = [x for x in path.split("/") if x]
        for depth in range(len(parts), 0, -1):
            found = by_path.get("/" + "/".join(parts[:depth]) + "/")
            if found and found[1] == "community":
                return found[0], found[2]
        return place.code, place.name

    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in rows:
        t = sums[community_of(r.jurisdiction_code)]
        for i, n in enumerate((r.persons, r.any_dose, r.full_course, r.boosted)):
            t[i] += n
    return [
        {"code": c, "name": n, "persons": t[0], "any_dose": t[1], "full_course": t[2], "boosted": t[3]}
        for (c, n), t in sorted(sums.items())
    ]


def _day(request: Request, on: str) -> tuple[date, dict[str, Any] | None, int]:
    """The day asked (today when none); a day that is not one gives today's page with the field named."""
    try:
        return day_param(on, today_of(request)), None, 200
    except FangkongError as exc:
        message, field, clause, _ = error_parts(exc)
        return today_of(request), {"field": field, "message": message, "clause": clause}, http_status(exc)


@router.get("/vaccination", response_class=HTMLResponse)
def coverage_board(
    request: Request, session: Db, actor: CurrentActor, policy: Rules, jurisdiction: str = "", on: str = ""
) -> HTMLResponse:
    """The coverage board of a jurisdiction (the reader's own by default) on a day (today by default): by age band
    for any dose, the full course and a booster, per community, and the trend (m20.12). Counts only: no person named;
    a jurisdiction outside the reader's scope is not found."""
    day, problem, status = _day(request, on)
    try:
        actor.require(Permission.read_persons)
        place = projected_place(session, actor, jurisdiction or None)
        rows = coverage(session, actor, day, root=place.path, policy=policy)
    except FangkongError as exc:
        return error_page(request, actor, exc)
    query = {"jurisdiction": place.code, "on": day.isoformat(), "lang": _lang(request)}
    return render(
        request,
        "vaccination.html",
        status=status,
        actor=actor,
        place=place,
        on=day,
        problem=problem,
        bands=_totals(rows),
        communities=_communities(session, place, rows),
        jurisdictions=_jurisdictions(session, actor),
        band_words=band_words,
        share=share,
        data_src="/vaccination/data.json?" + urlencode(query),
        outreach_url="/vaccination/outreach?" + urlencode({"jurisdiction": place.code, "on": day.isoformat()}),
    )


@router.get("/vaccination/data.json")
def coverage_data(
    request: Request, session: Db, actor: CurrentActor, policy: Rules, jurisdiction: str = "", on: str = ""
) -> Response:
    """The charts' figures in the reader's language (m20.12): coverage by age band (any dose, full course, booster,
    in per cent) and the trend of the full course and the booster among people 60 and over, a point a week."""
    lang = _lang(request)
    try:
        day = day_param(on, today_of(request))
        actor.require(Permission.read_persons)
        place = projected_place(session, actor, jurisdiction or None)
        bands = _totals(coverage(session, actor, day, root=place.path, policy=policy))
        points = coverage_trend(
            session, actor, _trend_from(policy, day), day, step_days=7, root=place.path, policy=policy
        )
    except FangkongError as exc:
        message, field, _, _ = error_parts(exc)
        return JSONResponse({"detail": message, "field": field}, status_code=http_status(exc))

    def t(key: str) -> str:
        return translate(key, lang)

    measures = ("any_dose", "full_course", "boosted")
    elder: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for p in points:
        if p.band_from >= 60:  # the elderly first (m20.12): the trend the board watches
            e = elder[p.on]
            e[0] += p.persons
            e[1] += p.full_course
            e[2] += p.boosted
    days = sorted(elder)
    return JSONResponse(
        {
            "bands": [band_words(b["band_from"], b["band_to"], lang) for b in bands],
            "series": [{"name": t("vax_" + m), "data": [share(b[m], b["persons"]) for b in bands]} for m in measures],
            "y_axis": t("vax_percent"),
            "x_axis": t("vax_age_band"),
            "trend": {
                "title": t("vax_trend_title"),
                "days": [d.isoformat() for d in days],
                "series": [
                    {"name": t("vax_full_course"), "data": [share(elder[d][1], elder[d][0]) for d in days]},
                    {"name": t("vax_boosted"), "data": [share(elder[d][2], elder[d][0]) for d in days]},
                ],
            },
        }
    )


def _trend_from(policy: Policy, day: date) -> date:
    """The trend's first day: eight weeks back, or the first day the age bands are in force (a coverage is not
    counted under no rule: the notice took effect on 11 Nov 2022)."""
    start = day - timedelta(weeks=TREND_WEEKS)
    while start < day:
        try:
            policy.at(start).get("vaccination.coverage.age_bands")
            return start
        except FangkongError:
            start += timedelta(days=1)
    return day


def reasons_said(policy: Policy, day: date, lang: str) -> Callable[[Sequence[Reason]], list[str]]:
    """A row's reasons in the reader's language: the Chinese from the catalogue; the English with each product's
    code (as the rule writes it) replaced by its English name, so that no identifier shows on the page (m20.12)."""
    try:
        names = {p.code: p.name_en for p in products(policy.at(day)).value}
    except FangkongError:  # no product in force that day: nothing to replace
        names = {}

    def words(reasons: Sequence[Reason]) -> list[str]:
        out = []
        for r in reasons:
            text = said(r, lang)
            if lang != "zh":
                for code, name in names.items():
                    text = re.sub(rf"\b{code}\b", name, text)
            out.append(text)
        return out

    return words


def _outreach_rows(
    session: Session, actor: Actor, policy: Policy, jurisdiction: str, day: date
) -> tuple[Jurisdiction, list[OutreachRow]]:
    actor.require(Permission.read_persons)
    place = projected_place(session, actor, jurisdiction or None)
    return place, outreach_list(session, actor, day, root=place.path, policy=policy)


def _outreach_page(
    request: Request,
    session: Session,
    actor: Actor,
    policy: Policy,
    jurisdiction: str,
    on: str,
    offset: int,
    *,
    values: dict[str, Any] | None = None,
    problem: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The outreach list's page; the persons it names are audited as one list read (m20.12)."""
    day, day_problem, day_status = _day(request, on)
    place, rows = _outreach_rows(session, actor, policy, jurisdiction, day)
    offset = max(0, offset)
    shown = rows[offset : offset + PAGE]
    audited(session, actor, shown)
    names = dict(
        session.execute(
            select(Jurisdiction.code, Jurisdiction.name).where(
                Jurisdiction.code.in_(sorted({r.jurisdiction_code for r in shown}))
            )
        ).all()
    )
    query = {"jurisdiction": place.code, "on": day.isoformat()}

    def link(**change: Any) -> str:
        merged = {**query, "offset": offset, **change}
        return "/vaccination/outreach?" + urlencode({k: v for k, v in merged.items() if v not in ("", None, 0)})

    saved = request.query_params.get("saved")
    return render(
        request,
        "vaccination_outreach.html",
        status=status if problem else day_status,
        actor=actor,
        place=place,
        on=day,
        rows=shown,
        total=len(rows),
        offset=offset,
        page=PAGE,
        link=link,
        names=names,
        jurisdictions=_jurisdictions(session, actor),
        may_record=actor.may(Permission.write_persons),
        outcomes=OUTCOMES,
        values=values or {},
        problem=problem or day_problem,
        saved=saved if saved in OUTCOMES else None,
        csv_url="/vaccination/outreach.csv?" + urlencode(query),
        back=link(),
        band_words=band_words,
        reasons_of=reasons_said(policy, day, _lang(request)),
        today=today_of(request),
    )


@router.get("/vaccination/outreach", response_class=HTMLResponse)
def outreach(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    jurisdiction: str = "",
    on: str = "",
    offset: int = 0,
) -> HTMLResponse:
    """The elderly to ask to be vaccinated (m20.12), the oldest first, with the status, the day a booster falls due
    and why; a form per person for those who may record the outcome. An audited read of the persons shown."""
    try:
        return _outreach_page(request, session, actor, policy, jurisdiction, on, offset)
    except FangkongError as exc:
        return error_page(request, actor, exc)


@router.get("/vaccination/outreach.csv")
def outreach_export(
    request: Request, session: Db, actor: CurrentActor, policy: Rules, jurisdiction: str = "", on: str = ""
) -> Response:
    """The whole outreach list as CSV in the reader's language (m20.12), for the community worker's round; it names
    persons, so the export is audited as a list read of every person in it."""
    lang = _lang(request)
    try:
        day = day_param(on, today_of(request))
        _, rows = _outreach_rows(session, actor, policy, jurisdiction, day)
        audited(session, actor, rows)
        names = dict(
            session.execute(
                select(Jurisdiction.code, Jurisdiction.name).where(
                    Jurisdiction.code.in_(sorted({r.jurisdiction_code for r in rows}))
                )
            ).all()
        )
    except FangkongError as exc:
        return error_page(request, actor, exc)

    def t(key: str) -> str:
        return translate(key, lang)

    reasons_of = reasons_said(policy, day, lang)
    out = io.StringIO()
    out.write("\ufeff")  # so that a spreadsheet opens the Chinese as UTF-8
    writer = csv.writer(out)
    keys = ("vax_name", "vax_place", "vax_age", "vax_status", "vax_booster_due", "reasons")
    writer.writerow([t(k) for k in keys])
    for r in rows:
        writer.writerow(
            [
                r.name,
                names.get(r.jurisdiction_code, r.jurisdiction_code),
                r.age,
                t("vax_status_" + r.status.value),
                r.booster_due_from.isoformat() if r.booster_due_from else "",
                ("；" if lang == "zh" else "; ").join(reasons_of(r.reasons)),
            ]
        )
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="vaccination-outreach-{day}.csv"'},
    )


def _optional_day(text: str, field: str) -> date | None:
    """A day as a form gives it: empty for none; anything else must be a date, refused naming the field."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a date") from None


@router.post("/vaccination/outreach/{person_id}", response_class=HTMLResponse)
def record(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    person_id: int,
    outcome: Annotated[str, Form()] = "",
    asked_on: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    later_on: Annotated[str, Form()] = "",
    jurisdiction: Annotated[str, Form()] = "",
    on: Annotated[str, Form()] = "",
) -> Response:
    """Record what came of asking a person (m20.12): a contraindication with its reason, a refusal, or a later day
    agreed; then back to the list, where the person no longer shows while the outcome holds. A refused form is shown
    again with the field named and nothing stored."""
    values = {"person_id": person_id, "outcome": outcome, "asked_on": asked_on, "reason": reason, "later_on": later_on}
    today = today_of(request)
    try:
        for name, text, most in (("reason", reason, 1000), ("outcome", outcome, 32)):
            if len(text) > most:  # the service's model would refuse it without naming the field in words
                raise InvalidInput(name, f"longer than {most} characters")
        data = OutreachIn(
            outcome=outcome,
            asked_on=_optional_day(asked_on, "asked_on") or today,
            reason=reason or None,
            later_on=_optional_day(later_on, "later_on"),
        )
        record_outreach(session, actor, person_id, data, today=today)
    except FangkongError as exc:
        session.rollback()
        message, field, clause, _ = error_parts(exc)
        problem = {"field": field, "message": message, "clause": clause, "person_id": person_id}
        try:
            return _outreach_page(
                request,
                session,
                actor,
                policy,
                jurisdiction,
                on,
                0,
                values=values,
                problem=problem,
                status=http_status(exc),
            )
        except FangkongError as inner:
            return error_page(request, actor, inner)
    query = {k: v for k, v in {"jurisdiction": jurisdiction, "on": on, "saved": data.outcome}.items() if v}
    return RedirectResponse("/vaccination/outreach?" + urlencode(query), status_code=303)


# ---- a person's doses on their page (m20.12) ----------------------------------------------------------------


def person_block(
    session: Session,
    actor: Actor,
    person_id: int,
    today: date,
    policy: Policy,
    lang: str,
    problem: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What the person page shows of vaccination (m20.12): the doses in the order given, the status today with its
    reasons in words, and for those who may record, the products in force for the form and the next dose number.
    The read is audited in the person's trail (`person_doses`)."""
    _, doses, decision = person_doses(session, actor, person_id, on=today, policy=policy)
    try:
        known = list(products(policy.at(today)).value)
    except FangkongError:  # before the notice's products are in force: nothing to offer
        known = []
    names = {p.code: (p.name_zh if lang == "zh" else p.name_en) for p in known}
    return {
        "doses": doses,
        "status": decision.status.value,
        "reasons": reasons_said(policy, today, lang)(decision.reasons),
        "product_names": names,
        "may_record": actor.may(Permission.write_persons) and bool(known),
        "next_dose": len(doses) + 1,
        "problem": problem,
        "values": (problem or {}).get("values", {}),
    }


def _dose_number(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise InvalidInput("dose_number", f"{text!r} is not a dose number") from None


@router.post("/persons/{person_id}/vaccinations", response_class=HTMLResponse)
def record_a_dose(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    person_id: int,
    product: Annotated[str, Form()] = "",
    dose_number: Annotated[str, Form()] = "",
    given_on: Annotated[str, Form()] = "",
    site: Annotated[str, Form()] = "",
    lot: Annotated[str, Form()] = "",
) -> Response:
    """Record one dose from the person page (m20.12): a day before birth or in the future, a dose number out of
    order, an unknown product is refused naming the field, nothing stored, the page shown again with what was typed."""
    from fangkong.web.person_pages import _person  # the person page is drawn there; it draws this block

    values = {"product": product, "dose_number": dose_number, "given_on": given_on, "site": site, "lot": lot}
    today = today_of(request)
    try:
        for name, text, most in (("product", product, 32), ("site", site, 200), ("lot", lot, 64)):
            if len(text) > most:  # the service's model would refuse it without naming the field in words
                raise InvalidInput(name, f"longer than {most} characters")
        data = DoseIn(
            product=product,
            dose_number=_dose_number(dose_number),
            given_on=_optional_day(given_on, "given_on") or today,
            site=site or None,
            lot=lot or None,
        )
        record_dose(session, actor, person_id, data, today=today, policy=policy)
    except FangkongError as exc:
        session.rollback()
        message, field, clause, _ = error_parts(exc)
        problem = {"field": field, "message": message, "clause": clause, "values": values}
        return _person(request, session, actor, policy, person_id, vaccination_problem=problem, status=http_status(exc))
    return RedirectResponse(f"/persons/{person_id}?dose=saved#vaccination", status_code=303)
