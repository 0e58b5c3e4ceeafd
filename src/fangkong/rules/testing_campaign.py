"""Review of a proposed testing campaign, and when an area-wide one stops.

(6): where there is no outbreak, test risk posts and key persons within the 9th edition's scope and do not
expand it; generally no area-wide testing by administrative region, only where "the source of infection and the
chain of transmission are unclear and community transmission has gone on long" — which can only be where there
is an outbreak (register campaign-branches); correct "two tests a day" and "three tests a day". The 21 Nov
testing rules (m20-docs.testing): one round a day; after three clean rounds one more three days later, then stop.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

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
                recorded = ", ".join(_words(c) for c in sorted(have))
                notes.append(because(needed, f"area-wide testing {where}: conditions recorded ({recorded})"))
            else:
                refusals.append(
                    because(
                        needed,
                        f"area-wide testing {where} needs {mode.value} of: "
                        f"{', '.join(_words(c) for c in wanted)}; missing: "
                        f"{', '.join(_words(c) for c in missing) or 'any'}",
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


class CampaignStep(StrEnum):
    """What an area-wide campaign does next, after the rounds recorded so far."""

    daily = "daily"  # another round the next day
    final_round = "final_round"  # the clean rounds are done: one more round on `next_round_on`
    stopped = "stopped"  # the testing stops: no more rounds
    as_planned = "as_planned"  # no national stop rule in force: the campaign's own rounds


class CampaignRound(BaseModel):
    """A round held: its day and the infections it found in the community (社会面: outside isolation, monitoring
    and closed loops — those found there say nothing about spread in the area)."""

    model_config = ConfigDict(frozen=True)

    on: date
    community_infections: int


class CampaignProgress(Decision):
    step: CampaignStep
    next_round_on: date | None = None
    stopped_on: date | None = None
    clean_in_a_row: int = 0
    held_on: tuple[date, ...] = ()  # the days of the rounds held, in order

    def round_on(self, on: date) -> int | None:
        """The round (1-based) a day is under the stop rule: a round held, or a day after the last one on which the
        next may be held (not in the wait before the final round, not after the testing stopped); else None."""
        if on in self.held_on:
            return self.held_on.index(on) + 1
        if self.held_on and on < self.held_on[-1]:
            return None
        if self.stopped_on is not None:
            return None
        if self.next_round_on is not None and on < self.next_round_on:
            return None
        return len(self.held_on) + 1


def campaign_progress(
    start_on: date, rounds: Sequence[CampaignRound], *, outbreak_area: bool, policy: PolicyAt
) -> CampaignProgress:
    """Where an area-wide campaign stands after its rounds (the 21 Nov testing rules, m20-docs.testing): one round
    a day; after `clean_rounds_to_stop` rounds in a row without a community infection, the outbreak's own area
    holds one more round `final_round_after_days` later and stops if it too is clean (an area without an
    outbreak of its own stops at once); an infection found in any round starts the count again. Rounds must be
    in order of their days. Without a national stop rule (v9, m20 before 21 Nov) the campaign runs as planned."""
    for before, after in itertools.pairwise(rounds):
        if after.on <= before.on:
            raise InvalidInput("rounds", f"round of {after.on} is not after the round of {before.on}")
    if rounds and rounds[0].on < start_on:
        raise InvalidInput("rounds", f"round of {rounds[0].on} is before the campaign's start ({start_on})")
    for r in rounds:
        if r.community_infections < 0:
            raise InvalidInput("community_infections", f"{r.community_infections} on {r.on}: must be 0 or more")
    needed = policy.integer("testing_campaign.clean_rounds_to_stop")
    if needed.value is None:
        return CampaignProgress(
            **policy_fields(policy),
            held_on=tuple(r.on for r in rounds),
            step=CampaignStep.as_planned,
            reasons=(because(needed, "no national rule on when area-wide testing stops: the campaign's own rounds"),),
        )
    gap = policy.integer("testing_campaign.final_round_after_days")
    clean = 0
    final_on: date | None = None
    for r in rounds:
        if r.community_infections > 0:
            clean, final_on = 0, None
            continue
        if final_on is not None and r.on >= final_on:
            return CampaignProgress(
                **policy_fields(policy),
                held_on=tuple(r.on for r in rounds),
                step=CampaignStep.stopped,
                stopped_on=r.on,
                clean_in_a_row=clean + 1,
                reasons=(
                    because(
                        gap,
                        f"the final round of {r.on}, {gap.value} days after the clean rounds, found no "
                        "community infection: area-wide testing stops",
                    ),
                ),
            )
        clean += 1
        if clean >= needed.value and final_on is None:
            if outbreak_area and gap.value is not None:
                final_on = r.on + timedelta(days=gap.value)
            else:
                return CampaignProgress(
                    **policy_fields(policy),
                    held_on=tuple(r.on for r in rounds),
                    step=CampaignStep.stopped,
                    stopped_on=r.on,
                    clean_in_a_row=clean,
                    reasons=(
                        because(
                            needed, f"{clean} rounds in a row without a community infection: area-wide testing stops"
                        ),
                    ),
                )
    if final_on is not None:
        return CampaignProgress(
            **policy_fields(policy),
            held_on=tuple(r.on for r in rounds),
            step=CampaignStep.final_round,
            next_round_on=final_on,
            clean_in_a_row=clean,
            reasons=(
                because(needed, f"{needed.value} rounds in a row without a community infection"),
                because(
                    gap, f"one more round {gap.value} days after the last of them, on {final_on}; no rounds before it"
                ),
            ),
        )
    next_on = rounds[-1].on + timedelta(days=1) if rounds else start_on
    found = f"; {clean} clean in a row" if rounds else ""
    return CampaignProgress(
        **policy_fields(policy),
        held_on=tuple(r.on for r in rounds),
        step=CampaignStep.daily,
        next_round_on=next_on,
        clean_in_a_row=clean,
        reasons=(because(needed, f"one round a day until {needed.value} in a row find no community infection{found}"),),
    )


def _words(condition: str) -> str:
    """A condition as the text says it (`source_unclear` → "source unclear"): reasons are read by people."""
    return condition.replace("_", " ")
