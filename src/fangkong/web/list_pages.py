"""Lists that work like lists (issue 16): the management orders and the audit log, filtered, sorted and paged on the
server, exported as the work products they are (CSV, and XLSX for the orders), and — for the orders — released many
at once. Every read goes through the service the API uses (`orders.service.list_orders`: the same scope, and each
person listed noted in their trail; `services.audit_log.list_entries` for the log), and every export is an audit
entry (`exported`). The filters live in the address, so a list can be bookmarked, linked to from the dashboard
(`/orders?status=active`) and survives a login."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from fangkong.api.deps import Rules
from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, InvalidInput, NotFound, http_status
from fangkong.policy.terms import Category
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.reads import read_of
from fangkong.services.audit.service import record
from fangkong.services.audit_log import AUDIT_ACTIONS, AUDIT_ENTITIES, AuditRow, list_entries
from fangkong.services.calendar import local_time
from fangkong.services.infection_follow_up import release_order
from fangkong.services.jurisdictions.service import list_jurisdictions
from fangkong.services.orders.models import ORDER_STATUSES, ManagementOrder, OrderStatus
from fangkong.services.orders.schemas import OrderChange
from fangkong.services.orders.service import list_orders, order_in_scope, stored_plan
from fangkong.services.paging import MAX_LIMIT
from fangkong.web.i18n import translate
from fangkong.web.pages import CurrentActor, Db, _lang, error_page, list_link, render, today_of

router = APIRouter(include_in_schema=False)
PAGE = 50
PLACE_LEVELS = ("province", "city", "county", "street", "community")  # not buildings and units: too many to choose


def _day(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field, f"{value!r} is not a date") from None


def _problem(exc: FangkongError, who: str | None = None) -> dict[str, Any]:
    message, field, clause, _ = error_parts(exc)
    return {"field": field, "message": f"{who}: {message}" if who else message, "clause": clause}


def _csv(name: str, header: list[str], rows: list[list[Any]]) -> Response:
    """UTF-8 with a BOM, so spreadsheet programs read the Chinese names."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _xlsx(name: str, title: str, header: list[str], rows: list[list[Any]]) -> Response:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return Response(
        data.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# ---- the orders ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderFilters:
    """The orders list's filters as the address carries them (strings, empty when not set)."""

    q: str = ""
    status: str = ""
    category: str = ""
    jurisdiction_code: str = ""
    start_from: str = ""
    start_to: str = ""
    due: str = ""  # "yes": active orders whose plan has ended by today (a release is due)
    sort: str = "-start"
    managed: str = ""  # "yes": active orders whose plan covers today (the dashboard's "under management" tile)

    def service_args(self, today: date) -> dict[str, Any]:
        return {
            "name": self.q.strip() or None,
            "status": self.status or None,
            "category": self.category or None,
            "jurisdiction_code": self.jurisdiction_code or None,
            "start_from": _day(self.start_from, "start_from"),
            "start_to": _day(self.start_to, "start_to"),
            "ends_by": today if self.due else None,
            "sort": self.sort,
            "under_management_on": today if self.managed else None,
        }


def order_filters(
    q: str = "",
    status: str = "",
    category: str = "",
    jurisdiction_code: str = "",
    start_from: str = "",
    start_to: str = "",
    due: str = "",
    sort: str = "-start",
    managed: str = "",
) -> OrderFilters:
    return OrderFilters(q, status, category, jurisdiction_code, start_from, start_to, due, sort, managed)


Filters = Annotated[OrderFilters, Depends(order_filters)]


def _filters_of(back: str) -> tuple[OrderFilters, int]:
    """The filters (and page) of the list a form was sent from, carried in one hidden field as its query."""
    known = OrderFilters.__dataclass_fields__
    pairs = dict(parse_qsl(back))
    try:
        offset = max(int(pairs.get("offset", "0")), 0)
    except ValueError:
        offset = 0
    return OrderFilters(**{k: v for k, v in pairs.items() if k in known}), offset


@dataclass(frozen=True)
class OrderRow:
    """One line of the list: the order, its phase today (None when it is not active or no phase covers today), the
    name of its jurisdiction, and whether it may be ticked for release (active, its plan ended by today)."""

    order: ManagementOrder
    phase: str | None
    place: str
    releasable: bool


def _rows(orders: list[ManagementOrder], places: dict[str, str], today: date) -> list[OrderRow]:
    rows = []
    for o in orders:
        active = o.status == OrderStatus.active
        phase = stored_plan(o).phase_on(today) if active else None
        rows.append(
            OrderRow(
                order=o,
                phase=phase.kind.value if phase else None,
                place=places.get(o.jurisdiction_code, o.jurisdiction_code),
                releasable=active and o.released_on <= today,
            )
        )
    return rows


def _places(session: Session, actor: Actor) -> dict[str, str]:
    return {j.code: j.name for j in list_jurisdictions(session, actor) if j.level in PLACE_LEVELS}


def _orders_page(
    request: Request,
    session: Session,
    actor: Actor,
    filters: OrderFilters,
    offset: int,
    *,
    problem: dict[str, Any] | None = None,
    notice: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    today = today_of(request)
    offset = max(offset, 0)
    rows: list[OrderRow] = []
    total = 0
    places = _places(session, actor)
    try:
        found, total = list_orders(
            session, actor, **filters.service_args(today), offset=offset, limit=PAGE, reason="console list"
        )
        rows = _rows(found, places, today)
    except FangkongError as exc:
        session.rollback()
        problem, status = _problem(exc), http_status(exc)
    current = {**asdict(filters), "offset": offset}
    return render(
        request,
        "orders.html",
        status=status,
        actor=actor,
        rows=rows,
        total=total,
        offset=offset,
        page=PAGE,
        filters=filters,
        back=urlencode({k: v for k, v in current.items() if v not in ("", None, 0)}),
        link=list_link("/orders", current),
        csv_url=list_link("/orders.csv", asdict(filters))(),
        xlsx_url=list_link("/orders.xlsx", asdict(filters))(),
        statuses=ORDER_STATUSES,
        categories=[c.value for c in Category],
        places=places,
        can_release=actor.may(Permission.change_orders),
        problem=problem,
        notice=notice,
        today=today,
    )


@router.get("/orders", response_class=HTMLResponse)
def orders(
    request: Request, session: Db, actor: CurrentActor, filters: Filters, offset: int = 0, released: int = 0
) -> HTMLResponse:
    """The management orders of the reader's jurisdiction: who, which category, its status, the plan's first and
    last days and today's phase; filtered, sorted and paged on the server (each person listed is noted in their
    trail). A worker ticks the people whose plan has run its course (the days their category's measure sets) and
    releases them."""
    notice = {"key": "list_notice_released", "n": released} if released else None
    return _orders_page(request, session, actor, filters, offset, notice=notice)


def _release_of(value: str) -> tuple[int, int]:
    """A checkbox's value: `<order id>:<row version>` (the version read, so a change since is a conflict)."""
    order, _, version = value.partition(":")
    try:
        return int(order), int(version)
    except ValueError:
        raise InvalidInput("release", f"{value!r} is not an order and a version") from None


@router.post("/orders/release", response_class=HTMLResponse)
def release_many(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    release: Annotated[list[str] | None, Form()] = None,
    back: Annotated[str, Form()] = "",
) -> Response:
    """Release the people ticked, all or none: each through the work list's release (`release_order`: the plan must
    have ended, an infection isolated at home needs its two passing tests, n10.3), recorded on the day the plan
    ended. A refusal names the person and nothing is released."""
    today = today_of(request)
    filters, offset = _filters_of(back)
    who: str | None = None
    try:
        actor.require(Permission.change_orders)
        if not release:
            raise InvalidInput("release", "tick the people to release")
        picked = [_release_of(v) for v in dict.fromkeys(release)]
        for order_id, row_version in picked:
            who = None
            order = order_in_scope(session, actor, order_id)
            who = order.person.name
            change = OrderChange(
                row_version=row_version, on=min(order.released_on, today), reason="plan completed (orders list)"
            )
            release_order(session, actor, order_id, change, today=today, policy=policy)
    except FangkongError as exc:
        session.rollback()
        return _orders_page(
            request, session, actor, filters, offset, problem=_problem(exc, who), status=http_status(exc)
        )
    link = list_link("/orders", {**asdict(filters), "offset": offset})
    return RedirectResponse(link(released=len(picked)), status_code=303)


def _all_orders(session: Session, actor: Actor, filters: OrderFilters, today: date) -> Iterator[ManagementOrder]:
    """Every order the filters keep, a service page at a time (each page noted in the trails, as a list is)."""
    offset = 0
    while True:
        found, total = list_orders(
            session, actor, **filters.service_args(today), offset=offset, limit=MAX_LIMIT, reason="console export"
        )
        yield from found
        offset += len(found)
        if not found or offset >= total:
            return


@router.get("/orders.{fmt}")
def orders_export(request: Request, session: Db, actor: CurrentActor, filters: Filters, fmt: str) -> Response:
    """The filtered orders, every page, as CSV or XLSX in the reader's language; the export is audited."""
    if fmt not in ("csv", "xlsx"):
        return error_page(request, actor, NotFound("export format", fmt))
    today = today_of(request)
    lang = _lang(request)

    def t(key: str) -> str:
        return translate(key, lang)

    try:
        rows = _rows(list(_all_orders(session, actor, filters, today)), _places(session, actor), today)
    except FangkongError as exc:
        return error_page(request, actor, exc)
    record(
        session,
        actor,
        action="exported",
        entity="orders",
        entity_id=filters.jurisdiction_code or actor.jurisdiction_path,
        detail={"format": fmt, "filters": {k: v for k, v in asdict(filters).items() if v}, "rows": len(rows)},
    )
    header = [t(k) for k in ("name", "category", "status", "list_start", "list_end", "phase_today", "jurisdiction")]
    lines = [
        [
            r.order.person.name,
            t(r.order.category),
            t(f"status_{r.order.status}"),
            r.order.start.isoformat(),
            r.order.released_on.isoformat(),
            t(r.phase) if r.phase else "",
            r.place,
        ]
        for r in rows
    ]
    name = f"orders-{today}.{fmt}"
    if fmt == "csv":
        return _csv(name, header, lines)
    return _xlsx(name, str(today), header, lines)


# ---- the audit log -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    user: str = ""
    action: str = ""
    entity: str = ""
    date_from: str = ""
    date_to: str = ""
    sort: str = "-at"

    def service_args(self) -> dict[str, Any]:
        return {
            "user": self.user.strip() or None,
            "action": self.action or None,
            "entity": self.entity or None,
            "date_from": _day(self.date_from, "date_from"),
            "date_to": _day(self.date_to, "date_to"),
            "sort": self.sort,
        }


def audit_filters(
    user: str = "", action: str = "", entity: str = "", date_from: str = "", date_to: str = "", sort: str = "-at"
) -> AuditFilters:
    return AuditFilters(user, action, entity, date_from, date_to, sort)


@router.get("/audit", response_class=HTMLResponse)
def audit(
    request: Request,
    session: Db,
    actor: CurrentActor,
    filters: Annotated[AuditFilters, Depends(audit_filters)],
    offset: int = 0,
) -> HTMLResponse:
    """The supervisor reads who did what to which record and when, in their jurisdiction (every read and change of
    a person's record is logged): filtered by user, action, kind of record and days, newest or oldest first, a page
    at a time. No measure is applied here; the log is how over-reach and misuse are found afterwards."""
    try:
        actor.require(Permission.read_audit)  # the page itself, not only its rows, is the supervisor's
    except FangkongError as exc:
        return error_page(request, actor, exc)
    offset = max(offset, 0)
    rows: list[AuditRow] = []
    total = 0
    problem = None
    status = 200
    try:
        rows, total = list_entries(session, actor, **filters.service_args(), offset=offset, limit=PAGE)
        # the log names the persons each entry is about: reading it is a read of them (after the listing, so the
        # page does not show its own entry)
        read_of(session, actor, "audit_log", [r.person_id for r in rows], detail={"offset": offset})
    except FangkongError as exc:
        session.rollback()
        problem, status = _problem(exc), http_status(exc)
    current = {**asdict(filters), "offset": offset}
    return render(
        request,
        "audit.html",
        status=status,
        actor=actor,
        rows=rows,
        total=total,
        offset=offset,
        page=PAGE,
        filters=filters,
        link=list_link("/audit", current),
        csv_url=list_link("/audit.csv", asdict(filters))(),
        actions=AUDIT_ACTIONS,
        entities=AUDIT_ENTITIES,
        problem=problem,
    )


@router.get("/audit.csv")
def audit_export(
    request: Request, session: Db, actor: CurrentActor, filters: Annotated[AuditFilters, Depends(audit_filters)]
) -> Response:
    """The filtered audit log, every page, as CSV in the reader's language; the export is itself an entry."""
    lang = _lang(request)

    def t(key: str) -> str:
        return translate(key, lang)

    rows: list[AuditRow] = []
    try:
        while True:
            found, total = list_entries(session, actor, **filters.service_args(), offset=len(rows), limit=MAX_LIMIT)
            rows.extend(found)
            if not found or len(rows) >= total:
                break
    except FangkongError as exc:
        return error_page(request, actor, exc)
    record(
        session,
        actor,
        action="exported",
        entity="audit_log",
        entity_id=actor.jurisdiction_path,
        detail={"filters": {k: v for k, v in asdict(filters).items() if v}, "rows": len(rows)},
    )
    header = [t(k) for k in ("list_when", "list_user", "list_role", "list_action", "list_entity", "list_what")]
    lines = [
        [
            local_time(r.entry.at).strftime("%Y-%m-%d %H:%M:%S"),
            r.entry.actor,
            t(f"role_{r.role}") if r.role else "",
            t(f"action_{r.entry.action}"),
            t(f"list_entity_{r.entry.entity}"),
            r.person_name or r.entry.entity_id,
        ]
        for r in rows
    ]
    return _csv(f"audit-{today_of(request)}.csv", header, lines)
