"""A simulated county's own area-wide testing, and the over-reach guard's limits on it (measure 6, measure 16).

Real counties tested everyone daily from the first case, two or three times a day, and where there was no outbreak;
(6) corrects all three: "generally no area-wide testing by administrative region", only where "the source of
infection and the chain of transmission are unclear and community transmission has gone on long", and no "two tests
a day" or "three tests a day"; (16) forbids such local additions ("layer-by-layer overweighting", 层层加码).

A `LocalCampaign` is what the county proposes; each day it wants a round, the engine's own rule
`rules.testing_campaign.review_campaign` decides with the simulated facts. Allowed: the rounds are run. Refused and
guarded: no round, counted with the clause that refused it. Refused and not guarded: the rounds are run anyway and
counted as over-reach — what the over-reach would cost in tubes and what it would find.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fangkong.errors import InvalidInput
from fangkong.policy import Policy
from fangkong.policy.terms import CampaignCondition, CampaignScope
from fangkong.rules.testing_campaign import CampaignDecision, review_campaign
from fangkong.sim.policy_link import NO_POLICY, DayRules

WHEN = ("where_allowed", "first_case", "always")
"""When a county wants area-wide testing: where the national rule allows it (the default: no proposal of its own);
every day from the first infection found outside centralized isolation until the stop rule; every day, outbreak or
not."""

MOST_TESTS_PER_DAY = 3
"""The most rounds a day a county may propose: (6) names "two tests a day" and "three tests a day" as what is
corrected; more was not seen."""


@dataclass(frozen=True)
class LocalCampaign:
    """A county's proposal for area-wide testing of all its residents (scope `all_residents`)."""

    when: str = "where_allowed"
    tests_per_day: int = 1
    guarded: bool = True  # the over-reach guard refuses what the rule refuses (False: `--unguarded`, run anyway)

    def check(self) -> LocalCampaign:
        if self.when not in WHEN:
            raise InvalidInput("local_campaign", f"{self.when!r}: one of {', '.join(WHEN)}")
        n = self.tests_per_day
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MOST_TESTS_PER_DAY:
            raise InvalidInput("tests_per_day", f"{n!r}: 1 to {MOST_TESTS_PER_DAY} rounds a day")
        if not isinstance(self.guarded, bool):
            raise InvalidInput("guarded", f"{self.guarded!r}: true or false")
        return self

    @property
    def national(self) -> bool:
        """The national default: a round a day where the version allows it, nothing of the county's own."""
        return self == NATIONAL

    def as_json(self) -> dict[str, Any]:
        return {"when": self.when, "tests_per_day": self.tests_per_day, "guarded": self.guarded}


NATIONAL = LocalCampaign()


@dataclass(frozen=True)
class CampaignFacts:
    """What the simulated day shows, as `review_campaign` takes it."""

    outbreak: bool  # an infection found outside centralized isolation within the stop rule's window
    conditions: frozenset[CampaignCondition]  # the conditions of (6) that hold


@dataclass(frozen=True)
class RoundsToday:
    """What a day's proposal comes to: rounds run; rounds the guard refused; rounds run against the rule (unguarded);
    the clauses of a refusal (each once)."""

    run: int = 0
    refused: int = 0
    overreach: int = 0
    clauses: tuple[str, ...] = ()


NO_ROUNDS = RoundsToday()


@dataclass
class CampaignGuard:
    """The review of a proposal, day by day: `review_campaign` on the rules in force, memoised by (version, the
    rules' day, the facts, tests a day) — the facts are a few booleans, so a run reviews only a handful of cases."""

    policy: Policy
    proposal: LocalCampaign = NATIONAL
    _decisions: dict[tuple[str, date | None, bool, frozenset[CampaignCondition], int], CampaignDecision] = field(
        default_factory=dict
    )

    def review(self, rules: DayRules, facts: CampaignFacts, tests_per_day: int) -> CampaignDecision:
        """The engine's decision on testing all residents `tests_per_day` times a day with these facts."""
        k = (rules.version, rules.on, facts.outbreak, facts.conditions, tests_per_day)
        if k not in self._decisions:
            at = self.policy.for_version(rules.version, rules.on)
            self._decisions[k] = review_campaign(
                facts.outbreak, CampaignScope.all_residents, tests_per_day, set(facts.conditions), at
            )
        return self._decisions[k]

    def today(self, rules: DayRules, facts: CampaignFacts) -> RoundsToday:
        """The rounds of the day. Without interventions ("none") nobody is tested. A refused proposal, guarded, is
        trimmed to the national round of the day where the rule allows one (a county held to the rule still tests as
        the rule allows); unguarded, it is run whole and counted as over-reach. "where_allowed" wants a round
        only where one round a day is allowed (so the national default is never refused, and only its extra tests
        a day can be); "first_case" wants one on every day of an outbreak; "always" every day."""
        if rules.version == NO_POLICY:
            return NO_ROUNDS
        p = self.proposal
        if p.when != "always" and not facts.outbreak:
            return NO_ROUNDS
        if p.when == "where_allowed" and not self.review(rules, facts, 1).allowed:
            return NO_ROUNDS
        decision = self.review(rules, facts, p.tests_per_day)
        n = p.tests_per_day
        if decision.allowed:
            return RoundsToday(run=n)
        clauses = tuple(dict.fromkeys(r.clause for r in decision.reasons))
        if p.guarded:
            # the guard trims the proposal to what the rule allows: the national round of the day where there is one
            # (an outbreak, and one round a day allowed), the rest refused
            national = 1 if facts.outbreak and self.review(rules, facts, 1).allowed else 0
            return RoundsToday(run=national, refused=n - national, clauses=clauses)
        return RoundsToday(run=n, overreach=n, clauses=clauses)


def campaign_facts(
    found_community: Any, found_unplanned: Any, t: int, window: int, long_transmission_days: int
) -> CampaignFacts:
    """The facts of day `t` from the infections found on the days before it (numpy arrays by day): an outbreak — an
    infection found outside centralized isolation within the last `window` days (the stop rule: that many clean
    daily rounds end the testing); the source and the chain unclear — one of them found under no plan in that
    window; long community transmission — found under no plan on `long_transmission_days` of the last 7 days."""
    recent = slice(max(t - window, 0), t)
    outbreak = bool(found_community[recent].any())
    unclear = bool(found_unplanned[recent].any())
    week = found_unplanned[max(t - 7, 0) : t]
    held: set[CampaignCondition] = set()
    if unclear:
        held |= {CampaignCondition.source_unclear, CampaignCondition.chain_unclear}
    if int((week > 0).sum()) >= long_transmission_days:
        held.add(CampaignCondition.long_community_transmission)
    return CampaignFacts(outbreak=outbreak, conditions=frozenset(held))
