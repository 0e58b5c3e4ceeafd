"""Pooled samples, table-driven. Expected values from policy/data/parameters/testing.yaml (pool.sizes,
pool.positive_members_held, ct.gene_rule, ct.general.positive_below) and the register entries pool-sizes,
ct-gene-rule and ct-general-cutoff: single tubes and pools of 5, 10 and 20 are validated throughout (v9.testing
before 21 Nov 2022, m20-docs.testing from then); pools of pools are refused; a pool is read with the kit's
cut-off (positive below Ct 40, the lowest detected target decides); a positive pool holds every member and
orders a single-tube retest of each."""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.errors import Refused
from fangkong.policy import Policy
from fangkong.rules.ct import GeneCt
from fangkong.rules.pooling import PoolDecision, PoolOutcome, check_pool_size, pool_result

V9_DAY = date(2022, 10, 1)
M20_FIRST = date(2022, 11, 11)
M20_BEFORE_DOCS = date(2022, 11, 20)
DOCS_FIRST = date(2022, 11, 21)
N10_DAY = date(2022, 12, 10)
CLASSB_DAY = date(2023, 1, 10)

DAYS = [
    # (id, date, version in force, clause of the pool rules)
    ("v9", V9_DAY, "v9", "v9.testing"),
    ("m20-first-day", M20_FIRST, "m20", "v9.testing"),
    ("m20-day-before-docs", M20_BEFORE_DOCS, "m20", "v9.testing"),
    ("m20-docs-first-day", DOCS_FIRST, "m20", "m20-docs.testing"),
    ("n10", N10_DAY, "n10", "m20-docs.testing"),
    ("classb", CLASSB_DAY, "classb", "m20-docs.testing"),
]
DAY_IDS = [d[0] for d in DAYS]


# ---- validated sizes: 1 (single tube), 5, 10, 20 in every version ----

VALID = [
    (f"{size}-{day_id}", size, on, version, clause) for (day_id, on, version, clause) in DAYS for size in (1, 5, 10, 20)
]


@pytest.mark.parametrize(
    ("size", "on", "version", "clause"),
    [v[1:] for v in VALID],
    ids=[v[0] for v in VALID],
)
def test_validated_size_is_accepted(policy: Policy, size: int, on: date, version: str, clause: str) -> None:
    at = policy.at(on)
    assert at.version == version
    reason = check_pool_size(size, at)
    assert reason.clause == clause
    assert reason.clause in policy.clauses
    if size == 1:
        assert reason.text == "single tube"
    else:
        assert f"{size}-in-1" in reason.text


# ---- refused sizes: anything else, pools of pools (30:1, 50:1) included ----

REFUSED = [
    (f"{size}-{day_id}", size, on, clause) for (day_id, on, _version, clause) in DAYS for size in (2, 30, 50)
] + [
    ("0-m20", 0, M20_FIRST, "v9.testing"),
    ("15-m20-docs", 15, DOCS_FIRST, "m20-docs.testing"),
    ("100-v9", 100, V9_DAY, "v9.testing"),
]


@pytest.mark.parametrize(("size", "on", "clause"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_unvalidated_size_is_refused(policy: Policy, size: int, on: date, clause: str) -> None:
    with pytest.raises(Refused) as refused:
        check_pool_size(size, policy.at(on))
    assert refused.value.clause == clause
    assert f"a pool of {size} is not a validated size" in refused.value.message
    assert "5, 10, 20" in refused.value.message  # the validated pool sizes are named (single tubes aside)


@pytest.mark.parametrize(("size", "on", "clause"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_pool_result_of_unvalidated_size_is_refused(policy: Policy, size: int, on: date, clause: str) -> None:
    with pytest.raises(Refused) as refused:
        pool_result(size, GeneCt.every_target(30.0), policy.at(on))
    assert refused.value.clause == clause


# ---- the meaning of a pool's result: cut-off Ct 40 (strictly below is positive), lowest target decides ----

RESULTS = [
    # (id, orf1ab, n, outcome)
    ("both-39.9", 39.9, 39.9, "positive"),
    ("both-39.99", 39.99, 39.99, "positive"),
    ("both-40-cutoff", 40.0, 40.0, "negative"),
    ("both-40.01", 40.01, 40.01, "negative"),
    ("both-25", 25.0, 25.0, "positive"),
    ("both-50", 50.0, 50.0, "negative"),
    ("not-detected", None, None, "negative"),
    ("orf1ab-only-39.9", 39.9, None, "positive"),
    ("n-only-39.9", None, 39.9, "positive"),
    ("orf1ab-only-40", 40.0, None, "negative"),
    ("n-only-40", None, 40.0, "negative"),
    ("orf1ab-low-n-high", 39.9, 45.0, "positive"),
    ("orf1ab-high-n-low", 45.0, 39.9, "positive"),
    ("orf1ab-40-n-41", 40.0, 41.0, "negative"),
    ("orf1ab-41-n-40", 41.0, 40.0, "negative"),
    ("orf1ab-30-n-40", 30.0, 40.0, "positive"),
]


def decisive(orf1ab: float | None, n: float | None) -> float | None:
    """ct.gene_rule = lowest_target in every version: the lowest detected target decides."""
    values = [v for v in (orf1ab, n) if v is not None]
    return min(values) if values else None


def assert_cited(policy: Policy, decision: PoolDecision) -> None:
    assert decision.reasons, "a decision without reasons"
    for reason in decision.reasons:
        assert reason.clause in policy.clauses, f"{reason.clause} is not a known clause"
        assert reason.text


@pytest.mark.parametrize(("day_id", "on", "version", "clause"), DAYS, ids=DAY_IDS)
def test_gene_rule_is_lowest_target_in_every_version(
    policy: Policy, day_id: str, on: date, version: str, clause: str
) -> None:
    at = policy.at(on)
    assert at.text("ct.gene_rule").value == "lowest_target"
    assert at.number("ct.general.positive_below").value == 40


@pytest.mark.parametrize(("day_id", "on", "version", "clause"), DAYS, ids=DAY_IDS)
@pytest.mark.parametrize(("orf1ab", "n", "outcome"), [r[1:] for r in RESULTS], ids=[r[0] for r in RESULTS])
def test_pool_outcome_around_the_cutoff(
    policy: Policy,
    orf1ab: float | None,
    n: float | None,
    outcome: PoolOutcome,
    day_id: str,
    on: date,
    version: str,
    clause: str,
) -> None:
    d = pool_result(10, GeneCt(orf1ab=orf1ab, n=n), policy.at(on))
    assert d.outcome == outcome
    assert d.size == 10
    assert d.policy == version
    assert d.policy_date == on
    assert_cited(policy, d)
    assert d.reasons[0].clause == clause  # the size check comes first
    assert d.reasons[1].clause == "v9.testing"  # ct.gene_rule
    assert d.reasons[2].clause == "v9.testing"  # ct.general.positive_below
    value = decisive(orf1ab, n)
    if value is None:
        assert d.reasons[1].text == "no target detected"
        assert "not detected" in d.reasons[2].text
    else:
        assert f"decisive Ct {value}" in d.reasons[1].text


# ---- what the result means for the members: a positive pool holds everyone and retests single-tube ----

MEMBERS = [
    # (id, size, date, Ct, outcome, hold members, retest single, clause of the hold)
    ("5-positive-v9", 5, V9_DAY, 30.0, "positive", True, True, "v9.testing"),
    ("10-positive-m20", 10, M20_BEFORE_DOCS, 39.9, "positive", True, True, "v9.testing"),
    ("20-positive-m20-docs", 20, DOCS_FIRST, 39.9, "positive", True, True, "m20-docs.testing"),
    ("20-positive-n10", 20, N10_DAY, 12.0, "positive", True, True, "m20-docs.testing"),
    ("5-positive-classb", 5, CLASSB_DAY, 35.0, "positive", True, True, "m20-docs.testing"),
    ("5-negative-v9", 5, V9_DAY, 40.0, "negative", False, False, None),
    ("10-negative-m20", 10, M20_FIRST, None, "negative", False, False, None),
    ("20-negative-m20-docs", 20, DOCS_FIRST, 40.0, "negative", False, False, None),
    ("10-negative-n10", 10, N10_DAY, 45.0, "negative", False, False, None),
    ("20-negative-classb", 20, CLASSB_DAY, None, "negative", False, False, None),
]


@pytest.mark.parametrize(
    ("size", "on", "ct", "outcome", "hold", "retest", "hold_clause"),
    [m[1:] for m in MEMBERS],
    ids=[m[0] for m in MEMBERS],
)
def test_what_a_pool_means_for_its_members(
    policy: Policy,
    size: int,
    on: date,
    ct: float | None,
    outcome: PoolOutcome,
    hold: bool,
    retest: bool,
    hold_clause: str | None,
) -> None:
    d = pool_result(size, GeneCt.every_target(ct), policy.at(on))
    assert d.size == size
    assert d.outcome == outcome
    assert d.hold_members is hold
    assert d.retest_single is retest
    assert_cited(policy, d)
    if outcome == "positive":
        assert len(d.reasons) == 4
        assert d.reasons[-1].clause == hold_clause
        assert "temporary control" in d.reasons[-1].text
        assert "the pool is positive" in d.reasons[2].text
    else:
        assert len(d.reasons) == 3
        assert "every member negative" in d.reasons[-1].text


@pytest.mark.parametrize(("day_id", "on", "version", "clause"), DAYS, ids=DAY_IDS)
def test_cite_lists_each_clause_once(policy: Policy, day_id: str, on: date, version: str, clause: str) -> None:
    d = pool_result(5, GeneCt.every_target(20.0), policy.at(on))
    assert d.cite == list(dict.fromkeys([clause, "v9.testing"]))
    assert set(d.cite) <= set(policy.clauses)
