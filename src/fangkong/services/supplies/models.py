"""Supply sites, items, the movement ledger, the stock it keeps, and patients' requests (measure 13, m20.13).

The ledger (`SupplyMovement`) is the record; `SupplyStock` is the current quantity per site and item, changed in the
same transaction as each movement (its row locked on PostgreSQL), so that stock never goes negative."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.services.store import Base, UtcDateTime, utcnow


class SupplySite(Base):
    """A place that stocks and dispenses medicines or equipment: a hospital (its pharmacy), a pharmacy, a community
    health service centre, an isolation site (`policy.terms.SupplySiteKind`)."""

    __tablename__ = "supply_site"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SupplyItem(Base):
    """A medicine or a piece of equipment, in one of measure 13's categories (`policy.terms.SupplyCategory`)."""

    __tablename__ = "supply_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32), index=True)
    unit: Mapped[str] = mapped_column(String(32))


class SupplyStock(Base):
    """The quantity a site holds of an item now: the sum of its movements, never below zero. It also keeps the
    dispensations of the consumption window (`used_in_window`: the window of `used_window_days` days ending on
    `used_through`), added to as dispensations are recorded and rolled forward once a day (`service.refresh_use`),
    so that days of supply reads one row per line instead of summing the ledger (m20.13; issue 18's < 1 s at
    50,000 sites × 200 items). `used_through` None: not kept yet (the next refresh sums the ledger)."""

    __tablename__ = "supply_stock"
    __table_args__ = (
        UniqueConstraint("site_id", "item_id", name="uq_supply_stock_site_item"),
        CheckConstraint("quantity >= 0", name="not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("supply_site.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("supply_item.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    used_in_window: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    used_through: Mapped[date | None] = mapped_column(Date)
    used_window_days: Mapped[int | None] = mapped_column(Integer)


class SupplyMovement(Base):
    """One line of the ledger: a receipt, a dispensation (to a patient: person and infection optional), one side of
    a transfer between two sites (both sides share `transfer_id`, the id of the out side), or an adjustment (a count).
    `change` is the signed effect on the site's stock; `quantity` is what the form said (always positive but for an
    adjustment, which may be either sign)."""

    __tablename__ = "supply_movement"
    __table_args__ = (Index("ix_supply_movement_site_item_day", "site_id", "item_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # receipt | dispensation | transfer_out | transfer_in | adjustment
    site_id: Mapped[int] = mapped_column(ForeignKey("supply_site.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("supply_item.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    change: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date, index=True)
    other_site_id: Mapped[int | None] = mapped_column(ForeignKey("supply_site.id"))  # a transfer's other side
    transfer_id: Mapped[int | None] = mapped_column(Integer)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    infection_id: Mapped[int | None] = mapped_column(ForeignKey("infection.id"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("supply_request.id"))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SupplyRequest(Base):
    """A patient's pending request for an item at a site, weighed by the allocation when stock is short. The age,
    clinical severity and risk factors are those given with the request (what the allocation used); `granted`,
    `group`, `turn` and `reasons` are the allocation's answer."""

    __tablename__ = "supply_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("supply_site.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("supply_item.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    infection_id: Mapped[int | None] = mapped_column(ForeignKey("infection.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    age: Mapped[int] = mapped_column(Integer)
    severity: Mapped[str | None] = mapped_column(String(16))
    risk_factors: Mapped[list[str]] = mapped_column(JSON, default=list)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending | served | partly_served
    granted: Mapped[int | None] = mapped_column(Integer)
    group: Mapped[str | None] = mapped_column(String(16))
    turn: Mapped[int | None] = mapped_column(Integer)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    allocated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    allocated_by: Mapped[str | None] = mapped_column(String(100))
    recorded_by: Mapped[str] = mapped_column(String(100))
