"""Testing campaigns, table-driven. Measure (6): where there is no outbreak, test risk posts and key persons
only; area-wide testing only when the source and chain are unclear *and* community transmission has gone on
long (register campaign-conditions: every condition); never two or three tests a day. n10 (2): no area-wide
testing by administrative region. classb: testing voluntary. v9: no national limit encoded (v9-testing-scope)."""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.policy.terms import CampaignCondition, CampaignScope
from fangkong.rules.testing_campaign import review_campaign

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
    # ---- m20 ----
    (
        "case-no-outbreak-mass-testing",
        "2022-11-15",
        False,
        ALL,
        1,
        NO_CONDITIONS,
        False,
        "m20.6",
        (SRC, CHAIN, LONG),
        1,
    ),
    ("case-key-persons", "2022-11-15", False, KEY, 1, NO_CONDITIONS, True, "m20.6", (), 0),
    ("m20-no-outbreak-all-conditions", "2022-11-15", False, ALL, 1, EVERY, True, "m20.6", (), 0),
    ("m20-no-outbreak-missing-long", "2022-11-15", False, ALL, 1, frozenset({SRC, CHAIN}), False, "m20.6", (LONG,), 1),
    (
        "m20-no-outbreak-missing-source",
        "2022-11-15",
        False,
        ALL,
        1,
        frozenset({CHAIN, LONG}),
        False,
        "m20.6",
        (SRC,),
        1,
    ),
    ("m20-no-outbreak-only-long", "2022-11-15", False, ALL, 1, frozenset({LONG}), False, "m20.6", (SRC, CHAIN), 1),
    ("m20-key-persons-twice-a-day", "2022-11-15", False, KEY, 2, NO_CONDITIONS, False, "m20.6", (), 1),
    ("m20-key-persons-three-a-day", "2022-11-15", True, KEY, 3, NO_CONDITIONS, False, "m20.6", (), 1),
    ("m20-outbreak-area-wide", "2022-11-15", True, ALL, 1, NO_CONDITIONS, True, "m20.6", (), 0),
    ("m20-outbreak-area-wide-twice", "2022-11-15", True, ALL, 2, NO_CONDITIONS, False, "m20.6", (), 1),
    ("m20-all-conditions-twice", "2022-11-15", False, ALL, 2, EVERY, False, "m20.6", (), 1),
    ("m20-two-refusals-at-once", "2022-11-15", False, ALL, 2, NO_CONDITIONS, False, "m20.6", (SRC, CHAIN, LONG), 2),
    # the supporting documents of 21 Nov: area-wide testing where there is an outbreak, under their rules
    ("m20-docs-outbreak-area-wide", "2022-11-25", True, ALL, 1, NO_CONDITIONS, True, "m20-docs.testing", (), 0),
    ("m20-docs-no-outbreak", "2022-11-25", False, ALL, 1, NO_CONDITIONS, False, "m20.6", (SRC, CHAIN, LONG), 1),
    # ---- v9: nothing limited nationally ----
    ("v9-no-outbreak-area-wide", "2022-10-01", False, ALL, 1, NO_CONDITIONS, True, "v9.scope", (), 0),
    ("v9-two-a-day", "2022-10-01", False, ALL, 2, NO_CONDITIONS, True, "v9.scope", (), 0),
    ("v9-three-a-day-key", "2022-10-01", False, KEY, 3, NO_CONDITIONS, True, "v9.scope", (), 0),
    ("v9-outbreak-area-wide", "2022-10-01", True, ALL, 1, NO_CONDITIONS, True, "v9.scope", (), 0),
    # ---- boundary 10/11 Nov ----
    ("v9-last-day", "2022-11-10", False, ALL, 1, NO_CONDITIONS, True, "v9.scope", (), 0),
    ("m20-first-day", "2022-11-11", False, ALL, 1, NO_CONDITIONS, False, "m20.6", (SRC, CHAIN, LONG), 1),
    # ---- n10: never area-wide; one test a day still (n10-silence) ----
    ("n10-outbreak-area-wide", "2022-12-10", True, ALL, 1, NO_CONDITIONS, False, "n10.2", (), 1),
    ("n10-no-outbreak-all-conditions", "2022-12-10", False, ALL, 1, EVERY, False, "n10.2", (), 1),
    ("n10-key-persons", "2022-12-10", False, KEY, 1, NO_CONDITIONS, True, "m20.6", (), 0),
    ("n10-key-persons-twice", "2022-12-10", True, KEY, 2, NO_CONDITIONS, False, "m20.6", (), 1),
    ("m20-last-day-outbreak", "2022-12-06", True, ALL, 1, NO_CONDITIONS, True, "m20-docs.testing", (), 0),
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
