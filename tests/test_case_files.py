"""Legal case files: the shared ones and the project's own pass; malformed files are refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.services.cases import check_cases, compare, load_case_file, load_case_files
from tests.paths import PROJECT_CASES, SHARED_CASES


def _ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


@pytest.mark.parametrize("path", PROJECT_CASES + SHARED_CASES, ids=_ids(PROJECT_CASES + SHARED_CASES))
def test_case_file_passes(path: Path) -> None:
    outcomes = check_cases(load_case_file(path), load_policy())
    assert outcomes
    failed = {o.case.spec.id: o.mismatches for o in outcomes if not o.passed}
    assert not failed


def test_the_shared_cases_are_also_kept_in_the_project() -> None:
    # CI has shared/ beside the clone; the copy in cases/ keeps them running where it does not.
    assert any(p.name == "m20.yaml" for p in PROJECT_CASES)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("cases: [", "not valid YAML"),
        ("- a\n- b\n", "a list under `cases`"),
        ("cases:\n  - {id: x, ask: plan}\n", "cases[0] (x).given"),
        ("cases:\n  - {id: x, ask: horoscope, given: {}}\n", "cases[0] (x).ask"),
        ("cases:\n  - {id: x, ask: plan, given: {category: close_contact, start: 2022-13-40}}\n", "given.start"),
        (
            "cases:\n  - {id: x, ask: plan, given: {category: close_contact, start: 2022-11-14, colour: red}}\n",
            "given.colour",
        ),
        (
            "cases:\n  - {id: x, ask: ct, given: {date: 2022-11-20, population: martian, stage: release, ct: 30}}\n",
            "given.population",
        ),
        (
            "cases:\n  - {id: x, ask: resident_id, given: {value: '1'}}\n"
            "  - {id: x, ask: resident_id, given: {value: '2'}}\n",
            "duplicate case id",
        ),
    ],
)
def test_malformed_files_name_the_field(tmp_path: Path, text: str, field: str) -> None:
    with pytest.raises(InvalidInput, match=field.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        load_case_file(_write(tmp_path, text))


def test_a_missing_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot read"):
        load_case_files([tmp_path / "nope.yaml"])
    with pytest.raises(InvalidInput, match="at least one"):
        load_case_files([])


def test_a_wrong_expectation_fails_with_the_difference(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
cases:
  - id: wrong
    ask: plan
    given: {category: close_contact, start: 2022-11-14}
    expect: {released_on: 2022-11-25, cite: m20.7}
""",
    )
    [outcome] = check_cases(load_case_file(path), load_policy())
    assert not outcome.passed
    assert "expect.released_on: expected '2022-11-25', got '2022-11-22'" in outcome.mismatches
    assert any("expect.cite: expected 'm20.7'" in m for m in outcome.mismatches)


def test_compare_only_checks_what_is_written() -> None:
    answer = {
        "phases": [{"kind": "home_isolation", "start": "2022-11-20", "test_days": [1, 3]}],
        "extra": 1,
        "restrictions": ["no_public_transport", "no_crowded_places"],
        "cite": ["m20.3"],
    }
    assert compare({"phases": [{"kind": "home_isolation"}]}, answer, "expect") == []
    assert compare({"restrictions": ["no_crowded_places", "no_public_transport"]}, answer, "expect") == []
    assert compare({"phases": []}, answer, "expect") != []
    assert compare({"missing": True}, answer, "expect") == ["expect.missing: missing from the answer"]
    assert compare({"cite": ["m20.3"]}, answer, "expect") == []
