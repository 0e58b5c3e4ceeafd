"""One audit entry for each answered read of personal data, and one for each refused one (issue 17: "every read of
personal data is audited"; PIPL 2021 art. 51 and 55: a handler of sensitive personal information — health status
is one, art. 28 — keeps a record of its processing).

A request that answers a list writes ONE entry, not one per row: the entry names the read's kind (`entity`, e.g.
`worklist`, `health_code_changes`), the record asked for (`entity_id`: the path's id, or `-` for a list) and the
persons whose data went out (`detail.persons`, their ids in the order answered). A list longer than `LISTED_IDS`
keeps the first `LISTED_IDS` ids and the count: the answers are paged (at most 500 rows a page) except the exports,
whose own entry names the filter that selects them again, and a bounded entry keeps an export of a city's
work list from writing a megabyte into the log. A refused read (a record missing or outside the caller's
jurisdiction, a role without the permission) is an attempt worth a supervisor's eye: it is recorded as
`refused`, in a transaction of its own since the request's is rolled back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from fangkong.errors import FangkongError, Forbidden, NotFound
from fangkong.services.access import Actor
from fangkong.services.audit.service import record
from fangkong.services.store import unit_of_work

READ = "read"
REFUSED = "refused"
# what one entry names at most; the count is always kept (module docstring: why)
LISTED_IDS = 1000


def named(persons: Iterable[int | None]) -> dict[str, Any]:
    """What an entry says of the persons a read answered: their ids, each once in the order answered (at most
    `LISTED_IDS`), and how many there were."""
    ids = list(dict.fromkeys(p for p in persons if p is not None))
    said: dict[str, Any] = {"persons": ids[:LISTED_IDS], "count": len(ids)}
    if len(ids) > LISTED_IDS:
        said["truncated"] = True
    return said


def read_of(
    session: Session,
    actor: Actor,
    kind: str,
    persons: Iterable[int | None],
    *,
    entity_id: object = "-",
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """The audit entry of one answered read of `kind`: the persons whose data it answered (duplicates once)."""
    said = {**named(persons), **(detail or {})}
    record(session, actor, action=READ, entity=kind, entity_id=entity_id, reason=reason, detail=said)


def is_refused_read(exc: FangkongError) -> bool:
    """A refusal that answers an attempt to read (or reach) a record the caller may not: missing, out of scope
    (`NotFound` does not tell them apart, on purpose) or beyond the role (`Forbidden`)."""
    return isinstance(exc, NotFound | Forbidden)


def refusal_of(
    sessions: sessionmaker[Session],
    actor: Actor,
    *,
    method: str,
    route: str,
    params: dict[str, Any],
    exc: FangkongError,
) -> None:
    """The audit entry of a refused read or reach, in its own transaction. `route` is the route's template
    (`/api/persons/{person_id}`), `params` its path parameters: the address as asked, never a query string (a
    search's words may be personal data themselves)."""
    # a health code's token is its holder's capability: not kept (as the answered read does not keep it)
    kept = {k: ("-" if k == "token" else str(v)) for k, v in params.items()}
    key = next(iter(kept.values()), "-")
    detail = {"route": f"{method} {route}", "params": kept, "why": type(exc).__name__}
    with unit_of_work(sessions) as session:
        record(session, actor, action=REFUSED, entity="route", entity_id=str(key)[:64], detail=detail)
