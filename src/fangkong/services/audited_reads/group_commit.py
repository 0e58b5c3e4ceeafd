"""Group commit of staff reads: requests on the event loop hand their asks to a thread, which settles every ask
waiting at that moment in one transaction (`batch.answer`) and commits once, then releases each request with its
answer. No answer is released before the commit of its audit entry has returned; a batch that fails releases
its requests with the error, and they answer nothing from it.

Why threads of their own: the store's drivers are synchronous. One or two, not a pool: a batch is a handful of
statements whatever its size, and the asks that arrive while it runs make up the next one, so under load a
commit (and its flush to disk) serves many reads. On PostgreSQL a second thread lets one batch's statements run
while the other's wait on the server (measured: ~1.3–1.8 k reads a second with one, ~1.8–2.8 k with two, on this
machine shared with other work). The batch's engine is its own, with the store's strongest
durability for a commit (SQLite `synchronous=FULL`: the write-ahead log is synced at each commit; PostgreSQL
`synchronous_commit=on`, whatever the server's default), which costs one flush per batch rather than per read.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, event

from fangkong.services import logs
from fangkong.services.calendar import local_day, system_clock
from fangkong.services.store import make_engine

from .batch import Answer, Ask, answer

MAX_BATCH = 500  # asks settled in one transaction: under one IN (...) of the store's chunk size


@dataclass(slots=True)
class _Waiting:
    ask: Ask
    future: asyncio.Future[Answer | None]
    loop: asyncio.AbstractEventLoop


_STOP = object()


def durable_engine(url: str) -> Engine:
    """An engine for the batches' commits: the store's settings, and each commit flushed to disk."""
    engine = make_engine(url)
    sqlite = engine.dialect.name == "sqlite"

    @event.listens_for(engine, "connect")
    def _durable(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=FULL" if sqlite else "SET synchronous_commit TO on")
        cursor.close()
        if not sqlite:
            dbapi_connection.commit()  # psycopg opened a transaction for the SET

    return engine


class GroupCommit:
    """Staff reads settled in batches by threads of their own (started at the first ask). `clock` is the
    application's: it decides when a token expires and which day's stored code is today's. `threads`: batches in
    flight at once (default: one on SQLite, where writers take turns anyway; two on PostgreSQL, so one batch's
    statements run while another's wait on the network or the commit)."""

    def __init__(
        self,
        engine: Engine,
        clock: Callable[[], datetime],
        *,
        threads: int | None = None,
        wall_clock: Callable[[], datetime] = system_clock,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.wall_clock = wall_clock  # tokens expire on the real time, a drill's or not
        self.threads = threads if threads is not None else (1 if engine.dialect.name == "sqlite" else 2)
        self.batches = 0  # committed, for tests and the benchmark: reads / batches is the grouping achieved
        self.reads = 0
        self._queue: queue.SimpleQueue[_Waiting | object] = queue.SimpleQueue()
        self._workers: list[threading.Thread] = []
        self._lock = threading.Lock()

    async def ask(self, ask: Ask) -> Answer | None:
        """The answer to `ask` once its audit entry is committed; None: not answered here (the caller's route
        answers it). Raises what the batch raised (nothing was committed for it)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Answer | None] = loop.create_future()
        self._queue.put(_Waiting(ask, future, loop))
        if not self._workers:
            self.start()
        return await future

    def start(self) -> None:
        with self._lock:
            while len(self._workers) < self.threads:
                worker = threading.Thread(target=self._run, name=f"audited-reads-{len(self._workers)}", daemon=True)
                worker.start()
                self._workers.append(worker)

    def close(self) -> None:
        """Settle what is waiting, stop the threads, close the engine's connections."""
        with self._lock:
            workers, self._workers = self._workers, []
        for _ in workers:
            self._queue.put(_STOP)
        for worker in workers:
            worker.join(timeout=30)
        self.engine.dispose()

    def _run(self) -> None:
        # each thread keeps its connection between batches (a checkout would ping PostgreSQL each time) and drops
        # it after a failure, so its next batch starts on a new one
        conn: Connection | None = None
        stopping = False
        try:
            while not stopping:
                first = self._queue.get()
                if first is _STOP:
                    return
                batch = [first]
                while len(batch) < MAX_BATCH:
                    try:
                        item = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if item is _STOP:
                        stopping = True
                        break
                    batch.append(item)
                if conn is None:
                    conn = self.engine.connect()
                if not self._settle(conn, [w for w in batch if isinstance(w, _Waiting)]):
                    with suppress(Exception):  # the batch's error is the one reported
                        conn.invalidate()
                        conn.close()
                    conn = None
        finally:
            if conn is not None:
                conn.close()

    def _settle(self, conn: Connection, batch: list[_Waiting]) -> bool:
        """Settle a batch and release its requests; False: it failed (its requests get the error)."""
        outcome: list[Answer | None] | BaseException
        try:
            outcome = self._commit(conn, [w.ask for w in batch])
        except Exception as exc:  # handed to every request of the batch, none of which is answered from it
            logs.event("audited reads failed", level=logging.WARNING, reads=len(batch), error=type(exc).__name__)
            outcome = exc
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Answer | None], Any]]] = {}
        for i, waiting in enumerate(batch):
            result = outcome if isinstance(outcome, BaseException) else outcome[i]
            by_loop.setdefault(waiting.loop, []).append((waiting.future, result))
        for loop, results in by_loop.items():
            with suppress(RuntimeError):  # raised when that loop has closed: nobody waits for these answers
                loop.call_soon_threadsafe(_release, results)  # one wake-up of each loop per batch
        return not isinstance(outcome, BaseException)

    def _commit(self, conn: Connection, asks: list[Ask]) -> list[Answer | None]:
        today = local_day(self.clock())
        if self.engine.dialect.name == "sqlite":
            # the write lock from the start: the tokens, records and audit entries are one snapshot, and a logout
            # committed by another process either precedes this batch or follows its answers
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        answers = answer(conn, asks, now=self.wall_clock(), today=today)
        conn.commit()
        with self._lock:
            self.batches += 1
            self.reads += sum(a is not None for a in answers)
        return answers


def _release(results: list[tuple[asyncio.Future[Answer | None], Any]]) -> None:
    for future, result in results:
        if future.cancelled():  # the client went away; its read was audited all the same
            continue
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)
