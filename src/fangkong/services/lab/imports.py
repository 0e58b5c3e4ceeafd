"""Importing sample registrations and lab results: idempotent, all-or-nothing, through the bulk path.

A file is read and checked whole before anything is written; the first bad row rejects it with its row
number. The same file again (same bytes) is a no-op that returns the first import's summary; a row already
in the store with the same content is skipped, and one that contradicts the store rejects the file. Results
are then adjudicated by the rules (`rules.pooling`, `rules.ct`) and their consequences applied
(`lab.consequences`) in the same transaction, so a file killed half-way leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from fangkong.errors import Conflict, Inconsistent, InvalidInput, Refused, RowError
from fangkong.policy import Policy
from fangkong.rules.pooling import check_pool_size
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.calendar import local_day, local_time
from fangkong.services.file_imports.batches import (
    ImportSummary,
    Progress,
    already_imported,
    claimed,
    logged,
    quiet,
)
from fangkong.services.file_imports.body import FileBody
from fangkong.services.file_imports.bulk import (
    analyze,
    bulk_settings,
    chunks,
    copy_frame,
    copy_rows,
    drop_temporary,
    fetch_frame,
    instant,
    stage_numbered,
    temporary_table,
)
from fangkong.services.lab import consequences
from fangkong.services.lab.files import Format, SampleRow, read_results, read_samples
from fangkong.services.lab.models import Sample, SampleMember
from fangkong.services.persons.service import people_by_document

__all__ = ["ImportSummary", "Progress", "import_results", "import_samples"]

ANALYZE_AFTER = 10_000  # rows loaded at once after which PostgreSQL's statistics are refreshed


def _size_checker(policy: Policy) -> Callable[[int, datetime], None]:
    def check(size: int, at: datetime) -> None:
        check_pool_size(size, policy.at(local_day(at)))

    return check


def _people(session: Session, actor: Actor, rows: list[SampleRow]) -> tuple[dict[str, int], list[str]]:
    """Document number → person id for the members registered inside the actor's jurisdiction, and the numbers
    that are not (unknown, or registered elsewhere). The file is not refused for the latter: whichever way it were
    refused — at a row, by a count — a lab could send one number a file and learn whether it is registered in its
    jurisdiction (issue 17). What a lab needs is its tubes stored; who is registered is the county's to know:
    the unmatched numbers go to the import's audit entry, which the supervisors read and the lab does not."""
    found = people_by_document(session, actor, {d for r in rows for d in r.members})
    unmatched = sorted({d for r in rows for d in r.members if d not in found})
    return found, unmatched


@logged("samples")
def import_samples(
    session: Session,
    actor: Actor,
    data: bytes | FileBody,
    *,
    fmt: Format,
    now: datetime,
    filename: str | None = None,
    progress: Progress | None = None,
    policy: Policy,
) -> ImportSummary:
    """Register tubes (single or pooled) with the people in them, as sampling points upload them."""
    actor.require(Permission.import_lab)
    step = progress or quiet
    body = FileBody.of(data)  # an upload streamed to a file, or bytes
    key = body.digest  # the SHA-256 of the bytes (`batches.digest`)
    if (again := already_imported(session, key, "samples", actor)) is not None:
        return again
    batch = claimed(session, actor, key, "samples", filename)
    if isinstance(batch, ImportSummary):
        return batch
    rows = read_samples(body, fmt, now, _size_checker(policy))
    step("checked", len(rows), len(rows))
    people, unmatched = _people(session, actor, rows)
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
            matched = frozenset(people[d] for d in r.members if d in people)
            if (size, collected, members) != (r.pool_size, r.collected_at, matched):
                raise RowError(r.row, "barcode", f"sample {r.barcode} is registered with other members or times")
            continue
        new.append(r)
    batch.rows, batch.added = len(rows), len(new)
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
        ((ids[r.barcode], people[d]) for r in new for d in r.members if d in people),
    )
    step("members", len(new), len(new))
    if session.connection().dialect.name == "postgresql" and len(new) >= ANALYZE_AFTER:
        # a big load leaves PostgreSQL's planner statistics behind: the results that follow would be matched
        # by sequential scans of the members; ANALYZE (sampled, a fraction of a second) keeps the indexes used
        session.execute(text("ANALYZE sample"))
        session.execute(text("ANALYZE sample_member"))
    detail: dict[str, object] = {"kind": "samples"}
    if unmatched:  # for the supervisors: members to register or correct (`_people`); never in the lab's answer
        detail["unmatched"] = unmatched
    record(session, actor, action="import", entity="lab_import", entity_id=batch.id, detail=detail)
    session.flush()
    return ImportSummary(import_id=batch.id, kind="samples", rows=len(rows), added=len(new), already_imported=False)


# the file's rows are staged by barcode only: the store is asked which sample each one is and what result it
# already holds; the rest of each row stays in the frame (PostgreSQL parses a staged timestamp and two floats a
# row at several times the cost of a short string)
STAGE_COLUMNS = "line INTEGER, barcode VARCHAR(64)"
# what the store knows of each staged result: its sample, the single tube's person, and a result already stored
MATCHED_SCHEMA: dict[str, Any] = {
    "row": pl.Int64,
    "sample_id": pl.Int64,
    "pool_size": pl.Int64,
    "collected_at": pl.Datetime("us", "UTC"),
    "person_id": pl.Int64,
    "stored_id": pl.Int64,
}
# and of a stored result, asked only when there is one (a file sent again in part): what it said
STORED_SCHEMA: dict[str, Any] = {
    "row": pl.Int64,
    "stored_import": pl.Int64,
    "stored_lab": pl.String,
    "stored_orf1ab": pl.Float64,
    "stored_n": pl.Float64,
}

CT_COLUMNS = ("ct_orf1ab", "ct_n")
STORED_COLUMNS = ("stored", "same", "stored_id", "stored_import", "stored_lab", "stored_orf1ab", "stored_n")


def _first(frame: pl.DataFrame, condition: pl.Expr) -> dict[str, Any] | None:
    hit = frame.filter(condition).sort("row").head(1)
    return hit.row(0, named=True) if hit.height else None


def _match(session: Session, actor: Actor, rows: pl.DataFrame) -> pl.DataFrame:
    """The file's results staged in the store and matched to their samples, checked in the order a row-by-row
    reading would find the first problem: a sample not registered, or a report before the collection (any
    row), then a sample with someone outside the lab's jurisdiction or a contradicting stored result. Returns
    every row with `sample_id`, `pool_size`, `collected_at`, `person_id` (single tubes) and `stored`."""
    bulk_settings(session)
    temporary_table(session, "lab_stage", STAGE_COLUMNS)
    if not rows["row"].equals(pl.int_range(1, rows.height + 1, eager=True), check_names=False, check_dtypes=False):
        raise Inconsistent(
            'rows["row"].equals(pl.int_range(1, rows.height + 1, eager=True), check_names=False, check_dtypes=False)'
        )
    stage_numbered(session, "lab_stage", "barcode", rows["barcode"])
    analyze(session, "lab_stage")
    matched = fetch_frame(
        session,
        f"""SELECT st.line, s.id, s.pool_size, {instant(session, "s.collected_at")},
               CASE WHEN s.pool_size = 1 THEN (SELECT m.person_id FROM sample_member m WHERE m.sample_id = s.id) END,
               r.id
            FROM lab_stage st
            LEFT JOIN sample s ON s.barcode = st.barcode
            LEFT JOIN lab_result r ON r.sample_id = s.id""",
        MATCHED_SCHEMA,
    )
    if matched["stored_id"].is_not_null().any():
        stored_results = fetch_frame(
            session,
            """SELECT st.line, r.import_id, r.lab, r.ct_orf1ab, r.ct_n FROM lab_stage st
               JOIN sample s ON s.barcode = st.barcode JOIN lab_result r ON r.sample_id = s.id""",
            STORED_SCHEMA,
        )
    else:
        stored_results = pl.DataFrame(schema=STORED_SCHEMA)
    matched = matched.join(stored_results, on="row", how="left")
    stored = pl.col("stored_id").is_not_null()
    same = pl.all_horizontal(pl.col(c).eq_missing(pl.col(f"stored_{c.removeprefix('ct_')}")) for c in CT_COLUMNS)
    found = rows.join(matched, on="row", how="left").with_columns(
        stored=stored.cast(pl.Int8), same=(same & pl.col("lab").eq_missing(pl.col("stored_lab"))).cast(pl.Int8)
    )
    bad = _first(found, pl.col("sample_id").is_null() | (pl.col("reported_at") < pl.col("collected_at")))
    if bad is not None and bad["sample_id"] is None:
        raise RowError(bad["row"], "barcode", f"no sample {bad['barcode']} is registered")
    if bad is not None:
        shown = local_time(bad["reported_at"]).isoformat()
        raise RowError(bad["row"], "reported_at", f"{shown} is before the sample was collected")
    outside = _outside_scope(session, actor)
    contradicting = _first(found, (pl.col("stored") == 1) & (pl.col("same") == 0))
    if outside is not None and (contradicting is None or outside[0] <= contradicting["row"]):
        raise RowError(outside[0], "barcode", f"no sample {outside[1]} is registered")  # not in the lab's scope
    if contradicting is not None:
        raise RowError(
            contradicting["row"],
            "barcode",
            f"sample {contradicting['barcode']} already has a different result "
            f"(import {contradicting['stored_import']}); "
            "a correction goes through the lab's amendment, not a second upload",
        )
    return found


def _outside_scope(session: Session, actor: Actor) -> tuple[int, str] | None:
    """The first staged row whose sample holds someone outside the actor's jurisdiction (a lab does not learn
    of samples elsewhere). Skipped when the actor's jurisdiction covers every one in the store."""
    prefix = {"n": len(actor.jurisdiction_path), "prefix": actor.jurisdiction_path}
    outside = "substr(j.path, 1, :n) <> :prefix"
    if session.execute(text(f"SELECT 1 FROM jurisdiction j WHERE {outside} LIMIT 1"), prefix).first() is None:
        return None
    hit = session.execute(
        text(
            f"""SELECT st.line, st.barcode FROM lab_stage st
                JOIN sample s ON s.barcode = st.barcode
                JOIN sample_member sm ON sm.sample_id = s.id
                JOIN person p ON p.id = sm.person_id
                JOIN jurisdiction j ON j.code = p.jurisdiction_code
                WHERE {outside} ORDER BY st.line LIMIT 1"""
        ),
        prefix,
    ).first()
    return None if hit is None else (int(hit[0]), str(hit[1]))


@logged("results")
def import_results(
    session: Session,
    actor: Actor,
    data: bytes | FileBody,
    *,
    fmt: Format,
    now: datetime,
    filename: str | None = None,
    progress: Progress | None = None,
    policy: Policy,
) -> ImportSummary:
    """Accept a lab's results, adjudicate them, and apply what follows (pool holds, retests, cases, transfers,
    past infections) in one transaction — as columns and set-based statements, whatever the file's size."""
    actor.require(Permission.import_lab)
    step = progress or quiet
    body = FileBody.of(data)  # an upload streamed to a file, or bytes
    key = body.digest  # the SHA-256 of the bytes (`batches.digest`)
    if (again := already_imported(session, key, "results", actor)) is not None:
        return again
    batch = claimed(session, actor, key, "results", filename)
    if isinstance(batch, ImportSummary):
        return batch
    rows = read_results(body, fmt, now)
    step("checked", rows.height, rows.height)
    count = rows.height
    new = _match(session, actor, rows).filter(pl.col("stored") == 0).drop(STORED_COLUMNS)
    del rows  # from here on only the new rows are held
    step("matched", new.height, new.height)
    judged, added = consequences.adjudicate(session, new, policy=policy), new.height
    del new
    step("adjudicated", judged.height, judged.height)
    batch.rows, batch.added = count, added
    session.flush()
    copy_frame(
        session,
        "lab_result",
        judged.select(
            "sample_id",
            "lab",
            "reported_at",
            "ct_orf1ab",
            "ct_n",
            "outcome",
            "cite",
            pl.lit(batch.id).alias("import_id"),
        ),
    )
    step("stored", judged.height, judged.height)
    # outcomes in the order the results were taken (as they were counted one by one)
    counted = judged.select("outcome", "collected_at", "row").sort("collected_at", "row")
    counted = counted.group_by("outcome", maintain_order=True).len()
    outcomes = {str(o): int(n) for o, n in counted.iter_rows()}
    try:
        applied = consequences.apply_consequences(session, actor, judged, batch.id, now=now, policy=policy)
    except (Conflict, Refused) as exc:
        raise InvalidInput("file", f"a consequence could not be applied: {exc}") from None
    drop_temporary(session, "lab_stage")  # on failure the rollback takes it away
    step("applied", judged.height, judged.height)
    batch.summary = {"outcomes": outcomes, "consequences": applied}
    record(session, actor, action="import", entity="lab_import", entity_id=batch.id, detail={"kind": "results"})
    session.flush()
    return ImportSummary(
        import_id=batch.id,
        kind="results",
        rows=count,
        added=added,
        already_imported=False,
        outcomes=outcomes,
        consequences=applied,
    )
