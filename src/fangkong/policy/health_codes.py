"""Health-code colour tables: the default pattern and provincial overlays (data/health_codes.yaml)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from fangkong.errors import PolicyDataError
from fangkong.policy.terms import Category, PhaseKind
from fangkong.policy.tree import parse_yaml

STATUSES = (
    "infection",
    "temporary_control",
    "centralized_isolation",
    "home_isolation",
    "home_health_monitoring",
    "testing_only",
    "high_risk_area",
    "medium_risk_area",
)


PHASE_STATUSES = tuple(k.value for k in PhaseKind)


def keyed_status(category: str, kind: str) -> str:
    """The key of a phase kind for one category: `close_contact.home_isolation`."""
    return f"{category}.{kind}"


def _is_keyed(status: str) -> bool:
    category, _, kind = status.partition(".")
    return category in {c.value for c in Category} and kind in PHASE_STATUSES


class ColourTable(BaseModel):
    """A province's colours: one per status, and optionally one per category and phase kind
    (`close_contact.home_isolation`), which wins over the phase kind's own for that category (RULES.md: the home
    phase of 5+3 yellow while spill-over home isolation stays red)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    tag: Literal["S", "S2", "U"]
    order: tuple[str, ...]
    colours: Mapping[str, str]
    otherwise: str

    @model_validator(mode="after")
    def _consistent(self) -> ColourTable:
        unknown = {s for s in self.colours if s not in STATUSES and not _is_keyed(s)}
        if unknown:
            raise ValueError(
                f"unknown status(es) {sorted(unknown)}; known: {', '.join(STATUSES)}, or <category>.<phase kind>"
            )
        missing = set(STATUSES) - set(self.colours)
        if missing:
            raise ValueError(f"no colour for {sorted(missing)}")
        stray = {*self.colours.values(), self.otherwise} - set(self.order)
        if stray:
            raise ValueError(f"colour(s) {sorted(stray)} not in order {list(self.order)}")
        return self

    def strictness(self, colour: str) -> int:
        return len(self.order) - self.order.index(colour)

    def colour_of(self, status: str, category: str | None = None) -> str:
        """The colour of a status; a phase kind's for its category where the table keys one."""
        if category is not None:
            keyed = self.colours.get(keyed_status(category, status))
            if keyed is not None:
                return keyed
        return self.colours[status]


class ColourTables(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default: ColourTable
    provinces: Mapping[str, ColourTable] = {}

    def for_jurisdiction(self, code: str) -> ColourTable:
        """The table of the province a jurisdiction code lies in (its first two digits), else the default."""
        return self.provinces.get(code[:2], self.default)


def keyed_statuses(tables: ColourTables) -> tuple[str, ...]:
    """Every `<category>.<phase kind>` some table colours, in a stable order (the bulk job gives each a bit)."""
    found = {s for t in (tables.default, *tables.provinces.values()) for s in t.colours if s not in STATUSES}
    return tuple(sorted(found))


@cache
def colour_tables() -> ColourTables:
    text = resources.files("fangkong.policy").joinpath("data", "health_codes.yaml").read_text(encoding="utf-8")
    try:
        return ColourTables.model_validate(parse_yaml(text, "health_codes.yaml"))
    except ValidationError as exc:
        raise PolicyDataError(f"health_codes.yaml: {exc}") from None
