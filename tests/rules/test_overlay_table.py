"""The over-reach guard for local overlays, table-driven (measure 16). A local value is compared with the national
value in force on the overlay's date: management phases day by day (`rules.overreach`), other values by the
direction recorded on the parameter (`stricter:` in policy/data/parameters/*.yaml). Stricter is over-reach (the
guard's clause first: m20.16 under the 20 measures, v9-nine.general under the 9th edition, then the national rule's),
looser is below the national rule, equal is the same; a parameter without a direction, or one the national rules
do not apply on the date (null), is not comparable. `policy.overlay.read_overlay` checks an overlay file's shape.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.policy.overlay import read_overlay
from fangkong.policy.value_types import VALUE_TYPES
from fangkong.rules.overlay import ParameterFinding, Verdict, compare_parameter

POLICY = load_policy()

V9 = "2022-10-01"
M20 = "2022-11-20"
N10 = "2022-12-10"
CLASSB = "2023-02-01"

C = "centralized_isolation"
H = "home_isolation"
HM = "home_health_monitoring"

CC_PHASES = "management.close_contact.phases"
ENTRY_PHASES = "management.entry_personnel.phases"
SCC_PHASES = "management.secondary_close_contact.phases"
DOWNGRADE = "risk_area.high.clean_days_to_downgrade"


def phases(*spec: tuple[str, int] | tuple[str, int, list[int]]) -> Any:
    """Local phases as an overlay file gives them after `read_overlay` (typed by the `phases` value type)."""
    raw = [{"kind": p[0], "days": p[1], **({"test_days": p[2]} if len(p) == 3 else {})} for p in spec]
    return VALUE_TYPES["phases"].validate_python(raw)


def stricter_of(path: str) -> str | None:
    return POLICY.parameters[path].spec.stricter


def compare(path: str, local: Any, on: str, stricter: str | None = None, *, recorded: bool = True) -> ParameterFinding:
    direction = stricter_of(path) if recorded else stricter
    return compare_parameter(path, direction, local, POLICY.at(date.fromisoformat(on)))


# ---- management phases: day by day ------------------------------------------------------------------------

PHASE_CASES: list[tuple[str, str, str, Any, Verdict, tuple[str, ...]]] = [
    # (id, date, path, local phases, verdict, clauses cited in order of first mention)
    # m20: close contacts C 5 (tests 1, 2, 3, 5) + H 3 (tests 1, 3), m20.1
    ("m20-cc-seven-centralized", M20, CC_PHASES, phases((C, 7), (H, 3)), "over_reach", ("m20.16", "m20.1")),
    ("m20-cc-one-more-home-day", M20, CC_PHASES, phases((C, 5), (H, 4)), "over_reach", ("m20.16", "m20.1")),
    ("m20-cc-monitoring-added", M20, CC_PHASES, phases((C, 5), (H, 3), (HM, 2)), "over_reach", ("m20.16", "m20.1")),
    ("m20-cc-v9-plan", M20, CC_PHASES, phases((C, 7), (HM, 3)), "over_reach", ("m20.16", "m20.1")),
    ("m20-cc-shorter-home", M20, CC_PHASES, phases((C, 5), (H, 2)), "below_national", ("m20.1",)),
    ("m20-cc-shorter-centralized", M20, CC_PHASES, phases((C, 3)), "below_national", ("m20.1",)),
    ("m20-cc-all-home", M20, CC_PHASES, phases((H, 8)), "below_national", ("m20.1",)),
    ("m20-cc-national", M20, CC_PHASES, phases((C, 5, [1, 2, 3, 5]), (H, 3, [1, 3])), "same", ("m20.1",)),
    ("m20-cc-national-no-tests", M20, CC_PHASES, phases((C, 5), (H, 3)), "same", ("m20.1",)),
    (
        "m20-cc-more-tests",
        M20,
        CC_PHASES,
        phases((C, 5, [1, 2, 3, 4, 5]), (H, 3, [1, 2, 3])),
        "over_reach",
        ("m20.16", "m20.1"),
    ),
    ("m20-entry-longer", M20, ENTRY_PHASES, phases((C, 7), (H, 3)), "over_reach", ("m20.16", "m20.10")),
    ("m20-entry-national", M20, ENTRY_PHASES, phases((C, 5), (H, 3)), "same", ("m20.10",)),
    ("m20-entry-shorter", M20, ENTRY_PHASES, phases((C, 5)), "below_national", ("m20.10",)),
    # m20 does not manage secondary close contacts: any local plan adds to the national rules
    ("m20-scc-managed", M20, SCC_PHASES, phases((H, 7)), "over_reach", ("m20.16", "m20.2")),
    ("m20-scc-not-managed", M20, SCC_PHASES, None, "same", ("m20.2",)),
    # v9: close contacts C 7 + HM 3; the guard's clause is v9-nine.general (the nine prohibitions)
    ("v9-cc-longer", V9, CC_PHASES, phases((C, 7), (HM, 4)), "over_reach", ("v9-nine.general", "v9.close_contact")),
    ("v9-cc-fourteen", V9, CC_PHASES, phases((C, 14)), "over_reach", ("v9-nine.general", "v9.close_contact")),
    ("v9-cc-shorter", V9, CC_PHASES, phases((C, 7)), "below_national", ("v9.close_contact",)),
    ("v9-cc-national", V9, CC_PHASES, phases((C, 7), (HM, 3)), "same", ("v9.close_contact",)),
    (
        "v9-scc-centralized",
        V9,
        SCC_PHASES,
        phases((C, 7)),
        "over_reach",
        ("v9-nine.general", "v9.secondary_close_contact"),
    ),
    # n10: close contacts H 5; the m20 plan is now over-reach
    ("n10-cc-m20-plan", N10, CC_PHASES, phases((C, 5), (H, 3)), "over_reach", ("m20.16", "n10.3")),
    ("n10-cc-national", N10, CC_PHASES, phases((H, 5)), "same", ("n10.3",)),
]


@pytest.mark.parametrize(
    ("on", "path", "local", "verdict", "cites"),
    [c[1:] for c in PHASE_CASES],
    ids=[c[0] for c in PHASE_CASES],
)
def test_phases(on: str, path: str, local: Any, verdict: Verdict, cites: tuple[str, ...]) -> None:
    assert stricter_of(path) is None  # phases are compared day by day, not by a direction
    f = compare(path, local, on)
    assert f.verdict == verdict, f.reasons
    assert tuple(f.cite[: len(cites)]) == cites, f.cite
    assert (f.path, f.local) == (path, local)
    assert f.policy == POLICY.version_on(date.fromisoformat(on))
    assert f.policy_date == date.fromisoformat(on)
    if verdict == "over_reach":
        assert "layer-by-layer overweighting" in f.reasons[0].text or "adds to the national rules" in f.reasons[0].text
    else:
        assert "m20.16" not in f.cite and "v9-nine.general" not in f.cite


def test_phases_finding_says_which_days_are_stricter() -> None:
    f = compare(CC_PHASES, phases((C, 7), (H, 3)), M20)
    texts = [r.text for r in f.reasons]
    assert "days 6–7: centralized isolation where the national rule has home isolation" in texts
    assert "days 9–10: home isolation where the national rule has no management" in texts


# ---- values with a direction of strictness --------------------------------------------------------------

VALUE_CASES: list[tuple[str, str, str, Any, Verdict, tuple[str, ...]]] = [
    # (id, date, path, local, verdict, clauses cited)
    # ints, stricter: higher (m20: 5 clean days, m20.4; v9: 7, v9.risk_area)
    ("m20-downgrade-7", M20, DOWNGRADE, 7, "over_reach", ("m20.16", "m20.4")),
    ("m20-downgrade-6", M20, DOWNGRADE, 6, "over_reach", ("m20.16", "m20.4")),
    ("m20-downgrade-3", M20, DOWNGRADE, 3, "below_national", ("m20.4",)),
    ("m20-downgrade-5", M20, DOWNGRADE, 5, "same", ("m20.4",)),
    ("v9-downgrade-10", V9, DOWNGRADE, 10, "over_reach", ("v9-nine.general", "v9.risk_area")),
    ("v9-downgrade-5", V9, DOWNGRADE, 5, "below_national", ("v9.risk_area",)),
    ("v9-downgrade-7", V9, DOWNGRADE, 7, "same", ("v9.risk_area",)),
    ("n10-downgrade-7", N10, DOWNGRADE, 7, "over_reach", ("m20.16", "n10.4")),
    ("m20-venue-minutes-60", M20, "tracing.venue_co_presence_minutes", 60, "over_reach", ("m20.16", "m20.2")),
    ("m20-venue-minutes-15", M20, "tracing.venue_co_presence_minutes", 15, "below_national", ("m20.2",)),
    ("m20-look-back-7", M20, "tracing.look_back_days", 7, "over_reach", ("m20.16", "m20.2")),
    ("m20-tests-per-day-2", M20, "testing_campaign.max_tests_per_day", 2, "over_reach", ("m20.16", "m20.6")),
    ("m20-tests-per-day-1", M20, "testing_campaign.max_tests_per_day", 1, "same", ("m20.6",)),
    # numbers (float), stricter: higher; an int equal to the national float is the same
    ("m20-ct-cutoff-42", M20, "ct.general.positive_below", 42.0, "over_reach", ("m20.16", "v9.testing")),
    ("m20-ct-cutoff-38", M20, "ct.general.positive_below", 38.0, "below_national", ("v9.testing",)),
    ("m20-ct-cutoff-40", M20, "ct.general.positive_below", 40, "same", ("v9.testing",)),
    # bools, stricter: "true"
    (
        "m20-scc-determined",
        M20,
        "management.secondary_close_contact.determined",
        True,
        "over_reach",
        ("m20.16", "m20.2"),
    ),
    ("m20-scc-not-determined", M20, "management.secondary_close_contact.determined", False, "same", ("m20.2",)),
    (
        "v9-scc-not-determined",
        V9,
        "management.secondary_close_contact.determined",
        False,
        "below_national",
        ("v9.secondary_close_contact",),
    ),
    ("m20-cc-not-determined", M20, "management.close_contact.determined", False, "below_national", ("m20.2",)),
    (
        "m20-screening-required",
        M20,
        "risk_area.high.requires_negative_screening",
        True,
        "over_reach",
        ("m20.16", "m20.4"),
    ),
    (
        "m20-restart-at-destination",
        M20,
        "management.entry_personnel.destination_may_restart",
        True,
        "over_reach",
        ("m20.16", "m20.10"),
    ),
    (
        "m20-medium-spillover-managed",
        M20,
        "management.medium_risk_spillover.determined",
        True,
        "over_reach",
        ("m20.16", "m20.4"),
    ),
    # no direction recorded: not comparable (but equal is still the same)
    ("m20-report-hours-1", M20, "timeliness.report_within_hours", 1, "not_comparable", ("v9.reporting",)),
    ("m20-report-hours-2", M20, "timeliness.report_within_hours", 2, "same", ("v9.reporting",)),
    ("m20-widest-community", M20, "risk_area.widest_unit", "community", "not_comparable", ("m20.4",)),
    ("m20-household-false", M20, "tracing.household_members", False, "not_comparable", ("m20.2",)),
    # the national rule does not apply the parameter on the date (null): not comparable
    ("classb-look-back-4", CLASSB, "tracing.look_back_days", 4, "not_comparable", ("classb.general",)),
    ("classb-look-back-null", CLASSB, "tracing.look_back_days", None, "same", ("classb.general",)),
    ("v9-tests-per-day-2", V9, "testing_campaign.max_tests_per_day", 2, "not_comparable", ("v9.scope",)),
    ("m20-medium-clean-days", M20, "risk_area.medium.clean_days_to_low", 7, "not_comparable", ("m20.4",)),
    # a local null where the national rule has a value: not comparable either
    ("m20-downgrade-null", M20, DOWNGRADE, None, "not_comparable", ("m20.4",)),
]


@pytest.mark.parametrize(
    ("on", "path", "local", "verdict", "cites"),
    [c[1:] for c in VALUE_CASES],
    ids=[c[0] for c in VALUE_CASES],
)
def test_values(on: str, path: str, local: Any, verdict: Verdict, cites: tuple[str, ...]) -> None:
    f = compare(path, local, on)
    assert f.verdict == verdict, f.reasons
    assert tuple(f.cite) == cites, f.cite
    rules = POLICY.at(date.fromisoformat(on))
    assert (f.path, f.local, f.national) == (path, local, rules.get(path).value)
    if verdict == "over_reach":
        assert f.reasons[0].text == "stricter than the national rule: layer-by-layer overweighting"
    if verdict == "not_comparable":
        assert "reviewed by hand" in f.reasons[0].text


def test_not_comparable_says_why() -> None:
    undirected = compare("timeliness.report_within_hours", 1, M20)
    assert "no national direction of strictness is recorded for it" in undirected.reasons[0].text
    not_applied = compare("tracing.look_back_days", 4, CLASSB)
    assert "the national rule does not apply it on this date" in not_applied.reasons[0].text
    assert not_applied.national is None


# ---- the direction given by the caller: "lower" and "false" ---------------------------------------------

DIRECTION_CASES: list[tuple[str, str, str, Any, Verdict]] = [
    # (id, path, stricter, local, verdict) on M20; national report_within_hours 2, close_contact.determined true
    ("lower-fewer-hours", "timeliness.report_within_hours", "lower", 1, "over_reach"),
    ("lower-more-hours", "timeliness.report_within_hours", "lower", 3, "below_national"),
    ("lower-same-hours", "timeliness.report_within_hours", "lower", 2, "same"),
    ("higher-more-hours", "timeliness.report_within_hours", "higher", 3, "over_reach"),
    ("false-not-determined", "management.close_contact.determined", "false", False, "over_reach"),
    ("false-determined", "management.close_contact.determined", "false", True, "same"),
    ("true-not-determined", "management.close_contact.determined", "true", False, "below_national"),
]


@pytest.mark.parametrize(
    ("path", "stricter", "local", "verdict"),
    [c[1:] for c in DIRECTION_CASES],
    ids=[c[0] for c in DIRECTION_CASES],
)
def test_direction(path: str, stricter: str, local: Any, verdict: Verdict) -> None:
    f = compare(path, local, M20, stricter, recorded=False)
    assert f.verdict == verdict
    if verdict == "over_reach":
        assert f.cite[0] == "m20.16"


def test_every_stricter_direction_in_the_data_is_known() -> None:
    directions = {p.spec.stricter for p in POLICY.parameters.values()}
    assert directions <= {None, "higher", "lower", "true", "false"}
    for path, p in POLICY.parameters.items():
        if p.spec.stricter in ("true", "false"):
            assert p.spec.type == "bool", path
        elif p.spec.stricter is not None:
            assert p.spec.type in ("int", "number"), path
        if p.spec.type == "phases":
            assert p.spec.stricter is None, path


# ---- reading an overlay file ----------------------------------------------------------------------------

GOOD = """\
overlay:
  jurisdiction: "44"
  name: Guangdong local rules
  effective: 2022-11-20
parameters:
  management.close_contact.phases:
    value:
      - {kind: centralized_isolation, days: 7, test_days: [1, 2, 3, 5, 7]}
      - {kind: home_isolation, days: 3}
    reason: the province's own plan
  risk_area.high.clean_days_to_downgrade:
    value: 7
  tracing.look_back_days:
    value: null
"""


def test_read_a_good_overlay() -> None:
    header, values = read_overlay(GOOD, POLICY)
    assert (header.jurisdiction, header.name, header.effective) == ("44", "Guangdong local rules", date(2022, 11, 20))
    by_path = {v.path: v for v in values}
    assert list(by_path) == [CC_PHASES, DOWNGRADE, "tracing.look_back_days"]
    assert by_path[CC_PHASES].value == phases((C, 7, [1, 2, 3, 5, 7]), (H, 3))
    assert by_path[CC_PHASES].reason == "the province's own plan"
    assert by_path[DOWNGRADE].value == 7 and by_path[DOWNGRADE].reason is None
    assert by_path["tracing.look_back_days"].value is None
    rules = POLICY.at(header.effective)
    verdicts = [compare_parameter(v.path, stricter_of(v.path), v.value, rules).verdict for v in values]
    assert verdicts == ["over_reach", "over_reach", "not_comparable"]


def overlay(parameters: str, header: str | None = None) -> str:
    head = header if header is not None else 'overlay: {jurisdiction: "11", name: Beijing, effective: 2022-11-20}\n'
    return head + "parameters:\n" + parameters


BAD_OVERLAYS: list[tuple[str, str, str, str | None]] = [
    # (id, file text, field named, a word of the message)
    (
        "unknown-parameter",
        overlay("  management.close_contact.days: {value: 7}\n"),
        "parameters.management.close_contact.days",
        "no such national parameter",
    ),
    (
        "unknown-branch",
        overlay("  risk_area.high: {value: 7}\n"),
        "parameters.risk_area.high",
        "no such national parameter",
    ),
    (
        "int-given-text",
        overlay("  risk_area.high.clean_days_to_downgrade: {value: seven}\n"),
        "parameters.risk_area.high.clean_days_to_downgrade",
        "not a valid int",
    ),
    (
        "int-given-list",
        overlay("  risk_area.high.clean_days_to_downgrade: {value: [5, 7]}\n"),
        "parameters.risk_area.high.clean_days_to_downgrade",
        "not a valid int",
    ),
    (
        "bool-given-text",
        overlay("  management.secondary_close_contact.determined: {value: sometimes}\n"),
        "parameters.management.secondary_close_contact.determined",
        "not a valid bool",
    ),
    (
        "phases-unknown-kind",
        overlay("  management.close_contact.phases: {value: [{kind: hotel, days: 7}]}\n"),
        "parameters.management.close_contact.phases",
        "not a valid phases",
    ),
    (
        "phases-test-day-outside",
        overlay("  management.close_contact.phases: {value: [{kind: home_isolation, days: 3, test_days: [5]}]}\n"),
        "parameters.management.close_contact.phases",
        "not a valid phases",
    ),
    (
        "phases-given-number",
        overlay("  management.close_contact.phases: {value: 7}\n"),
        "parameters.management.close_contact.phases",
        "not a valid phases",
    ),
    (
        "value-not-wrapped",
        overlay("  risk_area.high.clean_days_to_downgrade: 7\n"),
        "parameters.risk_area.high.clean_days_to_downgrade",
        None,
    ),
    (
        "unknown-entry-key",
        overlay("  risk_area.high.clean_days_to_downgrade: {value: 7, why: local}\n"),
        "parameters.risk_area.high.clean_days_to_downgrade.why",
        None,
    ),
    ("no-parameters", overlay("  {}\n"), "parameters", None),
    (
        "one-digit-jurisdiction",
        overlay(
            "  tracing.look_back_days: {value: 4}\n", 'overlay: {jurisdiction: "1", name: x, effective: 2022-11-20}\n'
        ),
        "overlay.jurisdiction",
        None,
    ),
    (
        "letters-in-jurisdiction",
        overlay(
            "  tracing.look_back_days: {value: 4}\n", 'overlay: {jurisdiction: "GD", name: x, effective: 2022-11-20}\n'
        ),
        "overlay.jurisdiction",
        None,
    ),
    (
        "missing-effective",
        overlay("  tracing.look_back_days: {value: 4}\n", 'overlay: {jurisdiction: "11", name: Beijing}\n'),
        "overlay.effective",
        None,
    ),
    (
        "impossible-effective-quoted",
        overlay(
            "  tracing.look_back_days: {value: 4}\n",
            'overlay: {jurisdiction: "11", name: x, effective: "2022-02-30"}\n',
        ),
        "overlay.effective",
        None,
    ),
    (  # YAML's own date parser rejects it before the header is read: the file is named
        "impossible-effective",
        overlay(
            "  tracing.look_back_days: {value: 4}\n", 'overlay: {jurisdiction: "11", name: x, effective: 2022-02-30}\n'
        ),
        "file",
        "day is out of range",
    ),
    (
        "empty-name",
        overlay(
            "  tracing.look_back_days: {value: 4}\n", 'overlay: {jurisdiction: "11", name: "", effective: 2022-11-20}\n'
        ),
        "overlay.name",
        None,
    ),
    (
        "unknown-header-key",
        overlay(
            "  tracing.look_back_days: {value: 4}\n",
            'overlay: {jurisdiction: "11", name: x, effective: 2022-11-20, level: city}\n',
        ),
        "overlay.level",
        None,
    ),
    ("no-header", "parameters:\n  tracing.look_back_days: {value: 4}\n", "overlay", None),
    ("not-a-mapping", "- just\n- a list\n", "file", None),
    ("bad-yaml-unclosed", 'overlay: {jurisdiction: "11"\nparameters: [\n', "file", "not YAML"),
    ("bad-yaml-tab", "overlay:\n\tjurisdiction: 11\n", "file", "not YAML"),
]


@pytest.mark.parametrize(
    ("text", "field", "word"),
    [c[1:] for c in BAD_OVERLAYS],
    ids=[c[0] for c in BAD_OVERLAYS],
)
def test_bad_overlay(text: str, field: str, word: str | None) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_overlay(text, POLICY)
    assert caught.value.field == field, caught.value
    if word is not None:
        assert word in caught.value.message
