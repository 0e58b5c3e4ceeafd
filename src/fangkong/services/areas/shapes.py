"""Buildings and units below communities, with shapes imported from GeoJSON and checked before anything is
written: a shape must be a valid polygon, lie inside its parent's shape, and not overlap its siblings."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from shapely import make_valid
from shapely.errors import GEOSException
from shapely.geometry import shape as to_geometry
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.bounds import holds_nul
from fangkong.errors import InvalidInput
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.jurisdictions.models import LEVEL_ORDER, Jurisdiction, JurisdictionLevel
from fangkong.services.jurisdictions.service import create_jurisdiction, jurisdiction_in_scope

# How many digits each level adds to its parent's code (GB/T 2260 for counties, local suffixes below).
SUFFIX_DIGITS = {
    JurisdictionLevel.city: 2,
    JurisdictionLevel.county: 2,
    JurisdictionLevel.street: 3,
    JurisdictionLevel.community: 3,
    JurisdictionLevel.building: 3,
    JurisdictionLevel.unit: 2,
}
# Polygons that share an edge touch; an overlap of less than this (in the shapes' units, squared) is noise.
OVERLAP_TOLERANCE = 1e-10


class AreaFeature(BaseModel):
    """One GeoJSON feature's properties plus its geometry."""

    model_config = ConfigDict(extra="forbid")

    code: str
    name: str = Field(min_length=1, max_length=200)
    level: JurisdictionLevel
    parent_code: str
    label: str | None = Field(default=None, max_length=32)
    geometry: dict[str, Any] | None = None


def _geometry(raw: dict[str, Any] | None, field: str) -> BaseGeometry | None:
    if raw is None:
        return None
    if raw.get("type") not in ("Polygon", "MultiPolygon"):
        raise InvalidInput(field, f"a Polygon or MultiPolygon, not {raw.get('type')!r}")
    try:
        geometry = to_geometry(raw)
    except (GEOSException, ValueError, TypeError, IndexError, KeyError, OverflowError) as exc:
        raise InvalidInput(field, f"not a readable GeoJSON geometry: {exc}") from None
    if geometry.is_empty:
        raise InvalidInput(field, "the shape is empty")
    if not geometry.is_valid:
        raise InvalidInput(field, f"the shape is not a valid polygon ({explain_validity(geometry)})")
    return geometry


def _stored(j: Jurisdiction) -> BaseGeometry | None:
    return make_valid(to_geometry(j.shape)) if j.shape else None


def check_feature(
    session: Session, feature: AreaFeature, siblings_new: list[tuple[str, BaseGeometry]], field: str
) -> BaseGeometry | None:
    """The checks of one feature against its parent and its siblings (stored and earlier in the same file)."""
    parent = session.get(Jurisdiction, feature.parent_code)
    if parent is None:
        raise InvalidInput(f"{field}.parent_code", f"unknown jurisdiction {feature.parent_code!r}")
    parent_level = JurisdictionLevel(parent.level)
    if LEVEL_ORDER.index(feature.level) != LEVEL_ORDER.index(parent_level) + 1:
        raise InvalidInput(f"{field}.level", f"a {feature.level.value} cannot be under a {parent_level.value}")
    digits = SUFFIX_DIGITS[feature.level]
    if not re.fullmatch(rf"{re.escape(parent.code)}[0-9]{{{digits}}}", feature.code):
        raise InvalidInput(f"{field}.code", f"{feature.code!r}: the parent's code {parent.code} and {digits} digits")
    if feature.level in (JurisdictionLevel.building, JurisdictionLevel.unit) and not feature.label:
        raise InvalidInput(f"{field}.label", "a building or unit needs the label addresses use (e.g. 7)")
    geometry = _geometry(feature.geometry, f"{field}.geometry")
    if geometry is None:
        return None
    outer = _stored(parent)
    if outer is not None and not outer.buffer(1e-9).contains(geometry):
        raise InvalidInput(f"{field}.geometry", f"{feature.code} lies outside its parent {parent.code}")
    stored = [
        (j.code, _stored(j))
        for j in session.scalars(select(Jurisdiction).where(Jurisdiction.parent_code == parent.code))
        if j.shape
    ]
    for code, other in [*stored, *siblings_new]:
        if other is not None and geometry.intersection(other).area > OVERLAP_TOLERANCE:
            raise InvalidInput(f"{field}.geometry", f"{feature.code} overlaps {code}")
    return geometry


def import_areas(session: Session, actor: Actor, data: bytes) -> list[Jurisdiction]:
    """Create the areas of a GeoJSON FeatureCollection (properties: code, name, level, parent_code, label),
    parents before children. All features or none."""
    actor.require(Permission.manage_areas)
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except ValueError as exc:  # not UTF-8, not JSON, or a number past Python's digits limit for an int
        raise InvalidInput("file", f"not GeoJSON: {exc}") from None
    except RecursionError:
        raise InvalidInput("file", "not GeoJSON: nested too deeply") from None
    if holds_nul(doc):
        raise InvalidInput("file", "a NUL character is not text")
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise InvalidInput("file", "expected a GeoJSON FeatureCollection")
    features: list[AreaFeature] = []
    for i, raw in enumerate(doc["features"]):
        if not isinstance(raw, dict) or not isinstance(raw.get("properties"), dict):
            raise InvalidInput(f"features[{i}]", "a Feature with properties")
        try:
            features.append(AreaFeature.model_validate({**raw["properties"], "geometry": raw.get("geometry")}))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InvalidInput(f"features[{i}]", f"{where}: {first['msg']}" if where else first["msg"]) from None
    made: list[Jurisdiction] = []
    new_by_parent: dict[str, list[tuple[str, BaseGeometry]]] = {}
    for i, feature in sorted(enumerate(features), key=lambda f: LEVEL_ORDER.index(f[1].level)):
        jurisdiction_in_scope(session, actor, feature.parent_code, field=f"features[{i}].parent_code")
        if session.get(Jurisdiction, feature.code) is not None:
            raise InvalidInput(f"features[{i}].code", f"area {feature.code} exists")
        geometry = check_feature(session, feature, new_by_parent.get(feature.parent_code, []), f"features[{i}]")
        j = create_jurisdiction(
            session, code=feature.code, name=feature.name, level=feature.level, parent_code=feature.parent_code
        )
        j.label, j.shape = feature.label, feature.geometry
        if geometry is not None:
            new_by_parent.setdefault(feature.parent_code, []).append((feature.code, geometry))
        made.append(j)
    session.flush()
    record(
        session, actor, action="import", entity="areas", entity_id=len(made), detail={"codes": [j.code for j in made]}
    )
    return made


def home_area(session: Session, jurisdiction_code: str, building: str | None, unit: str | None) -> Jurisdiction | None:
    """The narrowest area a person's address lies in: their unit, else their building, else None."""
    if not building:
        return None
    b = session.scalar(
        select(Jurisdiction).where(Jurisdiction.parent_code == jurisdiction_code, Jurisdiction.label == building)
    )
    if b is None or not unit:
        return b
    u = session.scalar(select(Jurisdiction).where(Jurisdiction.parent_code == b.code, Jurisdiction.label == unit))
    return u or b
