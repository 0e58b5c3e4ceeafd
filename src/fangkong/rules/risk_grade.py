"""A key person's risk grade and how often their health-and-safety plan checks on them (measures 14 and 12).

(14): "find out the number of elderly people with underlying diseases and other groups in the jurisdiction ...
classified management" (摸清辖区内合并基础性疾病老年人等人群底数 ... 分类分级管理);
(12): "raise vaccination coverage, especially of the elderly". The notice names the groups, not the grades: the ages,
kinds and vaccination statuses that give each grade,
and the check intervals, are policy data (`key_populations.grade.*`, `key_populations.check_every_days.*`; register
keypop-grade-ages, keypop-grade-kinds, keypop-grade-vaccination, keypop-check-frequency).

The grade is the highest any fact gives (age, a registry kind), raised one step when the person is elderly or on the
registry and not protected by vaccination. So adding a kind or getting older never lowers the grade, and a booster
never raises it. Pure: no store, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from fangkong.errors import InvalidInput
from fangkong.policy import PolicyAt
from fangkong.policy.terms import KeyPopulationKind, RiskGrade, VaccinationStatus, parse_term
from fangkong.rules.admission import MAX_AGE
from fangkong.rules.decision import Decision, Reason, because, policy_fields


class Grade(Decision):
    """A key person's risk grade (m20.14) and the days between their plan's checks."""

    grade: RiskGrade
    check_every_days: int


def risk_grade(
    age: int,
    kinds: Iterable[KeyPopulationKind | str],
    vaccination_status: VaccinationStatus | str,
    policy: PolicyAt,
) -> Grade:
    """The risk grade of a key person of this age, with these registry kinds and this vaccination status (measure 14,
    m20.14; measure 12, m20.12; the values in `key_populations.grade.*`).

    Start low. From `medium_age_at_least` at least medium, from `high_age_at_least` high; a kind in `medium_kinds` at
    least medium, one in `high_kinds` high. A person who is elderly (`medium_age_at_least`) or has any kind, and whose
    status is in `unprotected_statuses`, is raised one grade. The check interval is `check_every_days.<grade>`.
    Raises InvalidInput naming `age`, `kinds` or `vaccination_status`."""
    if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= MAX_AGE:
        raise InvalidInput("age", f"{age!r} is not an age in years (0 to {MAX_AGE})")
    have = frozenset(
        k if isinstance(k, KeyPopulationKind) else parse_term(KeyPopulationKind, k, "kinds") for k in kinds
    )
    status = (
        vaccination_status
        if isinstance(vaccination_status, VaccinationStatus)
        else parse_term(VaccinationStatus, vaccination_status, "vaccination_status")
    )
    grade = RiskGrade.low
    reasons: list[Reason] = []

    def at_least(floor: RiskGrade, why: Reason) -> None:
        nonlocal grade
        reasons.append(why)
        if floor.rank > grade.rank:
            grade = floor

    high_age = policy.integer("key_populations.grade.high_age_at_least")
    medium_age = policy.integer("key_populations.grade.medium_age_at_least")
    elderly = medium_age.value is not None and age >= medium_age.value
    if high_age.value is not None and age >= high_age.value:
        at_least(RiskGrade.high, because(high_age, f"aged {age} ({high_age.value} or more): high risk grade"))
    elif elderly:
        at_least(RiskGrade.medium, because(medium_age, f"aged {age} ({medium_age.value} or more): at least medium"))
    high_kinds = policy.get("key_populations.grade.high_kinds")
    medium_kinds = policy.get("key_populations.grade.medium_kinds")
    for kind in KeyPopulationKind:
        if kind not in have:
            continue
        if kind in (high_kinds.value or ()):
            at_least(RiskGrade.high, because(high_kinds, f"registered as {_said(kind)}: high risk grade"))
        elif kind in (medium_kinds.value or ()):
            at_least(RiskGrade.medium, because(medium_kinds, f"registered as {_said(kind)}: at least medium"))
    unprotected = policy.get("key_populations.grade.unprotected_statuses")
    if status in (unprotected.value or ()) and (elderly or have):
        raised = list(RiskGrade)[min(grade.rank + 1, len(RiskGrade) - 1)]
        reasons.append(because(unprotected, f"vaccination {_said(status)}: raised one grade to {_said(raised)}"))
        grade = raised
    else:
        reasons.append(because(unprotected, f"vaccination {_said(status)}: no change"))
    every = policy.integer(f"key_populations.check_every_days.{grade.value}")
    days = int(every.value or 1)
    reasons.append(because(every, f"{_said(grade)} risk grade: checked every {days} days"))
    return Grade(**policy_fields(policy), grade=grade, check_every_days=days, reasons=tuple(reasons))


def _said(word: KeyPopulationKind | RiskGrade | VaccinationStatus) -> str:
    """A vocabulary word as a reason writes it: its identifier with spaces (measure 14's kinds and grades)."""
    return word.value.replace("_", " ")


def check_due(last: datetime, every_days: int) -> datetime:
    """When a key person's next health-and-safety check is due (measure 14; `key_populations.check_every_days.*`,
    register keypop-check-frequency): `every_days` after the last check, or after the plan began when there is none.
    Raises InvalidInput naming `every_days` for an interval under one day."""
    if isinstance(every_days, bool) or not isinstance(every_days, int) or every_days < 1:
        raise InvalidInput("every_days", f"{every_days!r} is not a number of days (1 or more)")
    return last + timedelta(days=every_days)
