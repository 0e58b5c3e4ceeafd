"""Management plans, table-driven: every category under every version, the day-one convention and the
boundary days between versions. Expected values are worked out from shared/policy/RULES.md (the management
table) and policy/data/parameters/management.yaml, not copied from the code's output."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from fangkong.errors import NotInForce
from fangkong.policy import load_policy
from fangkong.policy.terms import Category, MayGoOut, PhaseKind, Restriction
from fangkong.rules.plans import Plan, PlanRefusal, first_day, management_plan

POLICY = load_policy()

C = PhaseKind.centralized_isolation
H = PhaseKind.home_isolation
HM = PhaseKind.home_health_monitoring
NO = MayGoOut.no
IF_NECESSARY = MayGoOut.if_necessary
BOTH = (Restriction.no_crowded_places, Restriction.no_public_transport)

CC = Category.close_contact
SCC = Category.secondary_close_contact
ENTRY = Category.entry_personnel
HRS = Category.high_risk_spillover
MRS = Category.medium_risk_spillover
HRPW = Category.high_risk_post_worker
PAST = Category.past_infection_ct35_40
MILD = Category.mild_infection
LRS = Category.low_risk_spillover
T = PhaseKind.testing_only
YES = MayGoOut.yes

VERSIONS = ("v9", "m20", "n10", "classb")

# (kind, start, end, 1-based test days of the phase)
Phase = tuple[PhaseKind, str, str, tuple[int, ...]]

# What a day of each phase kind allows (management.phase_kind.*; the same under v9 and m20).
KIND_RULES: dict[PhaseKind, tuple[MayGoOut, tuple[Restriction, ...]]] = {
    C: (NO, ()),
    H: (NO, ()),
    HM: (IF_NECESSARY, BOTH),
    PhaseKind.testing_only: (MayGoOut.yes, ()),
}


def day(iso: str) -> date:
    return date.fromisoformat(iso)


def assert_plan(
    result: Plan | PlanRefusal,
    version: str,
    phases: list[Phase],
    released_on: str,
    may_go_out: MayGoOut,
    restrictions: tuple[Restriction, ...],
    code_managed: bool,
    cite: str,
) -> None:
    assert isinstance(result, Plan), result
    assert result.refused is False
    assert result.policy == version
    got = [(p.kind, p.start, p.end, p.test_days) for p in result.phases]
    assert got == [(k, day(s), day(e), t) for k, s, e, t in phases]
    for p in result.phases:
        assert (p.may_go_out, p.restrictions) == KIND_RULES[p.kind]
        assert p.days == (p.end - p.start).days + 1
    assert result.released_on == day(released_on)
    assert result.may_go_out is may_go_out
    assert result.restrictions == restrictions
    assert result.code_managed is code_managed
    assert cite in result.cite


# ---- plans: (category, version, start, phases, released_on, may_go_out, restrictions, code_managed, cite) ----

PLANS = [
    # v9 (9th edition): 7 + 3 for close contacts and entrants; H 7 (1, 4, 7) for secondary contacts and
    # medium-risk spill-over; C 7 for high-risk spill-over; H 7 (1, 4, 7) for high-risk posts
    # (register: v9-high-risk-post).
    (
        CC,
        "v9",
        "2022-10-01",
        [(C, "2022-10-01", "2022-10-07", (1, 2, 3, 5, 7)), (HM, "2022-10-08", "2022-10-10", (3,))],
        "2022-10-11",
        NO,
        BOTH,
        True,
        "v9.close_contact",
    ),
    (
        SCC,
        "v9",
        "2022-10-01",
        [(H, "2022-10-01", "2022-10-07", (1, 4, 7))],
        "2022-10-08",
        NO,
        (),
        True,
        "v9.secondary_close_contact",
    ),
    (
        ENTRY,
        "v9",
        "2022-10-01",
        [(C, "2022-10-01", "2022-10-07", (1, 2, 3, 5, 7)), (HM, "2022-10-08", "2022-10-10", (3,))],
        "2022-10-11",
        NO,
        BOTH,
        True,
        "v9.entry_personnel",
    ),
    (
        HRS,
        "v9",
        "2022-10-01",
        [(C, "2022-10-01", "2022-10-07", (1, 2, 3, 5, 7))],
        "2022-10-08",
        NO,
        (),
        True,
        "v9.risk_area_spillover",
    ),
    (
        MRS,
        "v9",
        "2022-10-01",
        [(H, "2022-10-01", "2022-10-07", (1, 4, 7))],
        "2022-10-08",
        NO,
        (),
        True,
        "v9.risk_area_spillover",
    ),
    (
        HRPW,
        "v9",
        "2022-10-01",
        [(H, "2022-10-01", "2022-10-07", (1, 4, 7))],
        "2022-10-08",
        NO,
        (),
        True,
        "v9.high_risk_post",
    ),
    # m20: measures (1), (3), (5), (9) + section 3, (10).
    (
        CC,
        "m20",
        "2022-11-14",
        [(C, "2022-11-14", "2022-11-18", (1, 2, 3, 5)), (H, "2022-11-19", "2022-11-21", (1, 3))],
        "2022-11-22",
        NO,
        (),
        True,
        "m20.1",
    ),
    (
        ENTRY,
        "m20",
        "2022-11-14",
        [(C, "2022-11-14", "2022-11-18", (1, 2, 3, 5)), (H, "2022-11-19", "2022-11-21", (1, 3))],
        "2022-11-22",
        NO,
        (),
        True,
        "m20.10",
    ),
    (HRS, "m20", "2022-11-14", [(H, "2022-11-14", "2022-11-20", (1, 3, 5, 7))], "2022-11-21", NO, (), True, "m20.3"),
    (
        HRPW,
        "m20",
        "2022-11-14",
        [(HM, "2022-11-14", "2022-11-18", (1, 3, 5))],
        "2022-11-19",
        IF_NECESSARY,
        BOTH,
        True,
        "m20.5",
    ),
    (PAST, "m20", "2022-11-14", [(H, "2022-11-14", "2022-11-16", (1, 3))], "2022-11-17", NO, (), True, "m20.s3"),
    # n10: close contacts H 5, test on day 5 (n10.3); what the new 10 does not mention stays as in m20 (n10-silence).
    (CC, "n10", "2022-12-10", [(H, "2022-12-10", "2022-12-14", (5,))], "2022-12-15", NO, (), True, "n10.3"),
    (
        ENTRY,
        "n10",
        "2022-12-10",
        [(C, "2022-12-10", "2022-12-14", (1, 2, 3, 5)), (H, "2022-12-15", "2022-12-17", (1, 3))],
        "2022-12-18",
        NO,
        (),
        True,
        "m20.10",
    ),
    (HRS, "n10", "2022-12-10", [(H, "2022-12-10", "2022-12-16", (1, 3, 5, 7))], "2022-12-17", NO, (), True, "m20.3"),
    (
        HRPW,
        "n10",
        "2022-12-10",
        [(HM, "2022-12-10", "2022-12-14", (1, 3, 5))],
        "2022-12-15",
        IF_NECESSARY,
        BOTH,
        True,
        "m20.5",
    ),
    (PAST, "n10", "2022-12-10", [(H, "2022-12-10", "2022-12-12", (1, 3))], "2022-12-13", NO, (), True, "m20.s3"),
    # the 9th edition: a stay in a low-risk area → two tests in three days, 24 h apart, nothing else (v9-low-risk-tests)
    (
        LRS,
        "v9",
        "2022-10-01",
        [(T, "2022-10-01", "2022-10-03", (1, 2))],
        "2022-10-04",
        YES,
        (),
        False,
        "v9.risk_area_spillover",
    ),
    # the new ten: asymptomatic and mild infections isolate at home 7 days, tests on days 6 and 7 (n10.3)
    (MILD, "n10", "2022-12-10", [(H, "2022-12-10", "2022-12-16", (6, 7))], "2022-12-17", NO, (), True, "n10.3"),
]

# ---- refusals: (category, version, start, cited clause) ----

REFUSALS = [
    (PAST, "v9", "2022-10-01", "v9.testing"),
    (SCC, "m20", "2022-11-14", "m20.2"),  # (2) no longer determine secondary close contacts
    (MRS, "m20", "2022-11-14", "m20.4"),  # (4) no more medium-risk areas
    (SCC, "n10", "2022-12-10", "m20.2"),
    (MRS, "n10", "2022-12-10", "m20.4"),
    (CC, "classb", "2023-01-10", "classb.general"),  # contacts no longer determined
    (SCC, "classb", "2023-01-10", "classb.general"),
    (ENTRY, "classb", "2023-01-10", "classb.entry"),  # no quarantine on entry
    (HRS, "classb", "2023-01-10", "classb.general"),  # no risk areas, so no spill-over
    (MRS, "classb", "2023-01-10", "classb.general"),
    (HRPW, "classb", "2023-01-10", "classb.general"),
    (PAST, "classb", "2023-01-10", "classb.entry"),
    # before the new ten every infection went to a designated or makeshift hospital; under Class B none is isolated
    (MILD, "v9", "2022-10-01", "v9.case_management"),
    (MILD, "m20", "2022-11-14", "m20.s3"),
    (MILD, "classb", "2023-01-10", "classb.general"),
    # the notice manages spill-over from high-risk areas only; the new ten end arrival tests (不再开展落地检)
    (LRS, "m20", "2022-11-14", "m20.3"),
    (LRS, "n10", "2022-12-10", "n10.2"),
    (LRS, "classb", "2023-01-10", "classb.general"),
]

# ---- no rule in force at all: (category, version, start) ----


@pytest.mark.parametrize(
    ("category", "version", "start", "phases", "released_on", "may_go_out", "restrictions", "code_managed", "cite"),
    PLANS,
    ids=[f"{r[1]}-{r[0].value}" for r in PLANS],
)
def test_plan(
    category: Category,
    version: str,
    start: str,
    phases: list[Phase],
    released_on: str,
    may_go_out: MayGoOut,
    restrictions: tuple[Restriction, ...],
    code_managed: bool,
    cite: str,
) -> None:
    rules = POLICY.at(day(start))
    assert rules.version == version
    result = management_plan(category, day(start), rules)
    assert_plan(result, version, phases, released_on, may_go_out, restrictions, code_managed, cite)
    assert isinstance(result, Plan)
    assert result.category is category
    assert result.start == day(start)
    assert result.policy_date == day(start)


@pytest.mark.parametrize(
    ("category", "version", "start", "cite"), REFUSALS, ids=[f"{r[1]}-{r[0].value}" for r in REFUSALS]
)
def test_plan_refused(category: Category, version: str, start: str, cite: str) -> None:
    rules = POLICY.at(day(start))
    assert rules.version == version
    result = management_plan(category, day(start), rules)
    assert isinstance(result, PlanRefusal), result
    assert result.refused is True
    assert result.category is category
    assert result.policy == version
    assert cite in result.cite


def test_tables_cover_every_category_under_every_version() -> None:
    covered = [(r[0], r[1]) for r in PLANS] + [(r[0], r[1]) for r in REFUSALS]
    assert len(covered) == len(set(covered))
    assert set(covered) == set(itertools.product(Category, VERSIONS))


# ---- the days on which one version gives way to the next: close contacts and two categories that change ----

BOUNDARIES = [
    (
        CC,
        "2022-06-28",
        "v9",
        [(C, "2022-06-28", "2022-07-04", (1, 2, 3, 5, 7)), (HM, "2022-07-05", "2022-07-07", (3,))],
        "2022-07-08",
    ),
    (
        CC,
        "2022-11-10",
        "v9",
        [(C, "2022-11-10", "2022-11-16", (1, 2, 3, 5, 7)), (HM, "2022-11-17", "2022-11-19", (3,))],
        "2022-11-20",
    ),
    (
        CC,
        "2022-11-11",
        "m20",
        [(C, "2022-11-11", "2022-11-15", (1, 2, 3, 5)), (H, "2022-11-16", "2022-11-18", (1, 3))],
        "2022-11-19",
    ),
    (
        CC,
        "2022-12-06",
        "m20",
        [(C, "2022-12-06", "2022-12-10", (1, 2, 3, 5)), (H, "2022-12-11", "2022-12-13", (1, 3))],
        "2022-12-14",
    ),
    (CC, "2022-12-07", "n10", [(H, "2022-12-07", "2022-12-11", (5,))], "2022-12-12"),
    (CC, "2023-01-07", "n10", [(H, "2023-01-07", "2023-01-11", (5,))], "2023-01-12"),
    (CC, "2023-01-08", "classb", None, "classb.general"),
    (SCC, "2022-11-10", "v9", [(H, "2022-11-10", "2022-11-16", (1, 4, 7))], "2022-11-17"),
    (SCC, "2022-11-11", "m20", None, "m20.2"),
    (HRPW, "2022-11-10", "v9", [(H, "2022-11-10", "2022-11-16", (1, 4, 7))], "2022-11-17"),
    (HRPW, "2022-11-11", "m20", [(HM, "2022-11-11", "2022-11-15", (1, 3, 5))], "2022-11-16"),
    (
        ENTRY,
        "2023-01-07",
        "n10",
        [(C, "2023-01-07", "2023-01-11", (1, 2, 3, 5)), (H, "2023-01-12", "2023-01-14", (1, 3))],
        "2023-01-15",
    ),
    (ENTRY, "2023-01-08", "classb", None, "classb.entry"),
    (PAST, "2022-11-11", "m20", [(H, "2022-11-11", "2022-11-13", (1, 3))], "2022-11-14"),
    (PAST, "2023-01-07", "n10", [(H, "2023-01-07", "2023-01-09", (1, 3))], "2023-01-10"),
    (PAST, "2023-01-08", "classb", None, "classb.entry"),
]


@pytest.mark.parametrize(
    ("category", "start", "version", "phases", "released_or_cite"),
    BOUNDARIES,
    ids=[f"{r[0].value}-{r[1]}" for r in BOUNDARIES],
)
def test_plan_on_version_boundaries(
    category: Category, start: str, version: str, phases: list[Phase] | None, released_or_cite: str
) -> None:
    rules = POLICY.at(day(start))
    assert rules.version == version
    result = management_plan(category, day(start), rules)
    assert result.policy == version
    if phases is None:
        assert isinstance(result, PlanRefusal)
        assert released_or_cite in result.cite
        return
    assert isinstance(result, Plan)
    assert [(p.kind, p.start, p.end, p.test_days) for p in result.phases] == [
        (k, day(s), day(e), t) for k, s, e, t in phases
    ]
    assert result.released_on == day(released_or_cite)


VERSION_ON = [
    ("2022-06-28", "v9"),
    ("2022-11-10", "v9"),
    ("2022-11-11", "m20"),
    ("2022-11-21", "m20"),  # the supporting documents amend m20; they are not a version
    ("2022-12-06", "m20"),
    ("2022-12-07", "n10"),
    ("2023-01-07", "n10"),
    ("2023-01-08", "classb"),
    ("2024-06-01", "classb"),
]


@pytest.mark.parametrize(("on", "version"), VERSION_ON)
def test_version_in_force(on: str, version: str) -> None:
    assert POLICY.version_on(day(on)) == version
    assert POLICY.at(day(on)).version == version


@pytest.mark.parametrize("on", ["2022-06-27", "2022-01-01", "2020-01-23"])
def test_before_the_ninth_edition_nothing_is_in_force(on: str) -> None:
    with pytest.raises(NotInForce):
        POLICY.at(day(on))
    with pytest.raises(NotInForce):
        POLICY.version_on(day(on))


# ---- a named version's rules on a day outside its span (policy.for_version) ----

FOR_VERSION = [
    (
        "v9",
        "2022-11-14",
        [(C, "2022-11-14", "2022-11-20", (1, 2, 3, 5, 7)), (HM, "2022-11-21", "2022-11-23", (3,))],
        "2022-11-24",
    ),
    (
        "m20",
        "2022-10-01",
        [(C, "2022-10-01", "2022-10-05", (1, 2, 3, 5)), (H, "2022-10-06", "2022-10-08", (1, 3))],
        "2022-10-09",
    ),
    (
        "m20",
        "2022-12-10",
        [(C, "2022-12-10", "2022-12-14", (1, 2, 3, 5)), (H, "2022-12-15", "2022-12-17", (1, 3))],
        "2022-12-18",
    ),
    ("n10", "2022-11-14", [(H, "2022-11-14", "2022-11-18", (5,))], "2022-11-19"),
    ("n10", "2023-02-01", [(H, "2023-02-01", "2023-02-05", (5,))], "2023-02-06"),
    ("classb", "2022-11-14", None, "classb.general"),
]


@pytest.mark.parametrize(("version", "start", "phases", "released_or_cite"), FOR_VERSION)
def test_close_contact_plan_for_a_named_version(
    version: str, start: str, phases: list[Phase] | None, released_or_cite: str
) -> None:
    rules = POLICY.for_version(version, day(start))
    assert rules.version == version
    result = management_plan(CC, day(start), rules)
    assert result.policy == version
    if phases is None:
        assert isinstance(result, PlanRefusal)
        assert released_or_cite in result.cite
        return
    assert isinstance(result, Plan)
    assert [(p.kind, p.start, p.end, p.test_days) for p in result.phases] == [
        (k, day(s), day(e), t) for k, s, e, t in phases
    ]
    assert result.released_on == day(released_or_cite)


# ---- day one: the anchor day is day 0, day 1 the day after (register: day-one) ----

FIRST_DAY = [
    # (category, anchor day, anchor, day 1, the clause cited: the category's own anchor under the version in force)
    (CC, "2022-11-13", "last_exposure", "2022-11-14", "m20.1"),
    (SCC, "2022-11-13", "last_exposure", "2022-11-14", "v9.secondary_close_contact"),
    (ENTRY, "2022-11-13", "entry", "2022-11-14", "m20.10"),
    (HRS, "2022-11-13", "left_area", "2022-11-14", "m20.3"),
    (MRS, "2022-11-13", "left_area", "2022-11-14", "v9.risk_area_spillover"),
    (HRPW, "2022-11-13", "closed_loop_end", "2022-11-14", "m20.5"),
    (PAST, "2022-11-13", "retest_result", "2022-11-14", "m20.s3"),
    (MILD, "2022-12-09", "positive_sample", "2022-12-10", "n10.3"),
    (LRS, "2022-10-01", "left_area", "2022-10-02", "v9.risk_area_spillover"),
    (CC, "2022-06-28", "last_exposure", "2022-06-29", "v9.close_contact"),  # v9's first day
    (CC, "2022-11-10", "last_exposure", "2022-11-11", "v9.close_contact"),  # crosses into m20: still the day after
    (ENTRY, "2022-12-31", "entry", "2023-01-01", "m20.10"),  # across a year end
    (CC, "2024-02-28", "last_exposure", "2024-02-29", "m20.1"),  # leap day
    (HRS, "2023-01-10", "left_area", "2023-01-11", "m20.3"),  # the convention still reads under classb
]


@pytest.mark.parametrize(("category", "anchor_on", "anchor", "expected", "cite"), FIRST_DAY)
def test_first_day_is_the_day_after_the_anchor(
    category: Category, anchor_on: str, anchor: str, expected: str, cite: str
) -> None:
    first, reason = first_day(category, day(anchor_on), POLICY.at(day(anchor_on)))
    assert first == day(expected)
    assert reason.clause == cite  # the category's anchor (register day-one for the convention)
    assert reason.text == f"anchor {anchor} on {anchor_on} is day 0; day 1 is {expected} (day after anchor)"


def test_first_day_of_a_past_infection_has_no_rule_under_v9() -> None:
    with pytest.raises(NotInForce):
        first_day(PAST, day("2022-10-01"), POLICY.at(day("2022-10-01")))


DAY_ONE_THEN_PLAN = [
    # the worked case m20-close-contact: last exposure 13 Nov → day 1 14 Nov → released 22 Nov
    (CC, "2022-11-13", "2022-11-14", "2022-11-22"),
    # entrant arriving 30 Nov → day 1 1 Dec → 5 + 3 → released 9 Dec (the case m20-entry's phases)
    (ENTRY, "2022-11-30", "2022-12-01", "2022-12-09"),
    # spill-over leaving the area 19 Nov → day 1 20 Nov → H 7 → released 27 Nov (case m20-spillover)
    (HRS, "2022-11-19", "2022-11-20", "2022-11-27"),
]


@pytest.mark.parametrize(("category", "anchor_on", "start", "released_on"), DAY_ONE_THEN_PLAN)
def test_day_one_then_plan(category: Category, anchor_on: str, start: str, released_on: str) -> None:
    rules = POLICY.at(day(anchor_on))
    first, _ = first_day(category, day(anchor_on), rules)
    assert first == day(start)
    plan = management_plan(category, first, POLICY.at(first))
    assert isinstance(plan, Plan)
    assert plan.released_on == day(released_on)
    assert plan.phases[0].start == day(start)
