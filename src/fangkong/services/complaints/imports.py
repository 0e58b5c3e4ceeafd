"""Imports of complaints and hotline calls from CSV or JSON (接诉即办, measure 18; issue 21): a hotline centre's or a
platform's export of what it received, one complaint a row, each routed with its deadline by the rules and each clue
of over-reach a finding (as `receive_complaint` does). One batch of `file_imports`: the same bytes a second time change
nothing; a bad row refuses the whole file, naming its row and field."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput, NotFound, RowError
from fangkong.policy import Policy, load_policy
from fangkong.services.access import Actor, Permission
from fangkong.services.file_imports.batches import ImportSummary, claimed, digest
from fangkong.services.file_imports.rows import Format, instant_of, records, text_of

from .service import ComplaintCreate, receive_complaint

KIND = "complaints"
COLUMNS = ("content", "jurisdiction_code")
OPTIONAL = (
    "received_at",
    "channel",
    "complainant_kind",
    "complainant_name",
    "complainant_phone",
    "complainant_id_number",
    "category",
    "place",
    "affected",
    "urgency",
    "department",
)


def _optional(raw: dict[str, Any], column: str) -> str | None:
    value = raw.get(column)
    return str(value).strip() or None if value is not None else None


def import_complaints(
    session: Session,
    actor: Actor,
    data: bytes,
    fmt: Format,
    *,
    now: datetime,
    filename: str | None = None,
    policy: Policy | None = None,
) -> ImportSummary:
    """Receive every complaint of the file, or none (measure 18). Columns: `content, jurisdiction_code` and
    optionally `received_at` (ISO 8601, not in the future; now if absent), `channel, complainant_kind,
    complainant_name, complainant_phone, complainant_id_number, category, place, affected, urgency, department`. A bad
    row raises RowError naming the row and the field."""
    actor.require(Permission.write_persons)
    batch = claimed(session, actor, digest(data), KIND, filename)
    if isinstance(batch, ImportSummary):
        return batch
    rules = policy or load_policy()
    rows = list(records(data, fmt, COLUMNS))
    clues = 0
    with session.begin_nested():  # all or nothing: a bad row rolls back every row before it
        for n, raw in rows:
            received = instant_of(n, raw, "received_at", now) if _optional(raw, "received_at") else now
            try:
                item = ComplaintCreate(
                    content=text_of(n, raw, "content", max_len=4000),
                    jurisdiction_code=text_of(n, raw, "jurisdiction_code", max_len=32),
                    received_at=received,
                    channel=_optional(raw, "channel") or "hotline",
                    complainant_kind=_optional(raw, "complainant_kind") or "resident",
                    complainant_name=_optional(raw, "complainant_name"),
                    complainant_phone=_optional(raw, "complainant_phone"),
                    complainant_id_number=_optional(raw, "complainant_id_number"),
                    category=_optional(raw, "category") or "general",
                    place=_optional(raw, "place"),
                    affected=_optional(raw, "affected"),
                    urgency=_optional(raw, "urgency"),
                    department=_optional(raw, "department"),
                )
                c = receive_complaint(session, actor, item, now=now, policy=rules)
            except RowError:
                raise
            except InvalidInput as e:
                raise RowError(n, e.field, e.message) from None
            except NotFound:
                raise RowError(n, "jurisdiction_code", "no such place in your jurisdiction") from None
            except ValidationError as e:  # a value too long for its field
                first = e.errors()[0]
                raise RowError(n, str(first["loc"][0]) if first["loc"] else "content", first["msg"]) from None
            clues += c.finding_id is not None
    outcomes = {"added": len(rows), "clues": clues}
    batch.rows, batch.added = len(rows), len(rows)
    batch.summary = {"outcomes": outcomes}
    session.flush()
    return ImportSummary(
        import_id=batch.id, kind=KIND, rows=len(rows), added=len(rows), already_imported=False, outcomes=outcomes
    )
