"""Jurisdictions: the administrative tree that scopes people, staff and work lists."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from fangkong.policy.terms import LEVEL_ORDER, JurisdictionLevel
from fangkong.services.store import Base

__all__ = ["LEVEL_ORDER", "Jurisdiction", "JurisdictionLevel"]


class Jurisdiction(Base):
    __tablename__ = "jurisdiction"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    # Materialised path ("/11/1101/110105/") so a subtree is one indexed prefix query on both databases.
    path: Mapped[str] = mapped_column(String(400), index=True, unique=True)
    # A building's or unit's label as addresses write it ("7", "3"): how a person's address finds its area.
    label: Mapped[str | None] = mapped_column(String(32))
    shape: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # GeoJSON geometry (Polygon or MultiPolygon)
