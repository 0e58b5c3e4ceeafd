"""The test on arrival of people crossing provinces (measure 15, m20.15; m20-docs.testing; n10.2), table-driven.
Expected values worked out by hand from arrivals.yaml and the register: under the 20 measures a test within 24 hours
of arrival, a missed one reminded for 3 days after arrival, a decline, a test elsewhere or leaving ends the
follow-up; the new ten and Class B owe no test; before the 20 measures no landing check is in force. Every owed
decision says the test is voluntary and restricts nobody."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.policy.terms import ArrivalFollowUpOutcome as Out
from fangkong.policy.terms import LandingStatus as S
from fangkong.rules.landing_check import FollowUpDone, LandingTest, check_province, landing_check, province_of

POLICY = load_policy()
ARRIVED = datetime(2022, 11, 25, 9, 0, tzinfo=UTC)  # the testing rules of 21 Nov in force
H = timedelta(hours=1)
D = timedelta(days=1)

# (hours after arrival judged, tests (hours after arrival, positive), follow-ups (hours, outcome), status, follow_up,
#  late)
CASES = [
    (2, [], [], S.due, False, False),
    (24, [], [], S.due, False, False),
    (25, [], [], S.missed, True, False),
    (72, [], [], S.missed, True, False),
    (73, [], [], S.missed, False, False),
    (30, [(3, False)], [], S.tested, False, False),
    (30, [(3, None)], [], S.tested, False, False),
    (30, [(-5, False)], [], S.missed, True, False),  # a test before arrival (at the origin) is not the landing test
    (40, [(30, False)], [], S.tested, False, True),
    (40, [(3, False), (30, True)], [], S.positive, False, True),
    (40, [(3, True)], [], S.positive, False, False),
    (10, [(30, False)], [], S.due, False, False),  # a sample after the instant judged is not known yet
    (30, [], [(26, Out.reminded)], S.missed, True, False),
    (30, [], [(26, Out.declined)], S.closed, False, False),
    (30, [], [(26, Out.left)], S.closed, False, False),
    (30, [], [(26, Out.tested_elsewhere)], S.closed, False, False),
    (30, [], [(26, Out.unreachable)], S.missed, True, False),
    (30, [], [(31, Out.declined)], S.missed, True, False),  # recorded after the instant judged
]


@pytest.mark.parametrize(("hours", "tests", "follow_ups", "status", "follow_up", "late"), CASES, ids=str)
def test_under_the_20_measures(
    hours: int,
    tests: list[tuple[int, bool | None]],
    follow_ups: list[tuple[int, Out]],
    status: S,
    follow_up: bool,
    late: bool,
) -> None:
    decision = landing_check(
        ARRIVED,
        [LandingTest(ARRIVED + h * H, p) for h, p in tests],
        [FollowUpDone(ARRIVED + h * H, o) for h, o in follow_ups],
        ARRIVED + hours * H,
        POLICY.at(ARRIVED.date()),
    )
    assert (decision.status, decision.follow_up, decision.late) == (status, follow_up, late)
    assert decision.due_by == ARRIVED + 24 * H
    assert decision.follow_up_until in (None, ARRIVED + 3 * D)
    assert "m20.15" in decision.cite
    if status is not S.positive:
        assert "m20-docs.testing" in decision.cite
        assert any("not restricted" in r.text for r in decision.reasons)


@pytest.mark.parametrize(
    ("on", "clause"),
    [(date(2022, 12, 7), "n10.2"), (date(2022, 12, 20), "n10.2"), (date(2023, 2, 1), "classb.general")],
)
def test_later_versions_owe_no_test(on: date, clause: str) -> None:
    arrived = datetime(on.year, on.month, on.day, 9, tzinfo=UTC)
    decision = landing_check(arrived, [], [], arrived + 5 * D, POLICY.at(on))
    assert decision.status is S.not_owed
    assert not decision.follow_up and decision.due_by is None
    assert decision.cite == [clause]


def test_before_the_20_measures_no_landing_check_is_in_force() -> None:
    arrived = datetime(2022, 7, 1, 9, tzinfo=UTC)
    decision = landing_check(arrived, [], [], arrived + 30 * H, POLICY.at(arrived.date()))
    assert decision.status is S.not_owed
    assert decision.cite == ["v9.scope"]


def test_the_version_of_the_arrival_day_decides() -> None:
    """Arrived on 6 Dec under the 20 measures, judged on 8 Dec after the new ten: the test was owed, and missed."""
    arrived = datetime(2022, 12, 6, 9, tzinfo=UTC)
    decision = landing_check(arrived, [], [], arrived + 2 * D, POLICY.at(arrived.date()))
    assert decision.status is S.missed and decision.follow_up


@given(
    hours=st.integers(min_value=0, max_value=24 * 10),
    tests=st.lists(st.tuples(st.integers(-48, 24 * 10), st.sampled_from([True, False, None])), max_size=4),
    follow_ups=st.lists(st.tuples(st.integers(0, 24 * 10), st.sampled_from(list(Out))), max_size=3),
)
def test_nobody_is_restricted_and_reminders_stop(
    hours: int, tests: list[tuple[int, bool | None]], follow_ups: list[tuple[int, Out]]
) -> None:
    """Invariants: a reminder only while follow-up lasts and nothing was taken or ended; `tested_at` after arrival."""
    now = ARRIVED + hours * H
    decision = landing_check(
        ARRIVED,
        [LandingTest(ARRIVED + h * H, p) for h, p in tests],
        [FollowUpDone(ARRIVED + h * H, o) for h, o in follow_ups],
        now,
        POLICY.at(ARRIVED.date()),
    )
    if decision.follow_up:
        assert decision.status is S.missed and now <= ARRIVED + 3 * D
    if decision.tested_at is not None:
        assert ARRIVED <= decision.tested_at <= now
    taken = [h for h, _ in tests if 0 <= h <= hours]
    assert (decision.status in (S.tested, S.positive)) == bool(taken)


@pytest.mark.parametrize(("code", "ok"), [("44", True), ("65", True), ("81", False), ("71", False), ("99", False)])
def test_provinces(code: str, ok: bool) -> None:
    if ok:
        assert check_province(code) == code
    else:
        with pytest.raises(InvalidInput) as refused:
            check_province(code)
        assert refused.value.field == "from_province"
    assert province_of("110105001") == "11"


def test_before_the_testing_rules_the_notice_is_cited() -> None:
    """Arrived on 15 Nov (the notice in force, its testing rules of 21 Nov not yet): owed, voluntary, citing m20.15."""
    arrived = datetime(2022, 11, 15, 9, tzinfo=UTC)
    decision = landing_check(arrived, [], [], arrived + 30 * H, POLICY.at(arrived.date()))
    assert decision.status is S.missed
    assert decision.cite == ["m20.15"]
