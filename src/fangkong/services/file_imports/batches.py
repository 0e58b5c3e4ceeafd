"""A file as one batch: its digest, whether the same bytes were imported before, the summary an import returns
and the progress it reports on the way."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fangkong.errors import Inconsistent, InvalidInput
from fangkong.services import logs
from fangkong.services.access import Actor, Permission
from fangkong.services.file_imports.models import LabImport
from fangkong.services.store import unique_violated

Progress = Callable[[str, int, int], None]
"""Told (stage, rows done, rows in all) as an import goes: the CLI draws a bar with it."""


class ImportSummary(BaseModel):
    import_id: int
    kind: str
    rows: int
    added: int
    already_imported: bool
    outcomes: dict[str, int] = {}
    consequences: dict[str, int] = {}


def quiet(stage: str, done: int, total: int) -> None:
    """Progress that nobody watches."""


def digest(data: bytes) -> str:
    """The file's identity: the SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


def already_imported(session: Session, digest: str, kind: str, actor: Actor) -> ImportSummary | None:
    """The first import's summary when the same bytes were imported before (a second upload changes nothing);
    None for a new file. The same bytes from another account, or as another kind, are refused."""
    done = session.scalar(select(LabImport).where(LabImport.digest == digest))
    if done is None:
        return None
    if done.imported_by != actor.username and not actor.may(Permission.read_audit):
        # the same bytes from another account: say so, without its outcome (it may be another county's)
        raise InvalidInput("file", f"this file was imported by another account (import {done.id})")
    if done.kind != kind:
        raise InvalidInput("file", f"this file was imported as {done.kind} (import {done.id})")
    return ImportSummary(
        import_id=done.id,
        kind=done.kind,
        rows=done.rows,
        added=0,
        already_imported=True,
        outcomes=dict(done.summary.get("outcomes", {})),
        consequences=dict(done.summary.get("consequences", {})),
    )


def claimed(session: Session, actor: Actor, key: str, kind: str, filename: str | None) -> LabImport | ImportSummary:
    """The file's record, stored before its rows are read (its counts are filled in as the import goes), or the
    first import's summary when the same bytes were imported meanwhile: of two uploads of one file at once, the
    second waits on the digest's unique key for the first to commit, then answers as `already_imported` does
    (and waits no longer than that for the first to fail, which leaves the digest free)."""
    batch = LabImport(kind=kind, digest=key, filename=filename, rows=0, added=0, imported_by=actor.username)
    try:
        with session.begin_nested():  # a savepoint: on PostgreSQL the refused insert leaves the transaction usable
            session.add(batch)
            session.flush()
    except IntegrityError as exc:
        if not unique_violated(exc, LabImport.__table__, "uq_lab_import_digest"):  # type: ignore[arg-type]
            raise
        again = already_imported(session, key, kind, actor)
        if again is None:
            raise Inconsistent("a file's digest was refused as a duplicate and then not found") from None
        return again
    return batch


P = ParamSpec("P")


def logged(kind: str) -> Callable[[Callable[P, ImportSummary]], Callable[P, ImportSummary]]:
    """Log an import of a file of `kind` (`services.logs`): who, the file's size, the rows read and added, whether it
    was imported already, the outcomes and consequences counted, how long — never a row's content or the file's
    name (a lab may name a file after a person)."""

    def wrap(fn: Callable[P, ImportSummary]) -> Callable[P, ImportSummary]:
        @wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> ImportSummary:
            actor, data = args[1], args[2]
            who = getattr(actor, "username", None)
            size = len(data) if isinstance(data, bytes | bytearray) else getattr(data, "size", None)
            with logs.timed(f"import.{kind}", who=who, bytes=size) as line:
                summary = fn(*args, **kwargs)
                line |= {
                    "rows": summary.rows,
                    "added": summary.added,
                    "already_imported": summary.already_imported,
                    **{f"outcome.{k}": v for k, v in summary.outcomes.items()},
                    **{f"consequence.{k}": v for k, v in summary.consequences.items()},
                }
            return summary

        return run

    return wrap
