"""What every command shares: one console, date parsing, and errors as messages with exit code 2."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from sqlalchemy.orm import Session, sessionmaker

from fangkong.errors import FangkongError, InvalidInput, RowError
from fangkong.policy import Policy, PolicyAt

console = Console()
errors = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def reports_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """A FangkongError becomes `error: <field>: <message>` on stderr and exit code 2."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except FangkongError as exc:
            clause = f" ({exc.clause})" if isinstance(exc, RowError) and exc.clause else ""
            errors.print(f"[bold red]error:[/] {exc}{clause}", highlight=False, markup=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None

    return wrapper


def parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(option, f"{value!r} is not a date (YYYY-MM-DD)") from None


def rules_for(policy: Policy, spec: str, option: str) -> PolicyAt:
    """A version id (`m20`) or a date (`2022-11-14`) as a rule set."""
    if spec in policy.versions:
        return policy.for_version(spec)
    if spec[:1].isdigit():
        return policy.at(parse_date(spec, option))
    raise InvalidInput(option, f"{spec!r} is neither a version ({', '.join(policy.versions)}) nor a date")


def sessions_on(url: str, *, today: date) -> sessionmaker[Session]:
    """Sessions on the store at `url` whose commits refresh the health codes their changes touch, for `today`
    under the national policy (services.health_codes.follow)."""
    from fangkong.policy import load_policy
    from fangkong.services.health_codes.follow import following
    from fangkong.services.store import make_engine

    return following(make_engine(url), today=lambda: today, policy=load_policy())
