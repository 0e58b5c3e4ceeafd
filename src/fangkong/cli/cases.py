"""`fangkong cases check|run`: legal case files against the rules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fangkong.cli.common import EXIT_FAILED, console, reports_errors
from fangkong.policy import load_policy
from fangkong.services.cases import answers_as_json_lines, check_cases, load_case_files

app = typer.Typer(help="Run legal case files (facts → expected decisions) against the rules.", no_args_is_help=True)

Files = Annotated[list[Path], typer.Argument(help="Case files (YAML).", show_default=False)]


@app.command()
@reports_errors
def check(files: Files) -> None:
    """Pass or fail every case; exit 1 if any fails, 2 if a file is malformed."""
    # the rules first: broken policy data is an error naming the file (exit 2), not every case failing
    policy = load_policy()
    outcomes = check_cases(load_case_files(files), policy)
    table = Table("case", "ask", "result", "why", title="Legal cases", expand=False)
    for o in outcomes:
        why = "; ".join(o.mismatches) if o.mismatches else ", ".join(o.answer.get("cite", []))
        table.add_row(o.case.spec.id, o.case.spec.ask, "[green]pass[/]" if o.passed else "[red]FAIL[/]", why)
    console.print(table)
    failed = sum(not o.passed for o in outcomes)
    console.print(f"{len(outcomes) - failed} passed, {failed} failed", highlight=False)
    if failed:
        raise typer.Exit(EXIT_FAILED)


@app.command()
@reports_errors
def run(
    files: Files,
    json_lines: Annotated[bool, typer.Option("--json", help="One JSON object per case: {id, answer}.")] = False,
) -> None:
    """Print the system's own answer to every case."""
    cases = load_case_files(files)
    lines = answers_as_json_lines(cases, load_policy())
    if json_lines:
        for line in lines:
            typer.echo(line)
        return
    for line in lines:
        console.print_json(line)
