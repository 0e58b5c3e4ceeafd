"""Who a single tube is judged as, and when a band result's retest is due, table-driven. Expected values from
measure 9 and section 3 of the 20 measures with policy/data/parameters/testing.yaml (register entry
ct-retest-hours): an entry order started by the sampling day, or a retest after a Ct 35–40 result, makes an
entrant; the last test of an entry order's centralized isolation is the release test; the retest is due 24 hours
after the band result's sample."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fangkong.errors import PolicyDataError
from fangkong.policy import Policy
from fangkong.policy.terms import Population, SampleStage
from fangkong.rules.ct import EntryOrder, GeneCt, adjudicate_ct, ct_context, retest_due

SHANGHAI = ZoneInfo("Asia/Shanghai")
V9_DAY = date(2022, 10, 1)
M20_DAY = date(2022, 11, 20)
CLASSB_DAY = date(2023, 1, 10)
ISOLATION = (date(2022, 11, 16), date(2022, 11, 18), date(2022, 11, 20))  # tests of a 5-day isolation
STARTED = date(2022, 11, 16)

ENTRY = Population.entry_personnel
GENERAL = Population.general
SCREENING = SampleStage.screening
RELEASE = SampleStage.release


@pytest.mark.parametrize(
    ("orders", "follows_band", "population", "stage", "cite"),
    [
        ((), False, GENERAL, SCREENING, []),
        ((), True, ENTRY, SCREENING, ["m20.s3"]),
        ((EntryOrder(start=date(2022, 11, 16)),), False, ENTRY, SCREENING, ["m20.9"]),
        ((EntryOrder(start=date(2022, 11, 21)),), False, GENERAL, SCREENING, []),  # not started by the day
        ((EntryOrder(start=date(2022, 11, 16), isolation_test_days=ISOLATION),), False, ENTRY, RELEASE, ["m20.9"]),
        (
            (EntryOrder(start=date(2022, 11, 16), isolation_test_days=ISOLATION[:2]),),
            False,
            ENTRY,
            SCREENING,
            ["m20.9"],
        ),
        (
            (EntryOrder(start=date(2022, 11, 16)), EntryOrder(start=date(2022, 11, 15), isolation_test_days=ISOLATION)),
            True,
            ENTRY,
            RELEASE,
            ["m20.9", "m20.s3"],
        ),
    ],
)
def test_ct_context(
    policy: Policy,
    orders: tuple[EntryOrder, ...],
    follows_band: bool,
    population: Population,
    stage: SampleStage,
    cite: list[str],
) -> None:
    context = ct_context(M20_DAY, orders, follows_band, policy.at(M20_DAY))
    assert (context.population, context.stage, context.cite) == (population, stage, cite)


def test_before_the_entrants_rules_nothing_is_cited(policy: Policy) -> None:
    context = ct_context(V9_DAY, [EntryOrder(start=V9_DAY)], True, policy.at(V9_DAY))
    assert (context.population, context.cite) == (ENTRY, [])


def test_a_band_result_is_retested_24_hours_after_its_sample(policy: Policy) -> None:
    rules = policy.at(M20_DAY)
    sampled = datetime(2022, 11, 20, 7, 30, tzinfo=SHANGHAI)
    band = adjudicate_ct(GeneCt.every_target(37.5), ENTRY, SCREENING, rules)
    assert retest_due(band, sampled, rules) == sampled + timedelta(hours=24)
    positive = adjudicate_ct(GeneCt.every_target(30.0), ENTRY, SCREENING, rules)
    assert retest_due(positive, sampled, rules) is None


def test_a_band_result_without_retest_hours_in_force_is_a_data_error(policy: Policy) -> None:
    band = adjudicate_ct(GeneCt.every_target(37.5), ENTRY, SCREENING, policy.at(M20_DAY))
    with pytest.raises(PolicyDataError, match="retest_after_hours"):
        retest_due(band, datetime(2023, 1, 10, 8, 0, tzinfo=SHANGHAI), policy.at(CLASSB_DAY))
