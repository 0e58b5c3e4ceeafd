"""`fangkong policy show|diff|register|versions`: the rules as data, readable."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from fangkong.cli.common import console, parse_date, reports_errors, rules_for
from fangkong.errors import InvalidInput
from fangkong.policy import InForce, Policy, load_policy, render
from fangkong.policy.diff import in_force, policy_diff

app = typer.Typer(help="Show, compare and explain the policy versions.", no_args_is_help=True)


def _source(policy: Policy, found: InForce[object] | None) -> str:
    if found is None:
        return "—"
    clause = policy.clauses[found.source.clause]
    instrument = policy.instruments[clause.instrument]
    mark = f" [yellow](interpretation: {found.interpretation})[/]" if found.interpretation else ""
    # a value from a supplement is not the notice's own: say which document and from when
    if instrument.kind == "supplement":
        mark += f" [cyan](from {instrument.title_en.split(':')[0]}, {instrument.in_force_from}, not the notice)[/]"
    return f"[bold]{found.source.clause}[/] {clause.title_en}{mark}"


def _clause_order(clause_id: str) -> tuple[str, int, str]:
    """Clauses in the texts' order: by instrument, then a measure's number (m20.2 before m20.10), then the rest."""
    instrument, _, rest = clause_id.partition(".")
    return (instrument, int(rest) if rest.isdigit() else 10_000, rest)


@app.command()
@reports_errors
def versions() -> None:
    """The instruments fangkong knows, in date order."""
    policy = load_policy()
    table = Table("id", "kind", "in force from", "title", "document")
    for iid, inst in sorted(policy.instruments.items(), key=lambda kv: kv[1].in_force_from):
        default = " (default)" if iid == policy.default_version else ""
        table.add_row(
            iid + default,
            inst.kind,
            inst.in_force_from.isoformat(),
            f"{inst.title_en}\n{inst.title_zh}",
            inst.document_number or "—",
        )
    console.print(table)


@app.command()
@reports_errors
def show(
    version: Annotated[str | None, typer.Argument(help="A version id (v9, m20, n10, classb).")] = None,
    at: Annotated[str | None, typer.Option(help="The rules in force on this date (YYYY-MM-DD).")] = None,
    prefix: Annotated[str, typer.Option(help="Only parameters under this path, e.g. management.close_contact.")] = "",
) -> None:
    """Every rule in force on a date or in a version, with its clause."""
    policy = load_policy()
    if version and at:
        raise InvalidInput("--at", "give a version or --at DATE, not both")
    if at:
        rules = policy.at(parse_date(at, "--at"))
    else:
        rules = rules_for(policy, version or policy.default_version, "VERSION")
    inst = policy.instruments[rules.version]
    console.print(
        f"[bold]{rules.version}: {inst.title_en}[/]\n{inst.title_zh} — rules as of {rules.on.isoformat()}",
        highlight=False,
    )
    # grouped by the clause each value cites — for the notice, its measure — in the texts' order
    groups: dict[str, list[tuple[str, str, InForce[object]]]] = {}
    for path, description, found in in_force(policy, rules):
        if path.startswith(prefix):
            groups.setdefault(found.source.clause, []).append((path, description, found))
    for clause_id in sorted(groups, key=_clause_order):
        clause = policy.clauses[clause_id]
        table = Table("parameter", "value", "note", title=f"{clause_id} {clause.title_en}", title_justify="left")
        for path, description, found in groups[clause_id]:
            note = f"interpretation: {found.interpretation}" if found.interpretation else ""
            table.add_row(f"{path}\n[dim]{description}[/]", render(found.value), note)
        console.print(table)


@app.command()
@reports_errors
def diff(
    before: Annotated[str, typer.Argument(help="A version id or a date.")],
    after: Annotated[str, typer.Argument(help="A version id or a date.")],
    quotes: Annotated[bool, typer.Option(help="Print both clauses' wording under each change.")] = True,
) -> None:
    """What changed between two versions, parameter by parameter, with both clauses."""
    policy = load_policy()
    a, b = rules_for(policy, before, "BEFORE"), rules_for(policy, after, "AFTER")
    changes = policy_diff(policy, a, b)
    console.print(
        f"[bold]before: {a.version}, the rules in force on {a.on} → after: {b.version}, the rules in force on "
        f"{b.on}[/]: {len(changes)} changes",
        highlight=False,
    )
    quoted: set[str] = set()  # each clause's wording once, at its first change
    for ch in changes:
        console.rule(f"[bold]{ch.path}[/]", align="left")
        console.print(f"[dim]{ch.description}[/]", highlight=False)
        for side, found in (("before", ch.before), ("after", ch.after)):
            shown = "(no rule)" if found is None else render(found.value)
            console.print(f"  {side:6} {shown}", highlight=False)
            console.print(f"         {_source(policy, found)}", highlight=False)
            if not quotes or found is None:
                continue
            key = found.source.clause if found.source.quote_en is None else f"{found.source.clause}:{ch.path}"
            if key in quoted:
                console.print("         [dim](wording quoted above)[/]", highlight=False)
                continue
            quoted.add(key)
            clause = policy.clauses[found.source.clause]
            console.print(f"         [italic]{found.source.quote_en or clause.quote_en}[/]", highlight=False)
            if clause.quote_zh:
                console.print(f"         [italic]{clause.quote_zh}[/]", highlight=False)


@app.command()
@reports_errors
def register(
    markdown: Annotated[
        bool, typer.Option(help="Print the register as Markdown (docs/interpretation-register.md).")
    ] = False,
) -> None:
    """The interpretation register: every open question of the texts, the choice made and why."""
    from fangkong.services.register import register_entries, register_markdown

    policy = load_policy()
    if markdown:
        typer.echo(register_markdown(policy), nl=False)
        return
    for entry in register_entries(policy):
        console.rule(f"[bold]{entry.id}[/] [{entry.tag}]", align="left")
        console.print(f"[bold]Question[/]  {entry.question}", highlight=False)
        console.print(f"[bold]Choice[/]    {entry.choice}", highlight=False)
        console.print(f"[bold]Why[/]       {entry.reason}", highlight=False)
        console.print(f"[bold]Clauses[/]   {', '.join(entry.clauses)}", highlight=False)
        for use in entry.uses:
            console.print(f"  [dim]{use}[/]", highlight=False)
