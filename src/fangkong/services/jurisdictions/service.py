"""The jurisdiction tree."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput, NotFound
from fangkong.services.access import Actor
from fangkong.services.jurisdictions.models import Jurisdiction, JurisdictionLevel

_CODE = re.compile(r"^[0-9]{2,20}$")


def create_jurisdiction(
    session: Session, *, code: str, name: str, level: JurisdictionLevel, parent_code: str | None = None
) -> Jurisdiction:
    if not _CODE.match(code):
        raise InvalidInput("code", f"{code!r}: an administrative code is 2 to 20 digits")
    if session.get(Jurisdiction, code) is not None:
        raise InvalidInput("code", f"jurisdiction {code} exists")
    if parent_code is None:
        path = f"/{code}/"
    else:
        parent = session.get(Jurisdiction, parent_code)
        if parent is None:
            raise InvalidInput("parent_code", f"unknown jurisdiction {parent_code}")
        if not code.startswith(parent_code):
            raise InvalidInput("code", f"{code} does not extend its parent's code {parent_code}")
        path = f"{parent.path}{code}/"
    j = Jurisdiction(code=code, name=name, level=level.value, parent_code=parent_code, path=path)
    session.add(j)
    session.flush()
    return j


def get_jurisdiction(session: Session, code: str, *, field: str = "jurisdiction_code") -> Jurisdiction:
    j = session.get(Jurisdiction, code)
    if j is None:
        raise InvalidInput(field, f"unknown jurisdiction {code!r}")
    return j


def covers(session: Session, actor: Actor, code: str) -> bool:
    """Whether a record filed under jurisdiction `code` lies in the actor's subtree."""
    j = session.get(Jurisdiction, code)
    return j is not None and actor.covers(j.path)


def jurisdiction_in_scope(
    session: Session, actor: Actor, code: str, *, field: str = "jurisdiction_code"
) -> Jurisdiction:
    """A jurisdiction the actor may act in; one outside their subtree is refused as not found."""
    j = get_jurisdiction(session, code, field=field)
    if not actor.covers(j.path):
        raise NotFound("jurisdiction", code)
    return j


def scope_root(session: Session, actor: Actor, jurisdiction_code: str | None) -> str:
    """The path a list is cut to: a narrower jurisdiction inside the actor's scope, else the actor's own."""
    if jurisdiction_code is None:
        return actor.jurisdiction_path
    return jurisdiction_in_scope(session, actor, jurisdiction_code).path


def list_jurisdictions(session: Session, actor: Actor) -> list[Jurisdiction]:
    stmt = select(Jurisdiction).where(Jurisdiction.path.startswith(actor.jurisdiction_path)).order_by(Jurisdiction.path)
    return list(session.scalars(stmt))
