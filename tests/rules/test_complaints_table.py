"""Complaints and clues (measure 18, m20.18; measure 16, m20.16), table-driven. Expected values worked out by hand
from complaints.yaml and the register: response within 2 h (emergency), 24 h (urgent), 72 h (routine); the
categories' default urgencies (refused medical visit: emergency; the other clues: urgent; general: routine); a second
escalation 1 h, 12 h or 24 h after the deadline; the clue guard per version (m20: m20.4, m20.17, m20.18, m20.19;
n10: n10.1 for the sealed building, n10.general for the rest; classb: classb.general, and no risk area excuses a
sealed building or closed school there); the personal data a published case may not hold."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.policy.terms import Urgency
from fangkong.rules.complaints import (
    ComplaintCategory,
    ComplaintStatus,
    escalation,
    judge_clue,
    personal_data_in,
    response_deadline,
)

POLICY = load_policy()
M20, N10, CLASSB = date(2022, 11, 20), date(2022, 12, 10), date(2023, 2, 1)
T0 = datetime(2022, 11, 20, 9, 0, tzinfo=UTC)

DEADLINE_CASES = [
    ("general", None, Urgency.routine, 72),
    ("sealed_building", None, Urgency.urgent, 24),
    ("refused_medical_visit", None, Urgency.emergency, 2),
    ("closed_school", None, Urgency.urgent, 24),
    ("stopped_enterprise", None, Urgency.urgent, 24),
    ("general", "emergency", Urgency.emergency, 2),
    ("sealed_building", Urgency.routine, Urgency.routine, 72),
]


@pytest.mark.parametrize("on", [M20, N10, CLASSB], ids=str)
@pytest.mark.parametrize(("category", "given", "urgency", "hours"), DEADLINE_CASES, ids=lambda v: str(v))
def test_response_deadline(on: date, category: str, given: str | None, urgency: Urgency, hours: int) -> None:
    d = response_deadline(category, given, T0, T0, POLICY.at(on))
    assert (d.urgency, d.hours, d.deadline) == (urgency, hours, T0 + timedelta(hours=hours))
    assert d.reasons[-1].clause == "m20.18"


@pytest.mark.parametrize(
    ("requested", "field"),
    [
        (T0 - timedelta(minutes=1), "deadline"),  # in the past
        (T0, "deadline"),  # not still to come
        (T0 + timedelta(hours=73), "deadline"),  # later than the urgency's
    ],
)
def test_a_bad_deadline_names_the_field(requested: datetime, field: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        response_deadline("general", None, T0, T0, POLICY.at(M20), requested=requested)
    assert exc.value.field == field


def test_an_earlier_deadline_is_kept_and_bad_words_name_the_field() -> None:
    d = response_deadline("general", None, T0, T0, POLICY.at(M20), requested=T0 + timedelta(hours=5))
    assert d.deadline == T0 + timedelta(hours=5)
    for category, urgency, field in (("gossip", None, "category"), ("general", "soon", "urgency")):
        with pytest.raises(InvalidInput) as exc:
            response_deadline(category, urgency, T0, T0, POLICY.at(M20))
        assert exc.value.field == field


# (status, urgency, hours after the deadline, late, level)
ESCALATION_CASES = [
    ("open", "urgent", -1, False, 0),
    ("open", "urgent", 0, True, 1),
    ("open", "urgent", 11, True, 1),
    ("open", "urgent", 12, True, 2),
    ("open", "emergency", 1, True, 2),
    ("open", "routine", 23, True, 1),
    ("open", "routine", 24, True, 2),
    ("answered", "urgent", 100, False, 0),
    ("closed", "emergency", 100, False, 0),
]


@pytest.mark.parametrize(("status", "urgency", "after", "late", "level"), ESCALATION_CASES, ids=lambda v: str(v))
def test_escalation(status: str, urgency: str, after: int, late: bool, level: int) -> None:
    e = escalation(ComplaintStatus(status), urgency, T0, T0 + timedelta(hours=after), POLICY.at(M20))
    assert (e.late, e.level) == (late, level)


# (version day, category, in a high-risk area, over-reach, clauses cited)
CLUE_CASES = [
    (M20, "general", False, False, ["m20.16"]),
    (M20, "sealed_building", False, True, ["m20.16", "m20.4"]),
    (M20, "sealed_building", True, False, ["m20.4"]),
    (M20, "refused_medical_visit", True, True, ["m20.16", "m20.17"]),
    (M20, "closed_school", False, True, ["m20.16", "m20.18"]),
    (M20, "closed_school", True, False, ["m20.18"]),
    (M20, "stopped_enterprise", True, True, ["m20.16", "m20.19"]),
    (N10, "sealed_building", False, True, ["m20.16", "n10.1"]),
    (N10, "sealed_building", True, False, ["n10.1"]),
    (N10, "refused_medical_visit", False, True, ["m20.16", "n10.general"]),
    (N10, "closed_school", False, True, ["m20.16", "n10.general"]),
    (N10, "stopped_enterprise", False, True, ["m20.16", "n10.general"]),
    (CLASSB, "sealed_building", True, True, ["classb.general", "classb.general"]),
    (CLASSB, "closed_school", True, True, ["classb.general", "classb.general"]),
    (CLASSB, "refused_medical_visit", False, True, ["classb.general", "classb.general"]),
    (CLASSB, "stopped_enterprise", False, True, ["classb.general", "classb.general"]),
    (CLASSB, "general", False, False, ["classb.general"]),
]


@pytest.mark.parametrize(("on", "category", "in_area", "over", "clauses"), CLUE_CASES, ids=lambda v: str(v))
def test_clue_guard_per_version(on: date, category: str, in_area: bool, over: bool, clauses: list[str]) -> None:
    v = judge_clue(ComplaintCategory(category), in_area, POLICY.at(on))
    assert v.over_reach is over
    assert v.clue is (category != "general")
    assert [r.clause for r in v.reasons] == clauses


KNOWN = {"name": "张三", "id": "110101199001011234", "phone": "13800001111"}

# (fields of a case, the field named, what it holds) — None: publishable
PERSONAL_CASES = [
    ({"title": "Sealed gate", "summary": "A compound was sealed without a risk area."}, None, None),
    ({"title": "张三 complained", "summary": "x"}, "title", "name"),
    ({"title": "t", "summary": "call 138 0000 1111"}, "summary", "phone"),
    ({"title": "t", "summary": "s", "rectification": "ID 110101199001011234"}, "rectification", "id"),
    ({"title": "t", "summary": "another 11010119850202567X was there"}, "summary", "an ID number"),
    ({"title": "t", "summary": "ring 13912345678"}, "summary", "a phone number"),
    ({"title": "t", "summary": "building 12, 2022-11-16"}, None, None),
]


@pytest.mark.parametrize(("fields", "field", "what"), PERSONAL_CASES, ids=lambda v: str(v))
def test_personal_data_in_a_case(fields: dict[str, str | None], field: str | None, what: str | None) -> None:
    found = personal_data_in(fields, dict(KNOWN))
    assert found == (None if field is None else (field, what))
