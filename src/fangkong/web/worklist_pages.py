"""The day's work lists in the console, and the work done from them: the community worker marks the samples taken
(one, or many at once from the tests due and the tests owed) and releases the people whose plan ends today. Both
go through the services the API uses (`record_sampling`, `infection_follow_up.release_order`): the same scope,
checks, audit and codes that follow. A batch is all or nothing: a refused line names the person and changes
nothing. The lists print, export as CSV or XLSX, and become cards on a phone."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from fangkong.api.deps import Rules
from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, InvalidInput, NotFound, http_status
from fangkong.services.access import Actor
from fangkong.services.arrivals.service import work_list as arrivals_due
from fangkong.services.audit.reads import read_of
from fangkong.services.calendar import local_time
from fangkong.services.infection_follow_up import release_order
from fangkong.services.jurisdictions.service import get_jurisdiction, place_names
from fangkong.services.orders.schemas import OrderChange
from fangkong.services.orders.worklists import SECTIONS, WorkList, record_sampling, work_list
from fangkong.web.i18n import translate
from fangkong.web.pages import CurrentActor, Db, _lang, day_param, error_page, now_of, render, today_of

router = APIRouter(include_in_schema=False)


def _audited(
    session: Session, actor: Actor, wl: WorkList, kind: str, *, also: list[int] | None = None, **detail: Any
) -> None:
    """One audit entry for the day's lists as shown or exported: everyone on any of them (issue 17)."""
    persons = [r.person_id for rows in (wl.tests_due, wl.phase_changes, wl.releases, wl.overdue_tests) for r in rows]
    persons += [r.person_id for r in wl.retests_due]
    persons += [n.person_id for n in wl.needs_open]
    persons += also or []
    on = {"on": wl.on.isoformat(), **detail}
    read_of(session, actor, kind, persons, entity_id=wl.jurisdiction_code, detail=on)


def _page(
    request: Request,
    session: Db,
    actor: CurrentActor,
    *,
    on: str | None,
    jurisdiction_code: str | None,
    where: str | None,
    problem: dict[str, Any] | None = None,
    notice: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    try:
        day = day_param(on, today_of(request))
        now = now_of(request) if day == today_of(request) else None
        wl = work_list(
            session, actor, on=day, jurisdiction_code=jurisdiction_code or None, where=where or None, now=now
        )
        place = get_jurisdiction(session, wl.jurisdiction_code).name
        # the communities to pick from, by name (a worker's own is the only one)
        communities = {c: n for c, n in place_names(session, actor).items() if "·" not in n}
        # today's landing checks (measure 15): arrivals still due the test, or missed and to be reminded
        landing = arrivals_due(session, actor, now=now) if now is not None else []
    except FangkongError as exc:
        return error_page(request, actor, exc)
    _audited(session, actor, wl, "worklist", also=[s.arrival.person_id for s in landing])
    return render(
        request,
        "worklists.html",
        status=status,
        actor=actor,
        wl=wl,
        place=place,
        on=day,
        today=today_of(request),
        where=where or "",
        jurisdiction_code=jurisdiction_code or "",
        sections=SECTIONS,
        communities=communities,
        landing=landing,
        problem=problem,
        notice=notice,
    )


@router.get("/worklists", response_class=HTMLResponse)
def worklists(
    request: Request,
    session: Db,
    actor: CurrentActor,
    on: str | None = None,
    jurisdiction_code: Annotated[str | None, Query()] = None,
    where: str | None = None,
    sampled: int | None = None,
    released: str | None = None,
) -> HTMLResponse:
    notice: dict[str, Any] | None = None
    if sampled:
        notice = {"key": "notice_sampled", "count": sampled}
    elif released:
        notice = {"key": "notice_released", "name": released}
    return _page(request, session, actor, on=on, jurisdiction_code=jurisdiction_code, where=where, notice=notice)


def _back(on: str, jurisdiction_code: str, where: str, **extra: Any) -> RedirectResponse:
    query = {k: v for k, v in {"on": on, "jurisdiction_code": jurisdiction_code, "where": where, **extra}.items() if v}
    return RedirectResponse(f"/worklists?{urlencode(query)}", status_code=303)


def _sample_of(value: str) -> tuple[int, date]:
    """A checkbox's value: `<order id>:<day of the test>`."""
    order, _, day = value.partition(":")
    try:
        return int(order), date.fromisoformat(day)
    except ValueError:
        raise InvalidInput("sample", f"{value!r} is not an order and a day") from None


def _refused(
    request: Request,
    session: Db,
    actor: CurrentActor,
    exc: FangkongError,
    *,
    on: str,
    jurisdiction_code: str,
    where: str,
    who: str | None = None,
) -> HTMLResponse:
    """Undo the action and show the list again with the refusal (said with the person's name, for a batch)."""
    session.rollback()
    message, field, clause, _ = error_parts(exc)
    return _page(
        request,
        session,
        actor,
        on=on,
        jurisdiction_code=jurisdiction_code,
        where=where,
        problem={"field": field, "message": f"{who}: {message}" if who else message, "clause": clause},
        status=http_status(exc),
    )


@router.post("/worklists/sampled", response_class=HTMLResponse)
def mark_sampled(
    request: Request,
    session: Db,
    actor: CurrentActor,
    sample: Annotated[list[str] | None, Form()] = None,
    on: Annotated[str, Form()] = "",
    jurisdiction_code: Annotated[str, Form()] = "",
    where: Annotated[str, Form()] = "",
) -> Response:
    """Record the samples ticked on the list (tests due today, tests owed from earlier days), all or none."""
    shown = {"on": on, "jurisdiction_code": jurisdiction_code, "where": where}
    who: str | None = None
    try:
        if not sample:
            raise InvalidInput("sample", "tick the people whose sample was taken")
        day = day_param(on, today_of(request))
        wl = work_list(session, actor, on=day, jurisdiction_code=jurisdiction_code or None)
        names = {i.order_id: i.person_name for i in (*wl.tests_due, *wl.overdue_tests)}
        for value in dict.fromkeys(sample):
            who = None
            order_id, sampled_on = _sample_of(value)
            who = names.get(order_id, f"#{order_id}")
            record_sampling(session, actor, order_id, sampled_on=sampled_on, today=today_of(request))
    except FangkongError as exc:
        return _refused(request, session, actor, exc, who=who, **shown)
    return _back(on, jurisdiction_code, where, sampled=len(dict.fromkeys(sample)))


@router.post("/worklists/release", response_class=HTMLResponse)
def release(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    order_id: Annotated[int, Form()],
    row_version: Annotated[int, Form()],
    on: Annotated[str, Form()] = "",
    jurisdiction_code: Annotated[str, Form()] = "",
    where: Annotated[str, Form()] = "",
) -> Response:
    """Release a person whose plan ends today (an infection isolated at home: once its tests allow, n10.3)."""
    today = today_of(request)
    try:
        day = day_param(on, today)
        change = OrderChange(row_version=row_version, on=min(day, today), reason="plan completed (work list)")
        order = release_order(session, actor, order_id, change, today=today, policy=policy)
    except FangkongError as exc:
        return _refused(request, session, actor, exc, on=on, jurisdiction_code=jurisdiction_code, where=where)
    return _back(on, jurisdiction_code, where, released=order.person.name)


HEADER = ["section", "person_id", "name", "jurisdiction_code", "address", "category", "phase", "where", "detail"]
# the open needs' own columns (measure 17), blank on the other sections' rows
NEED_HEADER = ["need", "urgency", "deadline", "assignee", "overdue"]


def _need_rows(wl: WorkList, lang: str) -> list[list[Any]]:
    """The open needs as export rows: kind, urgency, lateness and escalation said in `lang`, the deadline on the
    jurisdiction's clock (the export is read by people, as the page is)."""
    rows: list[list[Any]] = []
    for n in wl.needs_open:
        escalated = translate("need_escalated", lang).format(n=n.escalation_level) if n.escalation_level else ""
        rows.append(
            [
                "needs_open",
                n.person_id,
                n.person_name,
                n.jurisdiction_code,
                n.address,
                "",
                "",
                "",
                escalated,
                translate(f"need_kind_{n.kind}", lang),
                translate(f"need_urgency_{n.urgency}", lang),
                f"{local_time(n.deadline):%Y-%m-%d %H:%M}",
                n.assignee or translate("need_unassigned", lang),
                translate("need_overdue" if n.overdue else "need_in_time", lang),
            ]
        )
    return rows


def _rows(wl: WorkList, lang: str) -> list[list[Any]]:
    blank = [""] * len(NEED_HEADER)
    rows: list[list[Any]] = []
    for t in wl.tests_due:
        rows.append(
            [
                "tests_due",
                t.person_id,
                t.person_name,
                t.jurisdiction_code,
                t.address,
                t.category,
                t.phase,
                t.where,
                t.detail,
            ]
        )
    for name in ("phase_changes", "releases", "overdue_tests"):
        for item in getattr(wl, name):
            rows.append(
                [
                    name,
                    item.person_id,
                    item.person_name,
                    item.jurisdiction_code,
                    item.address,
                    item.category,
                    item.phase or "",
                    "",
                    item.detail,
                ]
            )
    for r in wl.retests_due:
        rows.append(
            [
                "retests_due",
                r.person_id,
                r.person_name,
                r.jurisdiction_code,
                r.address,
                "",
                "",
                "",
                f"{r.reason} due {local_time(r.due_at):%Y-%m-%d %H:%M}",
            ]
        )
    return [row + blank for row in rows] + _need_rows(wl, lang)


@router.get("/worklists.{fmt}")
def worklists_export(
    request: Request,
    session: Db,
    actor: CurrentActor,
    fmt: str,
    on: str | None = None,
    jurisdiction_code: str | None = None,
    where: str | None = None,
) -> Response:
    """The day's lists as one CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese names) or XLSX, the
    open needs under closure with them (measure 17), said in the reader's language."""
    if fmt not in ("csv", "xlsx"):
        return error_page(request, actor, NotFound("export format", fmt))
    try:
        day = day_param(on, today_of(request))
        now = now_of(request) if day == today_of(request) else None  # lateness as the page shows it
        wl = work_list(
            session, actor, on=day, jurisdiction_code=jurisdiction_code or None, where=where or None, now=now
        )
    except FangkongError as exc:
        return error_page(request, actor, exc)
    _audited(session, actor, wl, "worklist_export", fmt=fmt)
    rows = _rows(wl, _lang(request))
    name = f"worklist-{day}.{fmt}"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(HEADER + NEED_HEADER)
        writer.writerows(rows)
        return Response(
            "\ufeff" + out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    sheet.title = str(day)
    sheet.append(HEADER + NEED_HEADER)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return Response(
        data.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
