"""Medicines and equipment in the console (measure 13, m20.13; issue 18: "the stock table with days of supply and
alerts"): the stock of every site in the reader's jurisdiction with its daily use, days of supply and reorder alert,
filtered, paged on the server and exported as CSV; and a site's page with its stock, forms to record a receipt, a
dispensation and a transfer, its recent ledger, its patients' requests and the allocation of short stock with its
reasons (severe, high-risk and elderly patients first). Everything goes through `services.supplies` as the API does:
the same scope, checks and audit; a refused form is shown again with the field named and nothing stored."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.api.deps import Rules
from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError, InvalidInput, http_status
from fangkong.policy import Policy
from fangkong.policy.terms import SupplyCategory, SupplySiteKind
from fangkong.rules.supplies import SupplyAlert
from fangkong.services.access import Actor, Permission
from fangkong.services.persons.models import Person
from fangkong.services.supplies.models import SupplyItem, SupplySite
from fangkong.services.supplies.service import (
    LEDGER_KINDS,
    MovementCreate,
    StockLine,
    allocate_requests,
    list_sites,
    movements_page,
    record_movement,
    requests_page,
    site_in_scope,
    stock_table,
)
from fangkong.services.trends import place_names
from fangkong.web.i18n import DEFAULT, LANGUAGES, translate
from fangkong.web.pages import CurrentActor, Db, error_page, now_of, render, today_of

router = APIRouter(include_in_schema=False)
PAGE = 50
ALERTS = ("any", SupplyAlert.reorder.value, SupplyAlert.critical.value)
FORM_KINDS = ("receipt", "dispensation", "transfer")  # the site page's three forms (a count is the API's)
KNOWN_UNITS = ("box", "bottle", "dose", "ampoule", "unit", "piece")


@dataclass(frozen=True)
class StockFilters:
    """The stock table's filters as the page's query gives them (empty: all)."""

    category: str = ""
    site_kind: str = ""
    jurisdiction: str = ""
    alert: str = ""

    def checked(self) -> StockFilters:
        """Refuse a value outside its vocabulary, naming the filter (the page says which, in words)."""
        if self.category and self.category not in {c.value for c in SupplyCategory}:
            raise InvalidInput("category", f"{self.category!r} is not a category")
        if self.site_kind and self.site_kind not in {k.value for k in SupplySiteKind}:
            raise InvalidInput("site_kind", f"{self.site_kind!r} is not a kind of site")
        if self.alert and self.alert not in ALERTS:
            raise InvalidInput("alert", f"{self.alert!r} is not an alert")
        return self


def _lines(session: Session, actor: Actor, request: Request, policy: Policy, f: StockFilters) -> list[StockLine]:
    """The filtered stock lines, the fewest days of supply first (an empty shelf, then the soonest to run out; a
    line with no measured use last), as the rule decides each (m20.13)."""
    today = today_of(request)
    lines = stock_table(
        session,
        actor,
        policy.at(today),
        as_of=today,
        jurisdiction_code=f.jurisdiction or None,
        category=f.category or None,
        site_kind=f.site_kind or None,
        alerts_only=bool(f.alert),
    )
    if f.alert in (SupplyAlert.reorder.value, SupplyAlert.critical.value):
        lines = [x for x in lines if x.alert.value == f.alert]
    lines.sort(key=lambda x: (x.days is None, x.days or 0.0, x.site_name, x.item_code))
    return lines


def page_lang(request: Request) -> str:
    """The reader's language, as `pages.render` picks it (the query, then the cookie, then Chinese)."""
    lang = request.query_params.get("lang") or request.cookies.get("lang") or DEFAULT
    return lang if lang in LANGUAGES else DEFAULT


def unit_word(unit: str, lang: str) -> str:
    """An item's unit in the reader's language when it is one the console knows; else as the site wrote it."""
    return translate(f"sup_unit_{unit}", lang) if unit in KNOWN_UNITS else unit


def _days(value: float | None, lang: str) -> str:
    return translate("sup_no_use", lang) if value is None else f"{value:.1f}"


@router.get("/supplies", response_class=HTMLResponse)
def supplies(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    category: str = "",
    site_kind: str = "",
    jurisdiction: str = "",
    alert: str = "",
    offset: int = 0,
) -> HTMLResponse:
    """The stock table of the reader's jurisdiction (m20.13): site, item, category, stock, daily use, days of supply,
    reorder point and alert, the fewest days first; paged here, exported whole as CSV."""
    filters = StockFilters(category, site_kind, jurisdiction, alert)
    try:
        lines = _lines(session, actor, request, policy, filters.checked())
        places = place_names(session, actor, {s.jurisdiction_code for s in list_sites(session, actor)})
    except FangkongError as exc:
        return error_page(request, actor, exc)
    offset = max(0, offset)
    query = {k: v for k, v in vars(filters).items() if v}

    def link(**change: Any) -> str:
        merged = {**query, "offset": offset, **change}
        return "/supplies?" + urlencode({k: v for k, v in merged.items() if v not in ("", None, 0)})

    return render(
        request,
        "supplies.html",
        actor=actor,
        rows=lines[offset : offset + PAGE],
        total=len(lines),
        offset=offset,
        page=PAGE,
        link=link,
        filters=filters,
        categories=[c.value for c in SupplyCategory],
        site_kinds=[k.value for k in SupplySiteKind],
        alerts=ALERTS,
        places=places,
        jurisdictions=sorted(places, key=lambda c: (len(c), c)),
        csv_url="/supplies.csv?" + urlencode(query),
        unit_word=unit_word,
    )


@router.get("/supplies.csv")
def supplies_export(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    category: str = "",
    site_kind: str = "",
    jurisdiction: str = "",
    alert: str = "",
) -> Response:
    """The filtered stock table, every line, as CSV in the reader's language (m20.13): counts per site and item, no
    person named."""
    lang = page_lang(request)
    try:
        lines = _lines(
            session, actor, request, policy, StockFilters(category, site_kind, jurisdiction, alert).checked()
        )
        places = place_names(session, actor, {x.jurisdiction_code for x in lines})
    except FangkongError as exc:
        return error_page(request, actor, exc)

    def t(key: str) -> str:
        return translate(key, lang)

    out = io.StringIO()
    out.write("\ufeff")  # so that a spreadsheet opens the Chinese as UTF-8
    writer = csv.writer(out)
    writer.writerow(
        [
            t(k)
            for k in (
                "sup_site",
                "sup_site_kind",
                "sup_jurisdiction",
                "sup_item",
                "sup_category",
                "sup_on_hand",
                "sup_unit",
                "sup_daily_use",
                "sup_days",
                "sup_reorder_point",
                "sup_alert",
            )
        ]
    )
    for x in lines:
        writer.writerow(
            [
                x.site_name,
                t(f"sup_kind_{x.site_kind}"),
                places.get(x.jurisdiction_code, x.jurisdiction_code),
                x.item_name,
                t(f"sup_cat_{x.category}"),
                x.stock,
                unit_word(x.unit, lang),
                "" if x.daily_use is None else f"{x.daily_use:.2f}",
                _days(x.days, lang),
                x.reorder_point,
                t(f"sup_alert_{x.alert.value}"),
            ]
        )
    name = f"supplies-{today_of(request)}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _site_page(
    request: Request,
    session: Session,
    actor: Actor,
    policy: Policy,
    site_id: int,
    *,
    values: dict[str, Any] | None = None,
    problem: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """A site's page: its stock, the forms (for those who manage sites), its ledger, its requests (an audited read:
    they name patients) and the items whose pending requests may be allocated (m20.13)."""
    today = today_of(request)
    site = site_in_scope(session, actor, site_id)
    lines = stock_table(session, actor, policy.at(today), as_of=today, site_id=site.id)
    moves, moves_total = movements_page(session, actor, site.id, limit=20)
    requests, requests_total = requests_page(session, actor, site_id=site.id, limit=50, reason="console")
    items = {i.id: i for i in session.scalars(select(SupplyItem).order_by(SupplyItem.category, SupplyItem.code))}
    may_change = actor.may(Permission.manage_sites)
    others = [s for s in list_sites(session, actor) if s.id != site.id] if may_change else []
    pending = sorted({items[r.item_id].code for r in requests if r.status == "pending"})
    allocated = request.query_params.get("allocated")
    names: dict[int, str] = {
        row[0]: row[1]
        for row in session.execute(
            select(Person.id, Person.name).where(Person.id.in_(sorted({r.person_id for r in requests})))
        )
    }
    lang = page_lang(request)
    return render(
        request,
        "supplies_site.html",
        status=status,
        actor=actor,
        site=site,
        lines=lines,
        moves=moves,
        moves_total=moves_total,
        requests=requests,
        requests_total=requests_total,
        items=items,
        item_codes=sorted(items.values(), key=lambda i: (i.category, i.code)),
        other_names=site_names(session, sorted({m.other_site_id for m in moves if m.other_site_id is not None})),
        others=others,
        may_change=may_change,
        pending_items=pending,
        allocated=allocated if allocated in items_by_code(items) else None,
        items_named={i.code: i.name for i in items.values()},
        names=names,
        clause_words=lambda reason: clause_words(reason, lang),
        form_kinds=FORM_KINDS,
        values=values or {"day": today.isoformat()},
        problem=problem,
        saved=request.query_params.get("saved") if request.query_params.get("saved") in LEDGER_KINDS else None,
        unit_word=unit_word,
        today=today,
    )


def clause_words(reason: object, lang: str) -> str:
    """The clause a reason cites, said in words (m20.13 -> "《二十条》第13条" / "20 measures, no. 13"; m20-docs.testing
    -> the 20 measures' supporting documents); a clause of an instrument the console does not name stays as its id."""
    clause = str(reason.get("clause") or "") if isinstance(reason, dict) else str(getattr(reason, "clause", "") or "")
    instrument, _, rest = clause.partition(".")
    if instrument in ("m20", "n10") and rest.isdigit():
        return translate(f"sup_clause_{instrument}", lang).format(n=rest)
    if instrument in ("v9", "classb", "m20-docs"):
        return translate(f"sup_clause_{instrument.replace('-', '_')}", lang)
    return clause


def items_by_code(items: dict[int, SupplyItem]) -> set[str]:
    return {i.code for i in items.values()}


@router.get("/supplies/sites/{site_id}", response_class=HTMLResponse)
def supply_site(request: Request, session: Db, actor: CurrentActor, policy: Rules, site_id: int) -> HTMLResponse:
    """One site's stock, ledger and requests (m20.13); a site outside the reader's jurisdiction is not found."""
    try:
        return _site_page(request, session, actor, policy, site_id)
    except FangkongError as exc:
        return error_page(request, actor, exc)


def _quantity(text: str) -> int:
    """A quantity as typed: a whole number."""
    try:
        return int(text.strip())
    except ValueError:
        raise InvalidInput("quantity", f"{text!r} is not a quantity (1 or more)") from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("day", f"{text!r} is not a date") from None


@router.post("/supplies/sites/{site_id}/movements", response_class=HTMLResponse)
def record(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    site_id: int,
    kind: Annotated[str, Form()],
    item_code: Annotated[str, Form()] = "",
    quantity: Annotated[str, Form()] = "",
    day: Annotated[str, Form()] = "",
    to_site_id: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Record a receipt, a dispensation or a transfer to another site (m20.13); a dispensation beyond the stock, a
    bad quantity or day, a transfer to nowhere is refused naming the field, nothing stored, the page shown again."""
    values = {"kind": kind, "item_code": item_code, "quantity": quantity, "day": day, "to_site_id": to_site_id}
    values["note"] = note
    try:
        if kind not in FORM_KINDS:
            raise InvalidInput("kind", f"{kind!r} is not one of {', '.join(FORM_KINDS)}")
        to_site = None
        if kind == "transfer":
            if not to_site_id.strip().isdigit():
                raise InvalidInput("to_site_id", "a transfer names the site it goes to")
            to_site = int(to_site_id)
        data = MovementCreate(
            kind=kind,
            item_code=item_code,
            quantity=_quantity(quantity),
            day=_day(day),
            to_site_id=to_site,
            note=note or None,
        )
        record_movement(session, actor, site_id, data, today=today_of(request))
    except FangkongError as exc:
        session.rollback()
        message, field, clause, _ = error_parts(exc)
        problem = {"field": field, "message": message, "clause": clause, "form": kind}
        try:
            return _site_page(
                request, session, actor, policy, site_id, values=values, problem=problem, status=http_status(exc)
            )
        except FangkongError as inner:
            return error_page(request, actor, inner)
    return RedirectResponse(f"/supplies/sites/{site_id}?{urlencode({'saved': _saved(kind)})}", status_code=303)


def _saved(kind: str) -> str:
    return "transfer_out" if kind == "transfer" else kind


@router.post("/supplies/sites/{site_id}/allocate", response_class=HTMLResponse)
def allocate(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    site_id: int,
    item_code: Annotated[str, Form()] = "",
) -> Response:
    """Share the site's stock of an item among its pending requests by the rule: severe, high-risk, elderly, then
    the rest (m20.13); the page then shows who got what and why."""
    today = today_of(request)
    try:
        allocate_requests(session, actor, policy.at(today), site_id, item_code, today=today, now=now_of(request))
    except FangkongError as exc:
        session.rollback()
        message, field, clause, _ = error_parts(exc)
        problem = {"field": field, "message": message, "clause": clause, "form": "allocate"}
        try:
            return _site_page(request, session, actor, policy, site_id, problem=problem, status=http_status(exc))
        except FangkongError as inner:
            return error_page(request, actor, inner)
    return RedirectResponse(f"/supplies/sites/{site_id}?{urlencode({'allocated': item_code})}", status_code=303)


def site_names(session: Session, ids: list[int]) -> dict[int, str]:
    """Sites' names by id (the other side of a transfer)."""
    rows = session.execute(select(SupplySite.id, SupplySite.name).where(SupplySite.id.in_(ids)))
    return {row[0]: row[1] for row in rows}
