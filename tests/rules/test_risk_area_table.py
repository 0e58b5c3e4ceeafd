"""Risk-area levels over time, table-driven. From shared/policy/RULES.md (risk areas), the seed's measure (4),
policy/data/parameters/areas.yaml and the register entries clean-day-counting (clean days are the days after
the delineation day and after the last infection; the change takes effect the day after the last clean day
that earned it), v9-screening-day, m20-screening and medium-on-m20."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from fangkong.errors import InvalidInput
from fangkong.policy import PolicyAt, load_policy
from fangkong.policy.terms import AreaLevel
from fangkong.rules.risk_area import AreaLevelDecision, area_level

POLICY = load_policy()

HIGH = AreaLevel.high
MEDIUM = AreaLevel.medium
LOW = AreaLevel.low
NONE = AreaLevel.none


def day(iso: str) -> date:
    return date.fromisoformat(iso)


def rules_for(which: str) -> Callable[[date], PolicyAt]:
    """ "at": the rules in force each day; a version id: that version's rules every day."""
    if which == "at":
        return POLICY.at
    return lambda d: POLICY.for_version(which, d)


def level_of(
    delineated: str,
    on: str,
    infections: list[str],
    screenings: list[str] | None = None,
    rules: str = "at",
    delineated_level: AreaLevel = HIGH,
) -> AreaLevelDecision:
    return area_level(
        day(delineated),
        day(on),
        [day(i) for i in infections],
        [day(s) for s in screenings or []],
        rules_for(rules),
        delineated_level,
    )


# (id, delineated_on, delineated level, infections found on, all-negative screenings on, rules, date, level, cite)
Row = tuple[str, str, AreaLevel, list[str], list[str], str, str, AreaLevel, str | None]

M20 = [
    # delineated 12 Nov, last infection 14 Nov: clean 15..19 Nov → low on 20 Nov
    ("m20-delineation-day", "2022-11-12", HIGH, ["2022-11-12", "2022-11-14"], [], "at", "2022-11-12", HIGH, "m20.4"),
    ("m20-case-area-still-high", "2022-11-12", HIGH, ["2022-11-12", "2022-11-14"], [], "at", "2022-11-17", HIGH, None),
    ("m20-last-high-day", "2022-11-12", HIGH, ["2022-11-12", "2022-11-14"], [], "at", "2022-11-19", HIGH, None),
    ("m20-downgrade-day", "2022-11-12", HIGH, ["2022-11-12", "2022-11-14"], [], "at", "2022-11-20", LOW, "m20.4"),
    ("m20-stays-low", "2022-11-12", HIGH, ["2022-11-12", "2022-11-14"], [], "at", "2022-12-01", LOW, "m20.4"),
    (
        "m20-case-area-downgraded",
        "2022-11-12",
        HIGH,
        ["2022-11-12", "2022-11-14"],
        ["2022-11-19"],
        "at",
        "2022-11-25",
        LOW,
        "m20.4",
    ),
    # clean days count from the day after delineation even with no infection listed
    ("m20-no-infection-listed-17th", "2022-11-12", HIGH, [], [], "at", "2022-11-17", HIGH, None),
    ("m20-no-infection-listed-18th", "2022-11-12", HIGH, [], [], "at", "2022-11-18", LOW, "m20.4"),
    ("m20-infection-on-delineation-day", "2022-11-12", HIGH, ["2022-11-12"], [], "at", "2022-11-18", LOW, None),
    # infections before the delineation do not count
    ("m20-earlier-infection-ignored", "2022-11-12", HIGH, ["2022-11-10"], [], "at", "2022-11-18", LOW, None),
    # an infection on what would have been the 5th clean day resets the clock: clean 18..22 → low on 23
    (
        "m20-reset-would-have-been-low",
        "2022-11-12",
        HIGH,
        ["2022-11-12", "2022-11-17"],
        [],
        "at",
        "2022-11-18",
        HIGH,
        None,
    ),
    ("m20-reset-last-high-day", "2022-11-12", HIGH, ["2022-11-12", "2022-11-17"], [], "at", "2022-11-22", HIGH, None),
    ("m20-reset-downgrade-day", "2022-11-12", HIGH, ["2022-11-12", "2022-11-17"], [], "at", "2022-11-23", LOW, "m20.4"),
    (
        "m20-two-resets",
        "2022-11-12",
        HIGH,
        ["2022-11-12", "2022-11-15", "2022-11-19"],
        [],
        "at",
        "2022-11-24",
        HIGH,
        None,
    ),
    (
        "m20-two-resets-low",
        "2022-11-12",
        HIGH,
        ["2022-11-12", "2022-11-15", "2022-11-19"],
        [],
        "at",
        "2022-11-25",
        LOW,
        None,
    ),
]

V9 = [
    # 7 clean days (2..8 Oct) and an all-negative screening on the 7th clean day → medium on 9 Oct;
    # 3 more clean days (9..11 Oct) → low on 12 Oct
    ("v9-seventh-clean-day", "2022-10-01", HIGH, ["2022-10-01"], ["2022-10-08"], "at", "2022-10-08", HIGH, None),
    ("v9-medium", "2022-10-01", HIGH, ["2022-10-01"], ["2022-10-08"], "at", "2022-10-09", MEDIUM, "v9.risk_area"),
    ("v9-medium-last-day", "2022-10-01", HIGH, ["2022-10-01"], ["2022-10-08"], "at", "2022-10-11", MEDIUM, None),
    (
        "v9-low-after-3-more",
        "2022-10-01",
        HIGH,
        ["2022-10-01"],
        ["2022-10-08"],
        "at",
        "2022-10-12",
        LOW,
        "v9.risk_area",
    ),
    # without the screening the area stays high
    ("v9-no-screening", "2022-10-01", HIGH, ["2022-10-01"], [], "at", "2022-10-09", HIGH, None),
    ("v9-no-screening-later", "2022-10-01", HIGH, ["2022-10-01"], [], "at", "2022-10-20", HIGH, None),
    # a screening before the 7th clean day does not count
    (
        "v9-screening-on-6th-clean-day",
        "2022-10-01",
        HIGH,
        ["2022-10-01"],
        ["2022-10-07"],
        "at",
        "2022-10-09",
        HIGH,
        None,
    ),
    (
        "v9-screening-on-6th-clean-day-later",
        "2022-10-01",
        HIGH,
        ["2022-10-01"],
        ["2022-10-07"],
        "at",
        "2022-10-20",
        HIGH,
        None,
    ),
    (
        "v9-screenings-6th-and-7th",
        "2022-10-01",
        HIGH,
        ["2022-10-01"],
        ["2022-10-07", "2022-10-08"],
        "at",
        "2022-10-09",
        MEDIUM,
        None,
    ),
    # a screening on a later clean day (the 9th) counts: medium the day after it, low 3 clean days later
    ("v9-late-screening-day", "2022-10-01", HIGH, ["2022-10-01"], ["2022-10-10"], "at", "2022-10-10", HIGH, None),
    ("v9-late-screening-medium", "2022-10-01", HIGH, ["2022-10-01"], ["2022-10-10"], "at", "2022-10-11", MEDIUM, None),
    (
        "v9-late-screening-medium-last",
        "2022-10-01",
        HIGH,
        ["2022-10-01"],
        ["2022-10-10"],
        "at",
        "2022-10-13",
        MEDIUM,
        None,
    ),
    ("v9-late-screening-low", "2022-10-01", HIGH, ["2022-10-01"], ["2022-10-10"], "at", "2022-10-14", LOW, None),
    # an infection resets the 7 days; the screening on the old 7th day (now the 3rd clean day) does not count
    (
        "v9-reset-old-screening",
        "2022-10-01",
        HIGH,
        ["2022-10-01", "2022-10-05"],
        ["2022-10-08"],
        "at",
        "2022-10-13",
        HIGH,
        None,
    ),
    (
        "v9-reset-old-screening-later",
        "2022-10-01",
        HIGH,
        ["2022-10-01", "2022-10-05"],
        ["2022-10-08"],
        "at",
        "2022-10-20",
        HIGH,
        None,
    ),
    (
        "v9-reset-new-screening-medium",
        "2022-10-01",
        HIGH,
        ["2022-10-01", "2022-10-05"],
        ["2022-10-08", "2022-10-12"],
        "at",
        "2022-10-13",
        MEDIUM,
        None,
    ),
    (
        "v9-reset-new-screening-low",
        "2022-10-01",
        HIGH,
        ["2022-10-01", "2022-10-05"],
        ["2022-10-08", "2022-10-12"],
        "at",
        "2022-10-16",
        LOW,
        None,
    ),
    # an infection while medium resets the 3 days: clean 11..13 Oct → low on 14 Oct
    (
        "v9-medium-reset",
        "2022-10-01",
        HIGH,
        ["2022-10-01", "2022-10-10"],
        ["2022-10-08"],
        "at",
        "2022-10-13",
        MEDIUM,
        None,
    ),
    (
        "v9-medium-reset-low",
        "2022-10-01",
        HIGH,
        ["2022-10-01", "2022-10-10"],
        ["2022-10-08"],
        "at",
        "2022-10-14",
        LOW,
        None,
    ),
    # an area delineated medium: 7 clean days and the screening → low
    (
        "v9-medium-delineated",
        "2022-10-01",
        MEDIUM,
        ["2022-10-01"],
        ["2022-10-08"],
        "at",
        "2022-10-08",
        MEDIUM,
        "v9.risk_area",
    ),
    (
        "v9-medium-delineated-low",
        "2022-10-01",
        MEDIUM,
        ["2022-10-01"],
        ["2022-10-08"],
        "at",
        "2022-10-09",
        LOW,
        "v9.risk_area",
    ),
]

ACROSS_VERSIONS = [
    # v9 medium areas become low on 11 Nov (register medium-on-m20)
    ("v9-medium-delineated-10-nov", "2022-11-08", MEDIUM, ["2022-11-08"], [], "at", "2022-11-10", MEDIUM, None),
    ("v9-medium-delineated-11-nov", "2022-11-08", MEDIUM, ["2022-11-08"], [], "at", "2022-11-11", LOW, "m20.4"),
    # high (25 Oct) → medium (2 Nov, after 7 clean days and the screening of 1 Nov), infections keep it medium
    (
        "v9-high-to-medium-10-nov",
        "2022-10-25",
        HIGH,
        ["2022-10-25", "2022-11-03", "2022-11-06", "2022-11-09"],
        ["2022-11-01"],
        "at",
        "2022-11-10",
        MEDIUM,
        None,
    ),
    (
        "v9-high-to-medium-11-nov",
        "2022-10-25",
        HIGH,
        ["2022-10-25", "2022-11-03", "2022-11-06", "2022-11-09"],
        ["2022-11-01"],
        "at",
        "2022-11-11",
        LOW,
        "m20.4",
    ),
    # v9 high area, clean days 6..10 Nov: by 12 Nov it is low under m20 (either reading of the change day)
    ("v9-high-across-10-nov", "2022-11-05", HIGH, ["2022-11-05"], [], "at", "2022-11-10", HIGH, None),
    ("v9-high-across-12-nov", "2022-11-05", HIGH, ["2022-11-05"], [], "at", "2022-11-12", LOW, "m20.4"),
    # m20 → n10 (7 Dec): clean 4..8 Dec → lifted (none) on 9 Dec under n10
    ("m20-to-n10-last-high", "2022-12-03", HIGH, ["2022-12-03"], [], "at", "2022-12-08", HIGH, None),
    ("m20-to-n10-lifted", "2022-12-03", HIGH, ["2022-12-03"], [], "at", "2022-12-09", NONE, "n10.4"),
    # n10: lifted after 5 clean days
    ("n10-last-high", "2022-12-10", HIGH, ["2022-12-10", "2022-12-12"], [], "at", "2022-12-17", HIGH, None),
    ("n10-lifted", "2022-12-10", HIGH, ["2022-12-10", "2022-12-12"], [], "at", "2022-12-18", NONE, "n10.4"),
    # n10 → classb (8 Jan): no risk areas at all
    (
        "n10-to-classb-7-jan",
        "2023-01-05",
        HIGH,
        ["2023-01-05", "2023-01-06", "2023-01-07"],
        [],
        "at",
        "2023-01-07",
        HIGH,
        None,
    ),
    (
        "n10-to-classb-8-jan",
        "2023-01-05",
        HIGH,
        ["2023-01-05", "2023-01-06", "2023-01-07"],
        [],
        "at",
        "2023-01-08",
        NONE,
        "classb.general",
    ),
    # a named version's rules every day, whatever the date
    ("for-m20-in-december", "2022-12-10", HIGH, ["2022-12-10"], [], "m20", "2022-12-15", HIGH, None),
    ("for-m20-in-december-low", "2022-12-10", HIGH, ["2022-12-10"], [], "m20", "2022-12-16", LOW, "m20.4"),
    ("at-in-december-none", "2022-12-10", HIGH, ["2022-12-10"], [], "at", "2022-12-16", NONE, "n10.4"),
    (
        "for-v9-in-november-high",
        "2022-11-12",
        HIGH,
        ["2022-11-12", "2022-11-14"],
        ["2022-11-21"],
        "v9",
        "2022-11-20",
        HIGH,
        None,
    ),
    (
        "for-v9-in-november-still-high",
        "2022-11-12",
        HIGH,
        ["2022-11-12", "2022-11-14"],
        ["2022-11-21"],
        "v9",
        "2022-11-21",
        HIGH,
        None,
    ),
    (
        "for-v9-in-november-medium",
        "2022-11-12",
        HIGH,
        ["2022-11-12", "2022-11-14"],
        ["2022-11-21"],
        "v9",
        "2022-11-22",
        MEDIUM,
        "v9.risk_area",
    ),
    (
        "for-v9-in-november-low",
        "2022-11-12",
        HIGH,
        ["2022-11-12", "2022-11-14"],
        ["2022-11-21"],
        "v9",
        "2022-11-25",
        LOW,
        "v9.risk_area",
    ),
    ("for-v9-medium-after-11-nov", "2022-11-08", MEDIUM, ["2022-11-08"], [], "v9", "2022-11-11", MEDIUM, None),
]


def _check(row: Row) -> None:
    _, delineated, delineated_level, infections, screenings, rules, on, level, cite = row
    d = level_of(delineated, on, infections, screenings, rules, delineated_level)
    assert d.level is level, [(h.on, h.level.value) for h in d.history]
    if cite is not None:
        assert cite in d.cite


@pytest.mark.parametrize("row", M20, ids=[r[0] for r in M20])
def test_m20_area_level(row: Row) -> None:
    _check(row)


@pytest.mark.parametrize("row", V9, ids=[r[0] for r in V9])
def test_v9_area_level(row: Row) -> None:
    _check(row)


@pytest.mark.parametrize("row", ACROSS_VERSIONS, ids=[r[0] for r in ACROSS_VERSIONS])
def test_area_level_across_versions(row: Row) -> None:
    _check(row)


# ---- history, since and next change ----

HISTORY = [
    # (delineated, infections, screenings, on, history [(on, level)], since, next change)
    ("2022-11-12", ["2022-11-12", "2022-11-14"], [], "2022-11-19", [("2022-11-12", HIGH)], "2022-11-12", "2022-11-20"),
    (
        "2022-11-12",
        ["2022-11-12", "2022-11-14"],
        [],
        "2022-11-20",
        [("2022-11-12", HIGH), ("2022-11-20", LOW)],
        "2022-11-20",
        None,
    ),
    (
        "2022-10-01",
        ["2022-10-01"],
        ["2022-10-08"],
        "2022-10-30",
        [("2022-10-01", HIGH), ("2022-10-09", MEDIUM), ("2022-10-12", LOW)],
        "2022-10-12",
        None,
    ),
    ("2022-10-01", ["2022-10-01"], ["2022-10-08"], "2022-10-08", [("2022-10-01", HIGH)], "2022-10-01", "2022-10-09"),
    ("2022-10-01", ["2022-10-01"], [], "2022-10-10", [("2022-10-01", HIGH)], "2022-10-01", None),
]


@pytest.mark.parametrize(("delineated", "infections", "screenings", "on", "history", "since", "next_change"), HISTORY)
def test_area_history(
    delineated: str,
    infections: list[str],
    screenings: list[str],
    on: str,
    history: list[tuple[str, AreaLevel]],
    since: str,
    next_change: str | None,
) -> None:
    d = level_of(delineated, on, infections, screenings)
    assert [(h.on, h.level) for h in d.history] == [(day(o), lv) for o, lv in history]
    assert d.since == day(since)
    assert d.next_change_on == (None if next_change is None else day(next_change))


# ---- once suspected defects, fixed: the tests stay as regressions (reasons kept as comments) ----

FIXED_DEFECTS = [
    pytest.param(
        (
            "v9-medium-delineated-needs-screening",
            "2022-10-01",
            MEDIUM,
            ["2022-10-01"],
            [],
            "at",
            "2022-10-09",
            MEDIUM,
            None,
        ),
        id="v9-medium-delineated-needs-screening",
    ),
    pytest.param(
        ("v9-high-across-11-nov", "2022-11-05", HIGH, ["2022-11-05"], [], "at", "2022-11-11", LOW, "m20.4"),
        id="v9-high-across-11-nov",
    ),
    pytest.param(
        (
            "m20-low-asked-under-classb",
            "2022-11-12",
            HIGH,
            ["2022-11-12", "2022-11-14"],
            [],
            "at",
            "2023-01-10",
            NONE,
            None,
        ),
        id="m20-low-asked-under-classb",
    ),
    pytest.param(
        (
            "m20-low-asked-under-n10",
            "2022-11-12",
            HIGH,
            ["2022-11-12", "2022-11-14"],
            [],
            "at",
            "2022-12-10",
            NONE,
            None,
        ),
        id="m20-low-asked-under-n10",
    ),
]


@pytest.mark.parametrize("row", FIXED_DEFECTS)
def test_area_level_fixed_defects(row: Row) -> None:
    _check(row)


# ---- invalid questions ----

INVALID = [
    # (id, delineated, on, delineated level, rules, field)
    ("date-before-delineation", "2022-11-12", "2022-11-11", HIGH, "at", "date"),
    ("date-long-before-delineation", "2022-11-12", "2022-10-01", HIGH, "at", "date"),
    ("medium-under-m20", "2022-11-12", "2022-11-15", MEDIUM, "at", "delineated_level"),
    ("medium-under-n10", "2022-12-10", "2022-12-15", MEDIUM, "at", "delineated_level"),
    ("high-under-classb", "2023-01-10", "2023-01-12", HIGH, "at", "delineated_level"),
    ("high-for-classb", "2022-11-12", "2022-11-15", HIGH, "classb", "delineated_level"),
    ("low-is-not-delineated", "2022-11-12", "2022-11-15", LOW, "at", "delineated_level"),
    ("none-is-not-delineated", "2022-11-12", "2022-11-15", NONE, "at", "delineated_level"),
]


@pytest.mark.parametrize(
    ("delineated", "on", "delineated_level", "rules", "field"), [r[1:] for r in INVALID], ids=[r[0] for r in INVALID]
)
def test_invalid_area_question(delineated: str, on: str, delineated_level: AreaLevel, rules: str, field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        level_of(delineated, on, [delineated], [], rules, delineated_level)
    assert info.value.field == field
