"""`fangkong plan`: the plan that applies to a person, as a readable timeline with its reasons."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from fangkong.cli.common import console, parse_date, reports_errors
from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.rules.plans import LABELS, Plan, first_day, management_plan, parse_category
from fangkong.rules.transition import through_later_versions
from fangkong.services.cases import to_json
from fangkong.services.questions import PlanGiven, ask_plan


@reports_errors
def plan(
    category: Annotated[str, typer.Option(help="close_contact, entry_personnel, high_risk_spillover, ...")],
    start: Annotated[str | None, typer.Option(help="Day 1 of management (YYYY-MM-DD).")] = None,
    anchor: Annotated[
        str | None,
        typer.Option(
            help="Or: the anchor fact's date (last exposure, entry, day they left the area); day 1 follows the policy."
        ),
    ] = None,
    policy_version: Annotated[
        str | None, typer.Option("--policy", help="A version id instead of the one in force.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The answer as JSON.")] = False,
) -> None:
    """The management plan for a category from a date: phases, test days, release, with the clauses."""
    policy = load_policy()
    cat = parse_category(category, "--category")
    if (start is None) == (anchor is None):
        raise InvalidInput("--start", "give exactly one of --start and --anchor")
    notes = []
    if anchor is not None:
        anchor_on = parse_date(anchor, "--anchor")
        day1, why = first_day(cat, anchor_on, policy.resolve(anchor_on, policy_version))
        notes.append(why)
    else:
        day1 = parse_date(start or "", "--start")
    rules = policy.resolve(day1, policy_version)
    result = management_plan(cat, day1, rules)
    # a plan is as of its first day; a later version takes over the plans still running when it begins (unless a
    # version was named: then that version's plan alone)
    later = (
        []
        if policy_version is not None or not isinstance(result, Plan)
        else through_later_versions(
            result,
            [
                (policy.instruments[v].in_force_from, policy.at(policy.instruments[v].in_force_from))
                for v in policy.versions
                if policy.instruments[v].in_force_from > day1
            ],
        )
    )
    if as_json:
        answer = to_json(ask_plan(PlanGiven(category=cat.value, start=day1, policy=policy_version), policy))
        answer["later_versions"] = [
            {
                "from": effective.isoformat(),
                "version": changed.policy,
                "released_on": changed.released_on.isoformat(),
                "phases": [
                    {"kind": p.kind.value, "start": p.start.isoformat(), "end": p.end.isoformat()}
                    for p in changed.phases
                ],
                "cite": changed.cite,
            }
            for effective, changed in later
        ]
        typer.echo(json.dumps(answer, ensure_ascii=False, indent=2))
        return
    title = f"{LABELS[cat]} from {day1.isoformat()} — {rules.version} ({policy.instruments[rules.version].title_zh})"
    if not isinstance(result, Plan):
        console.print(f"[bold red]Refused[/]: {title}", highlight=False)
    else:
        table = Table("phase", "from", "to", "days", "test dates", "may go out", title=title)
        for p in result.phases:
            table.add_row(
                p.kind.value.replace("_", " "),
                p.start.isoformat(),
                p.end.isoformat(),
                str(p.days),
                ", ".join(f"{d.isoformat()} (day {n})" for d, n in zip(p.test_dates, p.test_days, strict=True)) or "—",
                p.may_go_out.value + (f" ({', '.join(p.restrictions)})" if p.restrictions else ""),
            )
        console.print(table)
        console.print(
            f"Released on [bold]{result.released_on.isoformat()}[/]; health code managed: "
            f"{'yes' if result.code_managed else 'no'}",
            highlight=False,
        )
    for r in (*notes, *result.reasons):
        clause = policy.clauses.get(r.clause)
        console.print(
            f"  [bold]{r.clause}[/] {r.text}" + (f" [dim]— {clause.title_en}[/]" if clause else ""),
            highlight=False,
        )
    for effective, changed in later:
        phases = "; ".join(
            f"{p.kind.value.replace('_', ' ')} {p.start.isoformat()} to {p.end.isoformat()}" for p in changed.phases
        )
        console.print(
            f"[bold yellow]From {effective.isoformat()}[/] {changed.policy} takes over this plan: "
            f"released on [bold]{changed.released_on.isoformat()}[/]" + (f" ({phases})" if phases else ""),
            highlight=False,
        )
        for r in changed.reasons[:1]:
            console.print(f"  [bold]{r.clause}[/] {r.text}", highlight=False)
