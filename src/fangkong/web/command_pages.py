"""The command centre's and the lab's pages in the console (issue 16).

The command centre previews a new version of the rules against the plans in flight (who is released, whose plan
is shortened or changed, each with the clause of its reason) and applies it as one audited step; it recomputes
everyone's health code; it reads the over-reach findings (measure 16) and the timeliness of reporting and tracing
(measure 2's "promptly"); it lists the risk areas with their clocks (measure 4). The lab reads the files it sent
and what became of them. Every page goes through the services the API uses, with the same permission checks,
scoping and audit: a role without the permission gets the error page, and a form it cannot submit is not shown."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from fangkong.api.deps import Rules
from fangkong.api.errors import error_parts
from fangkong.errors import Conflict, FangkongError, Forbidden, InvalidInput, http_status
from fangkong.policy import Policy
from fangkong.rules.plans import Plan
from fangkong.services.access import Actor, Permission
from fangkong.services.areas.models import RiskArea
from fangkong.services.areas.service import AREA_SORTS, decide, list_areas
from fangkong.services.file_imports.history import KINDS, OUTCOMES, import_history
from fangkong.services.health_codes.service import recompute
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import names_of_places
from fangkong.services.orders.models import ManagementOrder
from fangkong.services.orders.service import stored_plan
from fangkong.services.orders.transitions import PlanChange, TransitionPreview, apply_transition, preview_transition
from fangkong.services.overreach.models import FindingKind
from fangkong.services.overreach.service import FINDING_SORTS, list_findings, report
from fangkong.services.paging import MAX_LIMIT
from fangkong.services.persons.service import listed_names
from fangkong.services.tracing.timeliness import timeliness_report
from fangkong.web.pages import CurrentActor, Db, day_param, error_page, list_link, now_of, render, today_of

router = APIRouter(include_in_schema=False)
PAGE = 25
EXAMPLES = 5  # changes shown per kind of change in a preview
GROUPS = ("ended", "shortened", "changed", "restated")
VERDICTS = ("over_reach", "refused", "warning", "below_national", "not_comparable")
LEVELS = ("high", "medium", "low", "none")


def _problem(exc: FangkongError) -> dict[str, Any]:
    message, field, clause, row = error_parts(exc)
    return {"field": field, "message": message, "clause": clause, "row": row}


# ---- a new version of the rules over the plans in flight ----------------------------------------------------


def _targets(policy: Policy) -> list[tuple[str, date]]:
    """The versions a transition can go to (every one after the first), with the day each takes effect."""
    return [(v, policy.span(v)[0]) for v in policy.versions[1:]]


def _next_version(policy: Policy, today: date) -> str:
    """The version after the one in force today (the one to prepare for), else the one in force."""
    in_force = policy.version_on(today)
    later = [v for v, start in _targets(policy) if start > today]
    return later[0] if later else in_force


def _effective(policy: Policy, version: str, effective_on: str, today: date) -> date:
    """The day the transition takes effect: the one given, else the version's first day; a day on which the
    version does not begin is refused with the day it does."""
    if version not in policy.versions:
        raise InvalidInput("version", f"unknown version {version!r}; known: {', '.join(policy.versions)}")
    start = policy.span(version)[0]
    day = day_param(effective_on, today) if effective_on else start
    if day != start:
        raise InvalidInput("effective_on", f"{version} takes effect on {start}, not {day}")
    return day


def _group(change: PlanChange, effective_on: date) -> str:
    if change.released_on_after <= effective_on:
        return "ended"  # released on the day the new rules take effect
    if change.released_early:
        return "shortened"
    if change.phases_before != change.phases_after:
        return "changed"
    return "restated"  # the same days, now under the new version


def _outline(session: Db, preview: TransitionPreview, plans: dict[int, Plan], actor: Actor) -> dict[str, Any]:
    """The preview as the page shows it: how many of each kind of change, and a few examples of each with the
    plan before and after (phases in words) and the clause of each reason."""
    counts = dict.fromkeys(GROUPS, 0)
    examples: dict[str, list[dict[str, Any]]] = {g: [] for g in GROUPS}
    for change in preview.changes:
        group = _group(change, preview.effective_on)
        counts[group] += 1
        if len(examples[group]) < EXAMPLES:
            order = session.get(ManagementOrder, change.order_id)
            before = stored_plan(order).phases if order is not None else ()
            after = plans[change.order_id]
            examples[group].append(
                {"change": change, "before": before, "after": after.phases, "reasons": after.reasons[:2]}
            )
    shown = [e["change"].person_id for g in GROUPS for e in examples[g]]
    return {
        "counts": counts,
        "examples": examples,
        "names": listed_names(session, actor, shown, "console policy transition preview"),
    }


def _command_page(
    request: Request,
    actor: Actor,
    policy: Policy,
    *,
    version: str,
    effective_on: str,
    preview: dict[str, Any] | None = None,
    applied: dict[str, Any] | None = None,
    recomputed: dict[str, Any] | None = None,
    problem: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    today = today_of(request)
    return render(
        request,
        "command.html",
        status=status,
        actor=actor,
        today=today,
        targets=_targets(policy),
        version=version,
        effective_on=effective_on,
        preview=preview,
        applied=applied,
        recomputed=recomputed,
        problem=problem,
        groups=GROUPS,
    )


@router.get("/command", response_class=HTMLResponse)
def command(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    version: str = "",
    effective_on: str = "",
    preview: str = "",
) -> HTMLResponse:
    """The command centre picks the version of the rules about to take effect and its day, and previews what it
    does to the plans in flight (interpretation register: transition): who is released on the day, whose plan
    is shortened or changed, with the clause of each reason (e.g. n10.3). Nothing is changed here."""
    if not actor.may(Permission.apply_policy_transition):
        return error_page(request, actor, Forbidden("only the command centre applies a new version of the rules"))
    today = today_of(request)
    version = version or _next_version(policy, today)
    shown: dict[str, Any] | None = None
    problem = None
    status = 200
    if preview:
        try:
            day = _effective(policy, version, effective_on, today)
            result, plans = preview_transition(session, actor, effective_on=day, policy=policy)
            shown = {"result": result, **_outline(session, result, plans, actor)}
            effective_on = day.isoformat()
        except FangkongError as exc:
            session.rollback()
            problem, status = _problem(exc), http_status(exc)
    return _command_page(
        request,
        actor,
        policy,
        version=version,
        effective_on=effective_on or (policy.span(version)[0].isoformat() if version in policy.versions else ""),
        preview=shown,
        problem=problem,
        status=status,
    )


@router.post("/command/transition", response_class=HTMLResponse)
def apply(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    version: Annotated[str, Form()],
    effective_on: Annotated[str, Form()],
    previewed: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
    confirmed: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Apply the previewed transition as one step: every changed plan stored under the new version with an event
    on its order and an audit entry on its person (measure 1's plans recomputed, interpretation register:
    transition). All or nothing; refused if the plans in flight changed since the preview."""
    if not actor.may(Permission.apply_policy_transition):
        return error_page(request, actor, Forbidden("only the command centre applies a new version of the rules"))
    today = today_of(request)
    try:
        if not confirmed:
            raise InvalidInput("confirmed", "tick the box to confirm that the preview was checked")
        if not previewed.isdigit():
            raise InvalidInput("previewed", "preview the transition first")
        if len(reason.strip()) < 3:
            raise InvalidInput("reason", "say why (at least 3 characters): it is kept with every changed order")
        day = _effective(policy, version, effective_on, today)
        result = apply_transition(session, actor, effective_on=day, reason=reason.strip(), policy=policy)
        if len(result.changes) != int(previewed):
            raise Conflict(
                "previewed",
                f"the preview showed {previewed} changes and {len(result.changes)} would be made now: preview again",
            )
    except FangkongError as exc:
        session.rollback()
        return _command_page(
            request,
            actor,
            policy,
            version=version,
            effective_on=effective_on,
            problem=_problem(exc),
            status=http_status(exc),
        )
    counts = dict.fromkeys(GROUPS, 0)
    for change in result.changes:
        counts[_group(change, result.effective_on)] += 1
    return _command_page(
        request,
        actor,
        policy,
        version=version,
        effective_on=effective_on,
        applied={"result": result, "counts": counts},
    )


@router.post("/command/recompute", response_class=HTMLResponse)
def recompute_codes(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    on: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Recompute everyone's health code in the command centre's jurisdiction for a day, after areas or orders
    changed (measures 1, 3, 4): only what changed is written, and every change of colour is recorded."""
    if not actor.may(Permission.apply_policy_transition):
        return error_page(request, actor, Forbidden("only the command centre recomputes codes from this page"))
    today = today_of(request)
    version = _next_version(policy, today)
    try:
        day = day_param(on, today)
        counts = recompute(session, actor, day, policy=policy)
    except FangkongError as exc:
        session.rollback()
        return _command_page(
            request,
            actor,
            policy,
            version=version,
            effective_on=policy.span(version)[0].isoformat(),
            problem=_problem(exc),
            status=http_status(exc),
        )
    return _command_page(
        request,
        actor,
        policy,
        version=version,
        effective_on=policy.span(version)[0].isoformat(),
        recomputed={"on": day, "counts": counts},
    )


# ---- over-reach findings (measure 16) ------------------------------------------------------------------------


@router.get("/overreach", response_class=HTMLResponse)
def overreach(
    request: Request,
    session: Db,
    actor: CurrentActor,
    verdict: str = "",
    kind: str = "",
    since: str = "",
    sort: str = "-at",
    offset: int = 0,
) -> HTMLResponse:
    """Supervisors and the command centre read where "layer-by-layer overweighting" happens (measure 16): the
    findings counted by verdict and clause, then each finding — a local rule, a proposed local action or a
    refused request — with its clause and the reason in words."""
    if not (actor.may(Permission.apply_policy_transition) or actor.may(Permission.read_audit)):
        return error_page(request, actor, Forbidden("only supervisors and the command centre read the findings"))
    filters = {"verdict": verdict, "kind": kind, "since": since, "sort": sort}
    problem = None
    status = 200
    rows: list[Any] = []
    total = 0
    lines: list[Any] = []
    try:
        from_day = day_param(since, today_of(request)) if since else None
        lines = report(session, actor, since=from_day)
        rows, total = list_findings(
            session,
            actor,
            verdict=verdict or None,
            kind=kind or None,
            since=from_day,
            sort=sort,
            offset=max(offset, 0),
            limit=PAGE,
        )
    except Forbidden as exc:
        return error_page(request, actor, exc)
    except FangkongError as exc:
        session.rollback()
        problem, status = _problem(exc), http_status(exc)
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.verdict] = totals.get(line.verdict, 0) + line.findings
    places = names_of_places(session, [r.jurisdiction_code for r in rows] + [line.jurisdiction_code for line in lines])
    return render(
        request,
        "overreach.html",
        status=status,
        actor=actor,
        rows=rows,
        total=total,
        offset=offset,
        page=PAGE,
        filters=filters,
        problem=problem,
        lines=lines,
        totals=totals,
        places=places,
        verdicts=VERDICTS,
        kinds=[k.value for k in FindingKind],
        sorts=list(FINDING_SORTS),
        link=list_link("/overreach", {**filters, "offset": offset}),
    )


# ---- timeliness of reporting and tracing (measure 2) ----------------------------------------------------------


@router.get("/timeliness", response_class=HTMLResponse)
def timeliness(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    since: str = "",
    until: str = "",
) -> HTMLResponse:
    """How promptly infections were reported and their close contacts placed under management (measure 2;
    interpretation register: report-deadline, tracing-deadline): for each clock, how many on time and how many
    late, and the late ones listed. The same report as the API's, over a week unless other days are asked."""
    today = today_of(request)
    problem = None
    status = 200
    result = None
    try:
        end = day_param(until, today)
        start = day_param(since, today) if since else end - timedelta(days=6)
        result = timeliness_report(session, actor, since=start, until=end, now=now_of(request), policy=policy)
    except Forbidden as exc:
        return error_page(request, actor, exc)
    except FangkongError as exc:
        session.rollback()
        problem, status = _problem(exc), http_status(exc)
    clocks: list[dict[str, Any]] = []
    late_report: list[Any] = []
    late_contacts: list[Any] = []
    names: dict[int, str] = {}
    places: dict[str, str] = {}
    if result is not None:
        rules = policy.at(result.until)
        report_rule = rules.integer("timeliness.report_within_hours")
        placed_rule = rules.integer("timeliness.contacts_placed_within_hours")
        late_report = [i for i in result.infections if i.timeliness.report_late]
        late_contacts = [i for i in result.infections if i.timeliness.contacts_late]
        clocks.append(
            {
                "key": "report",
                "hours": report_rule.value,
                "clause": report_rule.source.clause,
                "on_time": len(result.infections) - len(late_report),
                "late": len(late_report),
                "waiting": None,
            }
        )
        if placed_rule.value is not None:
            clocks.append(
                {
                    "key": "contacts",
                    "hours": placed_rule.value,
                    "clause": placed_rule.source.clause,
                    "on_time": sum(i.timeliness.contacts_on_time for i in result.infections),
                    "late": sum(i.timeliness.contacts_late for i in result.infections),
                    "waiting": sum(i.timeliness.contacts_waiting for i in result.infections),
                }
            )
        persons = dict(
            session.execute(
                select(Infection.id, Infection.person_id).where(
                    Infection.id.in_([i.infection_id for i in (*late_report, *late_contacts)])
                )
            ).all()
        )
        who = listed_names(session, actor, list(persons.values()), "console timeliness report")
        names = {inf: who.get(person, "") for inf, person in persons.items()}
        places = names_of_places(session, [j.jurisdiction_code for j in result.jurisdictions])
    return render(
        request,
        "timeliness.html",
        status=status,
        actor=actor,
        result=result,
        since=since or (result.since.isoformat() if result else ""),
        until=until or (result.until.isoformat() if result else ""),
        problem=problem,
        clocks=clocks,
        late_report=late_report,
        late_contacts=late_contacts,
        names=names,
        places=places,
    )


# ---- risk areas with their clocks (measure 4) -----------------------------------------------------------------


def _counties(session: Db, actor: Actor) -> list[Jurisdiction]:
    return list(
        session.scalars(
            select(Jurisdiction)
            .where(Jurisdiction.path.startswith(actor.jurisdiction_path), Jurisdiction.level == "county")
            .order_by(Jurisdiction.path)
        )
    )


@router.get("/risk-areas", response_class=HTMLResponse)
def risk_areas(
    request: Request,
    session: Db,
    actor: CurrentActor,
    policy: Rules,
    level: str = "",
    status: str = "",
    county: str = "",
    sort: str = "-delineated_on",
    offset: int = 0,
    limit: int = PAGE,
) -> HTMLResponse:
    """The risk areas by name, level, delineation day and clock: the days without a new infection, and the day
    the area lowers under the rules in force (measure 4: a high-risk area with no new infection for 5 days
    becomes low-risk); each opens the area's page with its history."""
    # the page size travels with the filters only when it is not the default (issue 16: sort, filter, page)
    filters = {
        "level": level,
        "status": status,
        "county": county,
        "sort": sort,
        "limit": "" if limit == PAGE else limit,
    }
    today = today_of(request)
    problem = None
    code = 200
    rows: list[RiskArea] = []
    total = 0
    try:
        if status not in ("", "active", "ended"):
            raise InvalidInput("status", f"{status!r} is not one of active, ended")
        rows, total = list_areas(
            session,
            actor,
            active={"active": True, "ended": False}.get(status),
            level=level or None,
            jurisdiction_code=county or None,
            sort=sort,
            offset=max(offset, 0),
            limit=limit,
        )
    except Forbidden as exc:
        return error_page(request, actor, exc)
    except FangkongError as exc:
        session.rollback()
        problem, code = _problem(exc), http_status(exc)
    rule = _lowering_rule(policy, today)
    clocks = {area.id: _clock(session, area, today, policy, rule) for area in rows if area.active}
    return render(
        request,
        "risk_areas.html",
        status=code,
        actor=actor,
        rows=rows,
        total=total,
        offset=offset,
        page=limit if 1 <= limit <= MAX_LIMIT else PAGE,
        filters=filters,
        problem=problem,
        clocks=clocks,
        rule=rule,
        names=names_of_places(session, [a.area_code for a in rows]),
        counties=_counties(session, actor),
        levels=LEVELS,
        sorts=list(AREA_SORTS),
        link=list_link("/risk-areas", {**filters, "offset": offset}),
        csv_url=list_link("/risk-areas.csv", {k: v for k, v in filters.items() if k != "limit"})(),
        xlsx_url=list_link("/risk-areas.xlsx", {k: v for k, v in filters.items() if k != "limit"})(),
    )


def _clock(session: Db, area: RiskArea, today: date, policy: Policy, rule: dict[str, Any] | None) -> dict[str, Any]:
    """An area's clock today: its clean days, and its next change of level as the rules give it if no new infection
    is found before then (the rules replayed a few days ahead, so a change of version on the way is counted)."""
    day = max(today, area.delineated_on)
    now = decide(session, area, day, policy)
    ahead = decide(session, area, day + timedelta(days=(rule["days"] if rule else 7) + 1), policy)
    coming = next((change for change in ahead.history if change.on > day), None)
    return {"clean_days": now.clean_days, "next": coming, "earned": now.next_change_on is not None}


def _lowering_rule(policy: Policy, today: date) -> dict[str, Any] | None:
    """Today's rule for lowering a high-risk area: after how many clean days, to which level, from which clause."""
    rules = policy.at(today)
    days = rules.find("risk_area.high.clean_days_to_downgrade")
    if days is None or days.value is None:
        return None
    to = rules.find("risk_area.high.downgrade_to")
    return {"days": days.value, "to": to.value if to is not None else None, "clause": days.source.clause}


# ---- the lab's imports ------------------------------------------------------------------------------------------


@router.get("/lab/imports", response_class=HTMLResponse)
def lab_imports(
    request: Request,
    session: Db,
    actor: CurrentActor,
    kind: str = "",
    outcome: str = "",
    offset: int = 0,
) -> HTMLResponse:
    """A lab reads the files it sent, newest first: when, what kind, how many rows, accepted with the rules'
    outcomes (measure 9's Ct bands, the pool rules) and their consequences (infections found, people held), or
    refused with the row and the reason. The command centre and supervisors see every account's files."""
    filters = {"kind": kind, "outcome": outcome}
    problem = None
    status = 200
    lines: list[Any] = []
    total = 0
    try:
        lines, total = import_history(
            session, actor, kind=kind or None, outcome=outcome or None, offset=max(offset, 0), limit=PAGE
        )
    except Forbidden as exc:
        return error_page(request, actor, exc)
    except FangkongError as exc:
        session.rollback()
        problem, status = _problem(exc), http_status(exc)
    return render(
        request,
        "lab_imports.html",
        status=status,
        actor=actor,
        lines=lines,
        total=total,
        offset=offset,
        page=PAGE,
        filters=filters,
        problem=problem,
        kinds=KINDS,
        outcomes=OUTCOMES,
        link=list_link("/lab/imports", {**filters, "offset": offset}),
    )
