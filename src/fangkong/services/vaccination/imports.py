"""Imports of doses from a vaccination register, CSV or JSON (measure 12, m20.12): keyed by the person's document
number, all-or-nothing, idempotent by the file's digest (`services.file_imports`), each bad row refused naming its line
and field — a resident identity number whose check character is wrong (GB 11643, `rules.resident_id`) included."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fangkong.bounds import FIRST_DAY, LAST_DAY
from fangkong.errors import InvalidInput, RowError
from fangkong.policy import Policy, load_policy
from fangkong.rules.resident_id import check_resident_id
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.file_imports.batches import ImportSummary, already_imported, claimed, digest
from fangkong.services.file_imports.rows import Format, limited, records, text_of
from fangkong.services.persons.models import Person
from fangkong.services.persons.service import people_by_document
from fangkong.services.vaccination.models import VaccinationDose
from fangkong.services.vaccination.service import MAX_DOSES, DoseIn, checked_dose

COLUMNS = ("document_number", "product", "dose_number", "given_on")
OPTIONAL = ("document_type", "manufacturer", "site", "lot")
KIND = "vaccine_doses"
CHUNK = 1000  # persons or rows a statement: under the bound parameters SQLite and PostgreSQL take


def import_doses(
    session: Session,
    actor: Actor,
    data: bytes,
    fmt: Format,
    *,
    today: date,
    policy: Policy | None = None,
    filename: str | None = None,
) -> ImportSummary:
    """Import a file of doses: `document_number, product, dose_number, given_on` and optionally `document_type`
    (resident_id when left out: its check character is verified), `manufacturer`, `site`, `lot`. A person's doses
    may come in any row order (they are recorded by dose number); each is checked as `service.record_dose` checks
    one. The same bytes a second time change nothing; a bad row refuses the whole file, naming the row and column."""
    actor.require(Permission.write_persons)
    key = digest(data)
    if (again := already_imported(session, key, KIND, actor)) is not None:
        return again
    rows = [_read(n, raw) for n, raw in limited(records(data, fmt, COLUMNS))]
    if not rows:
        raise InvalidInput("file", "no rows")
    people = people_by_document(session, actor, {r[1] for r in rows})
    for n, number, _ in rows:
        if number not in people:
            raise RowError(n, "document_number", "no person with this document number in your jurisdiction")
    rules = (policy or load_policy()).at(today)
    births, previous = _people_and_doses(session, set(people.values()))
    with session.begin_nested():  # a bad row leaves nothing behind
        batch = claimed(session, actor, key, KIND, filename)
        if isinstance(batch, ImportSummary):
            return batch
        new: list[dict[str, Any]] = []
        # a person's rows in dose-number order, checked as `record_dose` checks one against the doses before it
        for n, number, dose in sorted(rows, key=lambda r: (people[r[1]], r[2].dose_number, r[0])):
            pid = people[number]
            try:
                product = checked_dose(dose, previous[pid], births.get(pid), today=today, rules=rules)
            except InvalidInput as exc:
                raise RowError(n, exc.field, exc.message) from None
            previous[pid].append((dose.dose_number, dose.given_on))
            new.append(
                {
                    "person_id": pid,
                    "product": product.code,
                    "manufacturer": product.manufacturer_zh,
                    "dose_number": dose.dose_number,
                    "given_on": dose.given_on,
                    "site": dose.site,
                    "lot": dose.lot,
                    "import_id": batch.id,
                    "recorded_by": actor.username,
                }
            )
        for start in range(0, len(new), CHUNK):
            session.execute(insert(VaccinationDose), new[start : start + CHUNK])
        batch.rows = batch.added = len(rows)
        record(session, actor, action="import", entity="lab_import", entity_id=batch.id, detail={"kind": KIND})
        session.flush()
    return ImportSummary(import_id=batch.id, kind=KIND, rows=len(rows), added=len(rows), already_imported=False)


def _people_and_doses(
    session: Session, ids: set[int]
) -> tuple[dict[int, date | None], dict[int, list[tuple[int, date]]]]:
    """The birth dates of the persons a file names and the doses they have (numbers and days, in order), read a
    thousand persons a query."""
    births: dict[int, date | None] = {}
    previous: dict[int, list[tuple[int, date]]] = defaultdict(list)
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        part = ordered[start : start + CHUNK]
        for pid, born in session.execute(select(Person.id, Person.birth_date).where(Person.id.in_(part))):
            births[pid] = born
        stmt = select(VaccinationDose.person_id, VaccinationDose.dose_number, VaccinationDose.given_on).where(
            VaccinationDose.person_id.in_(part)
        )
        for pid, number, day in session.execute(stmt.order_by(VaccinationDose.person_id, VaccinationDose.dose_number)):
            previous[pid].append((number, day))
    return births, previous


def _read(n: int, raw: dict[str, Any]) -> tuple[int, str, DoseIn]:
    """One row: its number, the document number and the dose, refused naming the row and the column."""
    number = text_of(n, raw, "document_number", max_len=64).upper()
    kind = _optional(n, raw, "document_type", max_len=20) or "resident_id"
    if kind == "resident_id":
        checked = check_resident_id(number)
        if not checked.valid:
            raise RowError(n, "document_number", checked.problems[0].text)
    number_text = text_of(n, raw, "dose_number", max_len=4)
    if not number_text.isascii() or not number_text.isdigit():
        raise RowError(n, "dose_number", f"{number_text!r} is not a whole number")
    day_text = text_of(n, raw, "given_on", max_len=10)
    try:
        given_on = date.fromisoformat(day_text)
    except ValueError:
        raise RowError(n, "given_on", f"{day_text!r} is not a date (YYYY-MM-DD)") from None
    if not FIRST_DAY <= given_on <= LAST_DAY:
        raise RowError(n, "given_on", f"{given_on} is not between {FIRST_DAY} and {LAST_DAY}")
    if not 1 <= int(number_text) <= MAX_DOSES:
        raise RowError(n, "dose_number", f"{number_text} is not between {1} and {MAX_DOSES}")
    dose = DoseIn(
        product=text_of(n, raw, "product", max_len=32),
        dose_number=int(number_text),
        given_on=given_on,
        manufacturer=_optional(n, raw, "manufacturer", max_len=200),
        site=_optional(n, raw, "site", max_len=200),
        lot=_optional(n, raw, "lot", max_len=64),
    )
    return n, number, dose


def _optional(n: int, raw: dict[str, Any], column: str, *, max_len: int) -> str | None:
    """A value that may be left out or empty, at most `max_len` characters."""
    value = raw.get(column)
    if value is None or not str(value).strip():
        return None
    return text_of(n, raw, column, max_len=max_len)
