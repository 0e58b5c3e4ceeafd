"""The files imported and refused, as the people who sent them see them: a lab account its own, the command centre
and supervisors everyone's. An accepted file is a `LabImport`; a refused one leaves nothing behind (the import is
all or nothing), so the console notes the refusal in the audit log (`import_refused`) and the list reads both."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Select, String, cast, func, select
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.models import AuditEntry
from fangkong.services.audit.service import record
from fangkong.services.file_imports.models import LabImport
from fangkong.services.paging import page_of

KINDS = ("samples", "results", "scans")
OUTCOMES = ("accepted", "refused")
REFUSED = "import_refused"  # the audit action (16 characters at most)


def sees_every_import(actor: Actor) -> bool:
    """The command centre and supervisors see every account's files; anyone else only their own."""
    return actor.may(Permission.read_audit) or actor.may(Permission.apply_policy_transition)


def list_imports(
    session: Session, actor: Actor, *, kind: str | None = None, offset: int = 0, limit: int = 50
) -> tuple[list[LabImport], int]:
    """Files accepted, newest first: a lab account's own, or everyone's for those who oversee them."""
    return page_of(session, _accepted(actor, kind), offset=offset, limit=limit)


def record_refused(
    session: Session,
    actor: Actor,
    *,
    kind: str,
    filename: str | None,
    field: str | None,
    message: str,
    row: int | None = None,
    clause: str | None = None,
) -> None:
    """Note a file the import refused (after its rollback), so its sender finds it with the reason and the row."""
    detail = {"kind": kind, "filename": filename, "field": field, "row": row, "message": message, "clause": clause}
    record(session, actor, action=REFUSED, entity="lab_import", entity_id="-", detail=detail)


class ImportLine(BaseModel):
    """One file sent: accepted (with the rows read and added, the rules' outcomes and their consequences) or
    refused (with the field, row, reason and clause)."""

    at: datetime
    outcome: str  # accepted | refused
    kind: str
    filename: str | None
    imported_by: str
    import_id: int | None = None
    rows: int | None = None
    added: int | None = None
    outcomes: dict[str, int] = {}
    consequences: dict[str, int] = {}
    field: str | None = None
    row: int | None = None
    message: str | None = None
    clause: str | None = None
    seq: int = 0  # the audit entry's number: the order the files came in (a drill's clock stands still)


def _accepted(actor: Actor, kind: str | None) -> Select[LabImport]:
    stmt = select(LabImport)
    if not sees_every_import(actor):
        stmt = stmt.where(LabImport.imported_by == actor.username)
    if kind is not None:
        stmt = stmt.where(LabImport.kind == kind)
    return stmt.order_by(LabImport.id.desc())


def _refused(actor: Actor, kind: str | None) -> Select[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.action == REFUSED, AuditEntry.entity == "lab_import")
    if not sees_every_import(actor):
        stmt = stmt.where(AuditEntry.actor == actor.username)
    if kind is not None:
        stmt = stmt.where(AuditEntry.detail["kind"].as_string() == kind)
    return stmt.order_by(AuditEntry.id.desc())


def _accepted_in_order(actor: Actor, kind: str | None) -> Select[LabImport, int]:
    """The files accepted, each with the number of the audit entry its import wrote, which orders it among the
    refusals (the entry is found through its indexed entity id)."""
    entry = (
        (AuditEntry.entity_id == cast(LabImport.id, String))
        & (AuditEntry.entity == "lab_import")
        & (AuditEntry.action == "import")
    )
    stmt = select(LabImport, AuditEntry.id).outerjoin(AuditEntry, entry)
    if not sees_every_import(actor):
        stmt = stmt.where(LabImport.imported_by == actor.username)
    if kind is not None:
        stmt = stmt.where(LabImport.kind == kind)
    return stmt.order_by(LabImport.id.desc())


def _count(session: Session, stmt: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def _line_of_import(i: LabImport, seq: int | None) -> ImportLine:
    summary: dict[str, Any] = i.summary or {}
    return ImportLine(
        seq=seq or 0,
        at=i.imported_at,
        outcome="accepted",
        kind=i.kind,
        filename=i.filename,
        imported_by=i.imported_by,
        import_id=i.id,
        rows=i.rows,
        added=i.added,
        outcomes=dict(summary.get("outcomes", {})),
        consequences=dict(summary.get("consequences", {})),
    )


def _line_of_refusal(e: AuditEntry) -> ImportLine:
    d = e.detail or {}
    return ImportLine(
        seq=e.id,
        at=e.at,
        outcome="refused",
        kind=str(d.get("kind") or ""),
        filename=d.get("filename"),
        imported_by=e.actor,
        field=d.get("field"),
        row=d.get("row"),
        message=d.get("message"),
        clause=d.get("clause"),
    )


def import_history(
    session: Session,
    actor: Actor,
    *,
    kind: str | None = None,
    outcome: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[ImportLine], int]:
    """Files accepted and refused, newest first, one page of both together; the total counts both."""
    if not (actor.may(Permission.import_lab) or sees_every_import(actor)):
        actor.require(Permission.import_lab)  # says who may
    if kind is not None and kind not in KINDS:
        raise InvalidInput("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    if outcome is not None and outcome not in OUTCOMES:
        raise InvalidInput("outcome", f"{outcome!r} is not one of {', '.join(OUTCOMES)}")
    if offset < 0:
        raise InvalidInput("offset", "must be 0 or more")
    # each source's first offset + limit rows, newest first, hold the merged page's rows
    wanted = offset + limit
    lines: list[ImportLine] = []
    total = 0
    if outcome in (None, "accepted"):
        stmt = _accepted_in_order(actor, kind)
        lines += [_line_of_import(i, seq) for i, seq in session.execute(stmt.limit(wanted)).all()]
        total += _count(session, _accepted(actor, kind))
    if outcome in (None, "refused"):
        refusals = _refused(actor, kind)
        lines += [_line_of_refusal(e) for e in session.scalars(refusals.limit(wanted))]
        total += _count(session, refusals)
    lines.sort(key=lambda line: line.seq, reverse=True)
    return lines[offset:wanted], total
