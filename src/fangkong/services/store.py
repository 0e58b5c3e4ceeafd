"""The store: SQLAlchemy 2 engine and sessions, SQLite (embedded default, WAL) or PostgreSQL.

Services take a Session and never commit; `unit_of_work` commits once per command or request, or rolls
everything back on any error, so a failed command changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
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


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        in_memory = url.endswith(":memory:") or url == "sqlite://"  # one connection, its own pool class
        engine = create_engine(url, connect_args={"timeout": 30}, **({} if in_memory else POOL))

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            if not url.endswith(":memory:") and url != "sqlite://":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **POOL)


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
