"""Multi-point triggering (measure 15, m20.15), table-driven. Expected values worked out by hand from
multi_point.yaml and the register: two channels alarming within 3 days (the day judged and the two before) raise a
multi-channel alert; one channel alone raises an alert only when its count is at least twice its upper bound and at
least 10; an alert is verified within 24 hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fangkong.policy import load_policy
from fangkong.policy.terms import WarningAlertKind
from fangkong.rules.multi_point import ChannelAlarm, multi_point_trigger

POLICY = load_policy()
ON = date(2022, 11, 16)
AT = datetime(2022, 11, 16, 1, tzinfo=UTC)


def alarm(channel: str, days_before: int, count: int = 8, upper: float = 6.0) -> ChannelAlarm:
    return ChannelAlarm(channel=channel, day=ON - timedelta(days=days_before), count=count, upperbound=upper)


# (alarms, raised, kind, channels)
CASES = [
    ([], False, None, ()),
    ([alarm("fever_clinic", 0)], False, None, ("fever_clinic",)),
    (
        [alarm("fever_clinic", 0), alarm("antipyretic_sales", 2)],
        True,
        WarningAlertKind.multi_channel,
        ("antipyretic_sales", "fever_clinic"),
    ),
    ([alarm("fever_clinic", 0), alarm("antipyretic_sales", 3)], False, None, ("fever_clinic",)),  # outside the window
    ([alarm("fever_clinic", 0), alarm("fever_clinic", 1)], False, None, ("fever_clinic",)),  # one channel twice
    ([alarm("fever_clinic", 1, count=20, upper=9.5)], True, WarningAlertKind.strong_signal, ("fever_clinic",)),
    ([alarm("fever_clinic", 1, count=18, upper=9.5)], False, None, ("fever_clinic",)),  # under twice the bound
    ([alarm("fever_clinic", 1, count=9, upper=1.0)], False, None, ("fever_clinic",)),  # strong ratio, too few
    ([alarm("fever_clinic", 1, count=10, upper=0.0)], True, WarningAlertKind.strong_signal, ("fever_clinic",)),
    ([alarm("fever_clinic", -1), alarm("antipyretic_sales", 0)], False, None, ("antipyretic_sales",)),  # after the day
]


@pytest.mark.parametrize(("alarms", "raised", "kind", "channels"), CASES, ids=str)
def test_trigger(
    alarms: list[ChannelAlarm], raised: bool, kind: WarningAlertKind | None, channels: tuple[str, ...]
) -> None:
    decision = multi_point_trigger(alarms, ON, AT, POLICY.at(ON))
    assert (decision.raised, decision.kind, decision.channels) == (raised, kind, channels)
    assert decision.verify_by == (AT + timedelta(hours=24) if raised else None)
    assert decision.cite == ["m20.15"]


def test_before_the_20_measures_nothing_is_in_force() -> None:
    from fangkong.errors import NotInForce

    with pytest.raises(NotInForce):
        multi_point_trigger([], date(2022, 10, 1), AT, POLICY.at(date(2022, 10, 1)))


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 5), st.integers(0, 40)), max_size=6))
def test_more_alarms_never_unraise(raw: list[tuple[str, int, int]]) -> None:
    """Adding an alarm never takes an alert away (monotone), and an alert always has evidence."""
    alarms = [alarm(c, d, count=n, upper=5.0) for c, d, n in raw]
    before = multi_point_trigger(alarms, ON, AT, POLICY.at(ON))
    after = multi_point_trigger([*alarms, alarm("d", 0)], ON, AT, POLICY.at(ON))
    assert after.raised or not before.raised
    if before.raised:
        assert before.evidence
