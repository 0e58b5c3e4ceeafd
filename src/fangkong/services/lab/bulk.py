"""Writing many rows at once through the database's bulk path: COPY on PostgreSQL, one executemany
(SQLAlchemy's insertmanyvalues) on SQLite. Both run inside the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from fangkong.services.store import chunks

__all__ = ["chunks", "copy_into", "copy_rows"]


def copy_rows(session: Session, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Append `rows` (values in `columns` order) to `table`; returns how many."""
    if session.connection().dialect.name == "postgresql":
        return copy_into(session, table.name, columns, rows)
    batch = [dict(zip(columns, row, strict=True)) for row in rows]
    if batch:
        session.execute(insert(table), batch)
    return len(batch)


def copy_into(session: Session, table_name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """PostgreSQL's COPY FROM STDIN on the session's own connection (so inside its transaction)."""
    raw = session.connection().connection.driver_connection
    assert raw is not None
    count = 0
    with raw.cursor() as cursor, cursor.copy(f"COPY {table_name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_pg(v) for v in row])
            count += 1
    return count


def _pg(value: Any) -> Any:
    # COPY's text format wants instants with their offset; psycopg adapts the rest
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value
