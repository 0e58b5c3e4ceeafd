"""Complaints and clues (接诉即办): response deadlines by urgency, escalation when late, clues of over-reach and the
personal data a published typical case may not hold (measure 18, with measure 16).

(18): complaint platforms and hotlines answer promptly (畅通投诉举报渠道 ... 接诉即办) (m20.18).
(16): "collect and pass on reporting clues efficiently ... expose typical cases" (高效收集和转办举报线索 ...
通报曝光典型案例) (m20.16).
The notice gives no hours: they are policy data (`complaints.*`, every one an interpretation:
complaints-response-hours, complaints-default-urgency, complaints-escalation, complaints-clues,
complaints-public-cases).

- `response_deadline`: the urgency (the category's default unless one is given) and the deadline of a complaint.
- `escalation`: whether a complaint is late and how many levels up the jurisdiction tree it should have gone by now.
- `judge_clue`: whether a complaint of a category is a clue of over-reach, table-driven per version
  (`complaints.clues.<category>` names the national rule it says was broken; m20, n10 and classb each have theirs).
- `personal_data_in`: the first field of a typical case that still holds a name, an ID number or a phone.

Pure functions: no store, no clock (the instants are passed in).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum

from fangkong.errors import InvalidInput
from fangkong.policy import InForce, PolicyAt, repealed
from fangkong.policy.terms import Urgency, parse_term
from fangkong.rules.decision import Decision, Reason, because, policy_fields
from fangkong.rules.escalation import Escalation, Ladder, bring_forward, climb


class ComplaintCategory(StrEnum):
    """What a complaint is about; every category but `general` is a clue of over-reach (measure 16)."""

    general = "general"  # any other complaint or question
    sealed_building = "sealed_building"  # a building sealed without a risk area (随意封控)
    refused_medical_visit = "refused_medical_visit"  # a medical visit refused (推诿拒诊)
    closed_school = "closed_school"  # a school closed or classes suspended (随意封校停课)
    stopped_enterprise = "stopped_enterprise"  # a white-listed enterprise told to stop production (随意停工停产)


CLUES = frozenset(set(ComplaintCategory) - {ComplaintCategory.general})
# a sealed building or a closed school inside a high-risk area in force is that area's control, not a clue
AREA_BOUND = frozenset({ComplaintCategory.sealed_building, ComplaintCategory.closed_school})


class ComplainantKind(StrEnum):
    resident = "resident"
    teacher = "teacher"
    student = "student"
    enterprise = "enterprise"
    other = "other"


class Channel(StrEnum):
    hotline = "hotline"  # 热线
    platform = "platform"  # 投诉平台 (online)
    walk_in = "walk_in"  # 来访


class Department(StrEnum):
    """Who answers a complaint inside its jurisdiction."""

    command_centre = "command_centre"  # the jurisdiction's prevention and control command (指挥部)
    health = "health"  # 卫健
    education = "education"  # 教育
    industry = "industry"  # 工信 / 商务
    community = "community"  # 街道社区


# the department a category is routed to when the intake names none
DEFAULT_DEPARTMENT = {
    ComplaintCategory.general: Department.community,
    ComplaintCategory.sealed_building: Department.command_centre,
    ComplaintCategory.refused_medical_visit: Department.health,
    ComplaintCategory.closed_school: Department.education,
    ComplaintCategory.stopped_enterprise: Department.industry,
}


class ComplaintStatus(StrEnum):
    open = "open"  # received and routed, not yet answered
    answered = "answered"  # the department has answered; feedback to the complainant still owed
    closed = "closed"  # closed with feedback to the complainant


LATE_STATUSES = frozenset({ComplaintStatus.open})  # an answered or closed complaint is not late
# the complaints' escalation parameters (`complaints.escalation.*`) and the words their reasons use
COMPLAINT_LADDER = Ladder(
    prefix="complaints",
    not_late="the complaint is answered or closed: not late",
    second_level="still not answered {} hours after its deadline: escalated two levels up",
)


class ResponseDeadline(Decision):
    """When a complaint must be answered (m20.18): its urgency and the deadline counted from its receipt."""

    category: ComplaintCategory
    urgency: Urgency
    hours: int
    deadline: datetime


class ClueVerdict(Decision):
    """Whether a complaint is a clue of over-reach for the supervisor's report (m20.16)."""

    clue: bool
    over_reach: bool


def _hours(found: InForce[int | None]) -> int:
    if found.value is None:
        raise repealed(found)
    return int(found.value)


def category_of(value: ComplaintCategory | str) -> ComplaintCategory:
    return value if isinstance(value, ComplaintCategory) else parse_term(ComplaintCategory, value, "category")


def response_deadline(
    category: ComplaintCategory | str,
    urgency: Urgency | str | None,
    received_at: datetime,
    now: datetime,
    policy: PolicyAt,
    *,
    requested: datetime | None = None,
) -> ResponseDeadline:
    """The urgency and response deadline of a complaint received at `received_at` (measure 18, m20.18;
    `complaints.default_urgency.<category>` when no urgency is given, `complaints.response_hours.<urgency>`). A
    `requested` deadline may bring it forward, never put it off, and may not lie in the past (`now`). Raises
    InvalidInput naming `category`, `urgency` or `deadline`."""
    cat = category_of(category)
    reasons: list[Reason] = []
    default = policy.get(f"complaints.default_urgency.{cat.value}")
    if urgency is None:
        if default.value is None:
            raise repealed(default)
        level = Urgency(default.value)
        reasons.append(because(default, f"the default urgency of this kind of complaint is {level.value}"))
    else:
        level = urgency if isinstance(urgency, Urgency) else parse_term(Urgency, urgency, "urgency")
        reasons.append(because(default, f"urgency given: {level.value}"))
    found = policy.integer(f"complaints.response_hours.{level.value}")
    hours = _hours(found)
    deadline = received_at + timedelta(hours=hours)
    reasons.append(because(found, f"{level.value} complaint: answered within {hours} hours of its receipt"))
    # a requested deadline at or before the receipt or `now` is in the past
    if requested is not None and requested <= max(now, received_at):
        raise InvalidInput("deadline", f"{requested.isoformat()} is in the past: a deadline is still to come")
    deadline, earlier = bring_forward(deadline, requested, found)
    if earlier is not None:
        reasons.append(earlier)
    return ResponseDeadline(
        **policy_fields(policy), category=cat, urgency=level, hours=hours, deadline=deadline, reasons=tuple(reasons)
    )


def escalation(
    status: ComplaintStatus | str, urgency: Urgency | str, deadline: datetime, now: datetime, policy: PolicyAt
) -> Escalation:
    """Whether a complaint is late at `now` and the level it should have been escalated to (measure 18;
    `complaints.escalation.second_after_hours.<urgency>`): level 1 from the deadline, level 2 that many hours later.
    A complaint answered or closed is never late. The ladder is the closure needs' too (rules.escalation)."""
    st = status if isinstance(status, ComplaintStatus) else parse_term(ComplaintStatus, status, "status")
    level = urgency if isinstance(urgency, Urgency) else parse_term(Urgency, urgency, "urgency")
    return climb(COMPLAINT_LADDER, st in LATE_STATUSES, level, deadline, now, policy)


_CLUE_TEXT = {
    ComplaintCategory.sealed_building: "a building reported sealed where no high-risk area is in force",
    ComplaintCategory.refused_medical_visit: "a medical visit reported refused",
    ComplaintCategory.closed_school: "a school reported closed outside a high-risk area",
    ComplaintCategory.stopped_enterprise: "a white-listed enterprise reported told to stop production",
}


def judge_clue(category: ComplaintCategory | str, in_high_risk_area: bool, policy: PolicyAt) -> ClueVerdict:
    """Whether a complaint of `category` is a clue of over-reach (measure 16, m20.16), table-driven per version:
    `complaints.clues.<category>` names the national rule the clue says was broken (m20: m20.4, m20.17, m20.18,
    m20.19; n10: n10.1 for the sealed building, its general clause for the others; classb: its general clause). A
    sealed building or closed school inside a high-risk area in force is that area's control while the version has
    risk areas (`risk_area.levels`; classb has none, so there it is a clue anywhere). A version with no rule
    (a null value) makes no finding."""
    cat = category_of(category)
    guard = policy.text("overreach.national_rule_clause")
    if guard.value is None:
        raise repealed(guard)
    if cat not in CLUES:
        reasons: tuple[Reason, ...] = (Reason(clause=guard.value, text="not a clue of over-reach"),)
        return ClueVerdict(**policy_fields(policy), clue=False, over_reach=False, reasons=reasons)
    rule = policy.find(f"complaints.clues.{cat.value}")
    if rule is None or rule.value is None:
        reasons = (Reason(clause=guard.value, text=f"{policy.version} states no national rule for this clue"),)
        return ClueVerdict(**policy_fields(policy), clue=True, over_reach=False, reasons=reasons)
    broken = str(rule.value)
    if cat in AREA_BOUND and in_high_risk_area and _has_risk_areas(policy):
        reasons = (Reason(clause=broken, text="inside a high-risk area in force: its controls apply"),)
        return ClueVerdict(**policy_fields(policy), clue=True, over_reach=False, reasons=reasons)
    reasons = (
        Reason(clause=guard.value, text=f"clue of over-reach: {_CLUE_TEXT[cat]}"),
        Reason(clause=broken, text="the national rule the clue says was broken"),
    )
    return ClueVerdict(**policy_fields(policy), clue=True, over_reach=True, reasons=reasons)


def _has_risk_areas(policy: PolicyAt) -> bool:
    """Whether the version in force delineates risk areas at all (classb does not: `risk_area.levels` is empty)."""
    levels = policy.find("risk_area.levels")
    return levels is not None and bool(levels.value)


# a resident ID number (18 characters, the last a digit or X) or a mainland mobile number (11 digits from 1)
_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def personal_data_in(fields: dict[str, str | None], known: dict[str, str | None]) -> tuple[str, str] | None:
    """The first field of a typical case (`fields`: name -> text) that still holds personal data, and what it holds
    (measure 16's public exposure, complaints-public-cases): one of the `known` values (the complainant's name, ID
    number, phone), or anything shaped like a resident ID number or a mobile number. None when it holds none."""
    for name, text in fields.items():
        if not text:
            continue
        compact = text.replace(" ", "").replace("-", "")
        for what, value in known.items():
            v = (value or "").strip().replace(" ", "").replace("-", "")
            if len(v) >= 2 and v in compact:
                return name, what
        if _ID_NUMBER.search(compact):
            return name, "an ID number"
        if _PHONE.search(compact):
            return name, "a phone number"
    return None
