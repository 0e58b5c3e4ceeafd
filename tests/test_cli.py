"""The command line: exit codes, output formats, and bad input refused with the field named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fangkong.cli import cases as cases_cli
from fangkong.cli.main import app
from fangkong.errors import PolicyDataError
from tests.paths import PROJECT_CASES

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rich sizes tables from COLUMNS; a wide console keeps cell text on one line for the assertions.
    monkeypatch.setenv("COLUMNS", "250")


def test_cases_check_passes_and_counts() -> None:
    result = runner.invoke(app, ["cases", "check", *map(str, PROJECT_CASES)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert " passed, 0 failed" in result.output


def test_cases_check_exits_1_on_a_failing_case(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "cases:\n  - {id: x, ask: resident_id, given: {value: '110105194912310021'}, expect: {valid: true}}\n"
    )
    result = runner.invoke(app, ["cases", "check", str(path)], terminal_width=200)
    assert result.exit_code == 1
    assert "0 passed, 1 failed" in result.output


@pytest.mark.parametrize("command", ["check", "run"])
def test_cases_exit_2_naming_the_policy_data_when_it_is_broken(monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    """Broken policy data is the loader's error and exit 2, not every case counted as failed."""

    def broken() -> None:
        raise PolicyDataError("policy data:\n  default_version 'm21' is not a version (classb, m20, n10, v9)")

    monkeypatch.setattr(cases_cli, "load_policy", broken)
    result = runner.invoke(app, ["cases", command, str(PROJECT_CASES[0])], terminal_width=200)
    assert result.exit_code == 2, result.output
    assert "default_version 'm21'" in result.output and "failed" not in result.output


def test_cases_check_exits_2_on_a_malformed_file(tmp_path: Path) -> None:
    good, bad = PROJECT_CASES[0], tmp_path / "bad.yaml"
    bad.write_text("cases:\n  - {id: x, ask: plan, given: {category: close_contact}}\n")
    result = runner.invoke(app, ["cases", "run", "--json", str(good), str(bad)], terminal_width=200)
    assert result.exit_code == 2
    assert "given.start" in result.output
    # nothing half-written: no answer was printed before the error
    assert '"id"' not in result.stdout


def test_cases_run_json_is_one_object_per_case() -> None:
    result = runner.invoke(app, ["cases", "run", "--json", str(next(p for p in PROJECT_CASES if p.name == "m20.yaml"))])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines and all(set(obj) == {"id", "answer"} for obj in lines)
    first = next(obj for obj in lines if obj["id"] == "m20-close-contact")
    assert first["answer"]["released_on"] == "2022-11-22"
    assert first["answer"]["phases"][0]["test_days"] == [1, 2, 3, 5]


def test_plan_timeline_and_json() -> None:
    result = runner.invoke(app, ["plan", "--category", "close_contact", "--start", "2022-11-14"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "Released on 2022-11-22" in result.output
    assert "m20.1" in result.output
    as_json = runner.invoke(app, ["plan", "--category", "close_contact", "--anchor", "2022-11-13", "--json"])
    assert json.loads(as_json.stdout)["phases"][0]["start"] == "2022-11-14"


@pytest.mark.parametrize(
    ("start", "version", "released", "clause"),
    [
        ("2022-11-10", "m20", "2022-11-18", "m20.1"),  # a v9 plan recomputed under the 20 measures
        ("2023-01-05", "classb", "2023-01-08", "classb.general"),  # Class B ends every plan
    ],
)
def test_plan_shows_what_a_later_version_does_to_it(start: str, version: str, released: str, clause: str) -> None:
    """A plan is as of its first day; the version that takes over a plan still running says so (issue 15)."""
    result = runner.invoke(app, ["plan", "--category", "close_contact", "--start", start], terminal_width=240)
    assert result.exit_code == 0, result.output
    assert f"{version} takes over this plan: released on {released}" in result.output
    assert clause in result.output
    as_json = json.loads(runner.invoke(app, ["plan", "--category", "close_contact", "--start", start, "--json"]).stdout)
    assert [(v["version"], v["released_on"]) for v in as_json["later_versions"]][-1] == (version, released)
    # a named version gives that version's plan alone
    named = runner.invoke(app, ["plan", "--category", "close_contact", "--start", start, "--policy", "v9"])
    assert "takes over" not in named.output


def test_plan_refusal_shows_the_clause() -> None:
    result = runner.invoke(
        app, ["plan", "--category", "secondary_close_contact", "--start", "2022-11-14"], terminal_width=200
    )
    assert result.exit_code == 0
    assert "Refused" in result.output and "m20.2" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "--category", "bogus", "--start", "2022-11-14"], "--category: unknown category 'bogus'"),
        (["plan", "--category", "close_contact", "--start", "2022-11-31"], "--start: '2022-11-31' is not a date"),
        (["plan", "--category", "close_contact"], "give exactly one of --start and --anchor"),
        (["plan", "--category", "close_contact", "--start", "2021-01-01"], "no rule in force"),
        (["policy", "diff", "v9", "m21"], "'m21' is neither a version"),
        (["policy", "show", "--at", "yesterday"], "--at: 'yesterday' is not a date"),
        (["policy", "show", "m20", "--at", "2022-11-14"], "not both"),
    ],
)
def test_bad_input_exits_2_naming_the_field(args: list[str], message: str) -> None:
    result = runner.invoke(app, args, terminal_width=300)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_policy_show_lists_parameters_with_clauses() -> None:
    result = runner.invoke(
        app, ["policy", "show", "--at", "2022-11-14", "--prefix", "management.close_contact"], terminal_width=250
    )
    assert result.exit_code == 0, result.output
    assert "management.close_contact.phases" in result.output
    assert "m20.1" in result.output
    assert "ct.gene_rule" not in result.output


def test_policy_diff_v9_m20_lists_every_change_of_the_management_rules() -> None:
    result = runner.invoke(app, ["policy", "diff", "v9", "m20"], terminal_width=250)
    assert result.exit_code == 0, result.output
    text = result.output
    expected = {
        "management.close_contact.phases": ("v9.close_contact", "m20.1"),
        "management.secondary_close_contact.determined": ("v9.secondary_close_contact", "m20.2"),
        "management.high_risk_spillover.phases": ("v9.risk_area_spillover", "m20.3"),
        "risk_area.levels": ("v9.risk_area", "m20.4"),
        "risk_area.high.clean_days_to_downgrade": ("v9.risk_area", "m20.4"),
        "management.high_risk_post_worker.phases": ("v9.high_risk_post", "m20.5"),
        "testing_campaign.max_tests_per_day": ("v9.scope", "m20.6"),
        "preboarding.negative_tests_required": ("v9.preboarding", "m20.7"),
        "inbound_flight.circuit_breaker": ("v9.circuit_breaker", "m20.7"),
        "management.entry_personnel.phases": ("v9.entry_personnel", "m20.10"),
    }
    for path, (before, after) in expected.items():
        start = text.index(path)
        section = text[start : start + 1500]
        assert before in section and after in section, path
    for new in ("ct.entry_personnel.positive_below", "bubble.booster_required_for_chinese_personnel"):
        assert new in text


def test_policy_register_and_versions() -> None:
    result = runner.invoke(app, ["policy", "register"], terminal_width=200)
    assert result.exit_code == 0
    assert "past-infection-duration" in result.output
    versions = runner.invoke(app, ["policy", "versions"], terminal_width=200)
    assert "Zongfa [2022] No. 101" in versions.output


def test_policy_diff_labels_dates_quotes_once_and_marks_supporting_documents() -> None:
    out = runner.invoke(app, ["policy", "diff", "2022-11-15", "2022-11-25"], terminal_width=400).output
    assert "before: m20, the rules in force on 2022-11-15 → after: m20, the rules in force on 2022-11-25" in out
    assert "not the notice" in out and "m20-docs.testing" in out  # values from the 21 Nov documents say so
    assert "none (no national rule)" in out and "not applicable" not in out
    whole = runner.invoke(app, ["policy", "diff", "v9", "m20"], terminal_width=400).output
    assert whole.count("Localities strictly implement the unified national rules") == 1  # m20.16 quoted once
    assert "(wording quoted above)" in whole


def test_policy_show_groups_rules_by_clause_in_the_texts_order() -> None:
    out = runner.invoke(app, ["policy", "show", "--at", "2022-11-25"], terminal_width=400).output
    titles = [line.split(" ")[0] for line in out.splitlines() if line.startswith("m20.")]
    assert titles[:3] == ["m20.1", "m20.2", "m20.3"] and titles.index("m20.10") > titles.index("m20.9")
