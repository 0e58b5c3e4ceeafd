"""The over-reach guard for local overlays (measure 16): each local parameter value against the national one.

A value stricter than the national rule is over-reach ("layer-by-layer overweighting", refused with the
guard's clause and the national rule's); a looser one is below the national rule (a warning: the national
rules are implemented in full, not relaxed); equal values pass. Which direction is stricter is data
(`stricter:` on the parameter); management phases are compared day by day (`rules.overreach`).
"""

from __future__ import annotations

from typing import Any, Literal

from fangkong.policy import InForce, PolicyAt, render, repealed
from fangkong.policy.terms import Category
from fangkong.rules.decision import Decision, Reason, because, policy_fields
from fangkong.rules.overreach import ProposedPhase, check_overreach

Verdict = Literal["over_reach", "below_national", "same", "not_comparable"]


class ParameterFinding(Decision):
    path: str
    verdict: Verdict
    national: Any
    local: Any


def _phases_category(path: str) -> Category | None:
    parts = path.split(".")
    if len(parts) == 3 and parts[0] == "management" and parts[2] == "phases":
        try:
            return Category(parts[1])
        except ValueError:
            return None
    return None


def compare_parameter(path: str, stricter: str | None, local: Any, policy: PolicyAt) -> ParameterFinding:
    """One local value against the national value in force on the policy's date."""
    national: InForce[Any] = policy.get(path)
    guard = policy.text("overreach.national_rule_clause")
    if guard.value is None:
        raise repealed(guard)
    fields = policy_fields(policy) | {"path": path, "national": national.value, "local": local}
    shown = f"{path}: local {render(local)}, national {render(national.value)}"
    category = _phases_category(path)
    if category is not None:
        proposed = [ProposedPhase(kind=p.kind, days=p.days, test_days=p.test_days) for p in (local or ())]
        decision = check_overreach(category, proposed, policy)
        verdict: Verdict = (
            "over_reach" if decision.overreach else "below_national" if decision.below_national else "same"
        )
        return ParameterFinding(**fields, verdict=verdict, reasons=decision.reasons)
    if local == national.value:
        return ParameterFinding(**fields, verdict="same", reasons=(because(national, f"{shown}: the same"),))
    if stricter is None or national.value is None or local is None:
        why = (
            "no national direction of strictness is recorded for it: reviewed by hand"
            if stricter is None
            else "the national rule does not apply it on this date: reviewed by hand"
        )
        return ParameterFinding(**fields, verdict="not_comparable", reasons=(because(national, f"{shown}: {why}"),))
    if stricter in ("true", "false"):
        more = bool(local) == (stricter == "true")
    else:
        more = (local > national.value) == (stricter == "higher")
    if more:
        return ParameterFinding(
            **fields,
            verdict="over_reach",
            reasons=(
                Reason(clause=guard.value, text="stricter than the national rule: layer-by-layer overweighting"),
                because(national, shown),
            ),
        )
    return ParameterFinding(
        **fields,
        verdict="below_national",
        reasons=(because(national, f"{shown}: below the national rule, which is implemented in full"),),
    )
