"""Key populations and key institutions in the console (measure 14, m20.14; issue 19: "the key-population registry
and plans, institution alerts"): the registry of the reader's jurisdiction with each person's risk grade and its
reasons, their plan (who checks, how often, when next) and whether a check is overdue; and the key institutions with
their closed management, residents and staff and open alerts, each step with its deadline; and the forms that feed
them (a person put on the registry, their plan changed, their entry ended; an institution created and edited, its
closed management begun and ended, its members recorded and ended, an alert raised by hand). Everything goes
through `services.key_populations` as the API does: the same scope, checks and audit (the registry is a read of the
persons it lists); a refusal shows the page again with the field named and what was typed, nothing stored."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, InvalidInput, http_status
from fangkong.policy.terms import (
    CheckOutcome,
    InfectedRole,
    KeyInstitutionKind,
    KeyPopulationKind,
    RiskGrade,
    VaccinationStatus,
)
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.reads import read_of
from fangkong.services.calendar import local_day, local_time
from fangkong.services.infections.models import Infection
from fangkong.services.infections.service import list_infections
from fangkong.services.jurisdictions.service import place_names
from fangkong.services.key_populations import institutions as inst
from fangkong.services.key_populations import members
from fangkong.services.key_populations.models import InstitutionMember
from fangkong.services.key_populations.service import (
    EntryIn,
    add_entry,
    end_entry,
    get_entry,
    list_entries,
    overdue_checks,
    plan_of,
    record_check,
    update_entry,
)
from fangkong.services.paging import MAX_LIMIT
from fangkong.services.persons.models import Person
from fangkong.services.persons.service import people_by_document, read_person
from fangkong.web.pages import CurrentActor, Db, error_page, list_link, now_of, render, today_of

router = APIRouter(include_in_schema=False)
PAGE = 50


def when(at: datetime | None) -> str:
    """An instant as the page shows it: the jurisdiction's wall clock to the minute."""
    return "" if at is None else f"{local_time(at):%Y-%m-%d %H:%M}"


SAVED = (
    "check",
    "step",
    "entry",
    "changed",
    "ended",
    "institution",
    "edited",
    "closure",
    "closure_ended",
    "alert",
    "member",
    "member_ended",
)  # the notices a form's redirect asks for
RECENT_INFECTION_DAYS = 14  # the infections the "raise an alert" form offers: those confirmed in the last two weeks
MANY = 500  # at most this many infections offered, or members shown on an institution's block


@router.get("/key-populations", response_class=HTMLResponse)
def key_populations(
    request: Request,
    session: Db,
    actor: CurrentActor,
    kind: str = "",
    grade: str = "",
    offset: int = 0,
    saved: str = "",
    person_id: int | None = None,
) -> HTMLResponse:
    """The registry, highest grade first, each person's plan and its next check; the overdue count; the key
    institutions with their members, closed management and open alerts (m20.14). `person_id`: the person the "add
    to the registry" form is filled in with (the person page's button)."""
    try:
        return _page(
            request, session, actor, kind, grade, offset, saved=saved if saved in SAVED else "", person_id=person_id
        )
    except FangkongError as exc:
        return error_page(request, actor, exc)


@router.post("/key-populations/{entry_id}/checks", response_class=HTMLResponse)
def check(
    request: Request,
    session: Db,
    actor: CurrentActor,
    entry_id: int,
    outcome: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Record a check on a key person now (m20.14); a refusal shows the page again with the field named, nothing
    stored."""
    now = now_of(request)
    try:
        record_check(session, actor, entry_id, checked_at=now, outcome=outcome, note=note or None, now=now)
    except FangkongError as exc:
        return _refused(request, session, actor, exc, f"check-{entry_id}")
    return _saved("check")


@router.post("/institution-alerts/{alert_id}/items/{step}/done", response_class=HTMLResponse)
def step_done(request: Request, session: Db, actor: CurrentActor, alert_id: int, step: str) -> Response:
    """Mark an alert's checklist step done now (m20.14); the alert closes when every step is done."""
    try:
        inst.mark_done(session, actor, alert_id, step, now=now_of(request))
    except FangkongError as exc:
        return _refused(request, session, actor, exc, f"alert-{alert_id}")
    return _saved("step")


# ---- the registry's forms (m20.14) ------------------------------------------------------------------------------


def _saved(what: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/key-populations?saved={what}{anchor}", status_code=303)


def _form(form: FormData) -> dict[str, str]:
    """The form's single values as typed (checkboxes apart), to fill the form again when it is refused."""
    return {k: str(v) for k, v in form.items() if k not in ("kinds", "csrf_token")}


def _days(text: str, field: str) -> int | None:
    """A number of days as typed; empty is none."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise InvalidInput(field, "give a whole number of days")
    return int(text)


def _whole(text: str, field: str) -> int:
    """A count as typed: digits only; anything else is refused naming the field."""
    text = text.strip()
    if not text.lstrip("-").isdigit():
        raise InvalidInput(field, f"{text!r} is not a whole number")
    return int(text)


def _day(text: str, field: str, *, required: bool = True) -> date | None:
    text = text.strip()
    if not text and not required:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a date") from None


def _who(session: Session, actor: Actor, values: dict[str, str]) -> int:
    """The person a form is about: the person page's (`person_id`) or the one whose ID number is typed
    (`document_number`), inside the actor's jurisdiction."""
    if values.get("person_id", "").strip().isdigit():
        return int(values["person_id"])
    number = values.get("document_number", "").strip().upper()
    if not number:
        raise InvalidInput("document_number", "give the person's ID number or open their page")
    found = people_by_document(session, actor, {number}).get(number)
    if found is None:
        raise InvalidInput("document_number", "no person with this document in your jurisdiction")
    return found


def _entry(session: Session, actor: Actor, person_id: int, form: FormData) -> EntryIn:
    values = _form(form)
    return EntryIn(
        person_id=person_id,
        kinds=[str(k) for k in form.getlist("kinds")],
        vaccination_status=values.get("vaccination_status") or VaccinationStatus.unvaccinated.value,
        checker=values.get("checker") or None,
        note=values.get("note") or None,
        check_every_days=_days(values.get("check_every_days", ""), "check_every_days"),
    )


@router.post("/key-populations", response_class=HTMLResponse)
async def add(request: Request, session: Db, actor: CurrentActor) -> Response:
    """Put a person on the registry with their risk grade and plan (m20.14): found by ID number or from their page;
    kinds, checker, a shorter interval than the grade's, a note. A refusal shows the form again, nothing stored."""
    form = await request.form()
    values = _form(form)
    try:
        add_entry(session, actor, _entry(session, actor, _who(session, actor, values), form), now=now_of(request))
    except FangkongError as exc:
        return _refused(request, session, actor, exc, "add-entry", values, [str(k) for k in form.getlist("kinds")])
    return _saved("entry")


@router.post("/key-populations/{entry_id}/change", response_class=HTMLResponse)
async def change(request: Request, session: Db, actor: CurrentActor, entry_id: int) -> Response:
    """Change an entry's kinds, checker, how often or note; graded again (m20.14)."""
    form = await request.form()
    values = _form(form)
    try:
        entry = get_entry(session, actor, entry_id)
        update_entry(session, actor, _entry(session, actor, entry.person_id, form), now=now_of(request))
    except FangkongError as exc:
        kinds = [str(k) for k in form.getlist("kinds")]
        return _refused(request, session, actor, exc, f"change-{entry_id}", values, kinds)
    return _saved("changed")


@router.post("/key-populations/{entry_id}/end", response_class=HTMLResponse)
def end(request: Request, session: Db, actor: CurrentActor, entry_id: int) -> Response:
    """Take a person off the registry; the entry and its checks stay as history (m20.14)."""
    try:
        end_entry(session, actor, entry_id, now=now_of(request))
    except FangkongError as exc:
        return _refused(request, session, actor, exc, f"change-{entry_id}")
    return _saved("ended")


# ---- key institutions' forms (m20.14) ---------------------------------------------------------------------------


def _institution(values: dict[str, str]) -> dict[str, object]:
    return {
        "name": values.get("name", ""),
        "kind": values.get("kind", ""),
        "jurisdiction_code": values.get("jurisdiction_code", ""),
        "residents": _whole(values.get("residents", "0") or "0", "residents"),
        "staff": _whole(values.get("staff", "0") or "0", "staff"),
    }


@router.post("/key-institutions", response_class=HTMLResponse)
async def create_institution(request: Request, session: Db, actor: CurrentActor) -> Response:
    """A new key institution in the user's jurisdictions: name, kind, place, residents and staff (m20.14)."""
    values = _form(await request.form())
    try:
        inst.create_institution(session, actor, inst.InstitutionIn.model_validate(_institution(values)))
    except FangkongError as exc:
        return _refused(request, session, actor, exc, "new-institution", values)
    return _saved("institution", "#institutions")


@router.post("/key-institutions/{institution_id}/edit", response_class=HTMLResponse)
async def edit_institution(request: Request, session: Db, actor: CurrentActor, institution_id: int) -> Response:
    """Change an institution's name, kind, place, residents or staff (m20.14)."""
    values = _form(await request.form())
    try:
        inst.update_institution(session, actor, institution_id, _institution(values))
    except FangkongError as exc:
        return _refused(request, session, actor, exc, f"edit-{institution_id}", values)
    return _saved("edited", f"#institution-{institution_id}")


@router.post("/key-institutions/{institution_id}/closures", response_class=HTMLResponse)
def closure(
    request: Request,
    session: Db,
    actor: CurrentActor,
    institution_id: int,
    starts_on: Annotated[str, Form()] = "",
    ends_on: Annotated[str, Form()] = "",
) -> Response:
    """A period of closed management from a day (to a day, or open) (m20.14)."""
    values = {"starts_on": starts_on, "ends_on": ends_on}
    try:
        start = _day(starts_on, "starts_on")
        assert start is not None
        inst.add_closure(session, actor, institution_id, start, _day(ends_on, "ends_on", required=False))
    except FangkongError as exc:
        return _refused(request, session, actor, exc, f"closure-{institution_id}", values)
    return _saved("closure", f"#institution-{institution_id}")


@router.post("/institution-closures/{closure_id}/end", response_class=HTMLResponse)
def closure_end(
    request: Request, session: Db, actor: CurrentActor, closure_id: int, ends_on: Annotated[str, Form()] = ""
) -> Response:
    """End an open closed management on a day, today unless said (m20.14)."""
    try:
        day = _day(ends_on, "ends_on", required=False) or today_of(request)
        period = inst.end_closure(session, actor, closure_id, day)
    except FangkongError as exc:
        return _refused(request, session, actor, exc, f"closure-end-{closure_id}", {"ends_on": ends_on})
    return _saved("closure_ended", f"#institution-{period.institution_id}")


@router.post("/key-institutions/{institution_id}/alerts", response_class=HTMLResponse)
def raise_alert(
    request: Request,
    session: Db,
    actor: CurrentActor,
    institution_id: int,
    infection_id: Annotated[str, Form()] = "",
    infected: Annotated[str, Form()] = "",
) -> Response:
    """Raise an alert by hand for an infection linked to the institution (a visitor, a case found by tracing); its
    checklist follows the rule (m20.14, m20.11). An infected member raises one by itself."""
    values = {"infection_id": infection_id, "infected": infected}
    try:
        inst.raise_alert(
            session, actor, institution_id, _whole(infection_id, "infection_id"), now_of(request), infected=infected
        )
    except FangkongError as exc:
        return _refused(request, session, actor, exc, f"raise-{institution_id}", values)
    return _saved("alert", "#alerts")


@router.post("/key-institutions/{institution_id}/members", response_class=HTMLResponse)
async def add_member(request: Request, session: Db, actor: CurrentActor, institution_id: int) -> Response:
    """Record a person (by ID number) as a resident or member of staff from a day (m20.14)."""
    values = _form(await request.form())
    try:
        start = _day(values.get("started_on", ""), "started_on")
        assert start is not None
        data = members.MemberIn(person_id=_who(session, actor, values), role=values.get("role", ""), started_on=start)
        members.add_member(session, actor, institution_id, data, today=today_of(request))
    except ValidationError as exc:  # a day outside those the store keeps
        problem = InvalidInput(str(exc.errors()[0]["loc"][0]), "not a day this store keeps")
        return _refused(request, session, actor, problem, f"member-{institution_id}", values)
    except FangkongError as exc:
        return _refused(request, session, actor, exc, f"member-{institution_id}", values)
    return _saved("member", f"#institution-{institution_id}")


@router.post("/institution-members/{member_id}/end", response_class=HTMLResponse)
def member_end(
    request: Request, session: Db, actor: CurrentActor, member_id: int, ended_on: Annotated[str, Form()] = ""
) -> Response:
    """A resident or member of staff who left, today unless said (m20.14)."""
    try:
        day = _day(ended_on, "ended_on", required=False) or today_of(request)
        member = members.end_member(session, actor, member_id, day, today=today_of(request))
    except FangkongError as exc:
        return _refused(request, session, actor, exc, f"member-end-{member_id}", {"ended_on": ended_on})
    return _saved("member_ended", f"#institution-{member.institution_id}")


def _refused(
    request: Request,
    session: Session,
    actor: Actor,
    exc: FangkongError,
    form: str,
    values: dict[str, str] | None = None,
    kinds: list[str] | None = None,
) -> HTMLResponse:
    """The page again with the refused form's field named and what was typed in it; nothing stored."""
    session.rollback()
    message, field, clause, _ = error_parts(exc)
    problem = {
        "field": field,
        "message": message,
        "clause": clause,
        "form": form,
        "values": values or {},
        "kinds": kinds or [],
    }
    person = (values or {}).get("person_id", "")
    try:
        return _page(
            request,
            session,
            actor,
            "",
            "",
            0,
            problem=problem,
            status=http_status(exc),
            person_id=int(person) if person.isdigit() else None,
        )
    except FangkongError as inner:
        return error_page(request, actor, inner)


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    kind: str,
    grade: str,
    offset: int,
    *,
    saved: str = "",
    problem: dict[str, Any] | None = None,
    status: int = 200,
    person_id: int | None = None,
) -> HTMLResponse:
    now = now_of(request)
    offset = max(0, offset)
    if kind and kind not in {k.value for k in KeyPopulationKind}:
        raise InvalidInput("kind", f"{kind!r} is not a key-population kind")
    if grade and grade not in {g.value for g in RiskGrade}:
        raise InvalidInput("grade", f"{grade!r} is not a risk grade")
    rows, total = list_entries(session, actor, kind=kind or None, grade=grade or None, offset=offset, limit=PAGE)
    plans = {entry.id: plan_of(session, entry, now=now) for entry, _ in rows}
    _, overdue = overdue_checks(session, actor, now=now, limit=MAX_LIMIT)
    # the person the add form is about (the person page's button): a read of their record, audited
    candidate = read_person(session, actor, person_id, reason="key-population form") if person_id else None
    homes = inst.list_institutions(session, actor)
    alerts = inst.list_alerts(session, actor, status="open")
    today = local_day(now)
    closed: dict[int, Any] = {}
    living: dict[int, tuple[list[tuple[InstitutionMember, Person]], int]] = {}
    for home in homes:
        current = [
            c
            for c in inst.closures(session, home.id)
            if c.starts_on <= today and (c.ends_on is None or c.ends_on >= today)
        ]
        closed[home.id] = current[0] if current else None
        living[home.id] = members.list_members(session, actor, home.id, on=today, limit=MANY)  # audited read
    recent: list[tuple[Infection, str]] = []
    if homes and actor.may(Permission.trace_contacts):  # the raise-an-alert form offers the recent infections
        found, _ = list_infections(
            session, actor, confirmed_from=today - timedelta(days=RECENT_INFECTION_DAYS), limit=MANY
        )
        wanted = {i.person_id for i in found}
        names = dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(wanted))).all())
        recent = [(i, str(names.get(i.person_id, ""))) for i in found]
        read_of(session, actor, "infections", (i.person_id for i in found))
    places = {code: name for code, name in place_names(session, actor).items() if "·" not in name}
    return render(
        request,
        "key_populations.html",
        status=status,
        actor=actor,
        rows=rows,
        plans=plans,
        total=total,
        overdue=overdue,
        offset=offset,
        page=PAGE,
        link=list_link("/key-populations", {"kind": kind, "grade": grade, "offset": offset}),
        filters={"kind": kind, "grade": grade},
        kinds=[k.value for k in KeyPopulationKind],
        grades=[g.value for g in reversed(RiskGrade)],
        outcomes=[o.value for o in CheckOutcome],
        statuses=[v.value for v in VaccinationStatus],
        institution_kinds=[k.value for k in KeyInstitutionKind],
        roles=[r.value for r in InfectedRole],
        places=places,
        candidate=candidate,
        homes=homes,
        closed=closed,
        living=living,
        recent=recent,
        alerts=alerts,
        names={home.id: home.name for home in homes},
        now=now,
        today=today,
        when=when,
        is_overdue=inst.is_overdue,
        saved=saved,
        problem=problem,
    )
