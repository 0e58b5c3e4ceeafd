"""The scaffold of a console queue page: a jurisdiction's work list (complaints, measure 18; early-warning alerts,
measure 15), filtered and paged, the earliest deadline first, shown again with the refused field named after a form.
The page fetches its own rows through its service; the scaffold holds what every such page does around them: the
reader's instant, the offset, the names of the places the rows stand in, links that keep the filters, and the
context every queue template reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.api.errors import error_parts
from fangkong.errors import FangkongError
from fangkong.services.access import Actor
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.web.pages import now_of, render

PAGE = 50  # rows a page


class Shown(TypedDict, total=False):
    """What a queue page shows besides its rows: the word of what was just saved, a refused form's problem (as
    `problem_of` gives it) and the HTTP status (the refusal's, else 200)."""

    saved: str
    problem: dict[str, Any] | None
    status: int


def problem_of(exc: FangkongError, form: str) -> dict[str, Any]:
    """A refused form's problem for the page: the message, the field it names, the clause it cites, and the form."""
    message, field, clause, _ = error_parts(exc)
    return {"field": field, "message": message, "clause": clause, "form": form}


@dataclass(frozen=True)
class Queue:
    """One showing of a queue page at `path` with its `filters` (empty ones left out of links) from `offset`."""

    request: Request
    session: Session
    actor: Actor
    path: str
    filters: dict[str, str]
    offset: int
    now: datetime  # one instant for the whole page (the API's clock, a drill date under `--today`)

    @classmethod
    def at(
        cls, request: Request, session: Session, actor: Actor, path: str, filters: dict[str, str], offset: int
    ) -> Queue:
        return cls(request, session, actor, path, filters, max(0, offset), now_of(request))

    def names(self, codes: Iterable[str]) -> dict[str, str]:
        """The names of the jurisdictions the rows stand in, by code."""
        wanted = sorted(set(codes))
        found = self.session.execute(select(Jurisdiction.code, Jurisdiction.name).where(Jurisdiction.code.in_(wanted)))
        return dict(found.all())

    def link(self, **change: Any) -> str:
        """This queue's address with its filters and offset, some changed; empty values (and offset 0) left out."""
        current = {**self.filters, "offset": self.offset} | change
        return self.path + "?" + urlencode({k: v for k, v in current.items() if v not in ("", None, 0)})

    def render(self, template: str, rows: list[Any], total: int, shown: Shown, **context: Any) -> HTMLResponse:
        """The page: its rows (`total` in all), what `shown` says and the page's own `context`."""
        return render(
            self.request,
            template,
            status=shown.get("status", 200),
            actor=self.actor,
            rows=rows,
            total=total,
            filters=self.filters,
            offset=self.offset,
            page=PAGE,
            link=self.link,
            saved=shown.get("saved", ""),
            problem=shown.get("problem"),
            **context,
        )
