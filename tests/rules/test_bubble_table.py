"""Closed-loop bubbles, table-driven. Measure (8): Chinese personnel must complete a booster vaccination before
entering; the rule first exists on 2022-11-11 and is repealed (null) by classb on 2023-01-08 (travel.yaml)."""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.errors import NotInForce
from fangkong.policy import load_policy
from fangkong.rules.bubble import bubble_entry

POLICY = load_policy()


def day(iso: str) -> date:
    return date.fromisoformat(iso)


CASES = [
    # (date, Chinese personnel, booster completed, allowed, cite, version)
    ("2022-11-15", True, False, False, "m20.8", "m20"),  # worked case bubble-no-booster
    ("2022-11-15", True, True, True, "m20.8", "m20"),
    ("2022-11-15", False, False, True, "m20.8", "m20"),
    ("2022-11-15", False, True, True, "m20.8", "m20"),
    ("2022-11-11", True, False, False, "m20.8", "m20"),
    ("2022-12-10", True, False, False, "m20.8", "n10"),  # n10 does not touch measure (8)
    ("2022-12-10", True, True, True, "m20.8", "n10"),
    ("2022-12-10", False, False, True, "m20.8", "n10"),
    ("2023-01-07", True, False, False, "m20.8", "n10"),
    ("2023-01-08", True, False, True, "classb.entry", "classb"),  # no closed-loop regime any more
    ("2023-01-10", True, False, True, "classb.entry", "classb"),
    ("2023-01-10", True, True, True, "classb.entry", "classb"),
    ("2023-01-10", False, False, True, "classb.entry", "classb"),
    ("2023-01-10", False, True, True, "classb.entry", "classb"),
]


@pytest.mark.parametrize(("on", "chinese", "booster", "allowed", "cite", "version"), CASES)
def test_bubble_entry(on: str, chinese: bool, booster: bool, allowed: bool, cite: str, version: str) -> None:
    d = bubble_entry(chinese, booster, POLICY.at(day(on)))
    assert d.allowed is allowed
    assert cite in d.cite
    assert d.policy == version


@pytest.mark.parametrize("on", ["2022-10-01", "2022-11-10"])
@pytest.mark.parametrize(("chinese", "booster"), [(True, False), (False, True)])
def test_no_bubble_rule_before_m20(on: str, chinese: bool, booster: bool) -> None:
    with pytest.raises(NotInForce):
        bubble_entry(chinese, booster, POLICY.at(day(on)))
