"""Health-code colour tables: the default pattern and provincial overlays (data/health_codes.yaml)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from fangkong.errors import PolicyDataError
from fangkong.policy.tree import parse_yaml

STATUSES = (
    "infection",
    "temporary_control",
    "centralized_isolation",
    "home_isolation",
    "home_health_monitoring",
    "high_risk_area",
    "medium_risk_area",
)


class ColourTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    tag: Literal["S", "S2", "U"]
    order: tuple[str, ...]
    colours: Mapping[str, str]
    otherwise: str

    @model_validator(mode="after")
    def _consistent(self) -> ColourTable:
        unknown = set(self.colours) - set(STATUSES)
        if unknown:
            raise ValueError(f"unknown status(es) {sorted(unknown)}; known: {', '.join(STATUSES)}")
        missing = set(STATUSES) - set(self.colours)
        if missing:
            raise ValueError(f"no colour for {sorted(missing)}")
        stray = {*self.colours.values(), self.otherwise} - set(self.order)
        if stray:
            raise ValueError(f"colour(s) {sorted(stray)} not in order {list(self.order)}")
        return self

    def strictness(self, colour: str) -> int:
        return len(self.order) - self.order.index(colour)


class ColourTables(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default: ColourTable
    provinces: Mapping[str, ColourTable] = {}

    def for_jurisdiction(self, code: str) -> ColourTable:
        """The table of the province a jurisdiction code lies in (its first two digits), else the default."""
        return self.provinces.get(code[:2], self.default)


@cache
def colour_tables() -> ColourTables:
    text = resources.files("fangkong.policy").joinpath("data", "health_codes.yaml").read_text(encoding="utf-8")
    try:
        return ColourTables.model_validate(parse_yaml(text, "health_codes.yaml"))
    except ValidationError as exc:
        raise PolicyDataError(f"health_codes.yaml: {exc}") from None
