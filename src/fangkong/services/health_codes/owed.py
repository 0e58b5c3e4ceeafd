"""What a transaction has changed that bears on health codes and is not yet followed by a refresh of them
(`follow`): kept on the session, so the flush that notes it and the commit that settles it share it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

OWED = "fangkong.codes_owed"  # a session.info key
_CAUSE_LENGTH = 60  # health_code_change.cause


@dataclass
class Owed:
    """What a transaction has changed that bears on codes, not yet followed."""

    persons: set[int] = field(default_factory=set)
    areas: set[str] = field(default_factory=set)  # jurisdiction codes of risk areas: their residents
    area_events: set[int] = field(default_factory=set)  # risk areas by id, resolved to their codes at commit
    causes: dict[str, None] = field(default_factory=dict)  # ordered set
    by: str | None = None
    settling: bool = False

    def __bool__(self) -> bool:
        return bool(self.persons or self.areas or self.area_events)

    def cause(self) -> str:
        text = ",".join(self.causes) or "record changed"
        return text if len(text) <= _CAUSE_LENGTH else text[: _CAUSE_LENGTH - 1] + "…"


def owed(session: Session) -> Owed:
    found = session.info.get(OWED)
    if found is None:
        found = session.info[OWED] = Owed()
    return found


def owe_codes(session: Session, person_ids: Iterable[int], cause: str) -> None:
    """The codes of `person_ids` bear a change written without the ORM: refreshed at commit."""
    o = owed(session)
    o.persons.update(person_ids)
    o.causes[cause] = None


def settled(session: Session, person_ids: Iterable[int]) -> None:
    """The codes of `person_ids` were just computed from everything flushed: nothing owed for them."""
    o = session.info.get(OWED)
    if o is not None:
        o.persons.difference_update(person_ids)


def settled_all(session: Session) -> None:
    o = session.info.get(OWED)
    if o is not None:
        o.persons.clear()
        o.areas.clear()
        o.area_events.clear()
        o.causes.clear()
