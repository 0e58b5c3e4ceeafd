"""Appeals and complaints (measures 16 and 18): a ticket with a response deadline, routed to a jurisdiction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime


class Ticket(Base):
    __tablename__ = "ticket"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # health_code | complaint
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # hotline | online | in_person
    text: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    clause: Mapped[str] = mapped_column(String(40))  # where the deadline comes from
    opened_by: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | answered
    outcome: Mapped[str | None] = mapped_column(String(16))  # corrected | upheld | rejected
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answered_by: Mapped[str | None] = mapped_column(String(100))
