"""Held equal to R surveillance, live (measure 15; issue 20): the fixture table's series judged by R's earsC and
farringtonFlexible in this run, against fangkong. Skips where R or surveillance is missing, unless
FANGKONG_REQUIRE_R is set (CI installs r-cran-surveillance and sets it): then it fails."""

from __future__ import annotations

import os

import pytest

from tests.rules.aberration.cases import FixtureCase, differences, fangkong, fixture_cases, ids
from tests.rules.aberration.oracle import Judgement, r_missing, surveillance


@pytest.fixture(scope="module")
def r_judged() -> dict[str, Judgement]:
    missing = r_missing()
    if missing is not None:
        if os.environ.get("FANGKONG_REQUIRE_R"):
            pytest.fail(f"R surveillance is required here: {missing}")
        pytest.skip(missing)
    return surveillance([f.case for f in fixture_cases()])


@pytest.mark.parametrize("fixture", fixture_cases(), ids=ids())
def test_equal_to_surveillance_run_now(fixture: FixtureCase, r_judged: dict[str, Judgement]) -> None:
    assert differences(fixture, fangkong(fixture), r_judged[fixture.case.name]) == []


def test_the_fixtures_are_what_surveillance_says_now(r_judged: dict[str, Judgement]) -> None:
    """The committed fixtures are R's current answer (rerun make_fixtures.py when surveillance changes)."""
    for fixture in fixture_cases():
        now = r_judged[fixture.case.name]
        assert now.indexes == fixture.r.indexes, fixture.case.name
        assert now.alarm == fixture.r.alarm, fixture.case.name
        assert now.upperbound == fixture.r.upperbound, fixture.case.name
