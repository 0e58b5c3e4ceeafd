"""Ct adjudication, table-driven. Expected values from shared/policy/RULES.md (tests, Ct values and entry),
the seed's measure (9) and section 3, and policy/data/parameters/testing.yaml with the register entries
ct-gene-rule, ct-general-cutoff, ct-band-upper, ct-band-stage and ct-retest-hours."""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.policy.terms import CtResult, Population, SampleStage
from fangkong.rules.ct import GeneCt, PreviousResult, adjudicate_ct, parse_ct

POLICY = load_policy()

ENTRY = Population.entry_personnel
GENERAL = Population.general
SCREENING = SampleStage.screening
RELEASE = SampleStage.release

POSITIVE = CtResult.positive
RETEST = CtResult.retest_24h
PAST = CtResult.past_infection
NEGATIVE = CtResult.negative

M20_DAY = date(2022, 11, 20)
V9_DAY = date(2022, 10, 1)
N10_DAY = date(2022, 12, 10)
CLASSB_DAY = date(2023, 1, 10)


def every(value: float | None) -> GeneCt:
    return GeneCt(orf1ab=value, n=value)


# ---- entrants under m20: < 35 positive; 35 ≤ Ct < 40 retest after 24 h (at any stage); ≥ 40 or none negative ----

ENTRY_M20 = [
    # (ct, stage, result, action, a clause the answer must cite)
    (30.2, SCREENING, POSITIVE, "designated_hospital", "m20.9"),  # worked case ct-entry-positive
    (34.99, SCREENING, POSITIVE, "designated_hospital", "m20.9"),
    (34.99, RELEASE, POSITIVE, "designated_hospital", "m20.9"),
    (35.0, SCREENING, RETEST, "retest_after_24h", "m20.s3"),
    (35.0, RELEASE, RETEST, "retest_after_24h", "m20.s3"),
    (37.5, RELEASE, RETEST, "retest_after_24h", "m20.s3"),  # worked case ct-entry-grey-at-release
    (39.99, SCREENING, RETEST, "retest_after_24h", "m20.s3"),
    (39.99, RELEASE, RETEST, "retest_after_24h", "m20.s3"),
    # register ct-band-upper: 40 is no detection, for entrants as for everyone (35 ≤ Ct < 40 is the band)
    (40.0, SCREENING, NEGATIVE, "none", "m20.9"),
    (40.0, RELEASE, NEGATIVE, "none", "m20.9"),
    (40.01, SCREENING, NEGATIVE, "none", "m20.9"),
    (40.01, RELEASE, NEGATIVE, "none", "m20.9"),
    (45.0, RELEASE, NEGATIVE, "none", "m20.9"),
    (50.0, SCREENING, NEGATIVE, "none", "m20.9"),
    (None, SCREENING, NEGATIVE, "none", "m20.9"),  # worked case ct-not-detected
    (None, RELEASE, NEGATIVE, "none", "m20.9"),
]


@pytest.mark.parametrize(("ct", "stage", "result", "action", "cite"), ENTRY_M20)
def test_entrant_under_m20(ct: float | None, stage: SampleStage, result: CtResult, action: str, cite: str) -> None:
    d = adjudicate_ct(every(ct), ENTRY, stage, POLICY.at(M20_DAY))
    assert d.result is result
    assert d.action == action
    assert d.decisive_ct == ct
    assert d.policy == "m20"
    assert cite in d.cite


def test_release_in_band_cites_the_risk_assessment_of_measure_9() -> None:
    d = adjudicate_ct(every(37.5), ENTRY, RELEASE, POLICY.at(M20_DAY))
    assert {"m20.s3", "m20.9"} <= set(d.cite)


# ---- per gene target: the lowest detected target decides (register ct-gene-rule) ----

PER_GENE = [
    # (population, orf1ab, n, decisive Ct, result)
    (ENTRY, 33.0, 38.0, 33.0, POSITIVE),
    (ENTRY, 38.0, 33.0, 33.0, POSITIVE),
    (ENTRY, 34.99, 40.01, 34.99, POSITIVE),
    (ENTRY, 36.0, None, 36.0, RETEST),
    (ENTRY, None, 36.0, 36.0, RETEST),
    (ENTRY, 41.0, 37.0, 37.0, RETEST),
    (ENTRY, 41.0, None, 41.0, NEGATIVE),
    (ENTRY, None, None, None, NEGATIVE),
    (GENERAL, 38.0, 41.0, 38.0, POSITIVE),
    (GENERAL, 41.0, 39.99, 39.99, POSITIVE),
    (GENERAL, 40.0, 45.0, 40.0, NEGATIVE),
    (GENERAL, None, 40.01, 40.01, NEGATIVE),
]


@pytest.mark.parametrize(("population", "orf1ab", "n", "decisive", "result"), PER_GENE)
def test_lowest_gene_target_decides(
    population: Population, orf1ab: float | None, n: float | None, decisive: float | None, result: CtResult
) -> None:
    d = adjudicate_ct(GeneCt(orf1ab=orf1ab, n=n), population, SCREENING, POLICY.at(M20_DAY))
    assert d.decisive_ct == decisive
    assert d.result is result


# ---- an entrant's retest after a result in the band (section 3) ----

RETESTS = [
    # (stage, current Ct, previous Ct, hours before, result, action, clause cited)
    (
        RELEASE,
        36.8,
        37.5,
        24.0,
        PAST,
        "home_isolation_past_infection",
        "m20.s3",
    ),  # worked case ct-entry-retest-still-high
    (RELEASE, 36.8, 37.5, 48.0, PAST, "home_isolation_past_infection", "m20.s3"),
    (SCREENING, 36.8, 37.5, 24.0, PAST, "home_isolation_past_infection", "m20.s3"),
    (RELEASE, 36.8, 37.5, 23.0, RETEST, "retest_after_24h", "m20.s3"),  # too early: retest again
    (RELEASE, 36.8, 37.5, 23.99, RETEST, "retest_after_24h", "m20.s3"),
    (RELEASE, 38.0, 37.5, 0.0, RETEST, "retest_after_24h", "m20.s3"),
    (RELEASE, 34.0, 37.5, 24.0, POSITIVE, "designated_hospital", "m20.s3"),  # < 35 → designated hospital
    (RELEASE, 34.99, 35.0, 24.0, POSITIVE, "designated_hospital", "m20.9"),
    (RELEASE, None, 37.5, 24.0, PAST, "home_isolation_past_infection", "m20.s3"),  # not detected: still ≥ 35
    (RELEASE, 41.0, 37.5, 24.0, PAST, "home_isolation_past_infection", "m20.s3"),
    (RELEASE, 35.0, 35.0, 24.0, PAST, "home_isolation_past_infection", "m20.s3"),  # 35 is "35 or more"
    (RELEASE, 36.0, 39.99, 24.0, PAST, "home_isolation_past_infection", "m20.s3"),  # previous 39.99 was in the band
    (RELEASE, 36.0, 40.0, 24.0, RETEST, "retest_after_24h", "m20.s3"),  # previous 40 was not (ct-band-upper)
    # a previous result outside the band does not make this one a retest: it is judged alone
    (RELEASE, 36.0, 40.01, 24.0, RETEST, "retest_after_24h", "m20.s3"),
    (RELEASE, 36.0, 30.0, 24.0, RETEST, "retest_after_24h", "m20.s3"),
    (RELEASE, 36.0, None, 10.0, RETEST, "retest_after_24h", "m20.s3"),
    (RELEASE, 41.0, None, 10.0, NEGATIVE, "none", "m20.9"),
]


@pytest.mark.parametrize(("stage", "ct", "previous", "hours", "result", "action", "cite"), RETESTS)
def test_entrant_retest(
    stage: SampleStage,
    ct: float | None,
    previous: float | None,
    hours: float,
    result: CtResult,
    action: str,
    cite: str,
) -> None:
    prev = PreviousResult(ct=every(previous), hours_before=hours)
    d = adjudicate_ct(every(ct), ENTRY, stage, POLICY.at(date(2022, 11, 21)), prev)
    assert d.result is result
    assert d.action == action
    assert cite in d.cite


def test_past_infection_cites_both_section_3_and_measure_9() -> None:
    prev = PreviousResult(ct=every(37.5), hours_before=24)
    d = adjudicate_ct(every(36.8), ENTRY, RELEASE, POLICY.at(date(2022, 11, 21)), prev)
    assert {"m20.s3", "m20.9"} <= set(d.cite)


# Measure (9): any entrant's Ct < 35 is positive; an early retest only cannot clear a past infection.
@pytest.mark.parametrize(("ct", "hours"), [(30.0, 23.0), (34.99, 12.0)])
def test_early_retest_below_35_is_still_positive(ct: float, hours: float) -> None:
    prev = PreviousResult(ct=every(37.5), hours_before=hours)
    d = adjudicate_ct(every(ct), ENTRY, RELEASE, POLICY.at(date(2022, 11, 21)), prev)
    assert d.result is POSITIVE


# ---- the general population: the kit's cut-off, Ct < 40 positive (register ct-general-cutoff) ----

GENERAL_CUTOFF = [
    (34.99, POSITIVE),
    (35.0, POSITIVE),
    (37.5, POSITIVE),
    (39.99, POSITIVE),
    (40.0, NEGATIVE),
    (40.01, NEGATIVE),
    (None, NEGATIVE),
]


@pytest.mark.parametrize("on", [V9_DAY, M20_DAY, N10_DAY, CLASSB_DAY], ids=["v9", "m20", "n10", "classb"])
@pytest.mark.parametrize("stage", [SCREENING, RELEASE])
@pytest.mark.parametrize(("ct", "result"), GENERAL_CUTOFF)
def test_general_population_cutoff_40(on: date, stage: SampleStage, ct: float | None, result: CtResult) -> None:
    d = adjudicate_ct(every(ct), GENERAL, stage, POLICY.at(on))
    assert d.result is result
    assert d.action == ("report_positive" if result is POSITIVE else "none")
    assert "v9.testing" in d.cite


def test_general_population_ignores_a_previous_band_result() -> None:
    prev = PreviousResult(ct=every(37.5), hours_before=24)
    d = adjudicate_ct(every(36.8), GENERAL, RELEASE, POLICY.at(M20_DAY), prev)
    assert d.result is POSITIVE


# ---- entrants before m20 (v9: no band, kit cut-off 40) and after it (classb: band repealed) ----

ENTRY_OTHER_VERSIONS = [
    # (date, version, ct, previous (Ct, hours) or None, result)
    (V9_DAY, "v9", 34.99, None, POSITIVE),
    (V9_DAY, "v9", 35.0, None, POSITIVE),
    (V9_DAY, "v9", 37.5, None, POSITIVE),
    (V9_DAY, "v9", 39.99, None, POSITIVE),
    (V9_DAY, "v9", 40.0, None, NEGATIVE),
    (V9_DAY, "v9", 40.01, None, NEGATIVE),
    (V9_DAY, "v9", None, None, NEGATIVE),
    (V9_DAY, "v9", 36.8, (37.5, 24.0), POSITIVE),  # no past-infection path under v9
    (CLASSB_DAY, "classb", 34.99, None, POSITIVE),
    (CLASSB_DAY, "classb", 37.5, None, POSITIVE),
    (CLASSB_DAY, "classb", 40.0, None, NEGATIVE),
    (CLASSB_DAY, "classb", None, None, NEGATIVE),
    (CLASSB_DAY, "classb", 36.8, (37.5, 24.0), POSITIVE),
    # n10 says nothing of entrants: m20's band stays (register n10-silence)
    (N10_DAY, "n10", 34.99, None, POSITIVE),
    (N10_DAY, "n10", 37.5, None, RETEST),
    (N10_DAY, "n10", 40.0, None, NEGATIVE),
    (N10_DAY, "n10", 40.01, None, NEGATIVE),
    (N10_DAY, "n10", 36.8, (37.5, 24.0), PAST),
    # version boundaries
    (date(2022, 11, 10), "v9", 37.5, None, POSITIVE),
    (date(2022, 11, 11), "m20", 37.5, None, RETEST),
    (date(2023, 1, 7), "n10", 37.5, None, RETEST),
    (date(2023, 1, 8), "classb", 37.5, None, POSITIVE),
]


@pytest.mark.parametrize(("on", "version", "ct", "previous", "result"), ENTRY_OTHER_VERSIONS)
def test_entrant_under_other_versions(
    on: date, version: str, ct: float | None, previous: tuple[float, float] | None, result: CtResult
) -> None:
    prev = None if previous is None else PreviousResult(ct=every(previous[0]), hours_before=previous[1])
    d = adjudicate_ct(every(ct), ENTRY, RELEASE, POLICY.at(on), prev)
    assert d.policy == version
    assert d.result is result


@pytest.mark.parametrize(
    ("version", "result"), [("v9", POSITIVE), ("m20", RETEST), ("n10", RETEST), ("classb", POSITIVE)]
)
def test_entrant_ct_37_5_by_named_version(version: str, result: CtResult) -> None:
    d = adjudicate_ct(every(37.5), ENTRY, SCREENING, POLICY.for_version(version, M20_DAY))
    assert d.policy == version
    assert d.result is result


# ---- parse_ct: one number, null, or {orf1ab, n}; anything else, or out of (0, 50], is invalid input ----

PARSE_VALID = [
    (35, (35.0, 35.0)),
    (37.5, (37.5, 37.5)),
    (50, (50.0, 50.0)),
    (0.01, (0.01, 0.01)),
    (None, (None, None)),
    ({"orf1ab": 33, "n": 38}, (33.0, 38.0)),
    ({"n": 38}, (None, 38.0)),
    ({}, (None, None)),
]


@pytest.mark.parametrize(("raw", "expected"), PARSE_VALID)
def test_parse_ct_valid(raw: object, expected: tuple[float | None, float | None]) -> None:
    ct = parse_ct(raw, "ct")
    assert (ct.orf1ab, ct.n) == expected


PARSE_INVALID = [0, -1, 51, 50.01, 0.0, "x", "35", True, [35], {"orf1ab": 0}, {"n": 51}, {"orf1ab": -3.5, "n": 30}]


@pytest.mark.parametrize("raw", PARSE_INVALID, ids=repr)
def test_parse_ct_invalid(raw: object) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_ct(raw, "previous.ct")
    assert info.value.field == "previous.ct"
