"""Every measure of the notice (the clauses of instrument m20: m20.1 … m20.20 and m20.s3) has a worked case in the
project's case files, or a reason in EXEMPT why it has none.

A case covers a measure when its expectation cites it (`expect.cite`) and the case passes: the case file then
checks that the rules decide it under that measure, not merely that the answer happens to mention it.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from fangkong.policy import Policy, load_policy
from fangkong.services.cases import LoadedCase, check_cases, load_case_files
from tests.paths import PROJECT_CASES

POLICY: Policy = load_policy()


def _in_notice_order(clause: str) -> tuple[int, str]:
    number = clause.removeprefix("m20.")
    return (int(number), "") if number.isdigit() else (100, number)


MEASURES = sorted((cid for cid, c in POLICY.clauses.items() if c.instrument == "m20"), key=_in_notice_order)

PROTECTION_HALF = "the protection half of the notice, planned in issues 18–21"

# measure → why no case file entry covers it. A measure with a case must not be listed here.
EXEMPT: dict[str, str] = {
    "m20.13": f"drug and equipment reserves: not built yet, {PROTECTION_HALF}",
    "m20.15": f"multi-channel early warning, test on arrival: not built yet, {PROTECTION_HALF}",
}


def covered_measures(cases: Iterable[LoadedCase]) -> dict[str, list[str]]:
    """measure → ids of the passing cases whose expectation cites it."""
    out: dict[str, list[str]] = {}
    for outcome in check_cases(list(cases), POLICY):
        if not outcome.passed:
            continue
        cite = outcome.case.spec.expect.get("cite", [])
        for clause in cite if isinstance(cite, list) else [cite]:
            out.setdefault(str(clause), []).append(outcome.case.spec.id)
    return out


CASES = load_case_files(PROJECT_CASES)
COVERED = covered_measures(CASES)


def test_the_measures_are_read_from_the_clauses_file() -> None:
    assert MEASURES[:20] == [f"m20.{n}" for n in range(1, 21)]
    assert "m20.s3" in MEASURES


@pytest.mark.parametrize("measure", MEASURES)
def test_every_measure_has_a_case_or_a_reason(measure: str) -> None:
    if measure in EXEMPT:
        assert measure not in COVERED, f"{measure} has cases {COVERED[measure]}: drop its exemption"
    else:
        assert measure in COVERED, (
            f"no case in cases/*.yaml cites {measure} in its expectation: add one (expect: {{cite: {measure}}}) "
            "or say in EXEMPT why there is none"
        )


@pytest.mark.parametrize("measure", sorted(EXEMPT))
def test_exemptions_name_a_measure_and_a_reason(measure: str) -> None:
    assert measure in MEASURES
    assert len(EXEMPT[measure]) > 20


def test_removing_the_only_case_of_a_measure_uncovers_it() -> None:
    # Non-vacuity: the count depends on the case entries, and only on passing ones.
    only = [case.spec.id for case in CASES if case.spec.expect.get("cite") == "m20.5"]
    assert only, "a case citing m20.5 alone"
    assert "m20.5" in covered_measures(CASES)
    assert "m20.5" not in covered_measures(c for c in CASES if c.spec.id not in only)


def test_a_failing_case_covers_nothing() -> None:
    [case] = [c for c in CASES if c.spec.id == "m20-5-high-risk-post-monitoring"]
    spec = case.spec.model_copy(update={"expect": {**case.spec.expect, "released_on": "2022-12-05"}})
    wrong = LoadedCase(case.file, spec, case.given)
    assert covered_measures([case]) == {"m20.5": [case.spec.id]}
    assert covered_measures([wrong]) == {}
