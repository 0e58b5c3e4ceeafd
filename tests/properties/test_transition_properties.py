"""Properties of transition_plan: plans in flight when m20 (2022-11-11), n10 (2022-12-07) and classb (2023-01-08)
take effect."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fangkong.policy import Policy, load_policy
from fangkong.policy.terms import Category
from fangkong.rules.plans import Plan, PlanRefusal, management_plan
from fangkong.rules.transition import transition_plan

POLICY: Policy = load_policy()

M20_ON = date(2022, 11, 11)
N10_ON = date(2022, 12, 7)
CLASSB_ON = date(2023, 1, 8)

# The past-infection category has no rules under v9 (management_plan raises NotInForce; see test_plan_properties).
V9_CATEGORIES = [c for c in Category if c is not Category.past_infection_ct35_40]


def _days(first: date, until: date) -> list[date]:
    """first, first + 1, ..., until - 1."""
    return [first + timedelta(days=i) for i in range((until - first).days)]


def _old_plan(category: Category, start: date, old_version: str) -> Plan:
    old = management_plan(category, start, POLICY.for_version(old_version, start))
    assume(isinstance(old, Plan))
    assert isinstance(old, Plan)
    return old


def assert_well_formed(result: Plan, start: date) -> None:
    if not result.phases:
        # released before serving a single day (plan starting on the effective date, refused by the new rules)
        assert result.released_on == start
        return
    assert result.phases[0].start == start
    for prev, nxt in zip(result.phases, result.phases[1:], strict=False):
        assert nxt.start == prev.end + timedelta(days=1), f"gap or overlap between {prev} and {nxt}"
    for phase in result.phases:
        assert phase.start <= phase.end
        assert all(1 <= t <= phase.days for t in phase.test_days), f"test day outside {phase}"
        assert list(phase.test_days) == sorted(set(phase.test_days)), f"test days not increasing in {phase}"
    assert result.released_on == result.phases[-1].end + timedelta(days=1)
    assert result.may_go_out.strictness == max(p.may_go_out.strictness for p in result.phases)


def assert_transition(category: Category, start: date, old_version: str, new_version: str, effective: date) -> Plan:
    """The properties shared by every transition; returns the transitioned plan."""
    old = _old_plan(category, start, old_version)
    new_rules = POLICY.at(effective)
    assert new_rules.version == new_version
    result = transition_plan(old, new_rules, effective)

    assert result.category is category
    assert result.start == start
    assert_well_formed(result, start)
    for reason in result.reasons:
        assert reason.clause in POLICY.clauses, f"unknown clause {reason.clause!r}"

    # never later than the old plan
    assert result.released_on <= old.released_on

    if old.released_on <= effective:
        # released before the new rules took effect: nothing changes
        assert result == old
        return result

    assert result.released_on >= effective
    # the days served before the effective date are those of the old plan, phase kind and tests alike
    for day in _days(start, effective):
        old_phase, new_phase = old.phase_on(day), result.phase_on(day)
        assert old_phase is not None
        assert new_phase is not None, f"{day} was served under the old plan but is missing from the new one"
        assert new_phase.kind == old_phase.kind, f"{day}: {old_phase.kind} became {new_phase.kind}"
    assert [d for d in result.test_dates if d < effective] == [d for d in old.test_dates if d < effective]
    return result


def expected_release(category: Category, start: date, new_version: str, effective: date) -> date:
    """max(effective, release of the plan the new rules give from the same first day); the effective day
    when the new rules manage no such plan."""
    reference = management_plan(category, start, POLICY.for_version(new_version, start))
    if isinstance(reference, PlanRefusal):
        return effective
    return max(effective, reference.released_on)


# ---- 9th edition -> 20 measures (2022-11-11) ---------------------------------------------------------


@settings(max_examples=150, deadline=None, database=None)
@given(
    category=st.sampled_from(V9_CATEGORIES),
    start=st.dates(min_value=date(2022, 10, 20), max_value=M20_ON),
)
def test_v9_to_m20(category: Category, start: date) -> None:
    result = assert_transition(category, start, "v9", "m20", M20_ON)
    old = _old_plan(category, start, "v9")
    if old.released_on > M20_ON:
        assert result.released_on == expected_release(category, start, "m20", M20_ON)


@settings(max_examples=60, deadline=None, database=None)
@given(start=st.dates(min_value=date(2022, 10, 20), max_value=M20_ON))
def test_v9_to_m20_close_contact_release(start: date) -> None:
    old = _old_plan(Category.close_contact, start, "v9")
    result = transition_plan(old, POLICY.at(M20_ON), M20_ON)
    m20 = management_plan(Category.close_contact, start, POLICY.for_version("m20", start))
    assert isinstance(m20, Plan)
    if old.released_on > M20_ON:
        assert result.released_on == max(M20_ON, m20.released_on)
    else:
        assert result.released_on == old.released_on
    # independent of the data: v9 is 7 + 3 days, m20 is 5 + 3 days, both from the same first day
    assert old.released_on == start + timedelta(days=10)
    assert m20.released_on == start + timedelta(days=8)


# ---- 20 measures -> new 10 (2022-12-07) --------------------------------------------------------------


@settings(max_examples=150, deadline=None, database=None)
@given(
    category=st.sampled_from(list(Category)),
    start=st.dates(min_value=date(2022, 11, 20), max_value=N10_ON),
)
def test_m20_to_n10(category: Category, start: date) -> None:
    result = assert_transition(category, start, "m20", "n10", N10_ON)
    old = _old_plan(category, start, "m20")
    if old.released_on > N10_ON:
        assert result.released_on == expected_release(category, start, "n10", N10_ON)


@settings(max_examples=60, deadline=None, database=None)
@given(start=st.dates(min_value=date(2022, 11, 20), max_value=N10_ON))
def test_m20_to_n10_close_contact_release(start: date) -> None:
    old = _old_plan(Category.close_contact, start, "m20")
    result = transition_plan(old, POLICY.at(N10_ON), N10_ON)
    n10 = management_plan(Category.close_contact, start, POLICY.for_version("n10", start))
    assert isinstance(n10, Plan)
    if old.released_on > N10_ON:
        assert result.released_on == max(N10_ON, n10.released_on)
    else:
        assert result.released_on == old.released_on
    assert old.released_on == start + timedelta(days=8)
    assert n10.released_on == start + timedelta(days=5)


# ---- new 10 -> Class B (2023-01-08): everyone still managed is released that day -------------------------


@settings(max_examples=150, deadline=None, database=None)
@given(
    category=st.sampled_from(list(Category)),
    start=st.dates(min_value=date(2022, 12, 25), max_value=CLASSB_ON),
)
def test_n10_to_classb(category: Category, start: date) -> None:
    result = assert_transition(category, start, "n10", "classb", CLASSB_ON)
    old = _old_plan(category, start, "n10")
    assert result.released_on == min(old.released_on, CLASSB_ON)
    assert all(p.end < CLASSB_ON for p in result.phases)
