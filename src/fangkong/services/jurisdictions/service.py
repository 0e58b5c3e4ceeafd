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


def place_names(session: Session, actor: Actor, *, limit: int = 5000) -> dict[str, str]:
    """The places in the actor's scope that an area is delineated by, by the name staff say them with: a
    community by its name, a building or a unit after its community's ("第1社区 · 7号楼"), since building names
    repeat from one community to the next. Code -> name, in the order of the tree."""
    rows = list(
        session.scalars(
            select(Jurisdiction)
            .where(Jurisdiction.path.startswith(actor.jurisdiction_path))
            .order_by(Jurisdiction.path)
            .limit(limit)
        )
    )
    out: dict[str, str] = {}
    for j in rows:
        if j.level in ("building", "unit") and j.parent_code in out:
            out[j.code] = f"{out[j.parent_code]} · {j.name}"
        elif j.level in ("community", "building", "unit"):
            out[j.code] = j.name
    return out


def place_by_name(session: Session, actor: Actor, said: str, *, field: str = "area_code") -> str:
    """The code of a place named as `place_names` names it (or given by its code)."""
    said = said.strip()
    if said.isdigit():
        return said
    matches = [code for code, name in place_names(session, actor).items() if name == said]
    if not matches:
        raise InvalidInput(field, f"no place in your jurisdiction is named {said!r}: choose one from the list")
    return matches[0]


def names_of_places(session: Session, codes: list[str]) -> dict[str, str]:
    """Places by the names staff say them with, as `place_names` does, for the codes a page shows."""
    wanted = set(codes)
    if not wanted:
        return {}
    rows = {j.code: j for j in session.scalars(select(Jurisdiction).where(Jurisdiction.code.in_(wanted)))}
    parents = {j.parent_code for j in rows.values() if j.level in ("building", "unit") and j.parent_code}
    above = {j.code: j for j in session.scalars(select(Jurisdiction).where(Jurisdiction.code.in_(parents)))}
    names = {}
    for code, j in rows.items():
        parent = above.get(j.parent_code or "")
        names[code] = f"{parent.name} · {j.name}" if parent is not None else j.name
    return names
