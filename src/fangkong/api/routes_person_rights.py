"""A person's rights over their data (Personal Information Protection Law): the export of everything held about
them (art. 45) and the retention job that anonymises what has expired (art. 47), for administrators."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from fangkong.api.deps import CurrentActor, DbSession, Rules, Today
from fangkong.services.retention.export import person_export
from fangkong.services.retention.service import run_retention

router = APIRouter(prefix="/api", tags=["person rights"])

# an id the store can hold (PostgreSQL's integer): a larger one is a 422 naming the field, not a 500
PersonId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Reason = Annotated[str | None, Query(description="why the records are opened (kept in the audit log)")]


class RetentionRunRead(BaseModel):
    today: str
    retention_days: int
    cutoff: str
    clause: str
    dry_run: bool
    anonymised: int
    kept: dict[str, int]


@router.get("/persons/{person_id}/export")
def export_person(
    person_id: PersonId, session: DbSession, actor: CurrentActor, reason: Reason = None
) -> dict[str, Any]:
    """Everything held about one person in your jurisdiction, as one JSON document: the record, orders and their
    events, samples and results, the health code and its changes, infections, contact proposals, venue scans,
    visits, appeals and the audit entries about them (PIPL art. 45). The export is audited."""
    return person_export(session, actor, person_id, reason=reason)


@router.post("/retention/run", response_model=RetentionRunRead)
def retention_run(
    session: DbSession,
    actor: CurrentActor,
    policy: Rules,
    today: Today,
    dry_run: Annotated[bool, Query(description="count who would be anonymised; change nothing")] = True,
) -> RetentionRunRead:
    """Anonymise the personal data of people in your jurisdiction whose management ended more than the retention
    period ago (PIPL art. 47; parameter privacy.retention_days). A dry run unless `dry_run=false`; administrators
    only; each person anonymised is audited."""
    run = run_retention(session, actor, policy, today=today, dry_run=dry_run)
    return RetentionRunRead(
        today=run.today.isoformat(),
        retention_days=run.retention_days,
        cutoff=run.cutoff.isoformat(),
        clause=run.clause,
        dry_run=run.dry_run,
        anonymised=run.anonymised,
        kept=run.kept,
    )
