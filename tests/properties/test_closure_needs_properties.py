"""Properties of need deadlines under closure (measure 17, m20.17): a more urgent need is never due later than a less
urgent one raised at the same instant, a deadline is never before the need was raised, and escalation never goes
down as time passes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.policy import load_policy
from fangkong.policy.terms import NeedKind, NeedStatus, Urgency
from fangkong.rules.closure_needs import URGENCY_ORDER, escalation, need_deadline

POLICY = load_policy()
DAYS = [date(2022, 11, 20), date(2022, 12, 10), date(2023, 2, 1)]
instants = st.datetimes(min_value=datetime(2022, 11, 11), max_value=datetime(2023, 6, 1)).map(
    lambda d: d.replace(tzinfo=UTC)
)


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(list(NeedKind)),
    a=st.sampled_from(list(Urgency)),
    b=st.sampled_from(list(Urgency)),
    raised=instants,
    on=st.sampled_from(DAYS),
)
def test_more_urgent_is_never_due_later(kind: NeedKind, a: Urgency, b: Urgency, raised: datetime, on: date) -> None:
    policy = POLICY.at(on)
    first, second = need_deadline(kind, a, raised, policy), need_deadline(kind, b, raised, policy)
    if URGENCY_ORDER.index(a) <= URGENCY_ORDER.index(b):
        assert first.deadline <= second.deadline
    assert first.deadline > raised
    assert second.deadline > raised


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(list(NeedKind)), raised=instants, on=st.sampled_from(DAYS))
def test_the_default_deadline_is_never_before_it_was_raised(kind: NeedKind, raised: datetime, on: date) -> None:
    assert need_deadline(kind, None, raised, POLICY.at(on)).deadline > raised


@settings(max_examples=200, deadline=None)
@given(
    urgency=st.sampled_from(list(Urgency)),
    status=st.sampled_from([NeedStatus.open, NeedStatus.assigned]),
    deadline=instants,
    a=st.integers(-200, 200),
    b=st.integers(-200, 200),
)
def test_escalation_never_goes_down(urgency: Urgency, status: NeedStatus, deadline: datetime, a: int, b: int) -> None:
    policy = POLICY.at(DAYS[0])
    early, late = sorted((a, b))
    first = escalation(status, urgency, deadline, deadline + timedelta(hours=early), policy)
    second = escalation(status, urgency, deadline, deadline + timedelta(hours=late), policy)
    assert first.level <= second.level
