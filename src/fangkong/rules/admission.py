"""The level of care of an infection: graded diagnosis and treatment (measure 11).

(11): "Formulate graded diagnosis and treatment plans and admission standards for infected people of different
clinical severity ... Prepare inpatient and critical-care beds" (制定分级分类诊疗方案，制定不同临床严重程度感染者收治
标准). The notice sets the grading as a task; the grades themselves are policy data (`treatment.*`), dated per version:
under the 9th edition and the 20 measures asymptomatic and mild cases are under centralized isolation management in a
makeshift hospital and graver cases go to a designated hospital (section 3 still sends a positive to "a designated or
makeshift hospital"); under the new 10 (n10.3) asymptomatic and mild cases who meet the conditions isolate at home and
those whose condition worsens go to a designated hospital; under Class B nobody is isolated. A case at high risk of
severe illness (its age, its risk factors: `treatment.high_risk.*`) is raised to at least hospital care. Where the
texts leave room the register says what was chosen (treatment-v9-levels, treatment-m20-levels,
treatment-n10-worsening, treatment-n10-no-home-conditions, treatment-high-risk-protocol, treatment-high-risk-n10,
treatment-classb-levels).

The answer is a level (`CareLevel`, from home care to intensive care) and a place (`Facility`): the same level is
given in different places under different versions, so the two are separate words.
"""

from __future__ import annotations

from collections.abc import Iterable

from fangkong.errors import InvalidInput
from fangkong.policy import InForce, PolicyAt
from fangkong.policy.terms import CareLevel, Facility, RiskFactor, Severity, parse_term
from fangkong.rules.decision import Decision, Reason, because, policy_fields

MAX_AGE = 150  # an age above this is a typing error, not a person


class Admission(Decision):
    """Where an infection is cared for: the level of care and the place. `high_risk`: the level was raised because the
    case is at high risk of severe illness (asked only of a case below the high-risk level: a graver case needs no
    raising)."""

    severity: Severity
    level: CareLevel
    facility: Facility
    high_risk: bool


def admission(
    severity: Severity | str,
    age: int,
    risk_factors: Iterable[RiskFactor | str],
    home_conditions_met: bool,
    policy: PolicyAt,
) -> Admission:
    """The level of care and the place of an infection of this clinical severity (measure 11, m20.11; the new 10,
    n10.3; the versions' values in `treatment.*`).

    The severity's level and place come first (`treatment.severity.<severity>`). A case below the high-risk level
    (`treatment.high_risk.level`) that is at high risk of severe illness is raised to it. A case whose level is home
    isolation and whose home does not meet the conditions (n10.3: 具备居家隔离条件) goes to
    `treatment.without_home_conditions` instead. Raises InvalidInput naming `severity`, `age` or `risk_factors` for a
    word outside the vocabulary or an impossible age.
    """
    sev = severity if isinstance(severity, Severity) else parse_term(Severity, severity, "severity")
    if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= MAX_AGE:
        raise InvalidInput("age", f"{age!r} is not an age in years (0 to {MAX_AGE})")
    factors = frozenset(
        f if isinstance(f, RiskFactor) else parse_term(RiskFactor, f, "risk_factors") for f in risk_factors
    )
    level_found = policy.get(f"treatment.severity.{sev.value}.level")
    facility_found = policy.get(f"treatment.severity.{sev.value}.facility")
    level, facility = CareLevel(level_found.value), Facility(facility_found.value)
    reasons: list[Reason] = [
        because(level_found, f"clinical severity {_said(sev)}: {_said(level)} (place: {_said(facility)})"),
    ]
    high_risk = False
    raised_level = policy.get("treatment.high_risk.level")
    if level.rank < CareLevel(raised_level.value).rank:
        risk = high_risk_reasons(age, factors, policy)
        if risk:
            high_risk = True
            raised_facility = policy.get("treatment.high_risk.facility")
            level, facility = CareLevel(raised_level.value), Facility(raised_facility.value)
            reasons.extend(risk)
            reasons.append(
                because(
                    raised_level,
                    f"high risk of severe illness: raised to {_said(level)} (place: {_said(facility)})",
                )
            )
    if level is CareLevel.home_isolation:
        reasons.append(_home_conditions(home_conditions_met, level_found))
        if not home_conditions_met:
            other_level = policy.get("treatment.without_home_conditions.level")
            other_facility = policy.get("treatment.without_home_conditions.facility")
            level, facility = CareLevel(other_level.value), Facility(other_facility.value)
            reasons.append(because(other_level, f"instead: {_said(level)} (place: {_said(facility)})"))
    return Admission(
        **policy_fields(policy),
        severity=sev,
        level=level,
        facility=facility,
        high_risk=high_risk,
        reasons=tuple(reasons),
    )


def high_risk_reasons(age: int, factors: frozenset[RiskFactor], policy: PolicyAt) -> list[Reason]:
    """Why a case is at high risk of severe illness, one reason per ground; empty when it is not (measure 11 and the
    key groups of measure 14, m20.14: the elderly, underlying diseases, pregnant women, dialysis patients; the values in
    `treatment.high_risk.*`, register treatment-high-risk-protocol and treatment-high-risk-n10).

    Grounds: an age at or above `age_at_least`; a fact among `factors`; from `elderly_age_at_least`, a fact among
    `elderly_factors`.
    """
    reasons: list[Reason] = []
    age_alone = policy.integer("treatment.high_risk.age_at_least")
    if age_alone.value is not None and age >= age_alone.value:
        reasons.append(because(age_alone, f"aged {age} ({age_alone.value} or more): high risk of severe illness"))
    alone = policy.texts("treatment.high_risk.factors")
    reasons.extend(because(alone, f"{_said(f)}: high risk of severe illness") for f in _present(factors, alone))
    elderly_age = policy.integer("treatment.high_risk.elderly_age_at_least")
    if elderly_age.value is not None and age >= elderly_age.value:
        elderly = policy.texts("treatment.high_risk.elderly_factors")
        reasons.extend(
            because(elderly, f"aged {age} ({elderly_age.value} or more) and {_said(f)}: high risk of severe illness")
            for f in _present(factors, elderly)
        )
    return reasons


def _present(factors: frozenset[RiskFactor], listed: InForce[tuple[str, ...] | None]) -> list[RiskFactor]:
    """The person's factors that the listed value names, in the vocabulary's order (measure 11,
    `treatment.high_risk`)."""
    names = set(listed.value or ())
    return [f for f in RiskFactor if f in factors and f.value in names]


def _home_conditions(met: bool, found: InForce[object]) -> Reason:
    """Whether the home meets the conditions for home isolation (n10.3: 具备居家隔离条件的无症状感染者和轻型病例一般采取
    居家隔离), cited from the clause of the severity's level."""
    if met:
        return because(found, "the home meets the conditions for home isolation")
    return because(found, "the home does not meet the conditions for home isolation")


def _said(word: Severity | CareLevel | Facility | RiskFactor) -> str:
    """A vocabulary word as a reason writes it: its identifier with spaces (measure 11's levels, places, severities)."""
    return word.value.replace("_", " ")
