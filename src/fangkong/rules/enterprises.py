"""Enterprises and industrial parks (measure 19), and the guard on stopping production (measures 16 and 19).

(19): "formulate epidemic prevention and control plans with 'one enterprise, one policy' and 'one park, one
policy' (一企一策、一园一策) ... a responsibility system from enterprise and park management to workshop
teams ... strictly check the epidemic-related risks of returning personnel and confirm their health before
they return to work ... fully ensure the smooth flow of logistics, and key enterprises related to the
industrial chain and people's livelihood may not be asked to stop production: implement the 'white list'
system" (m20.19). (16): "it is strictly forbidden to ... stop production ... without approval"
(严禁未经批准随意停产, m20.16).

- `judge_stop_order`: the over-reach guard's verdict on an order stopping an enterprise's production, table-driven
  per version: white-listed → refused (m20.19, every version); other → allowed only with a recorded approval (m20.16;
  n10 unchanged, n10.general); from Class B management every stop is refused (classb.general). Register:
  enterprise-stop-approval, enterprise-stop-classb.
- `chain_levels` / `check_chain`: a plan's chain of responsibility, management → workshop → team (enterprise-chain).
- `return_check`: a returning worker cleared or held (enterprise-return-check).
- `logistics_pass`: whether a driver or vehicle keeps moving (enterprise-logistics).

Pure functions: no store, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping

from fangkong.errors import InvalidInput
from fangkong.policy import PolicyAt, repealed
from fangkong.rules.decision import Decision, Reason, because, policy_fields


class StopDecision(Decision):
    allowed: bool
    needs_approval: bool


class ReturnDecision(Decision):
    cleared: bool


class LogisticsDecision(Decision):
    may_move: bool


def judge_stop_order(white_listed: bool, approval: str | None, policy: PolicyAt) -> StopDecision:
    """An order stopping an enterprise's production (m20.19, m20.16): refused for a white-listed enterprise; for
    another, allowed only with a recorded approval while the version allows a stop at all."""
    guard = policy.get("overreach.national_rule_clause").source.clause
    white = policy.flag("overreach.white_listed_enterprises_may_stop")
    allowed = policy.flag("enterprise.stop_order.allowed")
    approval_rule = policy.flag("enterprise.stop_order.needs_approval")
    if white.value is None or allowed.value is None or approval_rule.value is None:
        raise repealed(white, allowed, approval_rule)
    fields = policy_fields(policy)
    if white_listed and not white.value:
        return StopDecision(
            **fields,
            allowed=False,
            needs_approval=False,
            reasons=(
                because(white, "key enterprises on the white list may not be made to stop production"),
                Reason(clause=guard, text="stopping a white-listed enterprise adds to the national rules"),
            ),
        )
    if not allowed.value:
        return StopDecision(
            **fields,
            allowed=False,
            needs_approval=False,
            reasons=(because(allowed, "no stop of production on epidemic grounds under these rules"),),
        )
    if approval_rule.value and not (approval or "").strip():
        return StopDecision(
            **fields,
            allowed=False,
            needs_approval=True,
            reasons=(
                because(approval_rule, "stopping production needs a recorded approval"),
                Reason(clause=guard, text="a stop of production without approval adds to the national rules"),
            ),
        )
    return StopDecision(
        **fields,
        allowed=True,
        needs_approval=bool(approval_rule.value),
        reasons=(because(approval_rule, "stop of production approved"),),
    )


def chain_levels(policy: PolicyAt) -> tuple[str, ...]:
    """The levels of a plan's chain of responsibility, top down (m20.19; register enterprise-chain)."""
    found = policy.text("enterprise.chain_levels")
    if found.value is None:
        raise repealed(found)
    return tuple(level.strip() for level in found.value.split(",") if level.strip())


def check_chain(chain: Mapping[str, str], policy: PolicyAt) -> tuple[str, ...]:
    """The chain's levels in order when each level names the one responsible; otherwise refused naming `chain`."""
    levels = chain_levels(policy)
    unknown = sorted(set(chain) - set(levels))
    if unknown:
        raise InvalidInput("chain", f"{', '.join(unknown)} is not a level of the chain ({', '.join(levels)})")
    missing = [level for level in levels if not (chain.get(level) or "").strip()]
    if missing:
        raise InvalidInput("chain", f"the chain names nobody at {', '.join(missing)}")
    return levels


def return_check(in_high_risk_area: bool, under_order: bool, policy: PolicyAt) -> ReturnDecision:
    """A worker returning from elsewhere (m20.19): held while under an active management order or coming from an
    active high-risk area; cleared otherwise, and cleared without a check where the version requires none."""
    required = policy.flag("enterprise.return_check.required")
    if required.value is None:
        raise repealed(required)
    fields = policy_fields(policy)
    if not required.value:
        return ReturnDecision(**fields, cleared=True, reasons=(because(required, "no return check under these rules"),))
    held: list[Reason] = []
    if under_order:
        held.append(because(required, "under a management order: returns to work when it ends"))
    if in_high_risk_area:
        held.append(because(required, "comes from a high-risk area: returns to work when the area is lifted"))
    if held:
        return ReturnDecision(**fields, cleared=False, reasons=tuple(held))
    return ReturnDecision(
        **fields,
        cleared=True,
        reasons=(because(required, "not in a high-risk area and not under management: cleared to return"),),
    )


def logistics_pass(key_chain: bool, in_high_risk_area: bool, under_order: bool, policy: PolicyAt) -> LogisticsDecision:
    """Whether a driver and vehicle keep moving (m20.19 "fully ensure the smooth flow of logistics"), under the version
    in force: a key supply chain keeps moving; the driver's own management order still applies to the driver."""
    keeps = policy.flag("enterprise.logistics.key_chain_keeps_moving")
    if keeps.value is None:
        raise repealed(keeps)
    fields = policy_fields(policy)
    if under_order:
        return LogisticsDecision(
            **fields,
            may_move=False,
            reasons=(because(keeps, "the driver is under a management order: another driver takes the vehicle"),),
        )
    if key_chain and keeps.value:
        return LogisticsDecision(**fields, may_move=True, reasons=(because(keeps, "key supply chain: keeps moving"),))
    if in_high_risk_area:
        return LogisticsDecision(
            **fields,
            may_move=False,
            reasons=(because(keeps, "not a key supply chain and leaving a high-risk area: the ordinary rules apply"),),
        )
    return LogisticsDecision(**fields, may_move=True, reasons=(because(keeps, "not in a high-risk area: moves"),))
