"""Properties of the vaccination status rule (measure 12, m20.12): with the same doses a status never goes down as
days pass (the booster interval only ever shortened, elderly-vax.booster_interval), and a dose given after the others
never lowers it."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.policy import load_policy
from fangkong.policy.terms import VaccinationStatus
from fangkong.rules.vaccination import DoseGiven, vaccination_status
from tests.properties.test_clock_independence import SETTINGS, assert_clock_independent

POLICY = load_policy()
CODES = [p.code for p in POLICY.at(date(2022, 11, 11)).get("vaccination.products").value]
RANK = {s: i for i, s in enumerate(VaccinationStatus)}
START = date(2021, 1, 1)
FIRST_ASKED = date(2022, 11, 11)

dose_lists = st.lists(
    st.builds(
        lambda code, offset: DoseGiven(product=code, given_on=START + timedelta(days=offset)),
        st.sampled_from(CODES),
        st.integers(0, 800),
    ),
    max_size=6,
)
births = st.none() | st.builds(
    lambda y, n: date(y, 1, 1) + timedelta(days=n), st.integers(1925, 2015), st.integers(0, 364)
)


@settings(max_examples=300, deadline=None)
@given(doses=dose_lists, birth=births, a=st.integers(0, 500), b=st.integers(0, 500))
def test_status_never_goes_down_as_days_pass(doses: list[DoseGiven], birth: date | None, a: int, b: int) -> None:
    early, late = FIRST_ASKED + timedelta(days=min(a, b)), FIRST_ASKED + timedelta(days=max(a, b))
    first = vaccination_status(doses, birth, early, POLICY.at(early))
    second = vaccination_status(doses, birth, late, POLICY.at(late))
    assert RANK[second.status] >= RANK[first.status]
    assert second.doses_counted >= first.doses_counted


@settings(max_examples=300, deadline=None)
@given(doses=dose_lists, birth=births, code=st.sampled_from(CODES), gap=st.integers(0, 400), a=st.integers(0, 500))
def test_a_later_dose_never_lowers_the_status(
    doses: list[DoseGiven], birth: date | None, code: str, gap: int, a: int
) -> None:
    on = FIRST_ASKED + timedelta(days=a)
    last = max((x.given_on for x in doses), default=START)
    added = DoseGiven(product=code, given_on=last + timedelta(days=gap))
    before = vaccination_status(doses, birth, on, POLICY.at(on))
    after = vaccination_status([*doses, added], birth, on, POLICY.at(on))
    assert RANK[after.status] >= RANK[before.status]
    assert after.doses_counted >= before.doses_counted


@SETTINGS
@given(doses=dose_lists, birth=births, a=st.integers(0, 500))
def test_clock_independent(doses: list[DoseGiven], birth: date | None, a: int) -> None:
    """The rule joins the clock-independence check of every rule (tests/properties/test_clock_independence.py)."""
    on = FIRST_ASKED + timedelta(days=a)
    assert_clock_independent(lambda: vaccination_status(doses, birth, on, POLICY.at(on)))
