"""Nucleic-acid samples (single tubes and pools, with the people in them), lab results, and what results set in
motion: temporary control of pool members and retests. The record of the files that brought them is
`file_imports.models.LabImport`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime


class Sample(Base):
    """A tube: one person's swab, or a pool of 5, 10 or 20."""

    __tablename__ = "sample"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    barcode: Mapped[str] = mapped_column(String(64), unique=True)
    pool_size: Mapped[int] = mapped_column(Integer)  # 1 = single tube
    sampling_point: Mapped[str] = mapped_column(String(200))
    collected_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("lab_import.id"))


class SampleMember(Base):
    __tablename__ = "sample_member"
    __table_args__ = (UniqueConstraint("sample_id", "person_id", name="uq_sample_member"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # no foreign keys (migration 0009): the import matches every member to a registered person and sample
    sample_id: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(Integer, index=True)


class LabResult(Base):
    """The lab's result for a sample (one per sample) and what the rules made of it."""

    __tablename__ = "lab_result"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # no foreign keys (migration 0009): the import matches every result to its registered sample
    sample_id: Mapped[int] = mapped_column(Integer, unique=True)
    lab: Mapped[str] = mapped_column(String(200))
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ct_orf1ab: Mapped[float | None] = mapped_column(Float)
    ct_n: Mapped[float | None] = mapped_column(Float)
    # negative | positive | retest_24h | past_infection | pool_negative | pool_positive
    outcome: Mapped[str] = mapped_column(String(20))  # not indexed (migration 0010): no query selects by it
    cite: Mapped[list[str]] = mapped_column(JSON, default=list)
    import_id: Mapped[int | None] = mapped_column(Integer)


class TemporaryControl(Base):
    """A member of a positive pool held on the spot until their single-tube result clears them."""

    __tablename__ = "temporary_control"
    __table_args__ = (
        Index(
            "uq_temporary_control_open",
            "person_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # no foreign keys (migration 0010): only the import writes holds, for the people and samples it has matched
    person_id: Mapped[int] = mapped_column(Integer, index=True)
    sample_id: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    end_reason: Mapped[str | None] = mapped_column(Text)


class Retest(Base):
    """A single-tube retest someone owes: a member of a positive pool (now), or an entrant 24 h after a Ct
    35–40 result. It is done when a later single-tube sample of theirs is resulted."""

    __tablename__ = "retest"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # no foreign keys (migration 0010): only the import writes retests, for the people and samples it has matched
    person_id: Mapped[int] = mapped_column(Integer, index=True)
    reason: Mapped[str] = mapped_column(String(20))  # pool_positive | ct_band
    after_sample_id: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    cite: Mapped[list[str]] = mapped_column(JSON, default=list)
    done_sample_id: Mapped[int | None] = mapped_column(Integer)
