"""The types a parameter's values may have. Values are validated on load and frozen (tuples, not lists)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from fangkong.policy.terms import (
    AlertStep,
    AllocationGroup,
    AreaLevel,
    CampaignCondition,
    CampusTaskKind,
    CareLevel,
    Facility,
    KeyPopulationKind,
    MayGoOut,
    NeedKind,
    PhaseKind,
    Restriction,
    RiskFactor,
    Severity,
    Urgency,
    VaccinationStatus,
    VaccinePlatform,
)


class PhaseSpec(BaseModel):
    """One phase of a national plan: its kind, length in days and 1-based test days."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: PhaseKind
    days: int = Field(ge=1, le=60)
    test_days: tuple[int, ...] = ()

    @model_validator(mode="after")
    def _tests_inside(self) -> PhaseSpec:
        if any(d < 1 or d > self.days for d in self.test_days):
            raise ValueError(f"test_days {list(self.test_days)} fall outside a {self.days}-day phase")
        if list(self.test_days) != sorted(set(self.test_days)):
            raise ValueError("test_days must be increasing and distinct")
        return self


Anchor = Literal["last_exposure", "entry", "left_area", "closed_loop_end", "retest_result", "positive_sample"]
DayOne = Literal["anchor_day", "day_after_anchor"]
Transition = Literal["keep_original", "recompute_from_start", "release"]
GeneRule = Literal["lowest_target", "every_target"]
AreaWideRule = Literal["allowed", "only_with_conditions", "never"]
ConditionsRule = Literal["all", "any"]
DowngradeEffective = Literal["day_after_last_clean_day", "last_clean_day"]


def _day_shares(shares: tuple[float, ...]) -> tuple[float, ...]:
    """A discrete distribution of whole days (measure 11, the stays of `projection.stay.*`): the share of stays of 1,
    2, 3 ... days, none negative, summing to 1, the last above 0 (a trailing 0 would be a typing error)."""
    if not shares:
        raise ValueError("at least one day")
    if any(s < 0 for s in shares):
        raise ValueError("a share is negative")
    if abs(sum(shares) - 1.0) > 1e-9:
        raise ValueError(f"the shares sum to {sum(shares)}, not 1")
    if shares[-1] <= 0:
        raise ValueError("the last share is 0")
    return shares


DayShares = Annotated[tuple[float, ...], AfterValidator(_day_shares)]


class VaccineProduct(BaseModel):
    """One COVID-19 vaccine product (measure 12; the NHC technical guidance for COVID-19 vaccination): its code, names,
    maker, platform, the doses of its primary course and the least days between two of them. `booster_only`: licensed
    for a booster and not for a primary course (the inhaled adenovirus-vector vaccine, 2022)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z0-9_]{1,32}$")
    name_zh: str
    name_en: str
    manufacturer_zh: str
    manufacturer_en: str
    platform: VaccinePlatform
    primary_doses: int = Field(ge=1, le=5)
    min_days_between_doses: int = Field(ge=0, le=365)
    booster_only: bool = False

    def __str__(self) -> str:
        return self.code


def _distinct_codes(products: tuple[VaccineProduct, ...]) -> tuple[VaccineProduct, ...]:
    """A product list names each code once (measure 12: a dose names its product by code)."""
    codes = [p.code for p in products]
    if len(codes) != len(set(codes)):
        raise ValueError("a product code appears twice")
    return products


VaccineProducts = Annotated[tuple[VaccineProduct, ...], AfterValidator(_distinct_codes)]

VALUE_TYPES: dict[str, TypeAdapter[Any]] = {
    "bool": TypeAdapter(bool),
    "int": TypeAdapter(int),
    "ints": TypeAdapter(tuple[int, ...]),
    "number": TypeAdapter(float),
    "text": TypeAdapter(str),
    "phases": TypeAdapter(tuple[PhaseSpec, ...]),
    "anchor": TypeAdapter(Anchor),
    "may_go_out": TypeAdapter(MayGoOut),
    "restrictions": TypeAdapter(tuple[Restriction, ...]),
    "day_one": TypeAdapter(DayOne),
    "transition": TypeAdapter(Transition),
    "gene_rule": TypeAdapter(GeneRule),
    "area_wide_rule": TypeAdapter(AreaWideRule),
    "conditions": TypeAdapter(tuple[str, ...]),
    "conditions_rule": TypeAdapter(ConditionsRule),
    "levels": TypeAdapter(tuple[AreaLevel, ...]),
    "level": TypeAdapter(AreaLevel),
    "downgrade_effective": TypeAdapter(DowngradeEffective),
    "care_level": TypeAdapter(CareLevel),
    "facility": TypeAdapter(Facility),
    "risk_factors": TypeAdapter(tuple[RiskFactor, ...]),
    "share": TypeAdapter(Annotated[float, Field(ge=0.0, le=1.0)]),
    "day_shares": TypeAdapter(DayShares),
    "severities": TypeAdapter(tuple[Severity, ...]),
    "allocation_groups": TypeAdapter(tuple[AllocationGroup, ...]),
    "vaccine_products": TypeAdapter(VaccineProducts),
    "key_population_kinds": TypeAdapter(tuple[KeyPopulationKind, ...]),
    "vaccination_statuses": TypeAdapter(tuple[VaccinationStatus, ...]),
    "alert_steps": TypeAdapter(tuple[AlertStep, ...]),
    "urgency": TypeAdapter(Urgency),
    "need_kinds": TypeAdapter(tuple[NeedKind, ...]),
    # campuses (issue 21, measure 18)
    "campus_tasks": TypeAdapter(tuple[CampusTaskKind, ...]),
}

# Kept for readers of the data: the testing conditions measure 6 names.
CAMPAIGN_CONDITIONS = tuple(c.value for c in CampaignCondition)


def render(value: object) -> str:
    """A short readable form of a parameter value, for diffs, the register and the console."""
    if value is None:
        return "none (no national rule)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        if value and all(isinstance(v, PhaseSpec) for v in value):
            return " + ".join(
                f"{p.kind.value.replace('_', ' ')} {p.days} d (tests {', '.join(map(str, p.test_days)) or '—'})"
                for p in value
            )
        return ", ".join(str(v) for v in value) if value else "none"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
