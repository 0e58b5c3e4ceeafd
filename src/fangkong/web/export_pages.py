"""The lists that are work products, exported (issue 16): the infections, the close-contact proposals and the risk
areas, as CSV (UTF-8 with a BOM, so spreadsheet programs read the Chinese names) or XLSX, in the reader's language,
with the filters and sort of the page they are exported from, every page of it. Each read goes through the service
the page uses (the same scope); each person named is noted in their trail as a list is, and the export itself is one
`exported` audit entry naming the persons whose data went out (the orders', work list's and audit log's exports
live beside their pages)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import FangkongError, InvalidInput, NotFound
from fangkong.services.access import Actor
from fangkong.services.areas.service import list_areas
from fangkong.services.audit.reads import named
from fangkong.services.audit.service import record
from fangkong.services.calendar import local_time
from fangkong.services.infections.models import Infection
from fangkong.services.infections.service import list_infections
from fangkong.services.jurisdictions.service import names_of_places
from fangkong.services.paging import MAX_LIMIT
from fangkong.services.persons.service import listed_names
from fangkong.services.tracing.candidates import list_candidates
from fangkong.web.i18n import translate
from fangkong.web.list_pages import _csv, _xlsx
from fangkong.web.pages import CurrentActor, Db, _lang, day_param, error_page, today_of

router = APIRouter(include_in_schema=False)
FORMATS = ("csv", "xlsx")
T = TypeVar("T")


def _every(fetch: Callable[[int, int], tuple[list[T], int]]) -> Iterator[T]:
    """Every row a paged service call answers, a page of MAX_LIMIT at a time."""
    offset = 0
    while True:
        found, total = fetch(offset, MAX_LIMIT)
        yield from found
        offset += len(found)
        if not found or offset >= total:
            return


def _file(fmt: str, name: str, title: str, header: list[str], lines: list[list[Any]]) -> Response:
    return _csv(name, header, lines) if fmt == "csv" else _xlsx(name, title, header, lines)


def _exported(
    session: Session, actor: Actor, entity: str, fmt: str, filters: dict[str, str], persons: list[int], rows: int
) -> None:
    kept = {k: v for k, v in filters.items() if v}
    detail = {"format": fmt, "filters": kept, "rows": rows, **named(persons)}
    record(session, actor, action="exported", entity=entity, entity_id=actor.jurisdiction_path, detail=detail)


# ---- the infections (/infections) ------------------------------------------------------------------------------


@router.get("/infections.{fmt}")
def infections_export(
    request: Request,
    session: Db,
    actor: CurrentActor,
    fmt: str,
    kind: str = "",
    found_in: str = "",
    confirmed_from: str = "",
    confirmed_to: str = "",
    unreported: str = "",
    sort: str = "-confirmed_at",
) -> Response:
    """The infections the list's filters keep, in its order: who, kind, where found, sampled, confirmed, reported."""
    if fmt not in FORMATS:
        return error_page(request, actor, NotFound("export format", fmt))
    filters = {
        "kind": kind,
        "found_in": found_in,
        "confirmed_from": confirmed_from,
        "confirmed_to": confirmed_to,
        "unreported": unreported,
        "sort": sort,
    }
    today = today_of(request)
    try:
        if unreported not in ("", "yes", "no"):
            raise InvalidInput("unreported", f"{unreported!r} is not one of yes, no")
        args: dict[str, Any] = {
            "kind": kind or None,
            "found_in": found_in or None,
            "confirmed_from": day_param(confirmed_from, today) if confirmed_from else None,
            "confirmed_to": day_param(confirmed_to, today) if confirmed_to else None,
            "unreported": {"yes": True, "no": False}.get(unreported),
            "sort": sort,
        }
        rows: list[Infection] = list(_every(lambda o, n: list_infections(session, actor, **args, offset=o, limit=n)))
    except FangkongError as exc:
        return error_page(request, actor, exc)
    persons = [i.person_id for i in rows]
    names = listed_names(session, actor, persons, "console infections export")
    _exported(session, actor, "infections", fmt, filters, persons, len(rows))
    lang = _lang(request)

    def t(key: str) -> str:
        return translate(key, lang)

    def when(at: Any) -> str:
        return f"{local_time(at):%Y-%m-%d %H:%M}" if at is not None else ""

    header = [t(k) for k in ("name", "infection_kind", "found_in", "sampled_on", "confirmed_at", "epi_reported_at")]
    lines = [
        [
            names.get(i.person_id, ""),
            t(f"kind_{i.kind}"),
            t(i.found_in),
            i.sampled_on.isoformat(),
            when(i.confirmed_at),
            when(i.reported_at),
        ]
        for i in rows
    ]
    return _file(fmt, f"infections-{today}.{fmt}", str(today), header, lines)


# ---- the close-contact proposals (/contacts) --------------------------------------------------------------------


@router.get("/contacts.{fmt}")
def contacts_export(
    request: Request, session: Db, actor: CurrentActor, fmt: str, status: str = "proposed", sort: str = "proposed_at"
) -> Response:
    """The close-contact proposals of the queue's status (all of them when none is chosen): who, the evidence, the
    last exposure, the status, and whose contact they are."""
    if fmt not in FORMATS:
        return error_page(request, actor, NotFound("export format", fmt))
    try:
        rows = list(
            _every(lambda o, n: list_candidates(session, actor, status=status or None, sort=sort, offset=o, limit=n))
        )
        asked = {c.infection_id for c in rows}
        pairs = select(Infection.id, Infection.person_id).where(Infection.id.in_(asked))
        sources: dict[int, int] = dict(session.execute(pairs).all()) if asked else {}
    except FangkongError as exc:
        return error_page(request, actor, exc)
    persons = [c.person_id for c in rows] + list(sources.values())
    names = listed_names(session, actor, persons, "console close contacts export")
    _exported(session, actor, "contact_candidates", fmt, {"status": status, "sort": sort}, persons, len(rows))
    lang = _lang(request)

    def t(key: str) -> str:
        return translate(key, lang)

    header = [t(k) for k in ("name", "epi_evidence", "epi_last_exposure", "status", "epi_of_infection")]
    lines = [
        [
            names.get(c.person_id, ""),
            t(f"epi_source_{c.source}") + ("" if c.category == "close_contact" else f" · {t(c.category)}"),
            c.last_exposure.isoformat(),
            t(f"epi_status_{c.status}"),
            names.get(sources.get(c.infection_id, -1), ""),
        ]
        for c in rows
    ]
    today = today_of(request)
    return _file(fmt, f"contacts-{today}.{fmt}", str(today), header, lines)


# ---- the risk areas (/risk-areas) -------------------------------------------------------------------------------


@router.get("/risk-areas.{fmt}")
def risk_areas_export(
    request: Request,
    session: Db,
    actor: CurrentActor,
    fmt: str,
    level: str = "",
    status: str = "",
    county: str = "",
    sort: str = "-delineated_on",
) -> Response:
    """The risk areas the list's filters keep, in its order: the area by name, its level, delineated on, the next
    change of level on record, in force or ended (areas, no person named; the export is still an audit entry)."""
    if fmt not in FORMATS:
        return error_page(request, actor, NotFound("export format", fmt))
    try:
        if status not in ("", "active", "ended"):
            raise InvalidInput("status", f"{status!r} is not one of active, ended")
        active = {"active": True, "ended": False}.get(status)
        rows = list(
            _every(
                lambda o, n: list_areas(
                    session,
                    actor,
                    active=active,
                    level=level or None,
                    jurisdiction_code=county or None,
                    sort=sort,
                    offset=o,
                    limit=n,
                )
            )
        )
    except FangkongError as exc:
        return error_page(request, actor, exc)
    filters = {"level": level, "status": status, "county": county, "sort": sort}
    _exported(session, actor, "risk_areas", fmt, filters, [], len(rows))
    names = names_of_places(session, [a.area_code for a in rows])
    lang = _lang(request)

    def t(key: str) -> str:
        return translate(key, lang)

    header = [t(k) for k in ("cmd_area", "level", "delineated_on", "next_change_on", "status")]
    lines = [
        [
            names.get(a.area_code, a.area_code),
            t(f"risk_level_{a.level}"),
            a.delineated_on.isoformat(),
            a.next_change_on.isoformat() if a.next_change_on and a.active else "",
            t("cmd_area_active") if a.active else t("cmd_area_ended"),
        ]
        for a in rows
    ]
    today = today_of(request)
    return _file(fmt, f"risk-areas-{today}.{fmt}", str(today), header, lines)
