"""The store: SQLAlchemy 2 engine and sessions, SQLite (embedded default, WAL) or PostgreSQL.

Services take a Session and never commit; `unit_of_work` commits once per command or request, or rolls
everything back on any error, so a failed command changes nothing.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, DateTime, Engine, MetaData, Table, UniqueConstraint, create_engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UtcDateTime(TypeDecorator[datetime]):
    """Instants stored in UTC and read back timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("instants must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_event_clock: ContextVar[Callable[[], datetime] | None] = ContextVar("fangkong_event_clock", default=None)


def utcnow() -> datetime:
    """The instant a record or an event is stored at: by the clock of the application serving the request (a
    drill's day under `fangkong serve --today`, so an order placed in the drill is dated in the drill), else the
    system's."""
    clock = _event_clock.get()
    return datetime.now(UTC) if clock is None else clock().astimezone(UTC)


@contextmanager
def events_dated_by(clock: Callable[[], datetime]) -> Iterator[None]:
    """Date the records stored inside the block by `clock` (see `utcnow`)."""
    token = _event_clock.set(clock)
    try:
        yield
    finally:
        _event_clock.reset(token)


# As many connections as the server has request threads (AnyIO's default limiter: 40): with fewer, requests past
# the pool's size wait on it while holding their threads, and a burst of staff lookups stalls the server.
POOL = {"pool_size": 10, "max_overflow": 30}


# How long a SQLite connection waits for another's write lock before giving up ("database is locked"): a request
# queues behind a lab import of a few hundred thousand rows rather than failing
SQLITE_BUSY_TIMEOUT_S = 60
# statements that write (or open a savepoint, which a write follows): the first in a transaction takes the lock
_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|SAVEPOINT)\b", re.IGNORECASE)
_BEGIN = re.compile(r"\s*BEGIN\b", re.IGNORECASE)
_WRITING = "fangkong_sqlite_writing"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        in_memory = url.endswith(":memory:") or url == "sqlite://"  # one connection, its own pool class
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S}, **({} if in_memory else POOL))

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # transactions are begun below (`_begin_and_lock`), not by the driver
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
            cursor.close()

        @event.listens_for(engine, "commit")
        @event.listens_for(engine, "rollback")
        def _end(conn: Connection) -> None:
            conn.info[_WRITING] = False

        @event.listens_for(engine, "before_cursor_execute")
        def _begin_and_lock(conn: Connection, cursor: Any, statement: str, *_: Any) -> None:
            raw = cursor.connection
            if _BEGIN.match(statement):  # one begun by the caller (IMMEDIATE: it holds the write lock)
                conn.info[_WRITING] = "IMMEDIATE" in statement.upper() or "EXCLUSIVE" in statement.upper()
                return
            if not raw.in_transaction:
                raw.execute("BEGIN")  # deferred: a transaction that only reads never waits
                conn.info[_WRITING] = False
            if conn.info.get(_WRITING, False) or not _WRITES.match(statement):
                return
            conn.info[_WRITING] = True
            _take_write_lock(raw)

        return engine
    return create_engine(url, pool_pre_ping=True, **POOL)


def _take_write_lock(raw: sqlite3.Connection) -> None:
    """Take SQLite's write lock before a transaction's first write, reading from then on what is committed.

    A transaction (begun deferred) reads a snapshot; its first write must upgrade to the write lock, and if
    another connection has committed since the snapshot was taken, SQLite refuses at once with "database is
    locked" (SQLITE_BUSY_SNAPSHOT: the busy timeout does not apply, waiting cannot freshen a snapshot). Of 20
    uploads of one file at once, 19 failed so. Here a transaction that has only read so far ends its read and
    begins again IMMEDIATE, waiting on the busy timeout for the lock — what PostgreSQL's READ COMMITTED gives,
    each statement seeing what was committed before it; a check-then-insert race then ends on a unique key
    (`unique_violated`). Whether it has only read is asked of SQLite itself: rewriting the schema cookie's
    neighbour `user_version` with its own value succeeds only with the write lock, which a transaction that has
    written (through a raw cursor too) holds already."""
    if not raw.in_transaction:
        return
    (version,) = raw.execute("PRAGMA user_version").fetchone()
    try:
        raw.execute(f"PRAGMA user_version = {int(version)}")
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
            raise
        raw.execute("COMMIT")  # it had only read: nothing is lost
        raw.execute("BEGIN IMMEDIATE")


def unique_violated(exc: IntegrityError, table: Table, constraint: str) -> bool:
    """Whether `exc` is the unique constraint `constraint` of `table` refusing a duplicate (a concurrent request
    stored the same key first) rather than any other integrity error: by the constraint's name on PostgreSQL,
    by its columns in SQLite's message."""
    orig = exc.orig
    diag = getattr(orig, "diag", None)
    if diag is not None:  # psycopg
        return getattr(diag, "constraint_name", None) == constraint
    for c in table.constraints:
        if isinstance(c, UniqueConstraint) and c.name == constraint:
            columns = ", ".join(f"{table.name}.{col.name}" for col in c.columns)
            return str(orig) == f"UNIQUE constraint failed: {columns}"
    return False


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit at the end, roll back everything on any exception."""
    session = sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("fangkong.services").joinpath("migrations")))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to the newest schema (Alembic migrations)."""
    command.upgrade(alembic_config(url), revision)


CHUNK = 1000  # keys per IN (...) lookup: well under SQLite's and PostgreSQL's parameter limits


def chunks(keys: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    """Keys in slices small enough for one IN (...) each."""
    for i in range(0, len(keys), size):
        yield keys[i : i + size]


@contextmanager
def scratch_database(server_url: str, prefix: str, template: str | None = None) -> Iterator[str]:
    """A new database on the PostgreSQL server `server_url` names, dropped afterwards (connections and all): for
    tests and benchmarks that need a store of their own on a shared server. Empty, or a copy of the database
    `template` (CREATE DATABASE … TEMPLATE: nobody may be connected to that one meanwhile)."""
    import uuid

    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
