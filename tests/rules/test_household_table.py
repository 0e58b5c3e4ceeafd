"""A household and where an infection was found, table-driven. Expected values from
policy/data/parameters/tracing.yaml with the register entry household-size: up to 30 people registered at one
home besides the infected person are its household under the 9th edition, the 20 measures and the new 10, more
are not a home; classb sets no limit (and determines nobody). Section 3 of the 20 measures: a positive in home
isolation or home health monitoring calls for an analysis of its transmission risk, one in centralized isolation
does not, and before the 20 measures nothing says so."""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.policy import Policy
from fangkong.policy.terms import PhaseKind
from fangkong.rules.tracing import household, housemates_needed, transmission_risk_analysis

V9_DAY = date(2022, 10, 1)
M20_DAY = date(2022, 11, 15)
N10_DAY = date(2022, 12, 10)
CLASSB_DAY = date(2023, 2, 1)
CASE = 1


@pytest.mark.parametrize(
    ("on", "others", "is_home", "clause"),
    [
        (V9_DAY, 3, True, "v9.close_contact_definition"),
        (V9_DAY, 30, True, "v9.close_contact_definition"),
        (V9_DAY, 31, False, "v9.close_contact_definition"),
        (M20_DAY, 0, True, "m20.2"),
        (M20_DAY, 30, True, "m20.2"),
        (M20_DAY, 31, False, "m20.2"),
        (N10_DAY, 31, False, "m20.2"),
        (CLASSB_DAY, 500, True, "classb.general"),
    ],
)
def test_household(policy: Policy, on: date, others: int, is_home: bool, clause: str) -> None:
    registered = [CASE, *range(100, 100 + others)]
    found = household(CASE, registered, policy.at(on))
    assert found.is_home is is_home
    assert found.members == (tuple(range(100, 100 + others)) if is_home else ())
    assert found.cite == [clause]


def test_the_case_and_repeats_are_not_counted(policy: Policy) -> None:
    found = household(CASE, [CASE, 7, 7, 5, CASE], policy.at(M20_DAY))
    assert found.members == (5, 7)


@pytest.mark.parametrize(("on", "needed"), [(V9_DAY, 31), (M20_DAY, 31), (N10_DAY, 31), (CLASSB_DAY, None)])
def test_housemates_needed_is_one_past_the_largest_household(policy: Policy, on: date, needed: int | None) -> None:
    rules = policy.at(on)
    assert housemates_needed(rules) == needed
    if needed is not None:
        assert not household(CASE, range(100, 100 + needed), rules).is_home
        assert household(CASE, range(100, 100 + needed - 1), rules).is_home


@pytest.mark.parametrize(
    ("on", "found_in", "required", "cite"),
    [
        (M20_DAY, PhaseKind.home_isolation, True, ["m20.s3"]),
        (M20_DAY, PhaseKind.home_health_monitoring, True, ["m20.s3"]),
        (M20_DAY, PhaseKind.centralized_isolation, False, []),
        (N10_DAY, PhaseKind.home_isolation, True, ["m20.s3"]),
        (V9_DAY, PhaseKind.home_isolation, False, []),  # no rule in force says so: nothing cited
        (V9_DAY, PhaseKind.home_health_monitoring, False, []),
        (CLASSB_DAY, PhaseKind.home_isolation, False, []),
    ],
)
def test_transmission_risk_analysis(
    policy: Policy, on: date, found_in: PhaseKind, required: bool, cite: list[str]
) -> None:
    analysis = transmission_risk_analysis(found_in, policy.at(on))
    assert (analysis.required, analysis.cite) == (required, cite)
