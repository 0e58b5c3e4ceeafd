"""The day's work lists in the console, and the work done from them: the community worker marks the samples taken
(one, or many at once from the tests due and the tests owed) and releases the people whose plan ends today. Both
go through the services the API uses (`record_sampling`, `infection_follow_up.release_order`): the same scope,
checks, audit and codes that follow. A batch is all or nothing: a refused line names the person and changes
nothing. The lists print, export as CSV or XLSX, and become cards on a phone."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from fangkong.api.deps import Rules
from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, InvalidInput, NotFound, http_status
from fangkong.policy.terms import Category
from fangkong.services.access import Actor
from fangkong.services.arrivals.service import work_list as arrivals_due
from fangkong.services.audit.reads import read_of
from fangkong.services.calendar import local_time
from fangkong.services.infection_follow_up import release_order
from fangkong.services.jurisdictions.service import get_jurisdiction, place_names
from fangkong.services.orders.schemas import OrderChange
from fangkong.services.orders.worklists import SECTIONS, WORKLIST_SORTS, WorkList, record_sampling, work_list
from fangkong.services.paging import MAX_LIMIT
from fangkong.web.i18n import translate
from fangkong.web.pages import CurrentActor, Db, _lang, day_param, error_page, list_link, now_of, render, today_of

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


PAGE = 50  # rows of each list on a page, unless the address asks for another size (1..MAX_LIMIT)
# the filters a form on the page carries back (hidden fields), so an action returns to the list as it was shown
KEPT = ("on", "jurisdiction_code", "where", "category", "q", "sort", "limit", "offset")


@dataclass(frozen=True)
class WorkFilters:
    """The work list's filters, sort and page as the address carries them (strings, empty when not set): what the
    API's `GET /api/worklists` takes, so a list can be bookmarked and survives a login."""

    on: str = ""
    jurisdiction_code: str = ""
    where: str = ""
    category: str = ""
    q: str = ""
    sort: str = "address"
    limit: str = ""
    offset: str = ""

    def size(self) -> int:
        """The page size asked for, checked as the API checks it (`limit`, 1..MAX_LIMIT)."""
        if not self.limit:
            return PAGE
        try:
            size = int(self.limit)
        except ValueError:
            raise InvalidInput("limit", f"must be between 1 and {MAX_LIMIT}") from None
        if not 1 <= size <= MAX_LIMIT:
            raise InvalidInput("limit", f"must be between 1 and {MAX_LIMIT}")
        return size

    def start(self) -> int:
        """The first row shown (`offset`, 0 or more)."""
        try:
            first = int(self.offset or 0)
        except ValueError:
            raise InvalidInput("offset", "must be 0 or more") from None
        if first < 0:
            raise InvalidInput("offset", "must be 0 or more")
        return first

    def shown(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


def work_filters(
    on: str = "",
    jurisdiction_code: str = "",
    where: str = "",
    category: str = "",
    q: str = "",
    sort: str = "address",
    limit: str = "",
    offset: str = "",
) -> WorkFilters:
    return WorkFilters(on, jurisdiction_code, where, category, q, sort, limit, offset)


Filters = Annotated[WorkFilters, Depends(work_filters)]


def _kept(
    on: Annotated[str, Form()] = "",
    jurisdiction_code: Annotated[str, Form()] = "",
    where: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
    q: Annotated[str, Form()] = "",
    sort: Annotated[str, Form()] = "address",
    limit: Annotated[str, Form()] = "",
    offset: Annotated[str, Form()] = "",
) -> WorkFilters:
    return WorkFilters(on, jurisdiction_code, where, category, q, sort, limit, offset)


Kept = Annotated[WorkFilters, Depends(_kept)]


def _day_list(request: Request, session: Session, actor: Actor, f: WorkFilters) -> WorkList:
    """The whole day's lists the filters keep, sorted (not cut to a page): the service the API uses."""
    day = day_param(f.on, today_of(request))
    now = now_of(request) if day == today_of(request) else None  # lateness as of now, today
    wl = work_list(
        session,
        actor,
        on=day,
        jurisdiction_code=f.jurisdiction_code or None,
        where=f.where or None,
        category=f.category or None,
        now=now,
    )
    return wl.arranged(sort=f.sort or "address", q=f.q or None)


def _page(
    request: Request,
    session: Db,
    actor: CurrentActor,
    f: WorkFilters,
    *,
    problem: dict[str, Any] | None = None,
    notice: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    try:
        try:
            size, first = f.size(), f.start()
            whole = _day_list(request, session, actor, f)
        except InvalidInput as exc:
            # a filter the list cannot take: the list as it is by default, the refusal naming the field
            session.rollback()
            message, field, clause, _ = error_parts(exc)
            problem, status = {"field": field, "message": message, "clause": clause}, http_status(exc)
            f = WorkFilters(on=f.on if field != "on" else "", jurisdiction_code=f.jurisdiction_code)
            size, first = PAGE, 0
            whole = _day_list(request, session, actor, f)
        wl = whole.page(first, size)
        place = get_jurisdiction(session, wl.jurisdiction_code).name
        # the communities to pick from, by name (a worker's own is the only one)
        communities = {c: n for c, n in place_names(session, actor).items() if "·" not in n}
        # today's landing checks (measure 15): arrivals still due the test, or missed and to be reminded
        landing = arrivals_due(session, actor, now=now_of(request)) if wl.on == today_of(request) else []
    except FangkongError as exc:
        return error_page(request, actor, exc)
    _audited(session, actor, wl, "worklist", also=[s.arrival.person_id for s in landing])
    current = f.shown()
    return render(
        request,
        "worklists.html",
        status=status,
        actor=actor,
        wl=wl,
        place=place,
        on=wl.on,
        today=today_of(request),
        where=f.where,
        jurisdiction_code=f.jurisdiction_code,
        filters=f,
        kept={k: current.get(k, "") for k in KEPT},
        sorts=WORKLIST_SORTS,
        categories=[c.value for c in Category],
        total=max(wl.totals.values(), default=0),
        shown=max((len(getattr(wl, name)) for name in SECTIONS), default=0),
        offset=first,
        page=size,
        link=list_link("/worklists", current),
        csv_url=list_link("/worklists.csv", {k: v for k, v in current.items() if k not in ("limit", "offset")})(),
        xlsx_url=list_link("/worklists.xlsx", {k: v for k, v in current.items() if k not in ("limit", "offset")})(),
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
    filters: Filters,
    sampled: int | None = None,
    released: str | None = None,
) -> HTMLResponse:
    """The day's lists, filtered (place, where, category, a name or address), sorted and paged on the server."""
    notice: dict[str, Any] | None = None
    if sampled:
        notice = {"key": "notice_sampled", "count": sampled}
    elif released:
        notice = {"key": "notice_released", "name": released}
    return _page(request, session, actor, filters, notice=notice)


def _back(f: WorkFilters, **extra: Any) -> RedirectResponse:
    return RedirectResponse(list_link("/worklists", f.shown())(**extra), status_code=303)


def _sample_of(value: str) -> tuple[int, date]:
    """A checkbox's value: `<order id>:<day of the test>`."""
    order, _, day = value.partition(":")
    try:
        return int(order), date.fromisoformat(day)
    except ValueError:
        raise InvalidInput("sample", f"{value!r} is not an order and a day") from None


def _refused(
    request: Request, session: Db, actor: CurrentActor, exc: FangkongError, f: WorkFilters, who: str | None = None
) -> HTMLResponse:
    """Undo the action and show the list again with the refusal (said with the person's name, for a batch)."""
    session.rollback()
    message, field, clause, _ = error_parts(exc)
    return _page(
        request,
        session,
        actor,
        f,
        problem={"field": field, "message": f"{who}: {message}" if who else message, "clause": clause},
        status=http_status(exc),
    )


@router.post("/worklists/sampled", response_class=HTMLResponse)
def mark_sampled(
    request: Request,
    session: Db,
    actor: CurrentActor,
    shown: Kept,
    sample: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Record the samples ticked on the list (tests due today, tests owed from earlier days), all or none."""
    who: str | None = None
    try:
        if not sample:
            raise InvalidInput("sample", "tick the people whose sample was taken")
        day = day_param(shown.on, today_of(request))
        wl = work_list(session, actor, on=day, jurisdiction_code=shown.jurisdiction_code or None)
        names = {i.order_id: i.person_name for i in (*wl.tests_due, *wl.overdue_tests)}
        for value in dict.fromkeys(sample):
            who = None
            order_id, sampled_on = _sample_of(value)
            who = names.get(order_id, f"#{order_id}")
            record_sampling(session, actor, order_id, sampled_on=sampled_on, today=today_of(request))
    except FangkongError as exc:
        return _refused(request, session, actor, exc, shown, who=who)
    return _back(shown, sampled=len(dict.fromkeys(sample)))


@router.post("/worklists/release", response_class=HTMLResponse)
def release(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    shown: Kept,
    order_id: Annotated[int, Form()],
    row_version: Annotated[int, Form()],
) -> Response:
    """Release a person whose plan ends today (an infection isolated at home: once its tests allow, n10.3)."""
    today = today_of(request)
    try:
        day = day_param(shown.on, today)
        change = OrderChange(row_version=row_version, on=min(day, today), reason="plan completed (work list)")
        order = release_order(session, actor, order_id, change, today=today, policy=policy)
    except FangkongError as exc:
        return _refused(request, session, actor, exc, shown)
    return _back(shown, released=order.person.name)


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
    filters: Filters,
) -> Response:
    """The day's lists as one CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese names) or XLSX, the
    open needs under closure with them (measure 17), said in the reader's language."""
    if fmt not in ("csv", "xlsx"):
        return error_page(request, actor, NotFound("export format", fmt))
    try:
        wl = _day_list(request, session, actor, replace(filters, limit="", offset=""))  # every row, not a page
    except FangkongError as exc:
        return error_page(request, actor, exc)
    day = wl.on
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
