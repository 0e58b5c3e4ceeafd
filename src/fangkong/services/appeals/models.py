"""Appeals and complaints (measures 16 and 18): a ticket with a response deadline, routed to a jurisdiction."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime


class TicketKind(StrEnum):
    health_code = "health_code"  # an appeal against a managed code (measure 16)
    complaint = "complaint"  # a complaint or a reported clue (measures 16, 18)


class Channel(StrEnum):
    hotline = "hotline"
    online = "online"
    in_person = "in_person"


class TicketStatus(StrEnum):
    open = "open"
    answered = "answered"


class Outcome(StrEnum):
    corrected = "corrected"
    upheld = "upheld"
    rejected = "rejected"


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
    status: Mapped[str] = mapped_column(String(16), default=TicketStatus.open, index=True)
    outcome: Mapped[str | None] = mapped_column(String(16))  # corrected | upheld | rejected
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answered_by: Mapped[str | None] = mapped_column(String(100))
