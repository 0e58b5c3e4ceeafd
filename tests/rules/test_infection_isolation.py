"""The release of an infection isolated at home under the new ten (n10.3: "隔离第6、7天连续2次核酸检测Ct值≥35解除隔离"),
table-driven. Expected values worked out from the text and the register entry n10-infection-release: seven days,
tests on days 6 and 7, released the day after two passing tests in a row; a test below 35 extends the isolation a
day at a time with a test each day; a day without a result holds the release."""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.policy.terms import Category
from fangkong.rules.ct import GeneCt
from fangkong.rules.infection_isolation import CtReading, isolation_release
from fangkong.rules.plans import Plan, management_plan

POLICY = load_policy()
RULES = POLICY.at(date(2022, 12, 10))
START = date(2022, 12, 10)  # day 1; day 6 = 15 Dec, day 7 = 16 Dec, planned release 17 Dec


def plan_of(category: Category = Category.mild_infection) -> Plan:
    plan = management_plan(category, START, RULES)
    assert isinstance(plan, Plan), plan
    return plan


def d(day: int) -> date:
    return date(2022, 12, 9 + day)  # isolation day number → date


def read(day: int, orf: float | None, n: float | None) -> CtReading:
    return CtReading(sampled_on=d(day), ct=GeneCt(orf1ab=orf, n=n))


# (label, readings, released_on (isolation day number, None: not yet), plan's last day, test days, awaiting)
CASES = [
    ("no results yet", [], None, 7, (6, 7), (6, 7)),
    ("day 6 only", [read(6, 36, 37)], None, 7, (6, 7), (7,)),
    ("days 6 and 7 pass", [read(6, 36, 37), read(7, 38, None)], 8, 7, (6, 7), ()),
    ("nothing detected passes", [read(6, None, None), read(7, None, None)], 8, 7, (6, 7), ()),
    ("exactly 35 passes", [read(6, 35, 35), read(7, 35, 36)], 8, 7, (6, 7), ()),
    # the gene rule in force (ct.gene_rule) decides a test from its two targets, as for every result
    ("earlier tests do not count", [read(3, 20, 21), read(6, 36, 36), read(7, 37, 37)], 8, 7, (6, 7), ()),
    ("day 7 below 35: two more days", [read(6, 36, 36), read(7, 30, 31)], None, 9, (6, 7, 8, 9), (8, 9)),
    (
        "then days 8 and 9 pass",
        [read(6, 36, 36), read(7, 30, 31), read(8, 36, 36), read(9, 37, 38)],
        10,
        9,
        (6, 7, 8, 9),
        (),
    ),
    ("day 6 below, 7 and 8 pass", [read(6, 30, 30), read(7, 36, 36), read(8, 36, 36)], 9, 8, (6, 7, 8), ()),
    (
        "the worst result of a day decides",
        [read(6, 36, 36), read(6, 33, 34), read(7, 36, 36)],
        None,
        8,
        (6, 7, 8),
        (8,),
    ),
    (
        "a fail after a pass restarts the pair",
        [read(6, 36, 36), read(7, 36, 36), read(8, 30, 30)],
        None,
        10,
        (6, 7, 8, 9, 10),
        (9, 10),
    ),
]


@pytest.mark.parametrize(
    ("label", "readings", "released", "last_day", "tests", "awaiting"), CASES, ids=[c[0] for c in CASES]
)
def test_release_from_the_tests(
    label: str,
    readings: list[CtReading],
    released: int | None,
    last_day: int,
    tests: tuple[int, ...],
    awaiting: tuple[int, ...],
) -> None:
    got = isolation_release(plan_of(), readings, RULES)
    assert got.released_on == (None if released is None else d(released)), label
    assert got.plan.phases[-1].end == d(last_day)
    assert got.plan.released_on == d(last_day + 1)
    assert got.plan.phases[-1].test_days == tests
    assert got.awaiting == tuple(d(n) for n in awaiting)
    assert got.extended is (last_day > 7)
    assert got.cite == ["n10.3"]


def test_only_an_infection_isolated_at_home_is_released_by_its_ct() -> None:
    contact = management_plan(Category.close_contact, START, RULES)
    assert isinstance(contact, Plan)
    with pytest.raises(InvalidInput) as e:
        isolation_release(contact, [], RULES)
    assert e.value.field == "category"
