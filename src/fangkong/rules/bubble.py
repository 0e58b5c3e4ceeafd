"""Entry into a closed-loop management area (the "bubble").

(8): important business personnel and sports groups go point-to-point to an isolation-free closed-loop
management area and may not leave it; "Chinese personnel must complete a booster vaccination before entering".
"""

from __future__ import annotations

from fangkong.policy import PolicyAt
from fangkong.rules.decision import Decision, because, policy_fields


class BubbleDecision(Decision):
    allowed: bool


def bubble_entry(chinese_personnel: bool, booster_completed: bool, policy: PolicyAt) -> BubbleDecision:
    """Whether a person may enter a closed-loop management area."""
    booster = policy.flag("bubble.booster_required_for_chinese_personnel")
    fields = policy_fields(policy)
    if booster.value is None:
        return BubbleDecision(
            **fields, allowed=True, reasons=(because(booster, "no closed-loop entry regime is in force"),)
        )
    if chinese_personnel and booster.value and not booster_completed:
        return BubbleDecision(
            **fields,
            allowed=False,
            reasons=(because(booster, "Chinese personnel must complete a booster vaccination before entering"),),
        )
    why = "booster completed" if chinese_personnel else "the booster rule applies to Chinese personnel only"
    return BubbleDecision(**fields, allowed=True, reasons=(because(booster, why),))
