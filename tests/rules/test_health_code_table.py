"""Which statuses a person has on a day, and the clause of each, table-driven (`rules.health_code.statuses_on_day`).

Every window is half-open: a phase from its first to its last day while its order runs (until the day of
release); an infection from the day it is confirmed until the day before discharge (code-infection-window); a
hold from its first day until the day before it ends (code-hold-window). Each clause comes from the rules in
force on the day: 9th-edition clauses on 9th-edition days, the 20 measures' after 11 Nov 2022, the testing rules'
after 21 Nov, the new 10's after 7 Dec. Expected rows are worked out from the policy data, not from the code.
"""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.policy import load_policy
from fangkong.policy.health_codes import colour_tables
from fangkong.policy.terms import PhaseKind
from fangkong.rules.health_code import (
    AreaFact,
    HoldFact,
    InfectionFact,
    PersonFacts,
    PhaseFact,
    health_code,
    status_clauses,
    statuses_on_day,
)

POLICY = load_policy()


def d(day: int, month: int = 11) -> date:
    return date(2022, month, day)


def phase(kind: PhaseKind, start: date, end: date, released: date, category: str = "close_contact") -> PhaseFact:
    return PhaseFact(category=category, kind=kind, start=start, end=end, order_start=start, released_on=released)


C = PhaseKind.centralized_isolation
H = PhaseKind.home_isolation
# sampled on the 14th, confirmed on the 15th, discharged on the 18th
INFECTION = PersonFacts(
    infections=(InfectionFact(kind="confirmed", sampled_on=d(14), confirmed_on=d(15), discharged_on=d(18)),)
)
STILL_INFECTED = PersonFacts(infections=(InfectionFact(kind="asymptomatic", sampled_on=d(14), confirmed_on=d(14)),))
HOLD = PersonFacts(holds=(HoldFact(started_on=d(16), ended_on=d(18)),))
OPEN_HOLD = PersonFacts(holds=(HoldFact(started_on=d(16)),))
# centralized 14–18, home 19–21, released on the 22nd; the same plan released early on the 20th
PLAN = PersonFacts(phases=(phase(C, d(14), d(18), d(22)), phase(H, d(19), d(21), d(22))))
EARLY = PersonFacts(phases=(phase(C, d(14), d(18), d(20)), phase(H, d(19), d(21), d(20))))

# (id, facts, day) → statuses
WINDOWS = [
    ("infection: the day of sampling", INFECTION, d(14), []),
    ("infection: the day of confirmation", INFECTION, d(15), ["infection"]),
    ("infection: the day before discharge", INFECTION, d(17), ["infection"]),
    ("infection: the day of discharge", INFECTION, d(18), []),
    ("infection: not discharged", STILL_INFECTED, d(30), ["infection"]),
    ("hold: the day before", HOLD, d(15), []),
    ("hold: its first day", HOLD, d(16), ["temporary_control"]),
    ("hold: the day before it ends", HOLD, d(17), ["temporary_control"]),
    ("hold: the day it ends", HOLD, d(18), []),
    ("hold: still open", OPEN_HOLD, d(30), ["temporary_control"]),
    ("plan: before its first day", PLAN, d(13), []),
    ("plan: its first day", PLAN, d(14), ["centralized_isolation"]),
    ("plan: the last day of a phase", PLAN, d(18), ["centralized_isolation"]),
    ("plan: the first day of the next", PLAN, d(19), ["home_isolation"]),
    ("plan: its last day", PLAN, d(21), ["home_isolation"]),
    ("plan: the day of release", PLAN, d(22), []),
    ("plan released early: the day before", EARLY, d(19), ["home_isolation"]),
    ("plan released early: the day of release", EARLY, d(20), []),
    (
        "areas: high and medium",
        PersonFacts(areas=(AreaFact(level="high"), AreaFact(level="medium"))),
        d(15),
        ["high_risk_area", "medium_risk_area"],
    ),
]


@pytest.mark.parametrize(("facts", "on", "expected"), [w[1:] for w in WINDOWS], ids=[w[0] for w in WINDOWS])
def test_windows(facts: PersonFacts, on: date, expected: list[str]) -> None:
    assert sorted(s.status for s in statuses_on_day(facts, on, POLICY.at(on))) == expected


EVERYTHING = PersonFacts(
    phases=(
        PhaseFact(category="close_contact", kind=C, start=d(1), end=d(10, 12), order_start=d(1), released_on=d(11, 12)),
    ),
    infections=(InfectionFact(kind="confirmed", sampled_on=d(1), confirmed_on=d(1)),),
    holds=(HoldFact(started_on=d(1)),),
    areas=(AreaFact(level="high"),),
)

# (id, day) → clause of each status, and of "nothing applies"
CLAUSES = [
    (
        "9th edition",
        d(5),
        {
            "centralized_isolation": "v9.close_contact",
            "infection": "v9.reporting",
            "temporary_control": "v9.testing",
            "high_risk_area": "v9.risk_area",
        },
        "v9-nine.general",
    ),
    (
        "20 measures",
        d(15),
        {
            "centralized_isolation": "m20.1",
            "infection": "m20.s3",
            "temporary_control": "v9.testing",  # the testing rules came on 21 Nov; pool-sizes
            "high_risk_area": "m20.4",
        },
        "m20.16",
    ),
    (
        "20 measures with the testing rules",
        d(22),
        {
            "centralized_isolation": "m20.1",
            "infection": "m20.s3",
            "temporary_control": "m20-docs.testing",
            "high_risk_area": "m20.4",
        },
        "m20.16",
    ),
    (
        "new 10",
        d(8, 12),
        {
            "centralized_isolation": "n10.3",
            "infection": "n10.3",
            "temporary_control": "m20-docs.testing",
            "high_risk_area": "n10.1",
        },
        "m20.16",
    ),
]


@pytest.mark.parametrize(("on", "expected", "nothing"), [c[1:] for c in CLAUSES], ids=[c[0] for c in CLAUSES])
def test_clauses_come_from_the_rules_in_force(on: date, expected: dict[str, str], nothing: str) -> None:
    rules = POLICY.at(on)
    statuses = statuses_on_day(EVERYTHING, on, rules)
    assert {s.status: s.clause for s in statuses} == expected
    assert set(expected.values()) | {nothing} <= set(status_clauses(rules))
    table = colour_tables().default
    assert health_code([], table, rules).cite == [nothing]


def test_an_area_cites_its_own_clause_when_it_has_one() -> None:
    facts = PersonFacts(areas=(AreaFact(level="high", clause="m20.s3"),))
    assert [s.clause for s in statuses_on_day(facts, d(15), POLICY.at(d(15)))] == ["m20.s3"]


def test_a_plan_no_longer_managed_cites_its_own_clause() -> None:
    """A secondary close contact's plan made under the 9th edition, on a day of the 20 measures (which no longer
    manage them: `management.secondary_close_contact.code_managed` is repealed): the plan's own clause."""
    facts = PersonFacts(
        phases=(
            PhaseFact(
                category="secondary_close_contact",
                kind=H,
                start=d(8),
                end=d(14),
                order_start=d(8),
                released_on=d(15),
                plan_clause="v9.secondary_close_contact",
            ),
        )
    )
    assert [s.clause for s in statuses_on_day(facts, d(12), POLICY.at(d(12)))] == ["v9.secondary_close_contact"]


# ---- colours by category and phase (shared/policy/RULES.md, health-code colours; issue 15, item 9) ----------------

HM = PhaseKind.home_health_monitoring

# (id, category, phase kind, province, colour): the common 2022 pattern — red for centralized isolation and for
# spill-over under isolation, yellow for the home phase of 5+3 and for home health monitoring — and Guangdong's
# overlay, which shows every home isolation yellow
COLOURS = [
    ("close contact, centralized", "close_contact", C, "11", "red"),
    ("close contact, the home phase of 5+3", "close_contact", H, "11", "yellow"),
    ("entrant, the home phase of 5+3", "entry_personnel", H, "11", "yellow"),
    ("spill-over, home isolation", "high_risk_spillover", H, "11", "red"),
    ("past infection, home isolation", "past_infection_ct35_40", H, "11", "red"),
    ("infection isolated at home", "mild_infection", H, "11", "red"),
    ("high-risk post, 5-day monitoring", "high_risk_post_worker", HM, "11", "yellow"),
    ("Guangdong: spill-over home isolation", "high_risk_spillover", H, "44", "yellow"),
    ("Guangdong: close contact home phase", "close_contact", H, "44", "yellow"),
]


@pytest.mark.parametrize(
    ("category", "kind", "province", "colour"), [c[1:] for c in COLOURS], ids=[c[0] for c in COLOURS]
)
def test_colours_by_category_and_phase(category: str, kind: PhaseKind, province: str, colour: str) -> None:
    on = d(16, 12)  # the new ten manage every one of these categories (infections at home from 7 Dec)
    facts = PersonFacts(phases=(phase(kind, d(14, 12), d(20, 12), d(21, 12), category=category),))
    rules = POLICY.at(on)
    code = health_code(statuses_on_day(facts, on, rules), colour_tables().for_jurisdiction(province + "0105"), rules)
    assert code.colour == colour
    assert code.statuses == (kind.value,)


def test_the_strictest_colour_wins_across_categories() -> None:
    """A close contact in their home phase (yellow) who also left a high-risk area (home isolation: red)."""
    on = d(16)
    facts = PersonFacts(
        phases=(
            phase(H, d(14), d(20), d(21), category="close_contact"),
            phase(H, d(15), d(21), d(22), category="high_risk_spillover"),
        )
    )
    rules = POLICY.at(on)
    code = health_code(statuses_on_day(facts, on, rules), colour_tables().default, rules)
    assert code.colour == "red"
    assert [r.text.split(": ")[-1] for r in code.reasons] == ["red (home isolation)", "yellow (home isolation)"]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("visitor.home_isolation", "unknown status"),
        ("close_contact.quarantine_hotel", "unknown status"),
        ("close_contact.home_isolation", None),
    ],
)
def test_a_keyed_colour_names_a_category_and_a_phase_kind(key: str, message: str | None) -> None:
    from pydantic import ValidationError

    from fangkong.policy.health_codes import ColourTable

    base = colour_tables().default.model_dump()
    base["colours"] = {**base["colours"], key: "yellow"}
    if message is None:
        assert ColourTable.model_validate(base).colour_of("home_isolation", "close_contact") == "yellow"
        return
    with pytest.raises(ValidationError) as e:
        ColourTable.model_validate(base)
    assert message in str(e.value)
