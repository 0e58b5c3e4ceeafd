"""A key person's risk grade (measures 14 and 12), table-driven; and the response checklist of an institution alert.
Expected values worked out from key_populations.yaml and the register (keypop-*): 80+ or a high kind (disabled
elderly, dialysis, cancer in treatment) is high; 60+ or a medium kind (living alone, underlying disease, pregnant,
child in difficulty) at least medium; not protected by vaccination (unvaccinated, partial) raises an elderly or
registered person one grade; checks every 1, 3 or 7 days by grade. The alert: transfer severe cases in 2 h, isolate
on site in 6 h, test everyone in 24 h."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.errors import InvalidInput, NotInForce
from fangkong.policy import load_policy
from fangkong.policy.terms import AlertStep, KeyPopulationKind, RiskGrade, VaccinationStatus
from fangkong.rules.institution_alert import institution_alert
from fangkong.rules.risk_grade import risk_grade
from tests.properties.test_clock_independence import assert_clock_independent

POLICY = load_policy()
ON = date(2022, 12, 1)
K = KeyPopulationKind

# (label, age, kinds, vaccination, grade, days between checks, clauses cited)
CASES = [
    ("adult, nothing, unvaccinated", 40, (), "unvaccinated", "low", 7, ["m20.12", "m20.14"]),
    ("adult, nothing, boosted", 40, (), "boosted", "low", 7, ["m20.12", "m20.14"]),
    ("59, full course", 59, (), "full_course", "low", 7, ["m20.12", "m20.14"]),
    ("60, boosted", 60, (), "boosted", "medium", 3, ["m20.14", "m20.12"]),
    ("60, unvaccinated", 60, (), "unvaccinated", "high", 1, ["m20.14", "m20.12"]),
    ("65, partial", 65, (), "partial", "high", 1, ["m20.14", "m20.12"]),
    ("79, full course", 79, (), "full_course", "medium", 3, ["m20.14", "m20.12"]),
    ("80, boosted", 80, (), "boosted", "high", 1, ["m20.14", "m20.12"]),
    (
        "82 living alone unvaccinated (issue 19)",
        82,
        (K.elderly_living_alone,),
        "unvaccinated",
        "high",
        1,
        ["m20.14", "m20.12"],
    ),
    ("pregnant 30, full course", 30, (K.pregnant,), "full_course", "medium", 3, ["m20.14", "m20.12"]),
    ("pregnant 30, unvaccinated", 30, (K.pregnant,), "unvaccinated", "high", 1, ["m20.14", "m20.12"]),
    ("dialysis 50, boosted", 50, (K.hemodialysis,), "boosted", "high", 1, ["m20.14", "m20.12"]),
    ("cancer in treatment 45, full", 45, (K.cancer_treatment,), "full_course", "high", 1, ["m20.14", "m20.12"]),
    ("disabled elderly 70, boosted", 70, (K.elderly_disabled,), "boosted", "high", 1, ["m20.14", "m20.12"]),
    (
        "child in difficulty 8, unvaccinated",
        8,
        (K.child_in_difficulty,),
        "unvaccinated",
        "high",
        1,
        ["m20.14", "m20.12"],
    ),
    ("underlying disease 50, boosted", 50, (K.underlying_disease,), "boosted", "medium", 3, ["m20.14", "m20.12"]),
    (
        "living alone 70 and dialysis",
        70,
        (K.elderly_living_alone, K.hemodialysis),
        "full_course",
        "high",
        1,
        ["m20.14", "m20.12"],
    ),
]


@pytest.mark.parametrize(
    ("label", "age", "kinds", "status", "grade", "every", "cite"), CASES, ids=[c[0] for c in CASES]
)
def test_risk_grade(
    label: str, age: int, kinds: tuple[KeyPopulationKind, ...], status: str, grade: str, every: int, cite: list[str]
) -> None:
    decision = risk_grade(age, kinds, status, POLICY.at(ON))
    assert decision.grade == RiskGrade(grade), [r.text for r in decision.reasons]
    assert decision.check_every_days == every
    assert decision.cite == cite
    assert decision.policy == "m20"


@pytest.mark.parametrize(
    ("age", "kinds", "status", "field"),
    [
        (-1, (), "boosted", "age"),
        (151, (), "boosted", "age"),
        (True, (), "boosted", "age"),
        (40, ("astronaut",), "boosted", "kinds"),
        (40, (), "twice", "vaccination_status"),
    ],
)
def test_bad_input_names_the_field(age: int, kinds: tuple[str, ...], status: str, field: str) -> None:
    with pytest.raises(InvalidInput) as e:
        risk_grade(age, kinds, status, POLICY.at(ON))
    assert e.value.field == field


def test_not_in_force_before_the_notice() -> None:
    with pytest.raises(NotInForce):
        risk_grade(82, (), "unvaccinated", POLICY.at(date(2022, 7, 1)))


STATUSES = list(VaccinationStatus)
ages = st.integers(min_value=0, max_value=150)
kind_sets = st.frozensets(st.sampled_from(list(KeyPopulationKind)))
statuses = st.sampled_from(STATUSES)
days = st.dates(min_value=date(2022, 11, 11), max_value=date(2023, 3, 1))


@settings(max_examples=200, deadline=None, database=None)
@given(ages, kind_sets, statuses, st.sampled_from(list(KeyPopulationKind)), st.integers(0, 40), days)
def test_more_conditions_or_age_never_lower_the_grade(
    age: int,
    kinds: frozenset[KeyPopulationKind],
    status: VaccinationStatus,
    extra: KeyPopulationKind,
    older: int,
    on: date,
) -> None:
    policy = POLICY.at(on)
    base = risk_grade(age, kinds, status, policy).grade.rank
    assert risk_grade(age, kinds | {extra}, status, policy).grade.rank >= base
    assert risk_grade(min(age + older, 150), kinds, status, policy).grade.rank >= base


@settings(max_examples=200, deadline=None, database=None)
@given(ages, kind_sets, statuses, days)
def test_a_booster_never_raises_the_grade(
    age: int, kinds: frozenset[KeyPopulationKind], status: VaccinationStatus, on: date
) -> None:
    policy = POLICY.at(on)
    assert (
        risk_grade(age, kinds, VaccinationStatus.boosted, policy).grade.rank
        <= risk_grade(age, kinds, status, policy).grade.rank
    )


@settings(max_examples=30, deadline=None, database=None)
@given(ages, kind_sets, statuses, days)
def test_risk_grade_ignores_the_clock(
    age: int, kinds: frozenset[KeyPopulationKind], status: VaccinationStatus, on: date
) -> None:
    assert_clock_independent(lambda: risk_grade(age, kinds, status, POLICY.at(on)))


# ---- the institution alert -----------------------------------------------------------------------------------

AT = datetime(2022, 12, 1, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize("infected", ["resident", "staff"])
@pytest.mark.parametrize(
    ("step", "hours", "cite"),
    [
        (AlertStep.transfer_severe, 2, "m20.11"),
        (AlertStep.isolate_on_site, 6, "m20.14"),
        (AlertStep.test_everyone, 24, "m20.14"),
    ],
)
def test_alert_checklist_item(infected: str, step: AlertStep, hours: int, cite: str) -> None:
    alert = institution_alert(infected, AT, POLICY.at(AT.date()))
    item = {i.step: i for i in alert.items}[step]
    assert item.hours == hours
    assert item.due_at == AT + timedelta(hours=hours)
    assert item.cite == (["m20.14"] if cite == "m20.14" else ["m20.14", cite])


def test_alert_checklist_order_and_zone() -> None:
    east8 = AT.astimezone(timezone(timedelta(hours=8)))
    alert = institution_alert("resident", east8, POLICY.at(AT.date()))
    assert [i.step for i in alert.items] == [
        AlertStep.transfer_severe,
        AlertStep.isolate_on_site,
        AlertStep.test_everyone,
    ]
    assert alert.items[0].due_at == AT + timedelta(hours=2)
    assert alert.cite == ["m20.14"]


@pytest.mark.parametrize(
    ("infected", "when", "field"),
    [("visitor", AT, "infected"), ("staff", AT.replace(tzinfo=None), "when")],
)
def test_alert_bad_input(infected: str, when: datetime, field: str) -> None:
    with pytest.raises(InvalidInput) as e:
        institution_alert(infected, when, POLICY.at(AT.date()))
    assert e.value.field == field


@settings(max_examples=20, deadline=None, database=None)
@given(
    st.sampled_from(["resident", "staff"]),
    st.datetimes(min_value=datetime(2022, 11, 11), max_value=datetime(2023, 3, 1), timezones=st.just(UTC)),
)
def test_alert_ignores_the_clock(infected: str, when: datetime) -> None:
    assert_clock_independent(lambda: institution_alert(infected, when, POLICY.at(when.date())))
