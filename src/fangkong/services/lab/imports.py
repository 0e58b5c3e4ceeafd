"""Importing sample registrations and lab results: idempotent, all-or-nothing, through the bulk path.

A file is read and checked whole before anything is written; the first bad row rejects it with its row
number. The same file again (same bytes) is a no-op that returns the first import's summary; a row already
in the store with the same content is skipped, and one that contradicts the store rejects the file. Results
are then adjudicated by the rules (`rules.pooling`, `rules.ct`) and their consequences applied
(`lab.consequences`) in the same transaction, so a file killed half-way leaves nothing behind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from fangkong.errors import Conflict, InvalidInput, Refused
from fangkong.policy import load_policy
from fangkong.rules.pooling import check_pool_size
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.lab.bulk import chunks, copy_rows
from fangkong.services.lab.files import Format, ResultRow, RowError, SampleRow, read_results, read_samples
from fangkong.services.lab.models import LabImport, LabResult, Sample, SampleMember
from fangkong.services.persons.models import Person
from fangkong.services.persons.service import people_by_document
from fangkong.services.settings import JURISDICTION_ZONE

Progress = Callable[[str, int, int], None]  # (stage, done, total)
ANALYZE_AFTER = 10_000  # rows loaded at once after which PostgreSQL's statistics are refreshed


class ImportSummary(BaseModel):
    import_id: int
    kind: str
    rows: int
    added: int
    already_imported: bool
    outcomes: dict[str, int] = {}
    consequences: dict[str, int] = {}


@dataclass
class _Quiet:
    calls: list[tuple[str, int, int]] = field(default_factory=list)

    def __call__(self, stage: str, done: int, total: int) -> None:
        pass


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _seen(session: Session, digest: str, kind: str, actor: Actor) -> ImportSummary | None:
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


def local_day(at: datetime) -> datetime:
    return at.astimezone(JURISDICTION_ZONE)


def _size_checker() -> Callable[[int, datetime], None]:
    policy = load_policy()

    def check(size: int, at: datetime) -> None:
        try:
            check_pool_size(size, policy.at(local_day(at).date()))
        except Refused as exc:
            raise InvalidInput("pool_size", f"{exc.message} ({exc.clause})") from None

    return check


def _people(session: Session, actor: Actor, rows: list[SampleRow]) -> dict[str, int]:
    """Document number → person id for every member, each inside the actor's jurisdiction."""
    found = people_by_document(session, actor, {d for r in rows for d in r.members})
    for r in rows:
        for d in r.members:
            if d not in found:
                # out of scope reads as unknown: a lab does not learn who is registered elsewhere
                raise RowError(r.row, "members", f"no person with document {d[:6]}… is registered in your jurisdiction")
    return found


def import_samples(
    session: Session,
    actor: Actor,
    data: bytes,
    *,
    fmt: Format,
    now: datetime,
    filename: str | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Register tubes (single or pooled) with the people in them, as sampling points upload them."""
    actor.require(Permission.import_lab)
    step = progress or _Quiet()
    digest = _digest(data)
    if (again := _seen(session, digest, "samples", actor)) is not None:
        return again
    rows = read_samples(data, fmt, now, _size_checker())
    step("checked", len(rows), len(rows))
    people = _people(session, actor, rows)
    existing: dict[str, tuple[int, datetime, frozenset[int]]] = {}
    barcodes = [r.barcode for r in rows]
    for part in chunks(barcodes):
        for sid, barcode, size, collected in session.execute(
            select(Sample.id, Sample.barcode, Sample.pool_size, Sample.collected_at).where(Sample.barcode.in_(part))
        ):
            existing[barcode] = (size, collected, frozenset())
            members = frozenset(session.scalars(select(SampleMember.person_id).where(SampleMember.sample_id == sid)))
            existing[barcode] = (size, collected, members)
    new: list[SampleRow] = []
    for r in rows:
        if r.barcode in existing:
            size, collected, members = existing[r.barcode]
            if (size, collected, members) != (r.pool_size, r.collected_at, frozenset(people[d] for d in r.members)):
                raise RowError(r.row, "barcode", f"sample {r.barcode} is registered with other members or times")
            continue
        new.append(r)
    batch = LabImport(
        kind="samples", digest=digest, filename=filename, rows=len(rows), added=len(new), imported_by=actor.username
    )
    session.add(batch)
    session.flush()
    copy_rows(
        session,
        Sample.__table__,  # type: ignore[arg-type]
        ("barcode", "pool_size", "sampling_point", "collected_at", "import_id"),
        ((r.barcode, r.pool_size, r.sampling_point, r.collected_at, batch.id) for r in new),
    )
    step("samples", len(new), len(new))
    ids = dict(session.execute(select(Sample.barcode, Sample.id).where(Sample.import_id == batch.id)).all())
    copy_rows(
        session,
        SampleMember.__table__,  # type: ignore[arg-type]
        ("sample_id", "person_id"),
        ((ids[r.barcode], people[d]) for r in new for d in r.members),
    )
    step("members", len(new), len(new))
    if session.connection().dialect.name == "postgresql" and len(new) >= ANALYZE_AFTER:
        # a big load leaves PostgreSQL's planner statistics behind: the results that follow would be matched
        # by sequential scans of the members; ANALYZE (sampled, a fraction of a second) keeps the indexes used
        session.execute(text("ANALYZE sample"))
        session.execute(text("ANALYZE sample_member"))
    record(session, actor, action="import", entity="lab_import", entity_id=batch.id, detail={"kind": "samples"})
    session.flush()
    return ImportSummary(import_id=batch.id, kind="samples", rows=len(rows), added=len(new), already_imported=False)


@dataclass(frozen=True, slots=True)
class NewResult:
    row: ResultRow
    sample_id: int
    pool_size: int
    collected_at: datetime
    members: tuple[int, ...]


def _new_results(session: Session, actor: Actor, rows: list[ResultRow]) -> list[NewResult]:
    samples: dict[str, tuple[int, int, datetime]] = {}
    for part in chunks([r.barcode for r in rows]):
        for sid, barcode, size, collected in session.execute(
            select(Sample.id, Sample.barcode, Sample.pool_size, Sample.collected_at).where(Sample.barcode.in_(part))
        ):
            samples[barcode] = (sid, size, collected)
    for r in rows:
        if r.barcode not in samples:
            raise RowError(r.row, "barcode", f"no sample {r.barcode} is registered")
        if r.reported_at < samples[r.barcode][2]:
            raise RowError(r.row, "reported_at", f"{r.reported_at.isoformat()} is before the sample was collected")
    sample_ids = [samples[r.barcode][0] for r in rows]
    before: dict[int, LabResult] = {}
    for part in chunks(sample_ids):
        for res in session.scalars(select(LabResult).where(LabResult.sample_id.in_(part))):
            before[res.sample_id] = res
    members: dict[int, list[int]] = {}
    for part in chunks(sample_ids):
        for sid, pid in session.execute(
            select(SampleMember.sample_id, SampleMember.person_id).where(SampleMember.sample_id.in_(part))
        ):
            members.setdefault(sid, []).append(pid)
    paths = {}
    people = sorted({p for ps in members.values() for p in ps})
    for part in chunks(people):
        for pid, path in session.execute(
            select(Person.id, Jurisdiction.path)
            .join(Jurisdiction, Person.jurisdiction_code == Jurisdiction.code)
            .where(Person.id.in_(part))
        ):
            paths[pid] = path
    new: list[NewResult] = []
    for r in rows:
        sid, size, collected = samples[r.barcode]
        if not all(actor.covers(paths[p]) for p in members.get(sid, [])):
            raise RowError(r.row, "barcode", f"no sample {r.barcode} is registered")  # not in the lab's scope
        if sid in before:
            old = before[sid]
            same = (old.lab, old.ct_orf1ab, old.ct_n) == (r.lab, r.ct_orf1ab, r.ct_n)
            if not same:
                raise RowError(
                    r.row,
                    "barcode",
                    f"sample {r.barcode} already has a different result (import {old.import_id}); "
                    "a correction goes through the lab's amendment, not a second upload",
                )
            continue
        new.append(NewResult(r, sid, size, collected, tuple(sorted(members.get(sid, [])))))
    return new


def import_results(
    session: Session,
    actor: Actor,
    data: bytes,
    *,
    fmt: Format,
    now: datetime,
    filename: str | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Accept a lab's results, adjudicate each, and apply what follows (pool holds, retests, cases,
    transfers, past infections) in one transaction."""
    from fangkong.services.lab.consequences import adjudicate, apply_consequences

    actor.require(Permission.import_lab)
    step = progress or _Quiet()
    digest = _digest(data)
    if (again := _seen(session, digest, "results", actor)) is not None:
        return again
    rows = read_results(data, fmt, now)
    step("checked", len(rows), len(rows))
    new = _new_results(session, actor, rows)
    step("matched", len(new), len(new))
    judged = adjudicate(session, new)
    step("adjudicated", len(judged), len(judged))
    batch = LabImport(
        kind="results", digest=digest, filename=filename, rows=len(rows), added=len(new), imported_by=actor.username
    )
    session.add(batch)
    session.flush()
    copy_rows(
        session,
        LabResult.__table__,  # type: ignore[arg-type]
        ("sample_id", "lab", "reported_at", "ct_orf1ab", "ct_n", "outcome", "cite", "import_id"),
        (
            (
                j.result.sample_id,
                j.result.row.lab,
                j.result.row.reported_at,
                j.result.row.ct_orf1ab,
                j.result.row.ct_n,
                j.outcome,
                j.cite,
                batch.id,
            )
            for j in judged
        ),
    )
    step("stored", len(judged), len(judged))
    outcomes: dict[str, int] = {}
    for j in judged:
        outcomes[j.outcome] = outcomes.get(j.outcome, 0) + 1
    try:
        consequences = apply_consequences(session, actor, judged, batch.id, now=now)
    except (Conflict, Refused) as exc:
        raise InvalidInput("file", f"a consequence could not be applied: {exc}") from None
    step("applied", len(judged), len(judged))
    batch.summary = {"outcomes": outcomes, "consequences": consequences}
    record(session, actor, action="import", entity="lab_import", entity_id=batch.id, detail={"kind": "results"})
    session.flush()
    return ImportSummary(
        import_id=batch.id,
        kind="results",
        rows=len(rows),
        added=len(new),
        already_imported=False,
        outcomes=outcomes,
        consequences=consequences,
    )
