"""Finding a person from a console form by the number on their document (居民身份证 or passport), as the people at a
door or a desk know them — never by the store's own person number. A resident ID must pass its GB 11643 check
first; the lookup sees only the actor's jurisdiction (`services.persons.people_by_document`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput
from fangkong.rules.resident_id import check_resident_id
from fangkong.services.access import Actor
from fangkong.services.persons.service import people_by_document

RESIDENT_ID_LENGTH = 18  # GB 11643: a number of this length is a resident ID and must pass its check digit


def person_by_document(session: Session, actor: Actor, field: str, number: str, today: date) -> int:
    """The person in the actor's jurisdiction holding this document; a refusal names `field`."""
    value = number.strip().upper()
    if not value:
        raise InvalidInput(field, "give the person's ID number")
    if len(value) == RESIDENT_ID_LENGTH and not check_resident_id(value, today).valid:
        raise InvalidInput(field, "not a valid resident ID number (its form, birth date or check digit)")
    found = people_by_document(session, actor, {value})
    if value not in found:
        raise InvalidInput(field, "no person with this document in your jurisdiction")
    return found[value]
