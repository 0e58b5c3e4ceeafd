"""The questions a case file (or any caller) may ask the rules, with the facts each one takes.

Each question validates its facts, picks the policy in force (the question's date, or the version named in
`policy`), asks the rule and gives the answer as plain JSON-ready data: the keys of `shared/cases/README.md`
plus `cite` and `reasons`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from fangkong.policy import Policy, PolicyAt
from fangkong.policy.terms import (
    AreaLevel,
    CampaignCondition,
    CampaignScope,
    JurisdictionLevel,
    KeyPopulationKind,
    Population,
    RiskFactor,
    SampleStage,
    Severity,
    VaccinationStatus,
)
from fangkong.rules.admission import admission
from fangkong.rules.bubble import bubble_entry
from fangkong.rules.closure_needs import first_diagnosis_refusal, need_deadline
from fangkong.rules.ct import PreviousResult, adjudicate_ct, parse_ct
from fangkong.rules.decision import Decision
from fangkong.rules.departure import departure_clearance
from fangkong.rules.health_code import Status
from fangkong.rules.local_action import LocalAction, judge_local_action
from fangkong.rules.overreach import ProposedPhase, check_overreach
from fangkong.rules.plans import Plan, management_plan, parse_category
from fangkong.rules.preboarding import PreboardingTest, check_preboarding
from fangkong.rules.resident_id import check_resident_id
from fangkong.rules.risk_area import area_level
from fangkong.rules.risk_grade import risk_grade
from fangkong.rules.testing_campaign import review_campaign
from fangkong.rules.vaccination import DoseGiven, vaccination_status


class _Given(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    policy: str | None = None


class PlanGiven(_Given):
    category: str
    start: dt.date


class CtPrevious(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ct: Any
    hours_before: float = Field(ge=0)


class CtGiven(_Given):
    date: dt.date
    population: Population
    stage: SampleStage
    ct: Any = Field(description="a number, null (not detected) or {orf1ab, n}")
    previous: CtPrevious | None = None


class PreboardingGiven(_Given):
    boarding_at: dt.datetime
    tests: list[PreboardingTest]


class AreaLevelGiven(_Given):
    date: dt.date
    delineated_on: dt.date
    delineated_level: AreaLevel = AreaLevel.high
    infections_found_on: list[dt.date] = []
    all_negative_screenings_on: list[dt.date] = []


class CampaignGiven(_Given):
    date: dt.date
    area_has_outbreak: bool
    scope: CampaignScope
    tests_per_day: int
    conditions: list[CampaignCondition] = []


class BubbleGiven(_Given):
    date: dt.date
    chinese_personnel: bool
    booster_completed: bool


class OverreachGiven(_Given):
    date: dt.date
    category: str
    phases: list[ProposedPhase]


class LocalActionGiven(_Given):
    date: dt.date
    action: LocalAction
    area_level: JurisdictionLevel | None = Field(default=None, description="the level of the area a widen_area names")


class DepartureGiven(_Given):
    date: dt.date
    statuses: list[Status] = Field(default_factory=list, description="the person's statuses that day")


class AdmissionGiven(_Given):
    date: dt.date
    severity: Severity
    age: int = Field(ge=0, le=150)
    risk_factors: list[RiskFactor] = []
    home_conditions_met: bool = Field(
        default=True, description="whether the home meets the conditions for home isolation"
    )


class VaccinationGiven(_Given):
    """A person's doses (product codes and days) and birth date, asked on a day (measure 12)."""

    date: dt.date
    birth_date: dt.date | None = None
    doses: list[DoseGiven] = []


class NeedDeadlineGiven(_Given):
    """A need of a person under closure (measure 17): its kind, the urgency given (if any) and when it was raised."""

    kind: str
    urgency: str | None = None
    raised_at: dt.datetime


class NeedRefusalGiven(_Given):
    """A refusal recorded against a need (measures 17 and 16): its ground and the person's code and area."""

    date: dt.date
    kind: str
    ground: str
    code_colour: str | None = None
    in_high_risk_area: bool = False


class ResidentIdGiven(_Given):
    value: str
    date: dt.date | None = None


class RiskGradeGiven(_Given):
    """A key person's facts (measure 14): age, registry kinds and vaccination status (measure 12) on a day."""

    date: dt.date
    age: int = Field(ge=0, le=150)
    kinds: list[KeyPopulationKind] = []
    vaccination_status: VaccinationStatus = VaccinationStatus.unvaccinated


def _decision(d: Decision, **answer: Any) -> dict[str, Any]:
    return {
        **answer,
        "policy": d.policy,
        "cite": d.cite,
        "reasons": [{"clause": r.clause, "text": r.text} for r in d.reasons],
    }


def _rules(policy: Policy, on: dt.date, version: str | None) -> PolicyAt:
    return policy.resolve(on, version)


def ask_plan(g: PlanGiven, policy: Policy) -> dict[str, Any]:
    result = management_plan(parse_category(g.category), g.start, _rules(policy, g.start, g.policy))
    if not isinstance(result, Plan):
        return _decision(result, refused=True)
    return _decision(
        result,
        refused=False,
        phases=[
            {
                "kind": p.kind.value,
                "start": p.start,
                "end": p.end,
                "test_days": list(p.test_days),
                "may_go_out": p.may_go_out.value,
                "restrictions": [r.value for r in p.restrictions],
            }
            for p in result.phases
        ],
        released_on=result.released_on,
        may_go_out=result.may_go_out.value,
        restrictions=[r.value for r in result.restrictions],
        code_managed=result.code_managed,
    )


def ask_ct(g: CtGiven, policy: Policy) -> dict[str, Any]:
    previous = None
    if g.previous is not None:
        previous = PreviousResult(ct=parse_ct(g.previous.ct, "previous.ct"), hours_before=g.previous.hours_before)
    d = adjudicate_ct(parse_ct(g.ct, "ct"), g.population, g.stage, _rules(policy, g.date, g.policy), previous)
    return _decision(d, result=d.result.value, action=d.action, decisive_ct=d.decisive_ct)


def ask_preboarding(g: PreboardingGiven, policy: Policy) -> dict[str, Any]:
    # The policy of the local date of boarding, in the offset the instant was given with.
    d = check_preboarding(g.boarding_at, g.tests, _rules(policy, g.boarding_at.date(), g.policy))
    return _decision(d, valid=d.valid, counted=[c.isoformat() for c in d.counted])


def ask_area_level(g: AreaLevelGiven, policy: Policy) -> dict[str, Any]:
    d = area_level(
        g.delineated_on,
        g.date,
        g.infections_found_on,
        g.all_negative_screenings_on,
        lambda day: _rules(policy, day, g.policy),
        g.delineated_level,
    )
    return _decision(
        d,
        level=d.level.value,
        since=d.since,
        next_change_on=d.next_change_on,
        history=[{"on": h.on, "level": h.level.value} for h in d.history],
    )


def ask_testing_campaign(g: CampaignGiven, policy: Policy) -> dict[str, Any]:
    d = review_campaign(
        g.area_has_outbreak, g.scope, g.tests_per_day, set(g.conditions), _rules(policy, g.date, g.policy)
    )
    return _decision(d, allowed=d.allowed, missing_conditions=list(d.missing_conditions))


def ask_bubble_entry(g: BubbleGiven, policy: Policy) -> dict[str, Any]:
    d = bubble_entry(g.chinese_personnel, g.booster_completed, _rules(policy, g.date, g.policy))
    return _decision(d, allowed=d.allowed)


def ask_overreach(g: OverreachGiven, policy: Policy) -> dict[str, Any]:
    d = check_overreach(parse_category(g.category), g.phases, _rules(policy, g.date, g.policy))
    return _decision(d, overreach=d.overreach, below_national=d.below_national)


def ask_local_action(g: LocalActionGiven, policy: Policy) -> dict[str, Any]:
    d = judge_local_action(g.action, g.area_level, _rules(policy, g.date, g.policy))
    return _decision(d, verdict=d.verdict.value)


def ask_departure(g: DepartureGiven, policy: Policy) -> dict[str, Any]:
    d = departure_clearance(g.statuses, _rules(policy, g.date, g.policy))
    return _decision(d, cleared=d.cleared)


def ask_admission(g: AdmissionGiven, policy: Policy) -> dict[str, Any]:
    d = admission(g.severity, g.age, g.risk_factors, g.home_conditions_met, _rules(policy, g.date, g.policy))
    return _decision(d, level=d.level.value, facility=d.facility.value, high_risk=d.high_risk)


def ask_vaccination(g: VaccinationGiven, policy: Policy) -> dict[str, Any]:
    d = vaccination_status(g.doses, g.birth_date, g.date, _rules(policy, g.date, g.policy))
    return _decision(
        d,
        status=d.status.value,
        doses_counted=d.doses_counted,
        full_course_on=d.full_course_on,
        booster_due=d.booster_due,
        booster_due_from=d.booster_due_from,
    )


def ask_need_deadline(g: NeedDeadlineGiven, policy: Policy) -> dict[str, Any]:
    d = need_deadline(g.kind, g.urgency, g.raised_at, _rules(policy, g.raised_at.date(), g.policy))
    return _decision(d, urgency=d.urgency.value, hours=d.hours, deadline=d.deadline)


def ask_need_refusal(g: NeedRefusalGiven, policy: Policy) -> dict[str, Any]:
    rules = _rules(policy, g.date, g.policy)
    d = first_diagnosis_refusal(g.kind, g.ground, g.code_colour, g.in_high_risk_area, rules)
    return _decision(d, medical=d.medical, over_reach=d.over_reach)


def ask_resident_id(g: ResidentIdGiven, policy: Policy) -> dict[str, Any]:
    d = check_resident_id(g.value, g.date)
    return {
        "valid": d.valid,
        "cite": [p.clause for p in d.problems],
        "reasons": [{"clause": p.clause, "text": p.text} for p in d.problems],
        "birth_date": d.birth_date,
        "sex": d.sex,
    }


def ask_risk_grade(g: RiskGradeGiven, policy: Policy) -> dict[str, Any]:
    d = risk_grade(g.age, g.kinds, g.vaccination_status, _rules(policy, g.date, g.policy))
    return _decision(d, grade=d.grade.value, check_every_days=d.check_every_days)


QUESTIONS: dict[str, tuple[type[_Given], Callable[[Any, Policy], dict[str, Any]]]] = {
    "plan": (PlanGiven, ask_plan),
    "ct": (CtGiven, ask_ct),
    "preboarding": (PreboardingGiven, ask_preboarding),
    "area_level": (AreaLevelGiven, ask_area_level),
    "testing_campaign": (CampaignGiven, ask_testing_campaign),
    "bubble_entry": (BubbleGiven, ask_bubble_entry),
    "overreach": (OverreachGiven, ask_overreach),
    "resident_id": (ResidentIdGiven, ask_resident_id),
    "local_action": (LocalActionGiven, ask_local_action),
    "departure": (DepartureGiven, ask_departure),
    "admission": (AdmissionGiven, ask_admission),
    "vaccination": (VaccinationGiven, ask_vaccination),
    "risk_grade": (RiskGradeGiven, ask_risk_grade),
    "need_deadline": (NeedDeadlineGiven, ask_need_deadline),
    "need_refusal": (NeedRefusalGiven, ask_need_refusal),
}


# ---- enterprises and parks (measure 19; issue 21) ----
class StopOrderGiven(_Given):
    """An order stopping an enterprise's production (measures 19 and 16): white-listed or not, approved or not."""

    date: dt.date
    white_listed: bool = False
    approved_by: str | None = None


def ask_stop_order(g: StopOrderGiven, policy: Policy) -> dict[str, Any]:
    from fangkong.rules.enterprises import judge_stop_order

    d = judge_stop_order(g.white_listed, g.approved_by, _rules(policy, g.date, g.policy))
    return _decision(d, allowed=d.allowed, needs_approval=d.needs_approval)


QUESTIONS["stop_order"] = (StopOrderGiven, ask_stop_order)
