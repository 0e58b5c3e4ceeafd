"""Doses given and what came of asking people to be vaccinated (measure 12, m20.12).

A dose is a record of the vaccination clinic's register: the product, its maker, the dose's number in the person's
series, the day, the clinic and the lot. An outreach outcome is kept so that nobody is asked again for nothing: a
contraindication with its reason, a refusal, or a later date agreed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime, utcnow


class VaccinationDose(Base):
    """One dose given to a person (measure 12). `dose_number` counts the person's doses from 1 in the order given
    (the status rule decides which of them count toward the course or the booster); `import_id` names the file it came
    from (`file_imports`), None when recorded one at a time."""

    __tablename__ = "vaccination_dose"
    __table_args__ = (
        UniqueConstraint("person_id", "dose_number", name="uq_vaccination_dose_number"),
        CheckConstraint("dose_number >= 1", name="dose_number_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    product: Mapped[str] = mapped_column(String(32), index=True)
    manufacturer: Mapped[str] = mapped_column(String(200))
    dose_number: Mapped[int] = mapped_column(Integer)
    given_on: Mapped[date] = mapped_column(Date, index=True)
    site: Mapped[str | None] = mapped_column(String(200))
    lot: Mapped[str | None] = mapped_column(String(64))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("lab_import.id"))
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class VaccinationOutreach(Base):
    """What came of asking a person to be vaccinated on a day (measure 12; `policy.terms.OutreachOutcome`): a
    contraindication (`reason` required), a refusal, or a later date agreed (`later_on`)."""

    __tablename__ = "vaccination_outreach"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    asked_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    later_on: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
