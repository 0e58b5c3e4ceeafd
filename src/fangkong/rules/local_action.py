"""The over-reach guard's verdict on an action a locality proposes (measure 16: no "one size fits all", no
layer-by-layer overweighting), judged against the national rule the action touches: a quarantine plan (measures
1, 3, 5, 10), a second quarantine of an entrant at the destination (measure 10), a high-risk area wider than the
rules' unit (measure 4, section 3), closing a school (measure 18), stopping an enterprise (measure 19), area-wide
testing (measure 6) and refusing returnees (measure 20).

Every clause cited comes from the policy in force on the day: the guard's own clause
(`overreach.national_rule_clause`) and the source of the parameter that states the national rule. Where a
version states no national rule for the action, the verdict is a warning citing the guard alone.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from fangkong.errors import InvalidInput, Refused
from fangkong.policy import InForce, PolicyAt
from fangkong.policy.terms import CampaignCondition, CampaignScope, JurisdictionLevel
from fangkong.rules.decision import Decision, Reason, policy_fields
from fangkong.rules.overreach import ProposedPhase, check_overreach
from fangkong.rules.plans import parse_category
from fangkong.rules.risk_area import delineation_basis
from fangkong.rules.testing_campaign import review_campaign


class ActionKind(StrEnum):
    quarantine_plan = "quarantine_plan"
    requarantine_entrant = "requarantine_entrant"
    widen_area = "widen_area"
    close_school = "close_school"
    stop_enterprise = "stop_enterprise"
    area_wide_testing = "area_wide_testing"
    refuse_returnees = "refuse_returnees"


class Verdict(StrEnum):
    allowed = "allowed"
    over_reach = "over_reach"
    warning = "warning"


class LocalAction(BaseModel):
    """Something a locality proposes to do, described by the facts the guard needs."""

    model_config = ConfigDict(extra="forbid")

    kind: ActionKind
    jurisdiction_code: str
    on: date | None = None
    description: str = Field(default="", max_length=400)
    category: str | None = None  # quarantine_plan
    phases: list[ProposedPhase] = Field(default_factory=list)  # quarantine_plan
    area_code: str | None = None  # widen_area
    justification: str | None = None  # widen_area
    in_high_risk_area: bool = False  # close_school, stop_enterprise
    white_listed: bool = False  # stop_enterprise
    scope: CampaignScope | None = None  # area_wide_testing
    tests_per_day: int = Field(default=1, ge=1, le=10)  # area_wide_testing
    outbreak: bool = False  # area_wide_testing
    conditions: list[CampaignCondition] = Field(default_factory=list)  # area_wide_testing


class ActionVerdict(Decision):
    verdict: Verdict


def _national_rule(policy: PolicyAt, path: str) -> InForce[bool | None] | None:
    """The national rule an action touches, where the version in force has one."""
    return policy.flag(path) if policy.find(path) is not None else None


def judge_local_action(action: LocalAction, area_level: JurisdictionLevel | None, policy: PolicyAt) -> ActionVerdict:
    """The guard's verdict on one local action, with its reasons. `area_level` is the level of the area a
    `widen_area` action names (looked up by the caller)."""
    verdict, reasons = _judge(action, area_level, policy)
    return ActionVerdict(**policy_fields(policy), verdict=verdict, reasons=tuple(reasons))


def _judge(action: LocalAction, area_level: JurisdictionLevel | None, policy: PolicyAt) -> tuple[Verdict, list[Reason]]:
    guard = policy.get("overreach.national_rule_clause").source.clause

    def adds(text: str) -> Reason:
        return Reason(clause=guard, text=text)

    def no_national_rule(what: str) -> tuple[Verdict, list[Reason]]:
        return Verdict.warning, [adds(f"{policy.version} states no national rule on {what}: judge it locally")]

    match action.kind:
        case ActionKind.quarantine_plan:
            if action.category is None or not action.phases:
                raise InvalidInput("category", "a quarantine plan names its category and phases")
            decision = check_overreach(parse_category(action.category), action.phases, policy)
            if decision.overreach:
                return Verdict.over_reach, list(decision.reasons)
            return (Verdict.warning if decision.below_national else Verdict.allowed), list(decision.reasons)
        case ActionKind.requarantine_entrant:
            restart = policy.find("management.entry_personnel.destination_may_restart")
            if restart is not None and restart.value is False:
                return Verdict.over_reach, [
                    adds("a second quarantine at the destination adds to the national rules"),
                    Reason(clause=restart.source.clause, text="entrants are not quarantined again at the destination"),
                ]
            clause = restart.source.clause if restart is not None else guard
            return Verdict.allowed, [Reason(clause=clause, text="allowed under these rules")]
        case ActionKind.widen_area:
            if action.area_code is None or area_level is None:
                raise InvalidInput("area_code", "name the area to be delineated")
            try:
                basis = delineation_basis(area_level, action.justification, policy)
            except Refused as exc:
                return Verdict.over_reach, [
                    adds("a wider area than the rules allow"),
                    Reason(clause=exc.clause, text=exc.message),
                ]
            return Verdict.allowed, list(basis)
        case ActionKind.close_school:
            rule = _national_rule(policy, "overreach.schools_may_add_controls")
            if rule is None:
                return no_national_rule("closing schools")
            if action.in_high_risk_area:
                return Verdict.allowed, [
                    Reason(clause=rule.source.clause, text="the school lies in a high-risk area: its controls apply")
                ]
            if rule.value:
                return Verdict.allowed, [Reason(clause=rule.source.clause, text="schools may add controls")]
            return Verdict.over_reach, [
                adds("closing a school outside a high-risk area adds to the national rules"),
                Reason(clause=rule.source.clause, text="schools implement the national rules and may not add controls"),
            ]
        case ActionKind.stop_enterprise:
            white = _national_rule(policy, "overreach.white_listed_enterprises_may_stop")
            cause = _national_rule(policy, "overreach.enterprise_stop_needs_cause")
            if white is None or cause is None:
                return no_national_rule("stopping enterprises")
            if action.white_listed and not white.value:
                return Verdict.over_reach, [
                    adds("stopping a white-listed enterprise adds to the national rules"),
                    Reason(
                        clause=white.source.clause,
                        text="key enterprises on the white list may not be made to stop production",
                    ),
                ]
            if action.in_high_risk_area:
                return Verdict.allowed, [
                    Reason(clause=cause.source.clause, text="inside a high-risk area: one enterprise, one policy")
                ]
            if cause.value:
                return Verdict.warning, [
                    Reason(
                        clause=cause.source.clause,
                        text="one enterprise, one policy: stopping production outside a risk area needs cause",
                    )
                ]
            return Verdict.allowed, [Reason(clause=cause.source.clause, text="allowed under these rules")]
        case ActionKind.area_wide_testing:
            if action.scope is None:
                raise InvalidInput("scope", "risk_posts_and_key_persons or all_residents")
            review = review_campaign(
                action.outbreak, action.scope, action.tests_per_day, set(action.conditions), policy
            )
            return (Verdict.allowed if review.allowed else Verdict.over_reach), list(review.reasons)
        case ActionKind.refuse_returnees:
            rule = _national_rule(policy, "overreach.destinations_may_refuse_returnees")
            if rule is None:
                return no_national_rule("refusing returnees")
            if rule.value:
                return Verdict.allowed, [Reason(clause=rule.source.clause, text="allowed under these rules")]
            return Verdict.over_reach, [
                adds("refusing returnees adds to the national rules"),
                Reason(
                    clause=rule.source.clause, text="destinations may not refuse returnees nor add controls on them"
                ),
            ]
