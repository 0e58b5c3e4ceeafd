"""Sample registrations and lab results, uploaded as files (CSV or JSON in the request body); the retests
and temporary controls they set in motion."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import select

from fangkong.api.deps import CurrentActor, DbSession, Now, Rules
from fangkong.api.pages import Limit, Offset, Page
from fangkong.api.raw_files import FILE_BODY, ContentType, Filename, StreamedBody
from fangkong.bounds import StoreId
from fangkong.services.access import Permission
from fangkong.services.audit.reads import read_of
from fangkong.services.file_imports.batches import ImportSummary
from fangkong.services.file_imports.history import list_imports
from fangkong.services.file_imports.rows import format_of
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.lab.imports import import_results, import_samples
from fangkong.services.lab.models import Retest, TemporaryControl
from fangkong.services.persons.models import Person

router = APIRouter(prefix="/api/lab", tags=["lab"])


@router.post("/samples", response_model=ImportSummary, openapi_extra=FILE_BODY)
def upload_samples(
    body: StreamedBody,
    session: DbSession,
    actor: CurrentActor,
    now: Now,
    policy: Rules,
    filename: Filename = None,
    content_type: ContentType = None,
) -> ImportSummary:
    """Register tubes: `barcode, pool_size (1, 5, 10 or 20), sampling_point, collected_at, members` (the
    members' document numbers separated by `;`). All rows or none; the same file twice is a no-op. The body is
    streamed to a temporary file, not held whole (`raw_files.streamed_body`)."""
    return import_samples(
        session, actor, body, fmt=format_of(filename, content_type), now=now, filename=filename, policy=policy
    )


@router.post("/results", response_model=ImportSummary, openapi_extra=FILE_BODY)
def upload_results(
    body: StreamedBody,
    session: DbSession,
    actor: CurrentActor,
    now: Now,
    policy: Rules,
    filename: Filename = None,
    content_type: ContentType = None,
) -> ImportSummary:
    """Results: `barcode, lab, reported_at, ct_orf1ab, ct_n` (empty Ct = not detected). Each is adjudicated
    and its consequences applied — pool holds and retests, infections, transfers, past infections."""
    return import_results(
        session, actor, body, fmt=format_of(filename, content_type), now=now, filename=filename, policy=policy
    )


class ImportRead(BaseModel):
    id: int
    kind: str
    filename: str | None
    rows: int
    added: int
    summary: dict[str, object]
    imported_by: str
    imported_at: datetime


@router.get("/imports", response_model=Page[ImportRead])
def imports(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    kind: Annotated[str | None, Query(description="samples, results or scans")] = None,
) -> Page[ImportRead]:
    """Files imported, newest first (labs see their own; the command centre and supervisors all)."""
    rows, total = list_imports(session, actor, kind=kind, offset=offset, limit=limit)
    return Page(
        items=[ImportRead.model_validate(r, from_attributes=True) for r in rows],
        total=total,
        offset=offset,
        limit=limit,
    )


class RetestRead(BaseModel):
    id: int
    person_id: StoreId
    person_name: str
    jurisdiction_code: str
    reason: str
    due_at: datetime
    cite: list[str]
    held_since: datetime | None


@router.get("/retests", response_model=Page[RetestRead])
def open_retests(
    session: DbSession,
    actor: CurrentActor,
    now: Now,
    offset: Offset = 0,
    limit: Limit = 50,
    due_by: Annotated[datetime | None, Query(description="only retests due by this instant (default: any)")] = None,
) -> Page[RetestRead]:
    """Single-tube retests owed (members of positive pools, entrants 24 h after a Ct 35–40 result), by due time."""
    actor.require(Permission.read_persons)
    stmt = (
        select(Retest, Person, TemporaryControl.started_at)
        .join(Person, Person.id == Retest.person_id)
        .join(Jurisdiction, Person.jurisdiction_code == Jurisdiction.code)
        .outerjoin(
            TemporaryControl,
            (TemporaryControl.person_id == Retest.person_id) & TemporaryControl.ended_at.is_(None),
        )
        .where(Jurisdiction.path.startswith(actor.jurisdiction_path), Retest.done_sample_id.is_(None))
    )
    if due_by is not None:
        stmt = stmt.where(Retest.due_at <= due_by)
    stmt = stmt.order_by(Retest.due_at, Retest.id)
    total = len(session.execute(stmt).all())
    rows = session.execute(stmt.offset(offset).limit(limit)).all()
    items = [
        RetestRead(
            id=r.id,
            person_id=p.id,
            person_name=p.name,
            jurisdiction_code=p.jurisdiction_code,
            reason=r.reason,
            due_at=r.due_at,
            cite=r.cite,
            held_since=held,
        )
        for r, p, held in rows
    ]
    read_of(session, actor, "retests", [i.person_id for i in items])
    return Page(items=items, total=total, offset=offset, limit=limit)
