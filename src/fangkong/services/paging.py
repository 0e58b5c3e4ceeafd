"""One page of an ordered query and the total it was cut from: what every list in the API returns."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput

T = TypeVar("T")

MAX_LIMIT = 500


def page_of(session: Session, stmt: Select[T], *, offset: int, limit: int) -> tuple[list[T], int]:
    """Rows `offset`..`offset+limit` of `stmt` (which must already be ordered) and the count of all its rows."""
    if offset < 0:
        raise InvalidInput("offset", "must be 0 or more")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("limit", f"must be between 1 and {MAX_LIMIT}")
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    return list(session.scalars(stmt.offset(offset).limit(limit))), total
