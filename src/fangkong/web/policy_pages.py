"""The console's public policy pages: the rules in force on a date, the difference between two versions, and the
interpretation register — each value beside the clause it comes from."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from fangkong.api.deps import Rules
from fangkong.errors import FangkongError, InvalidInput
from fangkong.policy import render as render_value
from fangkong.policy.diff import in_force, policy_diff
from fangkong.services.register import register_entries
from fangkong.web.pages import day_param, error_page, render, today_of

router = APIRouter(include_in_schema=False)


@router.get("/policy", response_class=HTMLResponse)
def policy_page(request: Request, policy: Rules, on: str | None = None) -> HTMLResponse:
    """The rules in force on a date, each value beside the clause it comes from. Public, like the notice."""
    try:
        day = day_param(on, today_of(request))
        rules = policy.at(day)
    except FangkongError as exc:
        return error_page(request, None, exc)
    rows = [
        (
            path,
            description,
            render_value(found.value),
            found.source.clause,
            policy.clauses[found.source.clause],
            found.interpretation,
        )
        for path, description, found in in_force(policy, rules)
    ]
    return render(request, "policy.html", on=day, version=rules.version, rows=rows)


@router.get("/policy/diff", response_class=HTMLResponse)
def policy_diff_page(request: Request, policy: Rules, a: str = "v9", b: str = "m20") -> HTMLResponse:
    if a not in policy.versions or b not in policy.versions:
        return error_page(request, None, InvalidInput("a", f"versions are {', '.join(policy.versions)}"))
    changes = policy_diff(policy, policy.for_version(a), policy.for_version(b))
    rows = [
        (
            c.path,
            c.description,
            render_value(c.before.value) if c.before else "—",
            c.before.source.clause if c.before else "",
            render_value(c.after.value) if c.after else "—",
            c.after.source.clause if c.after else "",
        )
        for c in changes
    ]
    return render(request, "policy_diff.html", a=a, b=b, versions=policy.versions, rows=rows)


@router.get("/policy/register", response_class=HTMLResponse)
def register_page(request: Request, policy: Rules) -> HTMLResponse:
    return render(request, "register.html", entries=register_entries(policy))
