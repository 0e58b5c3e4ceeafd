"""Daily counts of early-warning signals (measure 15, m20.15: 多渠道监测预警): one row per jurisdiction, channel and
day — fever-clinic visits, pharmacy sales, positivity, absences, arrivals (`policy.terms.SignalChannel`) — with where
it came from: an imported file (`import_id`, `file_imports`) or derived from the store's own records."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime, utcnow


class SignalCount(Base):
    """One channel's count in a jurisdiction on a day (measure 15). For nucleic-acid positivity `count` is the
    positives and `tests` the tests they are out of; the other channels leave `tests` empty. `source` is "import"
    (a file, `import_id` names it) or "derived" (recomputed from the store: re-deriving replaces these rows, never an
    imported one)."""

    __tablename__ = "signal_count"
    __table_args__ = (
        UniqueConstraint("jurisdiction_code", "channel", "day", name="uq_signal_count_place_channel_day"),
        CheckConstraint("count >= 0", name="count_not_negative"),
        CheckConstraint("tests IS NULL OR tests >= count", name="tests_cover_count"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(Date, index=True)
    count: Mapped[int] = mapped_column(Integer)
    tests: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))  # import | derived
    import_id: Mapped[int | None] = mapped_column(ForeignKey("lab_import.id"))
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
