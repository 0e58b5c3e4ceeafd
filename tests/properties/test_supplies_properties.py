"""Properties of the allocation of short stock (measure 13, m20.13): it never gives more than there is nor more than
asked, a patient placed earlier (severe, high risk, elderly) is never left short while one placed later gets anything,
and the result does not depend on the order the requests are listed in."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.policy import load_policy
from fangkong.policy.terms import AllocationGroup, RiskFactor, Severity
from fangkong.rules.supplies import SupplyRequest, allocate, days_of_supply

POLICY = load_policy()
DAYS = [date(2022, 11, 20), date(2022, 12, 10), date(2023, 2, 1)]
T0 = datetime(2022, 12, 1, 8)

requests = st.lists(
    st.builds(
        lambda q, age, sev, factors, minutes: (q, age, sev, frozenset(factors), minutes),
        st.integers(1, 20),
        st.integers(0, 110),
        st.none() | st.sampled_from(list(Severity)),
        st.sets(st.sampled_from(list(RiskFactor))),
        st.integers(0, 600),
    ),
    max_size=25,
)


def _build(raw: list[tuple]) -> list[SupplyRequest]:  # type: ignore[type-arg]
    return [
        SupplyRequest(key=i, quantity=q, age=a, severity=s, risk_factors=f, requested_at=T0 + timedelta(minutes=m))
        for i, (q, a, s, f, m) in enumerate(raw)
    ]


@settings(max_examples=200, deadline=None)
@given(available=st.integers(0, 200), raw=requests, on=st.sampled_from(DAYS), seed=st.randoms())
def test_allocation_properties(available: int, raw: list[tuple], on: date, seed) -> None:  # type: ignore[no-untyped-def, type-arg]
    rules = POLICY.at(on)
    pending = _build(raw)
    found = allocate(available, pending, rules)
    grants = found.grants
    # never more than available, never more than asked, the totals add up
    assert sum(g.granted for g in grants) == found.granted <= available
    assert all(0 <= g.granted <= g.asked for g in grants)
    assert found.left == available - found.granted
    assert found.left == 0 or found.granted == found.asked
    # nobody gets anything while someone served before them (a higher group, or earlier in it) is short
    short_seen = False
    for g in grants:
        if short_seen:
            assert g.granted == 0
        if g.granted < g.asked:
            short_seen = True
    order = list(rules.get("supplies.allocation.order").value)
    ranks = [order.index(g.group) for g in grants]
    assert ranks == sorted(ranks)
    # a severe, high-risk or elderly patient is never left without while one of the rest gets some
    if any(g.group is AllocationGroup.others and g.granted > 0 for g in grants):
        assert all(g.granted == g.asked for g in grants if g.group is not AllocationGroup.others)
    # deterministic: the same requests listed in another order give the same allocation
    shuffled = list(pending)
    seed.shuffle(shuffled)
    assert allocate(available, shuffled, rules) == found


@settings(max_examples=200, deadline=None)
@given(
    stock=st.integers(0, 10_000),
    per_day=st.dictionaries(st.integers(0, 40), st.integers(0, 500), max_size=40),
    on=st.sampled_from(DAYS),
)
def test_days_of_supply_is_stock_over_the_window_mean(stock: int, per_day: dict[int, int], on: date) -> None:
    dispensed = {on - timedelta(days=back): q for back, q in per_day.items()}
    found = days_of_supply(stock, dispensed, on, POLICY.at(on))
    total = sum(q for back, q in per_day.items() if back < 14)
    assert found.dispensed_in_window == total
    if stock == 0:
        assert found.days == 0.0
    elif total == 0:
        assert found.days is None and found.daily_use is None
    else:
        assert found.days is not None and abs(found.days - stock * 14 / total) < 1e-9 * max(1.0, found.days)
