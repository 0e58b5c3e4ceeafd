"""The record of each file accepted: samples and results from labs and sampling points, venue-code scans."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime, utcnow


class LabImport(Base):
    """One file accepted from a lab, a sampling point or a tracing team; the digest makes a second upload of it
    a no-op."""

    __tablename__ = "lab_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # samples | results | scans
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the file's bytes
    filename: Mapped[str | None] = mapped_column(String(255))
    rows: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)  # rows that were new (the rest were already in the store)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    imported_by: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
