"""People under (or candidates for) management: residents and travellers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime, utcnow


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("document_type", "document_number", name="uq_person_document"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    document_type: Mapped[str] = mapped_column(String(20))  # resident_id, passport, other
    # indexed alone: imports and searches find people by the number their code or tube carries, any type
    document_number: Mapped[str] = mapped_column(String(64), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(String(400))
    building: Mapped[str | None] = mapped_column(String(100))
    unit: Mapped[str | None] = mapped_column(String(50))
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    # the day the retention job anonymised the record (services.retention; PIPL art. 47): None while it is kept
    anonymised_on: Mapped[date | None] = mapped_column(Date)

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012 - SQLAlchemy's declarative API


class AddressChange(Base):
    """A person's previous home, kept when their address changes: where spill-over from a risk area is read
    from (measure 3), beside venue scans and declarations."""

    __tablename__ = "address_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    moved_on: Mapped[date] = mapped_column(Date, index=True)
    from_jurisdiction_code: Mapped[str] = mapped_column(String(32))
    from_address: Mapped[str] = mapped_column(String(400))
    from_building: Mapped[str | None] = mapped_column(String(100))
    from_unit: Mapped[str | None] = mapped_column(String(50))
    recorded_by: Mapped[str] = mapped_column(String(100))
