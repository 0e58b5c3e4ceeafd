"""Properties of adjudicate_ct for entrants under the 20 measures: positive iff the decisive Ct is below 35,
and a lower Ct is never judged less positive than a higher one."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.policy import Policy, PolicyAt, load_policy
from fangkong.policy.terms import CtResult, Population, SampleStage
from fangkong.rules.ct import CT_MAX, CtDecision, GeneCt, adjudicate_ct

POLICY: Policy = load_policy()
M20_FIRST, M20_LAST = POLICY.span("m20")
assert M20_LAST is not None

ENTRY_CUT = 35.0  # m20 (9): "the positive criterion for entry personnel is a nucleic-acid Ct value below 35"

# positive < retest_24h < negative: a larger rank is "less positive"
RANK = {CtResult.positive: 0, CtResult.retest_24h: 1, CtResult.negative: 2}

ct_values = st.one_of(
    st.sampled_from([0.5, 34.0, 34.99, 35.0, 35.01, 39.99, 40.0, 40.01, CT_MAX]),
    st.floats(min_value=0.0, max_value=CT_MAX, exclude_min=True, allow_nan=False),
)
maybe_ct = st.none() | ct_values  # None: target not detected (above every Ct)
stages = st.sampled_from(list(SampleStage))
m20_days = st.dates(min_value=M20_FIRST, max_value=M20_LAST)


def m20(on: date) -> PolicyAt:
    return POLICY.for_version("m20", on)


def entrant(ct: GeneCt, stage: SampleStage, on: date) -> CtDecision:
    decision = adjudicate_ct(ct, Population.entry_personnel, stage, m20(on))
    assert decision.result in RANK, f"{decision.result} without a previous result"
    for reason in decision.reasons:
        assert reason.clause in POLICY.clauses
    return decision


def not_above(a: float | None, b: float | None) -> bool:
    """a <= b, with None (not detected) above every value."""
    if b is None:
        return True
    return a is not None and a <= b


def ordered(a: float | None, b: float | None) -> tuple[float | None, float | None]:
    return (a, b) if not_above(a, b) else (b, a)


def oracle_decisive(ct: GeneCt) -> float | None:
    """m20 keeps the lowest detected target (ct.gene_rule = lowest_target)."""
    values = [v for v in (ct.orf1ab, ct.n) if v is not None]
    return min(values) if values else None


def test_m20_gene_rule_is_lowest_target() -> None:
    assert m20(M20_FIRST).text("ct.gene_rule").value == "lowest_target"


@settings(max_examples=200, deadline=None, database=None)
@given(orf1ab=maybe_ct, n=maybe_ct, stage=stages, on=m20_days)
def test_positive_iff_decisive_below_35(orf1ab: float | None, n: float | None, stage: SampleStage, on: date) -> None:
    ct = GeneCt(orf1ab=orf1ab, n=n)
    decision = entrant(ct, stage, on)
    decisive = oracle_decisive(ct)
    assert decision.decisive_ct == decisive
    assert (decision.result is CtResult.positive) == (decisive is not None and decisive < ENTRY_CUT)


@settings(max_examples=200, deadline=None, database=None)
@given(a=ct_values, b=ct_values, stage=stages, on=m20_days)
def test_monotone_single_value(a: float, b: float, stage: SampleStage, on: date) -> None:
    low, high = sorted((a, b))
    lower = entrant(GeneCt.every_target(low), stage, on)
    higher = entrant(GeneCt.every_target(high), stage, on)
    assert RANK[lower.result] <= RANK[higher.result], f"Ct {low}: {lower.result}; Ct {high}: {higher.result}"


@settings(max_examples=200, deadline=None, database=None)
@given(
    first=st.tuples(maybe_ct, maybe_ct),
    second=st.tuples(maybe_ct, maybe_ct),
    stage=stages,
    on=m20_days,
)
def test_monotone_per_target(
    first: tuple[float | None, float | None],
    second: tuple[float | None, float | None],
    stage: SampleStage,
    on: date,
) -> None:
    """Lowering either target's Ct (or detecting a target that was not detected) never makes a result less positive."""
    (lo_orf, hi_orf), (lo_n, hi_n) = ordered(first[0], second[0]), ordered(first[1], second[1])
    lower, higher = (lo_orf, lo_n), (hi_orf, hi_n)
    assert not_above(lower[0], higher[0]) and not_above(lower[1], higher[1])
    a = entrant(GeneCt(orf1ab=lower[0], n=lower[1]), stage, on)
    b = entrant(GeneCt(orf1ab=higher[0], n=higher[1]), stage, on)
    assert RANK[a.result] <= RANK[b.result], f"{lower}: {a.result}; {higher}: {b.result}"


@settings(max_examples=100, deadline=None, database=None)
@given(ct=ct_values, stage=stages, on=m20_days)
def test_band_35_to_40_is_retested(ct: float, stage: SampleStage, on: date) -> None:
    """Section 3: Ct 35–40 (40 excluded: no detection, interpretation ct-band-upper) is retested 24 h later at any
    stage."""
    decision = entrant(GeneCt.every_target(ct), stage, on)
    if ct < ENTRY_CUT:
        assert decision.result is CtResult.positive
    elif ct < 40.0:
        assert decision.result is CtResult.retest_24h
    else:
        assert decision.result is CtResult.negative


@settings(max_examples=50, deadline=None, database=None)
@given(stage=stages, on=m20_days)
def test_not_detected_is_negative(stage: SampleStage, on: date) -> None:
    decision = entrant(GeneCt(), stage, on)
    assert decision.result is CtResult.negative
    assert decision.decisive_ct is None
