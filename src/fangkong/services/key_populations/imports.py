"""Imports of key-population registry entries from CSV or JSON, keyed by document number (measure 14; issue 19),
and of the residents and staff of key institutions keyed by institution name and document number.

The file is one batch of `file_imports`: the same bytes a second time change nothing; a bad row refuses the whole
file, naming its row and field (a resident ID that fails its check digit names `document_number`). A row for a person
already on the registry updates their entry and grades it again.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput, RowError
from fangkong.policy import Policy
from fangkong.rules.resident_id import check_resident_id
from fangkong.services.access import Actor, Permission
from fangkong.services.calendar import local_day
from fangkong.services.file_imports.batches import ImportSummary, claimed, digest
from fangkong.services.file_imports.rows import Format, records, text_of
from fangkong.services.key_populations.institutions import list_institutions
from fangkong.services.key_populations.members import MemberIn, add_member
from fangkong.services.key_populations.service import EntryIn, add_entry, open_entry, update_entry
from fangkong.services.persons.service import people_by_document

KIND = "key_populations"
COLUMNS = ("document_number", "kinds")
OPTIONAL = ("vaccination_status", "checker", "note")
RESIDENT_ID_LENGTH = 18  # GB 11643: a number of this length is a resident ID and must pass its check digit


def _kinds(n: int, raw: dict[str, Any]) -> list[str]:
    """The kinds of a row: a JSON list, or a CSV cell separated by `;` or `|`."""
    value = raw.get("kinds")
    if isinstance(value, list):
        kinds = [str(k).strip() for k in value]
    else:
        kinds = [k.strip() for k in str(value or "").replace("|", ";").split(";")]
    kinds = [k for k in kinds if k]
    if not kinds:
        raise RowError(n, "kinds", "missing")
    return kinds


def _optional(raw: dict[str, Any], column: str) -> str | None:
    value = raw.get(column)
    return str(value).strip() or None if value is not None else None


def _document(n: int, raw: dict[str, Any], now: datetime) -> str:
    number = text_of(n, raw, "document_number", max_len=64).upper()
    if len(number) == RESIDENT_ID_LENGTH:
        check = check_resident_id(number, local_day(now))
        if not check.valid:
            raise RowError(n, "document_number", check.problems[0].text)
    return number


def import_entries(
    session: Session,
    actor: Actor,
    data: bytes,
    fmt: Format,
    *,
    now: datetime,
    filename: str | None = None,
    policy: Policy | None = None,
) -> ImportSummary:
    """Put every person of the file on the registry (or update their entry), or none (measure 14). Columns:
    `document_number, kinds` and optionally `vaccination_status, checker, note`. A bad row raises RowError naming the
    row and the field."""
    actor.require(Permission.write_persons)
    batch = claimed(session, actor, digest(data), KIND, filename)
    if isinstance(batch, ImportSummary):
        return batch
    parsed: list[tuple[int, str, dict[str, Any]]] = []
    for n, raw in records(data, fmt, COLUMNS):
        parsed.append((n, _document(n, raw, now), raw))
    found = people_by_document(session, actor, {number for _, number, _ in parsed})
    added = updated = 0
    with session.begin_nested():  # all or nothing: a bad row rolls back every row before it
        for n, number, raw in parsed:
            person_id = found.get(number)
            if person_id is None:
                raise RowError(n, "document_number", "no person with this document in your jurisdiction")
            item = EntryIn(
                person_id=person_id,
                kinds=_kinds(n, raw),
                vaccination_status=_optional(raw, "vaccination_status") or "unvaccinated",
                checker=_optional(raw, "checker"),
                note=_optional(raw, "note"),
            )
            try:
                if open_entry(session, person_id) is None:
                    add_entry(session, actor, item, now=now, policy=policy)
                    added += 1
                else:
                    update_entry(session, actor, item, now=now, policy=policy)
                    updated += 1
            except InvalidInput as e:
                if isinstance(e, RowError):
                    raise
                raise RowError(n, e.field, e.message) from None
    outcomes = {"added": added, "updated": updated}
    batch.rows, batch.added = len(parsed), added
    batch.summary = {"outcomes": outcomes}
    session.flush()
    return ImportSummary(
        import_id=batch.id, kind=KIND, rows=len(parsed), added=added, already_imported=False, outcomes=outcomes
    )


MEMBERS_KIND = "inst_members"  # lab_import.kind holds 16 characters
MEMBER_COLUMNS = ("institution", "document_number", "role", "started_on")


def _day(n: int, raw: dict[str, Any], column: str) -> date | None:
    value = raw.get(column)
    if value is None or not str(value).strip():
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise RowError(n, column, "not a day (YYYY-MM-DD)") from None


def import_members(
    session: Session,
    actor: Actor,
    data: bytes,
    fmt: Format,
    *,
    now: datetime,
    filename: str | None = None,
) -> ImportSummary:
    """Record every resident and member of staff of the file, or none (measure 14). Columns: `institution` (its
    name), `document_number`, `role` (resident or staff), `started_on` and optionally `ended_on`. A bad row raises
    RowError naming the row and the field; the same file twice changes nothing."""
    actor.require(Permission.manage_sites)
    batch = claimed(session, actor, digest(data), MEMBERS_KIND, filename)
    if isinstance(batch, ImportSummary):
        return batch
    parsed: list[tuple[int, str, dict[str, Any]]] = []
    for n, raw in records(data, fmt, MEMBER_COLUMNS):
        parsed.append((n, _document(n, raw, now), raw))
    found = people_by_document(session, actor, {number for _, number, _ in parsed})
    homes = {home.name: home.id for home in list_institutions(session, actor)}
    today = local_day(now)
    added = 0
    with session.begin_nested():  # all or nothing: a bad row rolls back every row before it
        for n, number, raw in parsed:
            person_id = found.get(number)
            if person_id is None:
                raise RowError(n, "document_number", "no person with this document in your jurisdiction")
            home = homes.get(text_of(n, raw, "institution", max_len=200))
            if home is None:
                raise RowError(n, "institution", "no key institution of this name in your jurisdiction")
            started = _day(n, raw, "started_on")
            if started is None:
                raise RowError(n, "started_on", "missing")
            try:
                item = MemberIn(
                    person_id=person_id,
                    role=text_of(n, raw, "role", max_len=16),
                    started_on=started,
                    ended_on=_day(n, raw, "ended_on"),
                )
                add_member(session, actor, home, item, today=today)
            except ValidationError as e:
                raise RowError(n, str(e.errors()[0]["loc"][0]), "not a day this store keeps") from None
            except InvalidInput as e:
                if isinstance(e, RowError):
                    raise
                raise RowError(n, e.field, e.message) from None
            added += 1
    outcomes = {"added": added}
    batch.rows, batch.added = len(parsed), added
    batch.summary = {"outcomes": outcomes}
    session.flush()
    return ImportSummary(
        import_id=batch.id, kind=MEMBERS_KIND, rows=len(parsed), added=added, already_imported=False, outcomes=outcomes
    )
