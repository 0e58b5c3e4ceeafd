"""Venues with a venue code (场所码) and the scans of those codes: registered, imported from files, and asked which
scans put someone at a venue together with a given person."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, func, insert, or_, select, text
from sqlalchemy.orm import Session

from fangkong.errors import Conflict, InvalidInput, RowError
from fangkong.rules.tracing import ExposureWindow, Scan
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.calendar import midnight
from fangkong.services.file_imports.batches import (
    ImportSummary,
    Progress,
    already_imported,
    claimed,
    digest,
    logged,
)
from fangkong.services.file_imports.bulk import chunks, copy_into
from fangkong.services.file_imports.rows import Format, instant_of, records, text_of
from fangkong.services.jurisdictions.service import jurisdiction_in_scope
from fangkong.services.persons.service import people_by_document

from .models import Venue, VenueScan

SCAN_COLUMNS = ("document_number", "venue_code", "scanned_at")


class VenueCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=3, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=400)
    jurisdiction_code: str


def register_venue(session: Session, actor: Actor, data: VenueCreate) -> Venue:
    actor.require(Permission.trace_contacts)
    jurisdiction_in_scope(session, actor, data.jurisdiction_code)
    if session.get(Venue, data.code) is not None:
        raise Conflict("code", f"venue code {data.code} is registered")
    venue = Venue(**data.model_dump())
    session.add(venue)
    session.flush()
    return venue


@logged("scans")
def import_scans(
    session: Session,
    actor: Actor,
    data: bytes,
    *,
    fmt: Format,
    now: datetime,
    filename: str | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Venue-code scans (document number, venue code, instant); idempotent, all-or-nothing, bulk loaded."""
    actor.require(Permission.trace_contacts)
    key = digest(data)
    if (again := already_imported(session, key, "scans", actor)) is not None:
        return again
    raw_rows = []
    for n, raw in records(data, fmt, SCAN_COLUMNS):
        raw_rows.append(
            (
                n,
                text_of(n, raw, "document_number", max_len=64).upper(),
                text_of(n, raw, "venue_code", max_len=64),
                instant_of(n, raw, "scanned_at", now),
            )
        )
    if not raw_rows:
        raise InvalidInput("file", "no rows")
    if progress:
        progress("checked", len(raw_rows), len(raw_rows))
    people = people_by_document(session, actor, {r[1] for r in raw_rows})
    venues: set[str] = set()
    for part in chunks(sorted({r[2] for r in raw_rows})):
        venues.update(session.scalars(select(Venue.code).where(Venue.code.in_(part))))
    for n, doc, venue, _ in raw_rows:
        if doc not in people:
            raise RowError(
                n, "document_number", f"no person with document {doc[:6]}… is registered in your jurisdiction"
            )
        if venue not in venues:
            raise RowError(n, "venue_code", f"no venue {venue} is registered")
    # the same file sent twice at once: the second waits for the first and answers as already imported
    batch = claimed(session, actor, key, "scans", filename)
    if isinstance(batch, ImportSummary):
        return batch
    batch.rows = len(raw_rows)
    before = _scan_count(session)
    values = [(people[doc], venue, at) for _, doc, venue, at in raw_rows]
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        session.execute(
            text(
                "CREATE TEMP TABLE IF NOT EXISTS venue_scan_stage "
                "(person_id integer, venue_code varchar(64), scanned_at timestamptz) ON COMMIT DROP"
            )
        )
        copy_into(session, "venue_scan_stage", ("person_id", "venue_code", "scanned_at"), values)
        session.execute(
            text(
                "INSERT INTO venue_scan (person_id, venue_code, scanned_at) "
                "SELECT person_id, venue_code, scanned_at FROM venue_scan_stage "
                "ON CONFLICT ON CONSTRAINT uq_venue_scan DO NOTHING"
            )
        )
        session.execute(text("TRUNCATE venue_scan_stage"))
    else:
        session.execute(
            insert(VenueScan).prefix_with("OR IGNORE"),
            [{"person_id": p, "venue_code": v, "scanned_at": at} for p, v, at in values],
        )
    added = _scan_count(session) - before
    batch.added = added
    record(session, actor, action="import", entity="lab_import", entity_id=batch.id, detail={"kind": "scans"})
    session.flush()
    return ImportSummary(import_id=batch.id, kind="scans", rows=len(raw_rows), added=added, already_imported=False)


def _scan_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(VenueScan)) or 0


def co_present_scans(
    session: Session, person_id: int, window: ExposureWindow, until: datetime | None, gap: timedelta
) -> tuple[list[Scan], list[Scan]]:
    """The person's scans in the window, and everyone's scans of the same venues within the gap of one."""
    if window.from_day is None:
        return [], []
    start = midnight(window.from_day)
    mine_stmt = select(VenueScan).where(VenueScan.person_id == person_id, VenueScan.scanned_at >= start)
    if until is not None:
        mine_stmt = mine_stmt.where(VenueScan.scanned_at <= until)
    mine = [Scan(person_id=s.person_id, venue=s.venue_code, at=s.scanned_at) for s in session.scalars(mine_stmt)]
    if not mine:
        return [], []
    # one range per visit of the person, on the (venue_code, scanned_at) index; bounds computed here because
    # instants are compared, not computed, in SQL (SQLite has no interval arithmetic on them)
    others: list[Scan] = []
    for part in chunks(mine, 200):
        stmt = select(VenueScan.person_id, VenueScan.venue_code, VenueScan.scanned_at).where(
            VenueScan.person_id != person_id,
            or_(
                *(
                    and_(VenueScan.venue_code == v.venue, VenueScan.scanned_at.between(v.at - gap, v.at + gap))
                    for v in part
                )
            ),
        )
        others.extend(Scan(person_id=p, venue=v, at=at) for p, v, at in session.execute(stmt))
    return mine, others
