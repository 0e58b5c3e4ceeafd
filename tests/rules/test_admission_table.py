"""The level of care of an infection (measure 11: graded diagnosis and treatment), table-driven per version.
Expected values worked out from the texts and the register (treatment.yaml): under v9 and m20 asymptomatic and mild
cases are under centralized isolation management in a makeshift hospital, graver cases go to a designated hospital
(critical: its ICU), and a case aged 60+ or with a serious underlying disease, a pregnancy or dialysis goes to a
designated hospital; under n10 (n10.3) asymptomatic and mild cases who meet the conditions isolate at home, else
centralized isolation, and those aged 80+, or 60+ and unvaccinated, or with the same factors, go to a designated
hospital; under classb nobody is isolated: care at home, any hospital for graver or high-risk cases."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.errors import InvalidInput, NotInForce
from fangkong.policy import load_policy
from fangkong.policy.terms import CareLevel, Facility, RiskFactor, Severity
from fangkong.rules.admission import admission

POLICY = load_policy()

V9, M20, N10, CLASSB = "2022-07-15", "2022-11-20", "2022-12-10", "2023-02-01"
UD = RiskFactor.serious_underlying_disease

# (label, day, severity, age, factors, home conditions met, level, facility, high risk, cite, version)
CASES = [
    # the 9th edition
    ("v9 asymptomatic", V9, "asymptomatic", 30, (), True, "centralized_isolation", "makeshift_hospital", False,
     "v9.case_management", "v9"),
    ("v9 mild", V9, "mild", 30, (), True, "centralized_isolation", "makeshift_hospital", False,
     "v9.case_management", "v9"),
    ("v9 mild, no home is asked", V9, "mild", 30, (), False, "centralized_isolation", "makeshift_hospital", False,
     "v9.case_management", "v9"),
    ("v9 moderate", V9, "moderate", 30, (), True, "inpatient", "designated_hospital", False,
     "v9.case_management", "v9"),
    ("v9 severe", V9, "severe", 30, (), True, "inpatient", "designated_hospital", False,
     "v9.case_management", "v9"),
    ("v9 critical", V9, "critical", 30, (), True, "icu", "designated_hospital", False, "v9.case_management", "v9"),
    ("v9 mild aged 60", V9, "mild", 60, (), True, "inpatient", "designated_hospital", True,
     "v9.case_management", "v9"),
    ("v9 mild aged 59", V9, "mild", 59, (), True, "centralized_isolation", "makeshift_hospital", False,
     "v9.case_management", "v9"),
    ("v9 mild, pregnant", V9, "asymptomatic", 28, (RiskFactor.pregnancy,), True, "inpatient",
     "designated_hospital", True, "v9.case_management", "v9"),
    # the 20 measures
    ("m20 mild", M20, "mild", 30, (), True, "centralized_isolation", "makeshift_hospital", False, "m20.11", "m20"),
    ("m20 mild, no home conditions", M20, "mild", 30, (), False, "centralized_isolation", "makeshift_hospital",
     False, "m20.11", "m20"),
    ("m20 asymptomatic", M20, "asymptomatic", 30, (), True, "centralized_isolation", "makeshift_hospital", False,
     "m20.11", "m20"),
    ("m20 mild, serious underlying disease", M20, "mild", 45, (UD,), True, "inpatient", "designated_hospital",
     True, "m20.14", "m20"),
    ("m20 mild, dialysis", M20, "mild", 45, (RiskFactor.dialysis,), True, "inpatient", "designated_hospital",
     True, "m20.14", "m20"),
    ("m20 mild, unvaccinated 70", M20, "mild", 70, (RiskFactor.unvaccinated,), True, "inpatient",
     "designated_hospital", True, "m20.14", "m20"),  # by the age alone
    ("m20 mild, unvaccinated 40", M20, "mild", 40, (RiskFactor.unvaccinated,), True, "centralized_isolation",
     "makeshift_hospital", False, "m20.11", "m20"),
    ("m20 severe", M20, "severe", 30, (), True, "inpatient", "designated_hospital", False, "m20.11", "m20"),
    ("m20 critical", M20, "critical", 30, (), True, "icu", "designated_hospital", False, "m20.11", "m20"),
    ("m20 the last day", "2022-12-06", "mild", 30, (), True, "centralized_isolation", "makeshift_hospital", False,
     "m20.11", "m20"),
    # the new 10
    ("n10 first day, mild at home", "2022-12-07", "mild", 30, (), True, "home_isolation", "home", False, "n10.3",
     "n10"),
    ("n10 mild, home conditions", N10, "mild", 30, (), True, "home_isolation", "home", False, "n10.3", "n10"),
    ("n10 asymptomatic, home conditions", N10, "asymptomatic", 30, (), True, "home_isolation", "home", False,
     "n10.3", "n10"),
    ("n10 mild, no home conditions", N10, "mild", 30, (), False, "centralized_isolation", "makeshift_hospital",
     False, "n10.3", "n10"),
    ("n10 mild aged 85 with underlying disease", N10, "mild", 85, (UD,), True, "inpatient", "designated_hospital",
     True, "n10.3", "n10"),
    ("n10 mild aged 80", N10, "mild", 80, (), True, "inpatient", "designated_hospital", True, "n10.3", "n10"),
    ("n10 mild aged 79", N10, "mild", 79, (), True, "home_isolation", "home", False, "n10.3", "n10"),
    ("n10 mild aged 65, unvaccinated", N10, "mild", 65, (RiskFactor.unvaccinated,), True, "inpatient",
     "designated_hospital", True, "n10.3", "n10"),
    ("n10 mild aged 50, unvaccinated", N10, "mild", 50, (RiskFactor.unvaccinated,), True, "home_isolation", "home",
     False, "n10.3", "n10"),
    ("n10 mild aged 80, no home conditions", N10, "mild", 80, (), False, "inpatient", "designated_hospital", True,
     "n10.3", "n10"),
    ("n10 moderate", N10, "moderate", 30, (), True, "inpatient", "designated_hospital", False, "n10.3", "n10"),
    ("n10 severe", N10, "severe", 30, (), True, "inpatient", "designated_hospital", False, "n10.3", "n10"),
    ("n10 critical", N10, "critical", 30, (), True, "icu", "designated_hospital", False, "n10.3", "n10"),
    # Class B
    ("classb mild", CLASSB, "mild", 30, (), True, "home_care", "home", False, "classb.general", "classb"),
    ("classb mild, no home conditions", CLASSB, "mild", 30, (), False, "home_care", "home", False,
     "classb.general", "classb"),
    ("classb mild aged 85 with underlying disease", CLASSB, "mild", 85, (UD,), True, "inpatient", "hospital", True,
     "classb.general", "classb"),
    ("classb severe", CLASSB, "severe", 30, (), True, "inpatient", "hospital", False, "classb.general", "classb"),
    ("classb critical", "2023-01-08", "critical", 30, (), True, "icu", "hospital", False, "classb.general",
     "classb"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("label", "on", "severity", "age", "factors", "home", "level", "facility", "high_risk", "cite", "version"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_admission(
    label: str,
    on: str,
    severity: str,
    age: int,
    factors: tuple[RiskFactor, ...],
    home: bool,
    level: str,
    facility: str,
    high_risk: bool,
    cite: str,
    version: str,
) -> None:
    d = admission(severity, age, factors, home, POLICY.at(date.fromisoformat(on)))
    assert (d.level, d.facility, d.high_risk) == (CareLevel(level), Facility(facility), high_risk), d.reasons
    assert cite in d.cite
    assert d.policy == version
    assert d.policy_date == date.fromisoformat(on)
    assert all(r.clause in POLICY.clauses for r in d.reasons)


def test_the_reasons_say_why() -> None:
    """Each ground of a decision is a reason of its own, citing the clause of the value it used."""
    d = admission(Severity.mild, 85, [UD], False, POLICY.at(date.fromisoformat(N10)))
    texts = [r.text for r in d.reasons]
    assert texts == [
        "clinical severity mild: home isolation (place: home)",
        "aged 85 (80 or more): high risk of severe illness",
        "serious underlying disease: high risk of severe illness",
        "high risk of severe illness: raised to inpatient (place: designated hospital)",
    ]
    assert d.cite == ["n10.3"]
    without = admission("mild", 30, [], False, POLICY.at(date.fromisoformat(N10)))
    assert [r.text for r in without.reasons][1:] == [
        "the home does not meet the conditions for home isolation",
        "instead: centralized isolation (place: makeshift hospital)",
    ]


def test_a_severe_case_is_not_asked_its_risk() -> None:
    """A case already at the high-risk level or above gets no risk reasons: they change nothing."""
    d = admission("severe", 90, [UD, RiskFactor.pregnancy], True, POLICY.at(date.fromisoformat(M20)))
    assert d.high_risk is False
    assert len(d.reasons) == 1


@pytest.mark.parametrize(
    ("severity", "age", "factors", "field"),
    [
        ("grave", 30, (), "severity"),
        ("Mild", 30, (), "severity"),
        ("mild", -1, (), "age"),
        ("mild", 151, (), "age"),
        ("mild", 30, ("smoker",), "risk_factors"),
    ],
)
def test_bad_input_names_the_field(severity: str, age: int, factors: tuple[str, ...], field: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        admission(severity, age, factors, True, POLICY.at(date.fromisoformat(M20)))
    assert exc.value.field == field


def test_not_in_force_before_v9() -> None:
    with pytest.raises(NotInForce):
        admission("mild", 30, (), True, POLICY.at(date(2022, 6, 27)))


@settings(max_examples=200, deadline=None)
@given(
    on=st.dates(min_value=date(2022, 6, 28), max_value=date(2023, 3, 1)),
    age=st.integers(min_value=0, max_value=110),
    factors=st.sets(st.sampled_from(list(RiskFactor))),
    home=st.booleans(),
)
def test_the_level_never_decreases_with_severity(on: date, age: int, factors: set[RiskFactor], home: bool) -> None:
    """Monotone: the same person on the same day never gets less care for a graver severity, in every version."""
    rules = POLICY.at(on)
    ranks = [admission(s, age, factors, home, rules).level.rank for s in Severity]
    assert ranks == sorted(ranks), (on, age, factors, home, ranks)


@pytest.mark.parametrize("on", [V9, M20, N10, CLASSB])
def test_monotone_in_each_version(on: str) -> None:
    """The same property on one day of each version, over every combination of the facts' kinds."""
    rules = POLICY.at(date.fromisoformat(on))
    for age in (30, 60, 65, 80):
        for factors in ((), (UD,), (RiskFactor.unvaccinated,)):
            for home in (True, False):
                ranks = [admission(s, age, factors, home, rules).level.rank for s in Severity]
                assert ranks == sorted(ranks), (on, age, factors, home, ranks)
