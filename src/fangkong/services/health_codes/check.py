"""The venue and transport check of a health code, at the rate of a city's scanners.

"Code-managed, may not go out" (赋码管理, measures 1, 3, 5 and 9 of the notice, clauses `m20.1`, `m20.3`,
`m20.5`, `m20.9`) is enforced where the code is scanned: at a venue's door, a station's gate, a bus. The scanner
sends the token the code's QR carries and gets back the colour and the day it is for; nothing personal (no
person id, no name, no reasons). The token is the capability: 256 random bits, shown by its holder.

The store stays the source of truth: every check reads the stored status with one raw DBAPI statement, never
through the ORM and never from a copy that could be stale, so a recompute, a refresh after an appeal, or any
commit by another process is visible to the very next check.

- SQLite: one prepared statement per check on a dedicated read connection in autocommit mode. Each statement
  reads the newest committed snapshot of the WAL (another connection's or process's commit included).
- PostgreSQL: the checks waiting at one moment share one prepared statement (`token = ANY(...)`) on a
  dedicated autocommit connection. A check never joins a statement already sent: it waits for the next one,
  which starts after it arrived, so under READ COMMITTED it sees every transaction committed before it.

A token-to-colour map in memory, invalidated by `PRAGMA data_version` (SQLite) or a change counter, was
measured and not chosen; see docs/areas-and-codes.md, "The venue check".
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import psycopg
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from fangkong.policy import Policy
from fangkong.services.access import SYSTEM

from .facts import standing
from .service import lookup

APPLICATION_NAME = "fangkong venue check"  # how its connections show in pg_stat_activity
MMAP_BYTES = 256 * 1024 * 1024
CACHE_KIB = 64 * 1024
TOKEN_LENGTH = 43  # secrets.token_urlsafe(32): 32 bytes in unpadded base64url
_TOKEN_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
# "on" is a keyword in SQL: quoted. The unique index on token answers it.
_ONE = 'SELECT colour, "on", until FROM health_code WHERE token = ?'
_MANY = 'SELECT token, colour, "on", until FROM health_code WHERE token = ANY(%s)'


@dataclass(frozen=True, slots=True)
class StoredCode:
    """What the store holds for a token: the colour, the day it was computed for and the last day it stands
    without a new event (None: until an event; `service.standing`)."""

    colour: str
    on: date
    until: date | None = None

    def stands_on(self, day: date) -> bool:
        return standing(self.on, self.until, day)


def well_formed(token: str) -> bool:
    """A token the store could hold. Anything else is not found without asking the store (a scanner
    sending junk costs nothing)."""
    return len(token) == TOKEN_LENGTH and _TOKEN_ALPHABET.issuperset(token)


def check_body(colour: str, on: date) -> bytes:
    """The check's answer, encoded once per (colour, day) by the caller's cache: colour and day only."""
    return json.dumps({"colour": colour, "on": on.isoformat()}, separators=(",", ":")).encode()


class CodeStore(Protocol):
    """The stored status of a token, read from the store itself on every call."""

    async def stored(self, token: str) -> StoredCode | None: ...

    async def aclose(self) -> None: ...


class SqliteCodeStore:
    """One prepared statement per check on a read-only use of a dedicated connection.

    Autocommit (`isolation_level=None`): no transaction is left open between checks, so each statement takes
    the newest WAL snapshot. The statement takes ~10 µs, so it runs on the event loop rather than paying a
    thread hand-off that costs more than the query.
    """

    def __init__(self, path: str) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            # opened lazily: in the worker process that serves, after any fork; the event loop thread may
            # differ between test clients, hence check_same_thread=False (the loop never shares it)
            conn = sqlite3.connect(self._path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA query_only = ON")  # this connection never writes, whatever calls it
            # index and rows from mapped memory and a larger page cache: ~10 -> ~7 µs a lookup over 300,000 codes
            conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            self._conn = conn
        return self._conn

    async def stored(self, token: str) -> StoredCode | None:
        row = self._connection().execute(_ONE, (token,)).fetchone()
        if row is None:
            return None
        return StoredCode(row[0], date.fromisoformat(row[1]), date.fromisoformat(row[2]) if row[2] else None)

    async def aclose(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class PostgresCodeStore:
    """The checks waiting at one moment answered by one prepared statement on a dedicated connection.

    While a statement is out, new checks queue for the next one; never for the one in flight, whose snapshot
    may predate them. A burst of scans thus costs one round trip, not one each.
    """

    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._conn: psycopg.AsyncConnection[tuple[str, str, date, date | None]] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: dict[str, list[asyncio.Future[StoredCode | None]]] = {}
        self._draining = False
        self._drainer: asyncio.Task[None] | None = None  # held: the loop keeps only weak references to tasks

    async def _connection(self) -> psycopg.AsyncConnection[tuple[str, str, date, date | None]]:
        loop = asyncio.get_running_loop()
        if self._conn is None or self._conn.closed or self._loop is not loop:
            # a connection belongs to the loop that opened it (a test client may run a loop per request)
            self._conn = await psycopg.AsyncConnection.connect(
                self._conninfo, autocommit=True, application_name=APPLICATION_NAME
            )
            self._loop = loop
        return self._conn

    async def stored(self, token: str) -> StoredCode | None:
        loop = asyncio.get_running_loop()
        if self._loop is not None and self._loop is not loop:
            self._waiting, self._draining = {}, False  # left behind by a loop that is gone
        answer: asyncio.Future[StoredCode | None] = loop.create_future()
        self._waiting.setdefault(token, []).append(answer)
        if not self._draining:
            self._draining = True
            self._drainer = loop.create_task(self._drain())
        return await answer

    async def _drain(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, {}
                try:
                    found = await self._query(list(batch))
                except Exception as exc:  # every waiting check fails alike (a 500); the next batch reconnects
                    if self._conn is not None:
                        await self._conn.close()
                    for futures in batch.values():
                        for f in futures:
                            if not f.done():
                                f.set_exception(exc)
                    continue
                for token, futures in batch.items():
                    for f in futures:
                        if not f.done():
                            f.set_result(found.get(token))
        finally:
            self._draining = False

    async def _query(self, tokens: list[str]) -> dict[str, StoredCode]:
        conn = await self._connection()
        cursor = await conn.execute(_MANY, (tokens,), prepare=True)
        return {token: StoredCode(colour, on, until) for token, colour, on, until in await cursor.fetchall()}

    async def aclose(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and self._loop is asyncio.get_running_loop():
            await conn.close()
        # a connection of a loop that is gone went with it


def code_store(database_url: str) -> CodeStore:
    """The check's reader for the store at `database_url` (SQLite or PostgreSQL)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ValueError("the venue check reads a SQLite file (an in-memory store has no other connection)")
        return SqliteCodeStore(url.database)
    return PostgresCodeStore(url.set(drivername="postgresql").render_as_string(hide_password=False))


def computed_on_the_spot(session: Session, token: str, on: date, policy: Policy) -> StoredCode:
    """The code of `on` when the stored status does not stand on it (a status of a phase's day, or one whose
    facts changed where no day was known, and the daily job has not run yet): computed from the records, as
    `lookup` does, and not stored (a check is a read). Slow (~8 ms), so the daily job runs before the day's
    first scans."""
    code = lookup(session, SYSTEM, on=on, token=token, policy=policy)
    return StoredCode(code.colour, code.on)
