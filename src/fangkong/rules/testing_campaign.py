"""Review of a proposed testing campaign.

(6): where there is no outbreak, test risk posts and key persons within the 9th edition's scope and do not
expand it; no area-wide testing by administrative region unless "the source of infection and the chain of
transmission are unclear and community transmission has gone on long"; correct "two tests a day" and
"three tests a day".
"""

from __future__ import annotations

from fangkong.errors import InvalidInput
from fangkong.policy import PolicyAt
from fangkong.policy.terms import CampaignCondition, CampaignScope
from fangkong.rules.decision import Decision, Reason, because, policy_fields


class CampaignDecision(Decision):
    allowed: bool
    missing_conditions: tuple[str, ...] = ()


def review_campaign(
    area_has_outbreak: bool,
    scope: CampaignScope,
    tests_per_day: int,
    conditions: set[CampaignCondition],
    policy: PolicyAt,
) -> CampaignDecision:
    """Allow or refuse a campaign; every refusal names its clause, and all refusals are listed at once."""
    if tests_per_day < 1:
        raise InvalidInput("tests_per_day", "must be at least 1")
    refusals: list[Reason] = []
    notes: list[Reason] = []
    missing: tuple[str, ...] = ()
    limit = policy.integer("testing_campaign.max_tests_per_day")
    if limit.value is not None and tests_per_day > limit.value:
        refusals.append(because(limit, f"{tests_per_day} tests a day: at most {limit.value} a day"))
    if scope is CampaignScope.all_residents:
        key = "area_wide_with_outbreak" if area_has_outbreak else "area_wide_without_outbreak"
        where = "where there is an outbreak" if area_has_outbreak else "where there is no outbreak"
        rule = policy.text(f"testing_campaign.{key}")
        if rule.value == "never":
            refusals.append(because(rule, f"no area-wide testing by administrative region {where}"))
        elif rule.value == "only_with_conditions":
            needed = policy.texts("testing_campaign.area_wide_conditions")
            mode = policy.text("testing_campaign.area_wide_conditions_rule")
            wanted = needed.value or ()
            have = {c.value for c in conditions}
            missing = tuple(c for c in wanted if c not in have)
            met = not missing if mode.value == "all" else bool(have & set(wanted))
            if met:
                notes.append(
                    because(needed, f"area-wide testing {where}: conditions recorded ({', '.join(sorted(have))})")
                )
            else:
                refusals.append(
                    because(
                        needed,
                        f"area-wide testing {where} needs {mode.value} of: "
                        f"{', '.join(wanted)}; missing: {', '.join(missing) or 'any'}",
                    )
                )
        else:
            notes.append(because(rule, f"area-wide testing {where} is allowed"))
    else:
        scope_rule = policy.find("testing_campaign.max_tests_per_day")
        if scope_rule is not None:
            notes.append(because(scope_rule, "testing of risk posts and key persons within the national scope"))
    return CampaignDecision(
        **policy_fields(policy),
        allowed=not refusals,
        missing_conditions=missing,
        reasons=tuple(refusals or notes),
    )
