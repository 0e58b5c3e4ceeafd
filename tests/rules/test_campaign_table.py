"""Testing campaigns, table-driven. Measure (6): where there is no outbreak, test risk posts and key persons
only, never everyone (register campaign-branches); where there is one, area-wide testing only when the source and
chain are unclear *and* community transmission has gone on long (register campaign-conditions: every condition);
never two or three tests a day. The 21 Nov rules: when area-wide testing stops (`campaign_progress`).
n10 (2): no area-wide testing by administrative region. classb: testing voluntary. v9: no national limit encoded
(v9-testing-scope)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.policy.terms import CampaignCondition, CampaignScope
from fangkong.rules.testing_campaign import CampaignRound, CampaignStep, campaign_progress, review_campaign

POLICY = load_policy()

KEY = CampaignScope.risk_posts_and_key_persons
ALL = CampaignScope.all_residents
SRC = CampaignCondition.source_unclear
CHAIN = CampaignCondition.chain_unclear
LONG = CampaignCondition.long_community_transmission
EVERY = frozenset({SRC, CHAIN, LONG})
NO_CONDITIONS: frozenset[CampaignCondition] = frozenset()


def day(iso: str) -> date:
    return date.fromisoformat(iso)


CASES = [
    # (id, date, outbreak, scope, tests a day, conditions, allowed, cite (when refused: among the reasons),
    #  missing conditions, number of refusals)
    # ---- m20: without an outbreak never area-wide (risk posts and key persons); with one, only with every
    # condition recorded (register campaign-branches, campaign-conditions) ----
    ("case-no-outbreak-mass-testing", "2022-11-15", False, ALL, 1, NO_CONDITIONS, False, "m20.6", (), 1),
    ("case-key-persons", "2022-11-15", False, KEY, 1, NO_CONDITIONS, True, "m20.6", (), 0),
    # the conditions cannot arise without an outbreak: recording them changes nothing
    ("m20-no-outbreak-all-conditions", "2022-11-15", False, ALL, 1, EVERY, False, "m20.6", (), 1),
    ("m20-outbreak-all-conditions", "2022-11-15", True, ALL, 1, EVERY, True, "m20.6", (), 0),
    # an outbreak with a clear chain gets no area-wide testing
    ("m20-outbreak-chain-clear", "2022-11-15", True, ALL, 1, NO_CONDITIONS, False, "m20.6", (SRC, CHAIN, LONG), 1),
    ("m20-outbreak-missing-long", "2022-11-15", True, ALL, 1, frozenset({SRC, CHAIN}), False, "m20.6", (LONG,), 1),
    ("m20-outbreak-missing-source", "2022-11-15", True, ALL, 1, frozenset({CHAIN, LONG}), False, "m20.6", (SRC,), 1),
    ("m20-outbreak-only-long", "2022-11-15", True, ALL, 1, frozenset({LONG}), False, "m20.6", (SRC, CHAIN), 1),
    ("m20-key-persons-twice-a-day", "2022-11-15", False, KEY, 2, NO_CONDITIONS, False, "m20.6", (), 1),
    ("m20-key-persons-three-a-day", "2022-11-15", True, KEY, 3, NO_CONDITIONS, False, "m20.6", (), 1),
    ("m20-outbreak-area-wide-twice", "2022-11-15", True, ALL, 2, EVERY, False, "m20.6", (), 1),
    ("m20-two-refusals-at-once", "2022-11-15", True, ALL, 2, NO_CONDITIONS, False, "m20.6", (SRC, CHAIN, LONG), 2),
    # the supporting documents of 21 Nov: the same conditions, under their rules
    ("m20-docs-outbreak-conditions", "2022-11-25", True, ALL, 1, EVERY, True, "m20.6", (), 0),
    ("m20-docs-outbreak-chain-clear", "2022-11-25", True, ALL, 1, NO_CONDITIONS, False, "m20.6", (SRC, CHAIN, LONG), 1),
    ("m20-docs-no-outbreak", "2022-11-25", False, ALL, 1, EVERY, False, "m20.6", (), 1),
    # ---- v9: nothing limited nationally ----
    ("v9-no-outbreak-area-wide", "2022-10-01", False, ALL, 1, NO_CONDITIONS, True, "v9.scope", (), 0),
    ("v9-two-a-day", "2022-10-01", False, ALL, 2, NO_CONDITIONS, True, "v9.scope", (), 0),
    ("v9-three-a-day-key", "2022-10-01", False, KEY, 3, NO_CONDITIONS, True, "v9.scope", (), 0),
    ("v9-outbreak-area-wide", "2022-10-01", True, ALL, 1, NO_CONDITIONS, True, "v9.scope", (), 0),
    # ---- boundary 10/11 Nov ----
    ("v9-last-day", "2022-11-10", False, ALL, 1, NO_CONDITIONS, True, "v9.scope", (), 0),
    ("m20-first-day", "2022-11-11", False, ALL, 1, NO_CONDITIONS, False, "m20.6", (), 1),
    # ---- n10: never area-wide; one test a day still (n10-silence) ----
    ("n10-outbreak-area-wide", "2022-12-10", True, ALL, 1, NO_CONDITIONS, False, "n10.2", (), 1),
    ("n10-no-outbreak-all-conditions", "2022-12-10", False, ALL, 1, EVERY, False, "n10.2", (), 1),
    ("n10-key-persons", "2022-12-10", False, KEY, 1, NO_CONDITIONS, True, "m20.6", (), 0),
    ("n10-key-persons-twice", "2022-12-10", True, KEY, 2, NO_CONDITIONS, False, "m20.6", (), 1),
    ("m20-last-day-outbreak", "2022-12-06", True, ALL, 1, EVERY, True, "m20.6", (), 0),
    ("n10-first-day-outbreak", "2022-12-07", True, ALL, 1, NO_CONDITIONS, False, "n10.2", (), 1),
    # ---- classb ----
    ("classb-outbreak-area-wide", "2023-01-10", True, ALL, 1, NO_CONDITIONS, False, "classb.general", (), 1),
    ("classb-no-outbreak-area-wide", "2023-01-10", False, ALL, 1, EVERY, False, "classb.general", (), 1),
    ("classb-key-persons", "2023-01-10", False, KEY, 1, NO_CONDITIONS, True, "m20.6", (), 0),
]


@pytest.mark.parametrize(
    ("on", "outbreak", "scope", "per_day", "conditions", "allowed", "cite", "missing", "refusals"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_review_campaign(
    on: str,
    outbreak: bool,
    scope: CampaignScope,
    per_day: int,
    conditions: frozenset[CampaignCondition],
    allowed: bool,
    cite: str,
    missing: tuple[CampaignCondition, ...],
    refusals: int,
) -> None:
    d = review_campaign(outbreak, scope, per_day, set(conditions), POLICY.at(day(on)))
    assert d.allowed is allowed
    assert cite in d.cite
    assert d.missing_conditions == tuple(c.value for c in missing)
    if not allowed:
        assert len(d.reasons) == refusals


@pytest.mark.parametrize("per_day", [0, -1])
def test_tests_per_day_below_one_is_invalid(per_day: int) -> None:
    with pytest.raises(InvalidInput) as info:
        review_campaign(False, CampaignScope.risk_posts_and_key_persons, per_day, set(), POLICY.at(day("2022-11-15")))
    assert info.value.field == "tests_per_day"


# ---- when area-wide testing stops (m20-docs.testing, from 21 Nov 2022) ----------------------------------------

START = day("2022-11-22")


def rounds(*found: int, start: date = START, gaps: tuple[int, ...] = ()) -> list[CampaignRound]:
    """Rounds on consecutive days from `start` (or after the given gaps in days), finding `found` community
    infections each."""
    out, on = [], start
    for i, n in enumerate(found):
        out.append(CampaignRound(on=on, community_infections=n))
        on += timedelta(days=gaps[i] if i < len(gaps) else 1)
    return out


PROGRESS = [
    # (id, rounds, outbreak area, step, next round, stopped on, cite)
    ("no-rounds-yet", [], True, CampaignStep.daily, START, None, "m20-docs.testing"),
    ("two-clean", rounds(0, 0), True, CampaignStep.daily, day("2022-11-24"), None, "m20-docs.testing"),
    # three clean in a row: one more round three days after the last (register campaign-final-round)
    ("three-clean", rounds(0, 0, 0), True, CampaignStep.final_round, day("2022-11-27"), None, "m20-docs.testing"),
    (
        "final-clean-stops",
        rounds(0, 0, 0, 0, gaps=(1, 1, 3)),
        True,
        CampaignStep.stopped,
        None,
        day("2022-11-27"),
        "m20-docs.testing",
    ),
    # a round held early, between the clean rounds and the final day, is not the final round
    (
        "early-round-not-final",
        rounds(0, 0, 0, 0, gaps=(1, 1, 1)),
        True,
        CampaignStep.final_round,
        day("2022-11-27"),
        None,
        "m20-docs.testing",
    ),
    # an infection in the final round: daily again, the count from nothing
    (
        "final-finds-infection",
        rounds(0, 0, 0, 2, gaps=(1, 1, 3)),
        True,
        CampaignStep.daily,
        day("2022-11-28"),
        None,
        "m20-docs.testing",
    ),
    (
        "infection-resets-count",
        rounds(0, 0, 1, 0, 0),
        True,
        CampaignStep.daily,
        day("2022-11-27"),
        None,
        "m20-docs.testing",
    ),
    (
        "reset-then-three-clean",
        rounds(0, 0, 1, 0, 0, 0),
        True,
        CampaignStep.final_round,
        day("2022-11-30"),
        None,
        "m20-docs.testing",
    ),
    # an area tested without an outbreak of its own (the rules' other districts) stops after the clean rounds
    (
        "other-area-stops-at-three",
        rounds(0, 0, 0),
        False,
        CampaignStep.stopped,
        None,
        day("2022-11-24"),
        "m20-docs.testing",
    ),
]


@pytest.mark.parametrize(
    ("found", "outbreak", "step", "next_on", "stopped_on", "cite"),
    [c[1:] for c in PROGRESS],
    ids=[c[0] for c in PROGRESS],
)
def test_campaign_progress(
    found: list[CampaignRound],
    outbreak: bool,
    step: CampaignStep,
    next_on: date | None,
    stopped_on: date | None,
    cite: str,
) -> None:
    d = campaign_progress(START, found, outbreak_area=outbreak, policy=POLICY.at(START))
    assert (d.step, d.next_round_on, d.stopped_on) == (step, next_on, stopped_on)
    assert cite in d.cite


@pytest.mark.parametrize(("on", "cite"), [("2022-10-01", "v9.scope"), ("2022-11-15", "m20.6")])
def test_no_stop_rule_before_21_november(on: str, cite: str) -> None:
    d = campaign_progress(day(on), [], outbreak_area=True, policy=POLICY.at(day(on)))
    assert d.step is CampaignStep.as_planned
    assert d.cite == [cite]


@pytest.mark.parametrize(
    ("found", "field"),
    [
        ([CampaignRound(on=START, community_infections=0), CampaignRound(on=START, community_infections=0)], "rounds"),
        ([CampaignRound(on=START - timedelta(days=1), community_infections=0)], "rounds"),
        ([CampaignRound(on=START, community_infections=-1)], "community_infections"),
    ],
    ids=["same-day-twice", "before-start", "negative-count"],
)
def test_bad_rounds_are_refused(found: list[CampaignRound], field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        campaign_progress(START, found, outbreak_area=True, policy=POLICY.at(START))
    assert info.value.field == field
