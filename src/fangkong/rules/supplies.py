"""Days of supply, reorder alerts and the sharing of short stock: drug and equipment reserves (measure 13).

(13): "accelerate the storage of treatment-related drugs ... meet the drug demand of patients, especially the treatment
needs of severe high-risk and elderly patients ... reserve of effective traditional Chinese medicine prescriptions ...
reserve of first-aid drugs and medical equipment" (m20.13). The notice sets the task; the numbers are policy data
(`supplies.*`, every one an interpretation in the register: supplies-consumption-window, supplies-reorder-points,
supplies-alert-thresholds, supplies-allocation-order, supplies-elderly-age).

- `days_of_supply`: how long a site's stock of an item lasts at its recent daily use (the dispensations of the last
  `supplies.consumption_window_days` days, up to and including the day asked, divided by the window).
- `reorder`: an alert when the days of supply fall under the category's reorder point (`supplies.reorder_days.*`),
  critical under `supplies.critical_days`.
- `allocate`: who gets the stock when the pending requests ask for more than there is: severe and critical patients
  first, then those at high risk of severe illness (measure 11's grounds, `rules.admission.high_risk_reasons`), then
  the elderly, then the rest; within a group the earliest request (then the smallest key) first.

Pure functions: no store, no clock; `bulk/days_of_supply.py` computes the same figures for every site and item at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from fangkong.errors import InvalidInput
from fangkong.policy import InForce, PolicyAt
from fangkong.policy.terms import AllocationGroup, RiskFactor, Severity, SupplyCategory, parse_term
from fangkong.rules.admission import MAX_AGE, high_risk_reasons
from fangkong.rules.decision import Decision, Reason, because, policy_fields


class SupplyAlert(StrEnum):
    """What a stock line asks of the site (measure 13): nothing, a reorder, or a critical shortage."""

    none = "none"  # 充足
    reorder = "reorder"  # 需补货
    critical = "critical"  # 严重短缺


class DaysOfSupply(Decision):
    """How long a stock lasts (m20.13). `daily_use` is None when nothing was dispensed in the window, and then
    `days` is None too (the stock does not run out at the present use); an empty shelf has 0 days whatever the use."""

    stock: int
    window_days: int
    dispensed_in_window: int
    daily_use: float | None
    days: float | None


class Reorder(Decision):
    """Whether a stock line is under its category's reorder point (m20.13)."""

    category: SupplyCategory
    reorder_point: int
    critical_days: int
    alert: SupplyAlert


def window_of(as_of: date, window_days: int) -> tuple[date, date]:
    """The first and last day of the consumption window ending on `as_of` (both included)."""
    return as_of - timedelta(days=window_days - 1), as_of


def days_of_supply(stock: int, dispensed: Mapping[date, int], as_of: date, policy: PolicyAt) -> DaysOfSupply:
    """The days a site's stock of an item lasts at its recent daily use (measure 13, m20.13; the window in
    `supplies.consumption_window_days`). `dispensed` maps a day to the quantity dispensed that day (transfers out are
    not use: they move stock, they do not meet a patient's demand); days outside the window are ignored. Raises
    InvalidInput naming `stock` or `dispensed` for a negative quantity."""
    if isinstance(stock, bool) or not isinstance(stock, int) or stock < 0:
        raise InvalidInput("stock", f"{stock!r} is not a stock (a whole number, 0 or more)")
    if any(q < 0 for q in dispensed.values()):
        raise InvalidInput("dispensed", "a day's dispensed quantity cannot be negative")
    window = policy.integer("supplies.consumption_window_days")
    days_in = int(window.value or 1)
    first, last = window_of(as_of, days_in)
    total = sum(q for d, q in dispensed.items() if first <= d <= last)
    reasons: list[Reason] = []
    if total == 0:
        use: float | None = None
        reasons.append(because(window, f"nothing dispensed in the {days_in} days from {first} to {last}"))
    else:
        use = total / days_in
        reasons.append(
            because(window, f"{total} dispensed in the {days_in} days from {first} to {last}: {use:.2f} a day")
        )
    if stock == 0:
        days: float | None = 0.0
        reasons.append(because(window, "no stock left"))
    elif use is None:
        days = None
        reasons.append(because(window, f"stock {stock}: does not run out at the present use"))
    else:
        days = stock / use
        reasons.append(because(window, f"stock {stock}: {days:.1f} days of supply"))
    return DaysOfSupply(
        **policy_fields(policy),
        stock=stock,
        window_days=days_in,
        dispensed_in_window=total,
        daily_use=use,
        days=days,
        reasons=tuple(reasons),
    )


def reorder(supply: DaysOfSupply, category: SupplyCategory | str, policy: PolicyAt) -> Reorder:
    """A reorder alert when the days of supply fall under the category's reorder point (measure 13, m20.13;
    `supplies.reorder_days.<category>`), critical under `supplies.critical_days`. A stock that does not run out at
    the present use raises none. Raises InvalidInput naming `category` for a word outside the vocabulary."""
    cat = category if isinstance(category, SupplyCategory) else parse_term(SupplyCategory, category, "category")
    point = policy.integer(f"supplies.reorder_days.{cat.value}")
    critical = policy.integer("supplies.critical_days")
    point_days, critical_days = int(point.value or 0), int(critical.value or 0)
    days = supply.days
    if days is None:
        alert = SupplyAlert.none
        reason = because(point, f"no measured use: no reorder (reorder point {point_days} days)")
    elif days < critical_days:
        alert = SupplyAlert.critical
        reason = because(critical, f"{days:.1f} days of supply, under {critical_days}: critical shortage")
    elif days < point_days:
        alert = SupplyAlert.reorder
        reason = because(point, f"{days:.1f} days of supply, under the reorder point of {point_days}: reorder")
    else:
        alert = SupplyAlert.none
        reason = because(point, f"{days:.1f} days of supply, not under the reorder point of {point_days}")
    return Reorder(
        **policy_fields(policy),
        category=cat,
        reorder_point=point_days,
        critical_days=critical_days,
        alert=alert,
        reasons=(*supply.reasons, reason),
    )


class SupplyRequest(BaseModel):
    """A patient's pending request for an item at a site: what the allocation weighs (m20.13). `key` identifies it
    (the stored request's id) and breaks ties between requests made at the same instant; `severity` is None when the
    clinical severity is not known."""

    model_config = ConfigDict(frozen=True)

    key: int
    quantity: int
    age: int
    severity: Severity | None = None
    risk_factors: frozenset[RiskFactor] = frozenset()
    requested_at: datetime


class Grant(Decision):
    """One request's share of the stock: `granted` of the `asked` (0 when the stock ran out before its turn)."""

    key: int
    group: AllocationGroup
    turn: int  # 1 = served first
    asked: int
    granted: int


class Allocation(Decision):
    """Who gets short stock, in the order served (m20.13)."""

    available: int
    asked: int
    granted: int
    left: int
    grants: tuple[Grant, ...]


def allocation_group(request: SupplyRequest, policy: PolicyAt) -> tuple[AllocationGroup, list[Reason]]:
    """The group a request is served in and why (measure 13: 特别是重症高风险人群和老年患者; the groups in
    `supplies.allocation.*`, the high-risk grounds of measure 11 in `treatment.high_risk.*`)."""
    severe = policy.texts("supplies.allocation.severe_severities")
    if request.severity is not None and request.severity.value in (severe.value or ()):
        return AllocationGroup.severe, [because(severe, f"clinical severity {_said(request.severity)}: severe patient")]
    risk = high_risk_reasons(request.age, request.risk_factors, policy)
    if risk:
        return AllocationGroup.high_risk, risk
    elderly = policy.integer("supplies.allocation.elderly_age_at_least")
    if elderly.value is not None and request.age >= elderly.value:
        return AllocationGroup.elderly, [because(elderly, f"aged {request.age} ({elderly.value} or more): elderly")]
    return AllocationGroup.others, [because(severe, "neither severe, nor at high risk, nor elderly")]


def allocate(available: int, requests: Iterable[SupplyRequest], policy: PolicyAt) -> Allocation:
    """Share `available` units among pending requests (measure 13, m20.13: "especially the treatment needs of severe
    high-risk and elderly patients"; the order in `supplies.allocation.order`). Requests are served in the order of
    their group, then the earliest request, then the smallest key; each is given what it asks while stock lasts, the
    first that does not fit is given what is left, and the rest none — so nobody in a later place gets anything while
    one before is short. Raises InvalidInput naming `available`, `quantity`, `age` or `key`."""
    if isinstance(available, bool) or not isinstance(available, int) or available < 0:
        raise InvalidInput("available", f"{available!r} is not a quantity (a whole number, 0 or more)")
    pending = list(requests)
    _check(pending)
    order = policy.get("supplies.allocation.order")
    rank = {AllocationGroup(g): i for i, g in enumerate(order.value)}
    grouped = [(r, *allocation_group(r, policy)) for r in pending]
    grouped.sort(key=lambda t: (rank.get(t[1], len(rank)), t[0].requested_at, t[0].key))
    left = available
    grants: list[Grant] = []
    for turn, (request, group, why) in enumerate(grouped, start=1):
        given = min(request.quantity, left)
        left -= given
        reasons = [
            *why,
            because(order, f"served in the {_said(group)} group, turn {turn} (earliest request first)"),
            _outcome(order, request.quantity, given),
        ]
        grants.append(
            Grant(
                **policy_fields(policy),
                key=request.key,
                group=group,
                turn=turn,
                asked=request.quantity,
                granted=given,
                reasons=tuple(reasons),
            )
        )
    asked = sum(r.quantity for r in pending)
    summary = because(order, f"{available} available for {asked} asked: {available - left} given, {left} left")
    return Allocation(
        **policy_fields(policy),
        available=available,
        asked=asked,
        granted=available - left,
        left=left,
        grants=tuple(grants),
        reasons=(summary,),
    )


def _check(requests: Sequence[SupplyRequest]) -> None:
    """Refuse a request the allocation cannot weigh, naming its field (m20.13's requests come from the store or a
    file)."""
    keys = [r.key for r in requests]
    if len(set(keys)) != len(keys):
        raise InvalidInput("key", "two requests have the same key")
    for r in requests:
        if r.quantity <= 0:
            raise InvalidInput("quantity", f"request {r.key}: {r.quantity} is not a quantity (1 or more)")
        if not 0 <= r.age <= MAX_AGE:
            raise InvalidInput("age", f"request {r.key}: {r.age!r} is not an age in years (0 to {MAX_AGE})")


def _outcome(order: InForce[Any], asked: int, given: int) -> Reason:
    """What the request was given, cited from the allocation order (m20.13)."""
    if given == asked:
        return because(order, f"given all {asked} asked")
    if given == 0:
        return because(order, f"none left for the {asked} asked")
    return because(order, f"given {given} of the {asked} asked: the rest ran out")


def _said(word: StrEnum) -> str:
    """A vocabulary word as a reason writes it (measure 13's groups, measure 11's severities)."""
    return word.value.replace("_", " ")
