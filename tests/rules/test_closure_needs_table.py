"""Deadlines, escalation and first-diagnosis responsibility of needs under closure (measure 17, m20.17; m20.16),
table-driven. Expected values worked out by hand from closure_services.yaml and the register: emergency 2 h, urgent
24 h, routine 48 h; the kinds' default urgencies (emergency care: emergency; medicine, dialysis, chemotherapy,
prenatal checks, food: urgent; counselling, other: routine); a second escalation 1 h (emergency), 12 h (urgent) or
24 h (routine) after the deadline; medical kinds may not be refused, and a refusal citing the code or area is
over-reach. Before the 20 measures no rule is in force (never read as zero)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from fangkong.errors import InvalidInput, NotInForce
from fangkong.policy import load_policy
from fangkong.policy.terms import NeedKind, NeedStatus, RefusalGround, Urgency
from fangkong.rules.closure_needs import escalation, first_diagnosis_refusal, is_medical, need_deadline

POLICY = load_policy()
M20, N10, CLASSB = date(2022, 11, 20), date(2022, 12, 10), date(2023, 2, 1)
T0 = datetime(2022, 11, 20, 9, 0, tzinfo=UTC)

# (kind, urgency given, urgency decided, hours)
DEADLINE_CASES = [
    ("emergency", None, Urgency.emergency, 2),
    ("dialysis", None, Urgency.urgent, 24),
    ("chemotherapy", None, Urgency.urgent, 24),
    ("medicine", None, Urgency.urgent, 24),
    ("prenatal_check", None, Urgency.urgent, 24),
    ("food", None, Urgency.urgent, 24),
    ("counselling", None, Urgency.routine, 48),
    ("other", None, Urgency.routine, 48),
    ("medicine", "emergency", Urgency.emergency, 2),
    ("food", "routine", Urgency.routine, 48),
    ("counselling", Urgency.urgent, Urgency.urgent, 24),
]


@pytest.mark.parametrize("on", [M20, N10, CLASSB], ids=str)
@pytest.mark.parametrize(("kind", "given", "urgency", "hours"), DEADLINE_CASES, ids=lambda v: str(v))
def test_need_deadline(kind: str, given: str | None, urgency: Urgency, hours: int, on: date) -> None:
    decision = need_deadline(kind, given, T0, POLICY.at(on))
    assert decision.urgency is urgency
    assert decision.hours == hours
    assert decision.deadline == T0 + timedelta(hours=hours)
    assert decision.cite == ["m20.17"]
    assert any(f"due {hours} hours" in r.text for r in decision.reasons)


def test_a_requested_deadline_may_bring_it_forward_not_put_it_off() -> None:
    policy = POLICY.at(M20)
    earlier = need_deadline("dialysis", None, T0, policy, requested=T0 + timedelta(hours=6))
    assert earlier.deadline == T0 + timedelta(hours=6)
    with pytest.raises(InvalidInput) as later:
        need_deadline("dialysis", None, T0, policy, requested=T0 + timedelta(hours=25))
    assert later.value.field == "deadline"
    with pytest.raises(InvalidInput) as past:
        need_deadline("dialysis", None, T0, policy, requested=T0 - timedelta(minutes=1))
    assert past.value.field == "deadline"


@pytest.mark.parametrize(("kind", "urgency", "field"), [("haircut", None, "kind"), ("food", "soon", "urgency")])
def test_unknown_words_name_the_field(kind: str, urgency: str | None, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        need_deadline(kind, urgency, T0, POLICY.at(M20))
    assert caught.value.field == field


def test_no_rule_before_the_twenty_measures() -> None:
    with pytest.raises(NotInForce):
        need_deadline("dialysis", None, T0, POLICY.at(date(2022, 7, 15)))


# (status, urgency, hours after the deadline, late, level, hours from the deadline to the next level or None)
ESCALATION_CASES = [
    (NeedStatus.open, Urgency.urgent, -1, False, 0, 0),
    (NeedStatus.assigned, Urgency.urgent, 0, True, 1, 12),
    (NeedStatus.assigned, Urgency.urgent, 11.9, True, 1, 12),
    (NeedStatus.open, Urgency.urgent, 12, True, 2, None),
    (NeedStatus.open, Urgency.emergency, 0.5, True, 1, 1),
    (NeedStatus.open, Urgency.emergency, 1, True, 2, None),
    (NeedStatus.open, Urgency.routine, 23, True, 1, 24),
    (NeedStatus.open, Urgency.routine, 100, True, 2, None),
    (NeedStatus.done, Urgency.emergency, 100, False, 0, None),
    (NeedStatus.refused, Urgency.urgent, 100, False, 0, None),
    (NeedStatus.cancelled, Urgency.routine, 100, False, 0, None),
]


@pytest.mark.parametrize(("status", "urgency", "after", "late", "level", "next_in"), ESCALATION_CASES, ids=str)
def test_escalation(
    status: NeedStatus, urgency: Urgency, after: float, late: bool, level: int, next_in: int | None
) -> None:
    deadline = T0 + timedelta(hours=24)
    decision = escalation(status, urgency, deadline, deadline + timedelta(hours=after), POLICY.at(M20))
    assert (decision.late, decision.level) == (late, level)
    assert decision.next_at == (None if next_in is None else deadline + timedelta(hours=next_in))
    assert decision.cite == ["m20.17"]


MEDICAL = ["medicine", "dialysis", "chemotherapy", "prenatal_check", "emergency"]


@pytest.mark.parametrize("kind", list(NeedKind), ids=str)
def test_medical_kinds(kind: NeedKind) -> None:
    assert is_medical(kind, POLICY.at(M20)) is (kind.value in MEDICAL)


# (kind, ground, colour, in a high-risk area, medical, over-reach, clauses)
REFUSAL_CASES = [
    ("dialysis", "health_code", "red", True, True, True, ["m20.17", "m20.16"]),
    ("emergency", "risk_area", None, True, True, True, ["m20.17", "m20.16"]),
    ("medicine", "risk_area", "green", False, True, True, ["m20.17", "m20.16"]),
    ("prenatal_check", "health_code", None, False, True, True, ["m20.17", "m20.16"]),
    ("chemotherapy", "no_capacity", "red", True, True, False, ["m20.17"]),
    ("dialysis", "declined_by_person", "red", True, True, False, ["m20.17"]),
    ("food", "health_code", "red", True, False, False, ["m20.17"]),
    ("counselling", "declined_by_person", None, False, False, False, ["m20.17"]),
]


@pytest.mark.parametrize(
    ("kind", "ground", "colour", "in_area", "medical", "over_reach", "clauses"), REFUSAL_CASES, ids=str
)
def test_first_diagnosis_refusal(
    kind: str,
    ground: str,
    colour: str | None,
    in_area: bool,
    medical: bool,
    over_reach: bool,
    clauses: list[str],
) -> None:
    verdict = first_diagnosis_refusal(kind, ground, colour, in_area, POLICY.at(M20))
    assert (verdict.medical, verdict.over_reach) == (medical, over_reach)
    assert verdict.cite == clauses


def test_the_refusal_says_which_code() -> None:
    verdict = first_diagnosis_refusal("dialysis", RefusalGround.health_code, "red", True, POLICY.at(M20))
    assert "health code (red)" in verdict.reasons[-1].text


def test_an_unknown_ground_names_the_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        first_diagnosis_refusal("dialysis", "bad_mood", None, False, POLICY.at(M20))
    assert caught.value.field == "ground"
