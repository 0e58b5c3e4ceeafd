"""The retention job in the console, for whoever may run it (an administrator): the period in force
(`privacy.retention_days`, PIPL art. 47) with its clause, a dry run over their jurisdiction (how many would be
anonymised today and why the others are kept), and a form that runs the job and shows how many were anonymised.
Both go through `services.retention.service.run_retention` as the API's `POST /api/retention/run` does: the same
permission check, scope, period and audit (one `anonymise` entry per person)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from fangkong.api.deps import Rules
from fangkong.errors import FangkongError
from fangkong.services.access import Actor
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.retention.service import KEPT_REASONS, RetentionRun, run_retention
from fangkong.web.pages import CurrentActor, Db, error_page, render, today_of

router = APIRouter(include_in_schema=False)


def _scope_name(session: Db, actor: Actor) -> str:
    """The name of the actor's jurisdiction (the root of the subtree the job runs over)."""
    code = actor.jurisdiction_path.strip("/").rsplit("/", 1)[-1]
    place = session.get(Jurisdiction, code) if code else None
    return place.name if place is not None else code


def _kept(run: RetentionRun) -> list[tuple[str, int]]:
    """The counts of the kept, by reason (each has the words `retention_kept_<reason>`), in the page's order."""
    return [(reason, run.kept[reason]) for reason in KEPT_REASONS if run.kept.get(reason)]


def _page(
    request: Request, session: Db, actor: Actor, preview: RetentionRun, done: RetentionRun | None
) -> HTMLResponse:
    return render(
        request,
        "retention.html",
        actor=actor,
        run=preview,
        kept=_kept(preview),
        done=done,
        scope=_scope_name(session, actor),
    )


@router.get("/retention", response_class=HTMLResponse)
def retention(request: Request, session: Db, actor: CurrentActor, policy: Rules) -> HTMLResponse:
    """The period and today's dry run: nothing is changed or audited (no record is read by anyone)."""
    try:
        preview = run_retention(session, actor, policy, today=today_of(request), dry_run=True)
    except FangkongError as exc:
        return error_page(request, actor, exc)
    return _page(request, session, actor, preview, None)


@router.post("/retention/run", response_class=HTMLResponse)
def retention_run(request: Request, session: Db, actor: CurrentActor, policy: Rules) -> HTMLResponse:
    """Run the job over the actor's jurisdiction, then show what it did beside a fresh dry run (which, the job
    being idempotent, finds nobody more to anonymise today)."""
    today = today_of(request)
    try:
        done = run_retention(session, actor, policy, today=today, dry_run=False)
        preview = run_retention(session, actor, policy, today=today, dry_run=True)
    except FangkongError as exc:
        session.rollback()
        return error_page(request, actor, exc)
    return _page(request, session, actor, preview, done)
