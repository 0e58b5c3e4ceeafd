"""One batch of staff reads, in one transaction: who asks (each request's API token, checked here, so a token
revoked or expired by any process is refused at once), the records asked for, the actor's scope over each, and an
audit entry for every read that is answered — all committed together before any answer leaves.

A request this batch does not answer (no valid token, a role without the permission, a record missing or outside
the actor's jurisdiction, a code with no stored status for the day) gets `None` and no audit entry: the caller
hands it to the ordinary route, which gives the error (or computes the code) exactly as it always has.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select

from fangkong.services.access import Actor, Permission, Role
from fangkong.services.audit.models import AuditEntry
from fangkong.services.health_codes.facts import standing
from fangkong.services.health_codes.models import HealthCode
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.persons.models import Person
from fangkong.services.store import chunks, utcnow
from fangkong.services.users.models import ApiToken, User

Record = Row[*tuple[Any, ...]]  # a row of any number of columns


class Kind(StrEnum):
    person = "person"  # GET /api/persons/{id}
    code = "code"  # GET /api/health-codes/token/{token}: a person's code with its reasons


@dataclass(frozen=True, slots=True)
class Ask:
    """One request: what it asks for, the digest of the API token it came with, and the reason given."""

    kind: Kind
    key: int | str  # a person's id, or a code's token
    token_digest: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """A read that may be answered: its audit entry is in the batch's transaction."""

    actor: Actor
    row: Record  # the person's columns, or the code's (Kind.code)
    on: date | None = None  # a code's: the day it is answered for (its stored status stands on it)


# Built once: a statement's cache key is computed at each execution otherwise, ~10 % of a batch's CPU. The
# person's columns as `persons.service.to_read` reads them; each record with the path its scope is checked on.
_ACTORS = (
    select(ApiToken.token_hash, User.username, User.role, Jurisdiction.path)
    .join(User, ApiToken.user_id == User.id)
    .join(Jurisdiction, User.jurisdiction_code == Jurisdiction.code)
    .where(
        ApiToken.token_hash.in_(bindparam("digests", expanding=True)),
        ApiToken.expires_at > bindparam("now"),
        User.active.is_(True),
    )
)
_PERSONS = (
    select(*Person.__table__.columns, Jurisdiction.path)
    .join(Jurisdiction, Person.jurisdiction_code == Jurisdiction.code)
    .where(Person.id.in_(bindparam("ids", expanding=True)))
)
_CODES = (
    select(
        HealthCode.person_id,
        HealthCode.token,
        HealthCode.on,
        HealthCode.until,
        HealthCode.colour,
        HealthCode.reasons,
        HealthCode.computed_at,
        Jurisdiction.path,
    )
    .join(Person, HealthCode.person_id == Person.id)
    .join(Jurisdiction, Person.jurisdiction_code == Jurisdiction.code)
    .where(HealthCode.token.in_(bindparam("tokens", expanding=True)))
)
_AUDIT = insert(AuditEntry)


def actors_of(conn: Connection, digests: Iterable[str], now: datetime) -> dict[str, Actor]:
    """The actor behind each API token digest still valid at `now` (an active account, not logged out)."""
    found: dict[str, Actor] = {}
    for part in chunks(sorted(set(digests))):
        for digest, username, role, path in conn.execute(_ACTORS, {"digests": list(part), "now": now}):
            found[digest] = Actor(username, Role(role), path)
    return found


def _persons(conn: Connection, ids: Sequence[int]) -> dict[int, Record]:
    out: dict[int, Record] = {}
    for part in chunks(sorted(set(ids))):
        out.update((r.id, r) for r in conn.execute(_PERSONS, {"ids": list(part)}))
    return out


def _codes(conn: Connection, tokens: Sequence[str]) -> dict[str, Record]:
    out: dict[str, Record] = {}
    for part in chunks(sorted(set(tokens))):
        out.update((r.token, r) for r in conn.execute(_CODES, {"tokens": list(part)}))
    return out


def answer(conn: Connection, asks: Sequence[Ask], *, now: datetime, today: date) -> list[Answer | None]:
    """Settle `asks` inside the connection's open transaction (the caller commits): one statement for the tokens,
    one per kind of record, one insert of the audit entries. The answers are in the order of `asks`."""
    actors = actors_of(conn, (a.token_digest for a in asks), now)
    persons = _persons(conn, [int(a.key) for a in asks if a.kind is Kind.person])
    codes = _codes(conn, [str(a.key) for a in asks if a.kind is Kind.code])
    answers: list[Answer | None] = []
    entries: list[dict[str, Any]] = []
    at = utcnow()
    for ask in asks:
        actor = actors.get(ask.token_digest)
        row = (persons.get(int(ask.key)) if ask.kind is Kind.person else codes.get(str(ask.key))) if actor else None
        if (
            actor is None
            or row is None
            or not actor.may(Permission.read_persons)
            or not actor.covers(row.path)
            # a stored status that does not stand on today is computed on the spot by the route, not here
            or (ask.kind is Kind.code and not standing(row.on, row.until, today))
        ):
            answers.append(None)
            continue
        person_id = row.id if ask.kind is Kind.person else row.person_id
        entries.append(entry(actor, person_id, ask.kind, ask.reason, at))
        answers.append(Answer(actor, row, today if ask.kind is Kind.code else None))
    if entries:
        conn.execute(_AUDIT, entries)
    return answers


def entry(actor: Actor, person_id: int, kind: Kind, reason: str | None, at: datetime) -> dict[str, Any]:
    """The audit entry of one answered read, as `audit.service.record` writes it (and the routes do)."""
    return {
        "at": at,
        "actor": actor.username,
        "action": "read",
        "entity": "person",
        "entity_id": str(person_id),
        "reason": reason,
        "detail": {} if kind is Kind.person else CODE_READ,
    }


# The detail of a read of a person's health code (colour and reasons) rather than of their record. The token is
# not kept: it is the holder's capability, and the person's id already names whose code it was.
CODE_READ: dict[str, Any] = {"read": "health_code"}
