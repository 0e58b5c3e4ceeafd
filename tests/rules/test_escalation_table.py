"""The one escalation ladder (rules.escalation) for closure needs (measure 17, m20.17) and complaints (measure 18,
m20.18), table-driven. Expected values worked out by hand from closure_services.yaml, complaints.yaml and the
register: for both, a second level 1 h (emergency), 12 h (urgent) or 24 h (routine) after the deadline, in force from
the 20 measures through n10 and class B; each ladder cites its own measure and says its own noun and words. Before the
20 measures neither has a rule (never read as zero hours)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from fangkong.errors import InvalidInput, NotInForce
from fangkong.policy import load_policy
from fangkong.policy.terms import Urgency
from fangkong.rules.closure_needs import NEED_LADDER
from fangkong.rules.complaints import COMPLAINT_LADDER
from fangkong.rules.escalation import Ladder, bring_forward, climb

POLICY = load_policy()
V9, M20, N10, CLASSB = date(2022, 10, 1), date(2022, 11, 20), date(2022, 12, 10), date(2023, 2, 1)
DUE = datetime(2022, 11, 20, 9, 0, tzinfo=UTC)
LADDERS = {"need": (NEED_LADDER, "m20.17"), "complaint": (COMPLAINT_LADDER, "m20.18")}

# (ladder, day, outstanding, urgency, hours after the deadline, late, level, next level in hours from the deadline,
#  the reasons' texts with {due} for the deadline)
CASES = [
    ("need", M20, True, Urgency.urgent, -3, False, 0, 0, ["not late: due {due}"]),
    ("need", M20, True, Urgency.urgent, 0, True, 1, 12, ["late since {due}: escalated one level up"]),
    ("need", M20, True, Urgency.urgent, 11.5, True, 1, 12, ["late since {due}: escalated one level up"]),
    (
        "need",
        M20,
        True,
        Urgency.urgent,
        12,
        True,
        2,
        None,
        [
            "late since {due}: escalated one level up",
            "still not met 12 hours after its deadline: escalated two levels up",
        ],
    ),
    ("need", N10, True, Urgency.emergency, 0.5, True, 1, 1, ["late since {due}: escalated one level up"]),
    ("need", CLASSB, True, Urgency.routine, 23, True, 1, 24, ["late since {due}: escalated one level up"]),
    ("need", M20, False, Urgency.emergency, 100, False, 0, None, ["the need is met, refused or withdrawn: not late"]),
    ("need", M20, False, Urgency.routine, -5, False, 0, None, ["the need is met, refused or withdrawn: not late"]),
    ("complaint", M20, True, Urgency.routine, -1, False, 0, 0, ["not late: due {due}"]),
    ("complaint", N10, True, Urgency.urgent, 0, True, 1, 12, ["late since {due}: escalated one level up"]),
    (
        "complaint",
        M20,
        True,
        Urgency.emergency,
        1,
        True,
        2,
        None,
        [
            "late since {due}: escalated one level up",
            "still not answered 1 hours after its deadline: escalated two levels up",
        ],
    ),
    (
        "complaint",
        CLASSB,
        True,
        Urgency.routine,
        24,
        True,
        2,
        None,
        [
            "late since {due}: escalated one level up",
            "still not answered 24 hours after its deadline: escalated two levels up",
        ],
    ),
    ("complaint", M20, False, Urgency.urgent, 100, False, 0, None, ["the complaint is answered or closed: not late"]),
]


@pytest.mark.parametrize(
    ("ladder", "day", "outstanding", "urgency", "after", "late", "level", "next_in", "texts"), CASES, ids=str
)
def test_ladder(
    ladder: str,
    day: date,
    outstanding: bool,
    urgency: Urgency,
    after: float,
    late: bool,
    level: int,
    next_in: int | None,
    texts: list[str],
) -> None:
    rungs, clause = LADDERS[ladder]
    e = climb(rungs, outstanding, urgency, DUE, DUE + timedelta(hours=after), POLICY.at(day))
    assert (e.late, e.level) == (late, level)
    assert e.next_at == (None if next_in is None else DUE + timedelta(hours=next_in))
    assert [r.text for r in e.reasons] == [t.format(due=DUE.isoformat()) for t in texts]
    assert e.cite == [clause], "each ladder cites its own measure"


@pytest.mark.parametrize("ladder", list(LADDERS), ids=str)
@pytest.mark.parametrize("outstanding", [True, False], ids=["outstanding", "closed"])
def test_no_ladder_before_the_20_measures(ladder: str, outstanding: bool) -> None:
    with pytest.raises(NotInForce):
        climb(LADDERS[ladder][0], outstanding, Urgency.urgent, DUE, DUE + timedelta(hours=1), POLICY.at(V9))


def test_the_level_only_rises_with_time() -> None:
    """Hour by hour past the deadline the level never falls back, and reaches 2 exactly at the second rung."""
    rules = POLICY.at(M20)
    for rungs, _ in LADDERS.values():
        for urgency, second in ((Urgency.emergency, 1), (Urgency.urgent, 12), (Urgency.routine, 24)):
            levels = [climb(rungs, True, urgency, DUE, DUE + timedelta(hours=h), rules).level for h in range(-2, 30)]
            assert levels == sorted(levels)
            assert levels.index(2) == second + 2


def test_a_new_ladder_is_only_its_words() -> None:
    """Another kind of item reuses the ladder by naming its parameters and words (here the needs' parameters)."""
    other = Ladder(
        prefix="closure",
        not_late="the request is withdrawn: not late",
        second_level="still not handled {} hours after its deadline: escalated two levels up",
    )
    e = climb(other, False, Urgency.urgent, DUE, DUE, POLICY.at(M20))
    assert [r.text for r in e.reasons] == ["the request is withdrawn: not late"]
    e = climb(other, True, Urgency.urgent, DUE, DUE + timedelta(hours=12), POLICY.at(M20))
    assert e.reasons[1].text == "still not handled 12 hours after its deadline: escalated two levels up"


# (hours after the start the deadline is asked for, or None; the deadline kept, in hours; an earlier one said; refused)
FORWARD_CASES = [
    (None, 24, False, False),
    (24, 24, False, False),
    (6, 6, True, False),
    (0.5, 0.5, True, False),
    (25, None, False, True),
]


@pytest.mark.parametrize(("asked", "kept", "said", "refused"), FORWARD_CASES, ids=str)
def test_bring_forward(asked: float | None, kept: float | None, said: bool, refused: bool) -> None:
    """A requested deadline (m20.17, m20.18) brings the urgency's forward, never puts it off
    (`closure.deadline_hours.urgent`: 24 h under m20); one too early is each caller's refusal, in its own words."""
    found = POLICY.at(M20).integer("closure.deadline_hours.urgent")
    requested = None if asked is None else DUE + timedelta(hours=asked)
    if refused:
        with pytest.raises(InvalidInput) as err:
            bring_forward(DUE + timedelta(hours=24), requested, found)
        assert err.value.field == "deadline"
        assert err.value.message.endswith("is later than the 24-hour deadline")
        return
    deadline, reason = bring_forward(DUE + timedelta(hours=24), requested, found)
    assert deadline == DUE + timedelta(hours=kept or 0)
    assert (reason is not None) is said
    if reason is not None:
        assert (reason.clause, reason.text) == ("m20.17", "an earlier deadline was asked for")
