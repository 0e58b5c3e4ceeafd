"""The tests' stores: SQLite always, PostgreSQL when $FANGKONG_TEST_PG_URL names a server (scripts/test starts a
throwaway cluster; CI installs one).

Migrating a store takes far longer than copying one, so each kind of store a test starts from (migrated and empty,
migrated with the small county's jurisdictions and staff, migrated with the demo county) is built once per test
session — once per pytest-xdist worker — as a template, and each test gets its own copy: a file copy on SQLite,
`CREATE DATABASE … TEMPLATE` on PostgreSQL. A test still has a store of its own that no other test sees.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from fangkong.services.demo import load_demo
from fangkong.services.jurisdictions.models import JurisdictionLevel
from fangkong.services.jurisdictions.service import create_jurisdiction
from fangkong.services.store import make_engine, scratch_database, session_factory, unit_of_work, upgrade
from fangkong.services.users.service import create_user

PG_URL = os.environ.get("FANGKONG_TEST_PG_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(not PG_URL, reason="no PostgreSQL"))]
if os.environ.get("FANGKONG_REQUIRE_PG") and not PG_URL:
    raise RuntimeError("FANGKONG_REQUIRE_PG is set but FANGKONG_TEST_PG_URL is not")

PASSWORD = "correct horse battery"

# A small county: province 11 › city 1101 › county 110105 › street 110105001 › communities A and B;
# a second county 110106 as the destination of hand-overs.
TREE = [
    ("11", "Beijing", JurisdictionLevel.province, None),
    ("1101", "Beijing city", JurisdictionLevel.city, "11"),
    ("110105", "Chaoyang", JurisdictionLevel.county, "1101"),
    ("110105001", "Jianwai street", JurisdictionLevel.street, "110105"),
    ("110105001001", "Community A", JurisdictionLevel.community, "110105001"),
    ("110105001002", "Community B", JurisdictionLevel.community, "110105001"),
    ("110106", "Fengtai", JurisdictionLevel.county, "1101"),
    ("110106001", "Fengtai street", JurisdictionLevel.street, "110106"),
    ("110106001001", "Community C", JurisdictionLevel.community, "110106001"),
]
USERS = [
    ("cc", "command_centre", "11"),
    ("epi", "epidemiologist", "110105"),
    ("worker_a", "community_worker", "110105001001"),
    ("worker_b", "community_worker", "110105001002"),
    ("worker_c", "community_worker", "110106001001"),
    ("epi_fengtai", "epidemiologist", "110106"),
    ("supervisor", "supervisor", "11"),
    ("viewer", "read_only", "110105"),
]


def small_county(session: Session) -> None:
    """The small county's jurisdictions (TREE) and staff (USERS, each with PASSWORD)."""
    for code, name, level, parent in TREE:
        create_jurisdiction(session, code=code, name=name, level=level, parent_code=parent)
    for username, role, where in USERS:
        create_user(session, None, username=username, password=PASSWORD, role=role, jurisdiction_code=where)


def demo_county(persons: int) -> Callable[[Session], None]:
    """The demo county (`fangkong demo load`) with `persons` people under management."""

    def load(session: Session) -> None:
        load_demo(session, persons=persons)

    return load


# What a template holds besides the schema: its name → what fills it (None: migrated and empty).
SEEDS: dict[str, Callable[[Session], None] | None] = {
    "migrated": None,
    "small_county": small_county,
    "demo_20": demo_county(20),
    "demo": demo_county(120),
}


def _fill(url: str, seed: Callable[[Session], None] | None) -> None:
    upgrade(url)
    if seed is not None:
        engine = make_engine(url)
        try:
            with unit_of_work(session_factory(engine)) as session:
                seed(session)
        finally:
            engine.dispose()


class Templates:
    """The templates of one test session (one xdist worker), built when first asked for, dropped at its end.

    On PostgreSQL a copy costs the server ~0.4 s (a database's hundreds of files), so the next test's copy of a
    template is made in a thread while the current test runs, and handed out whole and unused."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._sqlite: dict[str, Path] = {}
        self._postgresql: dict[str, str] = {}
        self._made: list[str] = []  # the PostgreSQL templates, to drop at the end (also a half-made one)
        self._ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-copy")
        self._ready: dict[str, Future[tuple[str, ExitStack]]] = {}

    def _sqlite_template(self, seed: str) -> Path:
        if seed not in self._sqlite:
            path = self.folder / f"{seed}.sqlite3"
            _fill(f"sqlite:///{path}", SEEDS[seed])
            # every connection is closed, so the write-ahead log has been checkpointed into the file and removed:
            # the file alone is the store
            assert not path.with_name(path.name + "-wal").exists(), "the template's write-ahead log is still open"
            self._sqlite[seed] = path
        return self._sqlite[seed]

    def _postgresql_template(self, seed: str) -> str:
        assert PG_URL is not None
        if seed not in self._postgresql:
            name = f"fk_template_{seed}_{uuid.uuid4().hex[:8]}"
            admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
                self._made.append(name)
                _fill(make_url(PG_URL).set(database=name).render_as_string(hide_password=False), SEEDS[seed])
                # CREATE DATABASE … TEMPLATE refuses a template anyone is connected to: nobody may connect now
                with admin.connect() as conn:
                    conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
            finally:
                admin.dispose()
            self._postgresql[seed] = name
        return self._postgresql[seed]

    def _postgresql_copy(self, seed: str) -> tuple[str, ExitStack]:
        """A new database copied from the template `seed`: its URL, and what drops it."""
        assert PG_URL is not None
        drop = ExitStack()
        url = drop.enter_context(scratch_database(PG_URL, "fk", template=self._postgresql_template(seed)))
        return url, drop

    @contextmanager
    def store(self, backend: str, seed: str, folder: Path) -> Iterator[str]:
        """A store of its own (its URL) copied from the template `seed`; SQLite's file goes into `folder`."""
        if backend == "sqlite":
            path = folder / "fangkong.sqlite3"
            shutil.copyfile(self._sqlite_template(seed), path)
            yield f"sqlite:///{path}"
            return
        assert backend == "postgresql"
        ready = self._ready.pop(seed, None)
        url, drop = ready.result() if ready is not None else self._postgresql_copy(seed)
        self._ready[seed] = self._ahead.submit(self._postgresql_copy, seed)  # the next test's
        with drop:
            yield url

    def close(self) -> None:
        for ready in self._ready.values():
            try:
                _, drop = ready.result()
            except Exception:  # a copy that failed has nothing to drop, and no test used it
                continue
            drop.close()
        self._ready.clear()
        self._ahead.shutdown()
        if not self._made:
            return
        assert PG_URL is not None
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                for name in self._made:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()
        self._made.clear()
        self._postgresql.clear()


@contextmanager
def empty_store(backend: str, folder: Path) -> Iterator[str]:
    """A new store with no schema at all (for the tests of the migrations themselves)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'fangkong.sqlite3'}"
        return
    assert backend == "postgresql" and PG_URL is not None
    with scratch_database(PG_URL, "fk") as url:
        yield url


def query(db: str, sql: str) -> list[tuple[Any, ...]]:
    """The rows `sql` reads from the store at `db`."""
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()
