"""The map of a jurisdiction: community outlines and risk areas with their shapes, as GeoJSON, for the console's
map (measure 4: areas are delineated by unit or building and shown as such)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy.terms import JurisdictionLevel
from fangkong.services.access import Actor, Permission
from fangkong.services.jurisdictions.models import Jurisdiction

from .models import RiskArea

OUTLINED = (JurisdictionLevel.county, JurisdictionLevel.street, JurisdictionLevel.community)


def map_features(session: Session, actor: Actor) -> dict[str, Any]:
    """Outlines of the actor's counties, streets and communities and every risk area in their jurisdiction (filled
    by level), as a GeoJSON FeatureCollection; the same permission as the list of risk areas."""
    actor.require(Permission.read_persons)
    features: list[dict[str, Any]] = []
    for j in session.scalars(
        select(Jurisdiction).where(
            Jurisdiction.path.startswith(actor.jurisdiction_path),
            Jurisdiction.level.in_([level.value for level in OUTLINED]),
            Jurisdiction.shape.is_not(None),
        )
    ):
        features.append(
            {
                "type": "Feature",
                "geometry": j.shape,
                "properties": {"kind": "outline", "code": j.code, "name": j.name, "level": j.level},
            }
        )
    for risk, j in session.execute(
        select(RiskArea, Jurisdiction)
        .join(Jurisdiction, Jurisdiction.code == RiskArea.area_code)
        .where(Jurisdiction.path.startswith(actor.jurisdiction_path), Jurisdiction.shape.is_not(None))
        .order_by(RiskArea.delineated_on)
    ):
        features.append(
            {
                "type": "Feature",
                "geometry": j.shape,
                "properties": {
                    "kind": "risk_area",
                    "id": risk.id,
                    "code": j.code,
                    "name": j.name,
                    "risk": risk.level,
                    "active": risk.active,
                    "delineated_on": risk.delineated_on.isoformat(),
                    "next_change_on": risk.next_change_on.isoformat() if risk.next_change_on else None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
