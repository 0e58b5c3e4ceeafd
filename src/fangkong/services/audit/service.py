"""Writing to and reading the audit log. Entries are only ever added (the database refuses changes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.services.access import Actor, Permission
from fangkong.services.audit.models import AuditEntry
from fangkong.services.paging import page_of


def record(
    session: Session,
    actor: Actor,
    *,
    action: str,
    entity: str,
    entity_id: object,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            actor=actor.username,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            reason=reason,
            detail=detail or {},
        )
    )


def entries_for(
    session: Session,
    actor: Actor,
    *,
    entity: str,
    entity_id: object,
    action: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> tuple[list[AuditEntry], int]:
    """The trail of one record, oldest first; the caller has checked that the record is in the actor's scope."""
    actor.require(Permission.read_audit)
    stmt = select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    return page_of(session, stmt.order_by(AuditEntry.id), offset=offset, limit=limit)
