"""The guard on stopping production and the other rules of measure 19, table-driven per version: m20 (the 20
measures), n10 (the new 10 changes nothing here: n10.general) and classb (no stop of production on epidemic grounds,
no return check: classb.general). Register: enterprise-stop-approval, enterprise-stop-classb, enterprise-return-check,
enterprise-logistics, enterprise-chain."""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.rules.enterprises import chain_levels, check_chain, judge_stop_order, logistics_pass, return_check

POLICY = load_policy()
M20, N10, CLASSB = date(2022, 11, 16), date(2022, 12, 10), date(2023, 2, 1)


@pytest.mark.parametrize(
    ("on", "white_listed", "approval", "allowed", "first_clause", "guard"),
    [
        # m20: the white list is absolute; another stop needs a recorded approval
        (M20, True, None, False, "m20.19", "m20.16"),
        (M20, True, "county command, No. 7", False, "m20.19", "m20.16"),
        (M20, False, None, False, "m20.16", "m20.16"),
        (M20, False, "  ", False, "m20.16", "m20.16"),
        (M20, False, "county command, No. 7", True, "m20.16", None),
        # n10: unchanged
        (N10, True, "county command, No. 7", False, "m20.19", "m20.16"),
        (N10, False, None, False, "m20.16", "m20.16"),
        (N10, False, "county command, No. 7", True, "m20.16", None),
        # classb: the white list still holds; every other stop refused, approved or not
        (CLASSB, True, None, False, "m20.19", "classb.general"),
        (CLASSB, False, "county command, No. 7", False, "classb.general", None),
        (CLASSB, False, None, False, "classb.general", None),
    ],
)
def test_stop_orders_per_version(
    on: date, white_listed: bool, approval: str | None, allowed: bool, first_clause: str, guard: str | None
) -> None:
    decision = judge_stop_order(white_listed, approval, POLICY.at(on))
    assert decision.allowed is allowed
    assert decision.reasons[0].clause == first_clause
    if guard is not None:
        assert decision.reasons[-1].clause == guard
    assert decision.policy == POLICY.at(on).version


@pytest.mark.parametrize(
    ("on", "high_risk", "under_order", "cleared"),
    [
        (M20, False, False, True),
        (M20, True, False, False),
        (M20, False, True, False),
        (N10, True, False, False),
        (N10, False, False, True),
        (CLASSB, True, True, True),  # no check under Class B management
    ],
)
def test_return_check_per_version(on: date, high_risk: bool, under_order: bool, cleared: bool) -> None:
    decision = return_check(high_risk, under_order, POLICY.at(on))
    assert decision.cleared is cleared
    assert all(r.clause for r in decision.reasons)


@pytest.mark.parametrize(
    ("on", "key_chain", "high_risk", "under_order", "moves", "clause"),
    [
        (M20, True, True, False, True, "m20.19"),
        (M20, False, True, False, False, "m20.19"),
        (M20, False, False, False, True, "m20.19"),
        (M20, True, False, True, False, "m20.19"),
        (N10, True, True, False, True, "n10.general"),
        (CLASSB, True, True, False, True, "classb.general"),
    ],
)
def test_logistics_per_version(
    on: date, key_chain: bool, high_risk: bool, under_order: bool, moves: bool, clause: str
) -> None:
    decision = logistics_pass(key_chain, high_risk, under_order, POLICY.at(on))
    assert decision.may_move is moves
    assert decision.reasons[0].clause == clause
    assert decision.policy == POLICY.at(on).version


def test_chain_of_responsibility() -> None:
    rules = POLICY.at(M20)
    assert chain_levels(rules) == ("management", "workshop", "team")
    assert check_chain({"management": "a", "workshop": "b", "team": "c"}, rules) == chain_levels(rules)
    for bad in ({"management": "a", "workshop": "b"}, {"management": "a", "workshop": "b", "team": " "}, {"ceo": "x"}):
        with pytest.raises(InvalidInput) as e:
            check_chain(bad, rules)
        assert e.value.field == "chain"
