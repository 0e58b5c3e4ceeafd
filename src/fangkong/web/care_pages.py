"""Care in the console (measure 11; issue 18): the facilities with their beds, a facility's page with its beds
physical, staffed and occupied, its medical staff infected or absent and the patients staying there now, and on an
infection's page the care block — its severity history, its current stay, the admission proposal with its reasons
and the forms that record a severity and admit or transfer.

(11): "Formulate graded diagnosis and treatment plans and admission standards for infected people of different
clinical severity ... Prepare inpatient and critical-care beds ... a plan for when medical staff are infected". Every
form goes through `services.care` as the API does: the same scope, checks and audit; a refused form is shown again
with the field named and nothing stored (the request's transaction is rolled back)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select

from fangkong.api.deps import Rules
from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, InvalidInput, http_status
from fangkong.policy import Policy
from fangkong.policy.terms import (
    BedKind,
    CareFacilityKind,
    FacilityStatus,
    RiskFactor,
    Severity,
    StaffKind,
    StayEnd,
    parse_term,
)
from fangkong.services.access import Actor, Permission
from fangkong.services.care.models import CareFacility, CareStay, StaffAbsence
from fangkong.services.care.service import (
    STAFF_COLUMNS,
    admit,
    capacity,
    current_severity,
    end_stay,
    get_facility,
    open_stay,
    propose_admission,
    record_absence,
    record_severity,
    severity_history,
    staffed,
    update_facility,
)
from fangkong.services.infection_overview import infection_overview
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import scope_root
from fangkong.services.paging import page_of
from fangkong.services.persons.service import listed_names
from fangkong.web.i18n import translate
from fangkong.web.pages import CurrentActor, Db, _lang, day_param, error_page, list_link, render, today_of

router = APIRouter(include_in_schema=False)
PAGE = 25
FACILITY_SORTS = {
    "name": CareFacility.name,
    "kind": CareFacility.kind,
    "status": CareFacility.status,
    "jurisdiction": Jurisdiction.path,
}
EDITABLE_BEDS = (BedKind.general, BedKind.icu, BedKind.convertible_icu)
STAY_ENDS = (StayEnd.discharged, StayEnd.died)  # a transfer is an admission elsewhere, not a button


def _problem(exc: FangkongError) -> dict[str, Any]:
    message, field, clause, _ = error_parts(exc)
    return {"field": field, "message": message, "clause": clause}


def _whole(text: str, field: str) -> int:
    """A count as typed in a form: digits only; anything else is refused naming the field."""
    text = text.strip()
    if not text.lstrip("-").isdigit():
        raise InvalidInput(field, f"{text!r} is not a whole number")
    return int(text)


# ---- the facility list ----------------------------------------------------------------------------------------


def _occupied_by(session: Db, facility_ids: list[int]) -> dict[tuple[int, str], int]:
    """Beds occupied now by open stays, per facility and bed kind, in one query for a page's facilities."""
    if not facility_ids:
        return {}
    stmt = (
        select(CareStay.facility_id, CareStay.bed_kind, func.count())
        .where(CareStay.facility_id.in_(facility_ids), CareStay.ended_on.is_(None))
        .group_by(CareStay.facility_id, CareStay.bed_kind)
    )
    return {(f, k): n for f, k, n in session.execute(stmt)}


def _bed_rows(
    session: Db, f: CareFacility, on: date, occupied: dict[tuple[int, str], int], policy: Policy
) -> list[dict[str, Any]]:
    """The facility's general and ICU beds on `on`: physical, staffed (staff present less infected and absent,
    `rules.staffed_beds`), occupied and free (measure 11). General beds include the convertible ICU beds."""
    sb = staffed(session, f, on, policy=policy)
    rows = []
    for bed, physical, staffed_n in (
        (BedKind.general, sb.physical_general, sb.general),
        (BedKind.icu, sb.physical_icu, sb.icu),
    ):
        used = occupied.get((f.id, bed.value), 0)
        rows.append(
            {
                "kind": bed.value,
                "physical": physical,
                "staffed": staffed_n,
                "occupied": used,
                "free": max(0, physical - used),
            }
        )
    return rows


def _facility_query(session: Db, actor: Actor, kind: str, status: str, jurisdiction: str, sort: str) -> Any:
    root = scope_root(session, actor, jurisdiction or None)
    stmt = (
        select(CareFacility)
        .join(Jurisdiction, Jurisdiction.code == CareFacility.jurisdiction_code)
        .where(Jurisdiction.path.startswith(root))
    )
    if kind:
        stmt = stmt.where(CareFacility.kind == parse_term(CareFacilityKind, kind, "kind").value)
    if status:
        stmt = stmt.where(CareFacility.status == parse_term(FacilityStatus, status, "status").value)
    column = FACILITY_SORTS.get(sort.removeprefix("-"))
    if column is None:
        raise InvalidInput("sort", f"{sort!r} is not one of {', '.join(FACILITY_SORTS)}")
    order = column.desc() if sort.startswith("-") else column.asc()
    return stmt.order_by(order, CareFacility.name, CareFacility.id)


def _jurisdictions(session: Db, actor: Actor) -> list[tuple[str, str]]:
    """The county, districts and communities the reader may choose from (not buildings or units: no facility is
    filed under one)."""
    stmt = (
        select(Jurisdiction.code, Jurisdiction.name)
        .where(
            Jurisdiction.path.startswith(actor.jurisdiction_path),
            Jurisdiction.level.not_in(("building", "unit")),
        )
        .order_by(Jurisdiction.path)
        .limit(500)
    )
    return [(c, n) for c, n in session.execute(stmt)]


def _names_of(session: Db, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    return dict(session.execute(select(Jurisdiction.code, Jurisdiction.name).where(Jurisdiction.code.in_(codes))).all())


@router.get("/facilities", response_class=HTMLResponse)
def facilities(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    kind: str = "",
    status: str = "",
    jurisdiction: str = "",
    sort: str = "jurisdiction",
    offset: int = 0,
) -> HTMLResponse:
    """The facilities in the reader's jurisdictions, filtered by kind, status and jurisdiction, sorted and paged,
    each with its beds occupied / staffed / physical today (measure 11: beds prepared in advance)."""
    filters = {"kind": kind, "status": status, "jurisdiction": jurisdiction, "sort": sort}
    today = today_of(request)
    problem, code = None, 200
    rows: list[CareFacility] = []
    total = 0
    try:
        actor.require(Permission.read_persons)
        rows, total = page_of(
            session, _facility_query(session, actor, kind, status, jurisdiction, sort), offset=offset, limit=PAGE
        )
    except FangkongError as exc:
        session.rollback()
        if http_status(exc) in (403, 404):
            return error_page(request, actor, exc)
        problem, code = _problem(exc), http_status(exc)
    occupied = _occupied_by(session, [f.id for f in rows])
    beds = {f.id: _bed_rows(session, f, today, occupied, policy) for f in rows}
    return render(
        request,
        "facilities.html",
        status=code,
        actor=actor,
        rows=rows,
        beds=beds,
        places=_names_of(session, {f.jurisdiction_code for f in rows}),
        total=total,
        offset=offset,
        page=PAGE,
        filters=filters,
        problem=problem,
        kinds=[k.value for k in CareFacilityKind],
        statuses=[s.value for s in FacilityStatus],
        jurisdictions=_jurisdictions(session, actor),
        link=list_link("/facilities", {**filters, "offset": offset}),
        export=list_link("/facilities.csv", filters)(),
    )


@router.get("/facilities.csv")
def facilities_csv(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    kind: str = "",
    status: str = "",
    jurisdiction: str = "",
    sort: str = "jurisdiction",
) -> Response:
    """The filtered list as CSV in the reader's language, every facility (not one page): beds by kind as the list
    shows them (measure 11)."""
    today = today_of(request)
    try:
        actor.require(Permission.read_persons)
        rows = list(session.scalars(_facility_query(session, actor, kind, status, jurisdiction, sort).limit(10_000)))
    except FangkongError as exc:
        return error_page(request, actor, exc)
    lang = _lang(request)

    def t(key: str) -> str:
        return translate(key, lang)

    occupied = _occupied_by(session, [f.id for f in rows])
    places = _names_of(session, {f.jurisdiction_code for f in rows})
    out = io.StringIO()
    w = csv.writer(out)
    header = [t("care_facility"), t("care_kind"), t("care_status"), t("jurisdiction")]
    for bed in ("general", "icu"):
        for part in ("care_occupied", "care_staffed", "care_physical"):
            header.append(f"{t('care_bed_' + bed)} · {t(part)}")
    w.writerow(header)
    for f in rows:
        line: list[Any] = [
            f.name,
            t("care_kind_" + f.kind),
            t("care_status_" + f.status),
            places.get(f.jurisdiction_code, ""),
        ]
        for b in _bed_rows(session, f, today, occupied, policy):
            line += [b["occupied"], b["staffed"], b["physical"]]
        w.writerow(line)
    return Response(
        "\ufeff" + out.getvalue(),  # a byte-order mark: spreadsheet programs then read the Chinese as UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="facilities-{today.isoformat()}.csv"'},
    )


# ---- one facility ---------------------------------------------------------------------------------------------


def _facility_page(
    request: Request,
    session: Db,
    actor: Actor,
    policy: Policy,
    facility_id: int,
    *,
    problem: dict[str, Any] | None = None,
    form: str = "",
    values: dict[str, Any] | None = None,
    status: int = 200,
    done: str = "",
) -> HTMLResponse:
    """The facility's page: details, beds, staff away today, and the patients staying now — a list of people, each
    noted in their trail (`listed_names`) as the other lists of people in the console are."""
    today = today_of(request)
    try:
        actor.require(Permission.read_persons)
        f = get_facility(session, actor, facility_id)
    except FangkongError as exc:
        return error_page(request, actor, exc)
    occupied = _occupied_by(session, [f.id])
    sb = staffed(session, f, today, policy=policy)
    away = {
        a.staff_kind: a
        for a in session.scalars(select(StaffAbsence).where(StaffAbsence.facility_id == f.id, StaffAbsence.on == today))
    }
    staff = [
        {
            "kind": k.value,
            "total": getattr(f, column),
            "infected": away[k.value].infected if k.value in away else 0,
            "absent": away[k.value].absent if k.value in away else 0,
        }
        for k, column in STAFF_COLUMNS.items()
    ]
    stays = list(
        session.execute(
            select(CareStay, Infection.person_id)
            .join(Infection, Infection.id == CareStay.infection_id)
            .where(CareStay.facility_id == f.id, CareStay.ended_on.is_(None))
            .order_by(CareStay.started_on, CareStay.id)
        ).all()
    )
    names = listed_names(session, actor, [pid for _, pid in stays], "console facility patients")
    patients = []
    for stay, person_id in stays:
        sev = current_severity(session, stay.infection_id)
        patients.append(
            {
                "stay": stay,
                "person_id": person_id,
                "name": names.get(person_id, ""),
                "severity": sev.severity if sev is not None else None,
            }
        )
    return render(
        request,
        "facility.html",
        status=status,
        actor=actor,
        f=f,
        place=_names_of(session, {f.jurisdiction_code}).get(f.jurisdiction_code, ""),
        beds=_bed_rows(session, f, today, occupied, policy),
        convertible=capacity(f, BedKind.convertible_icu),
        staffed_reasons=sb.reasons,
        staff=staff,
        patients=patients,
        today=today,
        manage=actor.may(Permission.manage_sites),
        problem=problem,
        form=form,
        values=values or {},
        done=done,
        statuses=[s.value for s in FacilityStatus],
        staff_kinds=[k.value for k in StaffKind],
        editable_beds=[(b.value, capacity(f, b)) for b in EDITABLE_BEDS],
        ends=[e.value for e in STAY_ENDS],
    )


@router.get("/facilities/{facility_id}", response_class=HTMLResponse)
def facility_page(
    request: Request, session: Db, actor: CurrentActor, policy: Rules, facility_id: int, done: str = ""
) -> HTMLResponse:
    """One facility (measure 11): its beds physical, staffed and occupied, its staff away, its patients now."""
    return _facility_page(request, session, actor, policy, facility_id, done=done)


def _refused(
    request: Request,
    session: Db,
    actor: Actor,
    policy: Policy,
    facility_id: int,
    exc: FangkongError,
    form: str,
    values: dict[str, Any],
) -> HTMLResponse:
    session.rollback()  # all or nothing: the refused form leaves the store as it was
    return _facility_page(
        request,
        session,
        actor,
        policy,
        facility_id,
        problem=_problem(exc),
        form=form,
        values=values,
        status=http_status(exc),
    )


@router.post("/facilities/{facility_id}/absence", response_class=HTMLResponse)
def absence_submit(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    facility_id: int,
    staff_kind: Annotated[str, Form()] = "",
    on: Annotated[str, Form()] = "",
    infected: Annotated[str, Form()] = "0",
    absent: Annotated[str, Form()] = "0",
) -> Response:
    """Staff of a kind infected or absent on a day (measure 11: the plan for infected medical staff); the staffed
    beds follow. More than the facility has is refused naming `infected`."""
    values = {"staff_kind": staff_kind, "on": on, "infected": infected, "absent": absent}
    try:
        record_absence(
            session,
            actor,
            facility_id,
            day_param(on, today_of(request)),
            staff_kind,
            infected=_whole(infected, "infected"),
            absent=_whole(absent, "absent"),
        )
    except FangkongError as exc:
        return _refused(request, session, actor, policy, facility_id, exc, "absence", values)
    return RedirectResponse(f"/facilities/{facility_id}?done=absence#staff", status_code=303)


@router.post("/facilities/{facility_id}/edit", response_class=HTMLResponse)
async def edit_submit(request: Request, session: Db, actor: CurrentActor, policy: Rules, facility_id: int) -> Response:
    """A facility's status and beds by kind (measure 11: beds prepared in advance); beds fewer than those occupied
    are refused naming `beds.<kind>`."""
    form = await request.form()
    values = {k: str(v) for k, v in form.items()}
    try:
        beds = {b.value: _whole(values.get(f"beds.{b.value}", ""), f"beds.{b.value}") for b in EDITABLE_BEDS}
        update_facility(session, actor, facility_id, {"status": values.get("status", ""), "beds": beds})
    except FangkongError as exc:
        return _refused(request, session, actor, policy, facility_id, exc, "edit", values)
    return RedirectResponse(f"/facilities/{facility_id}?done=edit", status_code=303)


@router.post("/facilities/{facility_id}/end", response_class=HTMLResponse)
def end_submit(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    facility_id: int,
    infection_id: Annotated[str, Form()] = "",
    end: Annotated[str, Form()] = "",
) -> Response:
    """Discharge or death of a patient staying in this facility (measure 11), on the day. A patient no longer here
    (a stale page) is refused naming `infection_id`."""
    try:
        get_facility(session, actor, facility_id)
        infection = _whole(infection_id, "infection_id")
        how = parse_term(StayEnd, end, "end")
        stay = open_stay(session, infection)
        if stay is None or stay.facility_id != facility_id:
            raise InvalidInput("infection_id", f"infection {infection} is not staying in this facility")
        end_stay(session, actor, infection, today_of(request), how.value)
    except FangkongError as exc:
        return _refused(request, session, actor, policy, facility_id, exc, "end", {})
    return RedirectResponse(f"/facilities/{facility_id}?done={how.value}#patients", status_code=303)


# ---- the infection's care block -------------------------------------------------------------------------------


def care_block(
    request: Request, session: Db, actor: Actor, infection_id: int, *, problem: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What the infection page shows of care (measure 11): severity history, current stay, the admission proposal
    with its reasons, and which forms the reader may use. Both reads are audited in the person's trail by the
    service."""
    today = today_of(request)
    history = severity_history(session, actor, infection_id)
    stay = open_stay(session, infection_id)
    proposal = propose_admission(session, actor, infection_id, today, policy=request.app.state.policy)
    return {
        "history": list(reversed(history)),  # newest first: the one in force on top
        "stay": stay,
        "stay_facility": session.get(CareFacility, stay.facility_id) if stay is not None else None,
        "proposal": proposal,
        "grade": actor.may(Permission.trace_contacts),
        "admit": actor.may(Permission.manage_sites),
        "problem": problem,
        "done": request.query_params.get("care_done", ""),
        "severities": [s.value for s in Severity],
        "risk_factors": [r.value for r in RiskFactor],
        "today": today,
    }


def _infection_refused(request: Request, session: Db, actor: Actor, infection_id: int, exc: FangkongError) -> Response:
    session.rollback()
    try:
        o = infection_overview(session, actor, infection_id)
        care = care_block(request, session, actor, infection_id, problem=_problem(exc))
    except FangkongError as again:
        return error_page(request, actor, again)
    return render(
        request,
        "infection.html",
        status=http_status(exc),
        actor=actor,
        o=o,
        problem=None,
        done="",
        decide=actor.may(Permission.trace_contacts),
        care=care,
    )


@router.post("/infections/{infection_id}/severity", response_class=HTMLResponse)
def severity_submit(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    infection_id: int,
    severity: Annotated[str, Form()] = "",
    risk_factors: Annotated[list[str] | None, Form()] = None,
    home_conditions_met: Annotated[str, Form()] = "yes",
    on: Annotated[str, Form()] = "",
) -> Response:
    """Record the infection's clinical severity and the level of care decided on it (measure 11; n10.3)."""
    try:
        record_severity(
            session,
            actor,
            infection_id,
            severity,
            day_param(on, today_of(request)),
            risk_factors=risk_factors or [],
            home_conditions_met=home_conditions_met != "no",
            policy=policy,
        )
    except FangkongError as exc:
        return _infection_refused(request, session, actor, infection_id, exc)
    return RedirectResponse(f"/infections/{infection_id}?care_done=severity#care", status_code=303)


@router.post("/infections/{infection_id}/admit", response_class=HTMLResponse)
def admit_submit(
    request: Request,
    session: Db,
    actor: CurrentActor,
    infection_id: int,
    facility_id: Annotated[str, Form()] = "",
) -> Response:
    """Admit the infection to the proposed facility on the day, or transfer it there from its stay (measure 11)."""
    try:
        admit(session, actor, infection_id, _whole(facility_id, "facility_id"), today_of(request))
    except FangkongError as exc:
        return _infection_refused(request, session, actor, infection_id, exc)
    return RedirectResponse(f"/infections/{infection_id}?care_done=admitted#care", status_code=303)
