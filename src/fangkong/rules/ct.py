"""Adjudication of nucleic-acid results by Ct value.

(9): "the positive criterion for entry personnel is a nucleic-acid Ct value below 35"; those with Ct 35–40
get a risk assessment. Section 3: "entrants with Ct 35–40 are screened again, with another test 24 hours
later: below 35 → designated or makeshift hospital; 35 or more → generally a past infection → home isolation,
two tests in three days, code-managed, no going out". Everyone else: the kit's cut-off.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from fangkong.errors import InvalidInput, PolicyDataError
from fangkong.policy import PolicyAt, repealed
from fangkong.policy.terms import CtResult, Population, SampleStage
from fangkong.rules.decision import Decision, Reason, because, policy_fields

CT_MAX = 50.0  # no PCR run goes past 50 cycles: a larger value is a data error, not a negative


class GeneCt(BaseModel):
    """Ct per gene target; None = not detected."""

    model_config = ConfigDict(frozen=True)

    orf1ab: float | None = Field(default=None, gt=0, le=CT_MAX)
    n: float | None = Field(default=None, gt=0, le=CT_MAX)

    @classmethod
    def every_target(cls, value: float | None) -> GeneCt:
        return cls(orf1ab=value, n=value)


class PreviousResult(BaseModel):
    """The result a retest follows, and how long before it was sampled."""

    model_config = ConfigDict(frozen=True)

    ct: GeneCt
    hours_before: float = Field(ge=0)


Action = Literal["designated_hospital", "retest_after_24h", "home_isolation_past_infection", "report_positive", "none"]


class CtDecision(Decision):
    result: CtResult
    action: Action
    decisive_ct: float | None


def decisive_ct(ct: GeneCt, policy: PolicyAt) -> tuple[float | None, Reason]:
    """The one Ct that decides a result, by `ct.gene_rule` (interpretation register: ct-gene-rule)."""
    rule = policy.text("ct.gene_rule")
    values = [v for v in (ct.orf1ab, ct.n) if v is not None]
    if not values:
        return None, because(rule, "no target detected")
    if rule.value == "every_target":
        # every target must be low for a positive, so the highest detected Ct decides; an undetected target vetoes
        value = None if len(values) < 2 else max(values)
    else:
        value = min(values)
    return value, because(rule, f"decisive Ct {value} ({str(rule.value).replace('_', ' ')})")


def adjudicate_ct(
    ct: GeneCt,
    population: Population,
    stage: SampleStage,
    policy: PolicyAt,
    previous: PreviousResult | None = None,
) -> CtDecision:
    """Classify one result: positive, retest after 24 h, past infection, or negative."""
    value, gene_reason = decisive_ct(ct, policy)
    fields = policy_fields(policy) | {"decisive_ct": value}
    entry_cut = policy.find("ct.entry_personnel.positive_below")
    if population is Population.entry_personnel and entry_cut is not None and entry_cut.value is not None:
        return _entry(value, stage, previous, policy, gene_reason, fields)
    general = policy.number("ct.general.positive_below")
    if general.value is None:
        raise repealed(general)
    if value is not None and value < general.value:
        return CtDecision(
            **fields,
            result=CtResult.positive,
            action="report_positive",
            reasons=(gene_reason, because(general, f"Ct {value} < {general.value:g}: positive")),
        )
    return CtDecision(
        **fields,
        result=CtResult.negative,
        action="none",
        reasons=(gene_reason, because(general, f"not below the cut-off {general.value:g}: negative")),
    )


def _entry(
    value: float | None,
    stage: SampleStage,
    previous: PreviousResult | None,
    policy: PolicyAt,
    gene_reason: Reason,
    fields: dict[str, object],
) -> CtDecision:
    cut = policy.number("ct.entry_personnel.positive_below")
    upper = policy.number("ct.entry_personnel.grey_band_upper")
    inclusive = policy.flag("ct.entry_personnel.grey_band_upper_inclusive")
    at_screening = policy.flag("ct.entry_personnel.grey_band_at_screening")
    hours = policy.integer("ct.entry_personnel.retest_after_hours")
    if cut.value is None or upper.value is None or hours.value is None:
        raise repealed(cut, upper, hours)

    def in_band(v: float | None) -> bool:
        if upper.value is None or cut.value is None:
            raise repealed(upper, cut)
        if v is None or v < cut.value:
            return False
        return v < upper.value or (bool(inclusive.value) and v == upper.value)

    band = f"{cut.value:g}–{upper.value:g}"
    prev_value = decisive_ct(previous.ct, policy)[0] if previous is not None else None
    follows_band = previous is not None and in_band(prev_value)
    if value is not None and value < cut.value:
        reasons = [gene_reason, because(cut, f"Ct {value} < {cut.value:g}: positive for entry personnel")]
        if follows_band:
            reasons.append(
                because(
                    hours,
                    f"retest after Ct {prev_value} is below {cut.value:g}: "
                    "transfer to a designated or makeshift hospital",
                )
            )
        return CtDecision(**fields, result=CtResult.positive, action="designated_hospital", reasons=tuple(reasons))
    if follows_band and previous is not None and previous.hours_before < hours.value:
        # Too early to clear anyone as a past infection; a Ct below 35 above was positive however early.
        return CtDecision(
            **fields,
            result=CtResult.retest_24h,
            action="retest_after_24h",
            reasons=(
                gene_reason,
                because(
                    hours,
                    f"the retest was sampled {previous.hours_before:g} h after a Ct {prev_value} result; "
                    f"it must be at least {hours.value} h later: retest again",
                ),
            ),
        )
    if follows_band:
        return CtDecision(
            **fields,
            result=CtResult.past_infection,
            action="home_isolation_past_infection",
            reasons=(
                gene_reason,
                because(
                    hours,
                    f"retest {hours.value} h or more after Ct {prev_value} is still ≥ {cut.value:g}: "
                    "generally a past infection; home isolation with two tests in three days",
                ),
                because(cut, "past infections are code-managed and may not go out"),
            ),
        )
    if in_band(value) and (stage is SampleStage.release or at_screening.value):
        reasons = [
            gene_reason,
            because(upper, f"Ct {value} in the {band} band: retest {hours.value} h later"),
        ]
        if stage is SampleStage.release:
            reasons.append(because(cut, "Ct 35–40 at release from centralized isolation: risk assessment"))
        else:
            reasons.append(because(at_screening, "the band applies to an entrant's result at any stage"))
        return CtDecision(**fields, result=CtResult.retest_24h, action="retest_after_24h", reasons=tuple(reasons))
    shown = "not detected" if value is None else f"Ct {value}"
    return CtDecision(
        **fields,
        result=CtResult.negative,
        action="none",
        reasons=(gene_reason, because(cut, f"{shown}: not positive for entry personnel")),
    )


class EntryOrder(BaseModel):
    """An active entry-personnel order of the person tested: the day it starts, and the test days of the last
    centralized-isolation phase of its plan (none: the plan has no such phase)."""

    model_config = ConfigDict(frozen=True)

    start: date
    isolation_test_days: tuple[date, ...] = ()


class CtContext(Decision):
    """Who a single tube is judged as, and at which stage."""

    population: Population
    stage: SampleStage


def ct_context(sampled_on: date, entry_orders: Sequence[EntryOrder], follows_band: bool, policy: PolicyAt) -> CtContext:
    """Measure 9 and section 3: an entrant — under an entry order that has started by the sampling day, or retested
    after a result in the Ct 35–40 band — is judged by the entrants' cut-off; everyone else as the general
    population. The sample is at release when it is the last test of an entry order's centralized isolation (a
    band result there calls for a risk assessment); any other sample is screening. Cited where the entrants' rules
    are in force."""
    entrant = any(o.start <= sampled_on for o in entry_orders)
    release = any(o.isolation_test_days and o.isolation_test_days[-1] == sampled_on for o in entry_orders)
    cut = policy.find("ct.entry_personnel.positive_below")
    hours = policy.find("ct.entry_personnel.retest_after_hours")
    reasons: list[Reason] = []
    if cut is not None and entrant:
        reasons.append(because(cut, "under an entry order: judged as entry personnel"))
    if hours is not None and follows_band:
        reasons.append(because(hours, "the retest of a result in the band: judged as entry personnel"))
    if cut is not None and release:
        reasons.append(because(cut, "the last test of centralized isolation: the release test"))
    return CtContext(
        **policy_fields(policy),
        population=Population.entry_personnel if entrant or follows_band else Population.general,
        stage=SampleStage.release if release else SampleStage.screening,
        reasons=tuple(reasons),
    )


def retest_due(decision: CtDecision, sampled_at: datetime, policy: PolicyAt) -> datetime | None:
    """When the retest of a result in the band is due (section 3: "another test 24 hours later"): the sample's
    instant plus `ct.entry_personnel.retest_after_hours`. None for any other result."""
    if decision.result is not CtResult.retest_24h:
        return None
    hours = policy.integer("ct.entry_personnel.retest_after_hours")
    if hours.value is None:
        raise PolicyDataError(f"a band result on {policy.on} with no {hours.path} in force")
    return sampled_at + timedelta(hours=hours.value)


def parse_ct(raw: object, field: str) -> GeneCt:
    """A Ct given as one number (every target at that value), null (not detected), or per target."""
    try:
        if raw is None or (isinstance(raw, int | float) and not isinstance(raw, bool)):
            return GeneCt.every_target(None if raw is None else float(raw))
        if isinstance(raw, dict):
            return GeneCt.model_validate(raw)
    except ValueError as exc:
        raise InvalidInput(field, f"Ct values must be above 0 and at most {CT_MAX:g}: {exc}") from None
    raise InvalidInput(field, f"expected a number, null or {{orf1ab, n}}, got {raw!r}")
