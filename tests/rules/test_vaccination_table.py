"""Vaccination status, table-driven (measure 12, m20.12): per product (two-dose inactivated, one-dose adenovirus
vector, three-dose recombinant protein, the inhaled booster-only form), per date (the booster interval of people aged
60 and over shortened from 6 to 3 months on 2022-11-29, elderly-vax.booster_interval), doses too early, mixed
platforms and heterologous boosters."""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.errors import InvalidInput, NotInForce
from fangkong.policy import load_policy
from fangkong.policy.terms import VaccinationStatus as S
from fangkong.rules.vaccination import (
    DoseGiven,
    OutreachAsked,
    add_months,
    age_band,
    outreach,
    vaccination_status,
)

POLICY = load_policy()
ELDER = date(1957, 5, 1)  # 65 in 2022
ADULT = date(1990, 3, 15)  # 32 in 2022
CHILD = date(2010, 6, 1)  # 12 in 2022


def d(iso: str) -> date:
    return date.fromisoformat(iso)


def doses(*pairs: tuple[str, str]) -> list[DoseGiven]:
    return [DoseGiven(product=p, given_on=d(on)) for p, on in pairs]


INACT_2021 = (("sinovac_coronavac", "2021-05-01"), ("sinovac_coronavac", "2021-06-01"))

CASES = [
    # (name, doses, birth, on, status, counted, full course on, booster due, due from, next dose due, cites)
    ("none", (), ADULT, "2022-11-20", S.unvaccinated, 0, None, False, None, None, "m20.12"),
    (
        "inactivated one dose",
        (("sinopharm_bbibp", "2022-11-01"),),
        ADULT,
        "2022-11-20",
        S.partial,
        1,
        None,
        False,
        None,
        "2022-11-22",
        "m20.12",
    ),
    (
        "inactivated two doses",
        INACT_2021,
        ADULT,
        "2022-11-20",
        S.full_course,
        2,
        "2021-06-01",
        True,
        "2021-12-01",
        "2021-12-01",
        "m20.12",
    ),
    (
        "inactivated, second dose 20 days later does not count",
        (("sinovac_coronavac", "2022-10-01"), ("sinovac_coronavac", "2022-10-21")),
        ADULT,
        "2022-11-20",
        S.partial,
        1,
        None,
        False,
        None,
        "2022-10-22",
        "m20.12",
    ),
    (
        "inactivated, another maker of the same platform continues the course",
        (("sinovac_coronavac", "2022-10-01"), ("sinopharm_wibp", "2022-10-22")),
        ADULT,
        "2022-11-20",
        S.full_course,
        2,
        "2022-10-22",
        False,
        "2023-04-22",
        "2023-04-22",
        "m20.12",
    ),
    (
        "adenovirus vector: one dose is the course",
        (("cansino_ad5", "2022-03-10"),),
        ADULT,
        "2022-11-20",
        S.full_course,
        1,
        "2022-03-10",
        True,
        "2022-09-10",
        "2022-09-10",
        "m20.12",
    ),
    (
        "inhaled adenovirus vector is a booster only",
        (("cansino_ad5_inhaled", "2022-10-10"),),
        ADULT,
        "2022-11-20",
        S.unvaccinated,
        0,
        None,
        False,
        None,
        None,
        "m20.12",
    ),
    (
        "recombinant protein: two of three doses",
        (("zhifei_zf2001", "2022-08-01"), ("zhifei_zf2001", "2022-09-01")),
        ADULT,
        "2022-11-20",
        S.partial,
        2,
        None,
        False,
        None,
        "2022-09-29",
        "m20.12",
    ),
    (
        "recombinant protein: three doses",
        (("zhifei_zf2001", "2022-06-01"), ("zhifei_zf2001", "2022-07-01"), ("zhifei_zf2001", "2022-08-01")),
        ADULT,
        "2022-11-20",
        S.full_course,
        3,
        "2022-08-01",
        False,
        "2023-02-01",
        "2023-02-01",
        "m20.12",
    ),
    (
        "recombinant protein: third dose 27 days after the second does not count",
        (("zhifei_zf2001", "2022-06-01"), ("zhifei_zf2001", "2022-07-01"), ("zhifei_zf2001", "2022-07-28")),
        ADULT,
        "2022-11-20",
        S.partial,
        2,
        None,
        False,
        None,
        "2022-07-29",
        "m20.12",
    ),
    (
        "a dose of another platform does not continue the course",
        (("sinovac_coronavac", "2022-06-01"), ("zhifei_zf2001", "2022-07-01")),
        ADULT,
        "2022-11-20",
        S.partial,
        1,
        None,
        False,
        None,
        "2022-06-22",
        "m20.12",
    ),
    (
        "heterologous booster (inhaled) counts",
        (*INACT_2021, ("cansino_ad5_inhaled", "2022-10-10")),
        ADULT,
        "2022-11-20",
        S.boosted,
        3,
        "2021-06-01",
        False,
        None,
        None,
        "m20.12",
    ),
    (
        "heterologous booster (recombinant) counts",
        (*INACT_2021, ("zhifei_zf2001", "2022-01-10")),
        ADULT,
        "2022-11-20",
        S.boosted,
        3,
        "2021-06-01",
        False,
        None,
        None,
        "m20.12",
    ),
    (
        "a booster 5 months after the course does not count (under 60)",
        (("sinovac_coronavac", "2022-01-01"), ("sinovac_coronavac", "2022-02-01"), ("sinovac_coronavac", "2022-07-01")),
        ADULT,
        "2022-11-20",
        S.full_course,
        2,
        "2022-02-01",
        True,
        "2022-08-01",
        "2022-08-01",
        "m20.12",
    ),
    # the interval change of 29 Nov 2022: a 65-year-old whose course ended on 2022-08-20
    (
        "65, course 2022-08-20, asked 2022-11-25: 6 months",
        (("sinovac_coronavac", "2022-07-30"), ("sinovac_coronavac", "2022-08-20")),
        ELDER,
        "2022-11-25",
        S.full_course,
        2,
        "2022-08-20",
        False,
        "2023-02-20",
        "2023-02-20",
        "m20.12",
    ),
    (
        "65, course 2022-08-20, asked 2022-11-30: 3 months",
        (("sinovac_coronavac", "2022-07-30"), ("sinovac_coronavac", "2022-08-20")),
        ELDER,
        "2022-11-30",
        S.full_course,
        2,
        "2022-08-20",
        True,
        "2022-11-20",
        "2022-11-20",
        "elderly-vax.booster_interval",
    ),
    (
        "32, course 2022-08-20, asked 2022-11-30: still 6 months",
        (("sinovac_coronavac", "2022-07-30"), ("sinovac_coronavac", "2022-08-20")),
        ADULT,
        "2022-11-30",
        S.full_course,
        2,
        "2022-08-20",
        False,
        "2023-02-20",
        "2023-02-20",
        "m20.12",
    ),
    (
        "65, booster 4 months after the course: not counted on 2022-11-25, counted on 2022-12-01",
        (
            ("sinovac_coronavac", "2022-06-01"),
            ("sinovac_coronavac", "2022-07-01"),
            ("cansino_ad5_inhaled", "2022-11-02"),
        ),
        ELDER,
        "2022-11-25",
        S.full_course,
        2,
        "2022-07-01",
        False,
        "2023-01-01",
        "2023-01-01",
        "m20.12",
    ),
    (
        "65, booster 4 months after the course, asked 2022-12-01",
        (
            ("sinovac_coronavac", "2022-06-01"),
            ("sinovac_coronavac", "2022-07-01"),
            ("cansino_ad5_inhaled", "2022-11-02"),
        ),
        ELDER,
        "2022-12-01",
        S.boosted,
        3,
        "2022-07-01",
        False,
        None,
        None,
        "elderly-vax.booster_interval",
    ),
    (
        "a child's course: no booster before 18",
        (("sinovac_coronavac", "2021-11-01"), ("sinovac_coronavac", "2021-12-01")),
        CHILD,
        "2022-11-20",
        S.full_course,
        2,
        "2021-12-01",
        False,
        "2028-06-01",
        "2028-06-01",
        "m20.12",
    ),
    (
        "a dose after the day asked is not given yet",
        (*INACT_2021, ("sinovac_coronavac", "2022-12-20")),
        ADULT,
        "2022-11-20",
        S.full_course,
        2,
        "2021-06-01",
        True,
        "2021-12-01",
        "2021-12-01",
        "m20.12",
    ),
    (
        "birth date unknown: the general interval",
        (("sinovac_coronavac", "2022-07-30"), ("sinovac_coronavac", "2022-08-20")),
        None,
        "2022-11-30",
        S.full_course,
        2,
        "2022-08-20",
        False,
        "2023-02-20",
        "2023-02-20",
        "m20.12",
    ),
]


@pytest.mark.parametrize(
    ("given", "birth", "on", "status", "counted", "full", "due", "due_from", "next_due", "cite"),
    [pytest.param(*row[1:], id=row[0]) for row in CASES],
)
def test_vaccination_status(
    given: tuple[tuple[str, str], ...],
    birth: date | None,
    on: str,
    status: S,
    counted: int,
    full: str | None,
    due: bool,
    due_from: str | None,
    next_due: str | None,
    cite: str,
) -> None:
    found = vaccination_status(doses(*given), birth, d(on), POLICY.at(d(on)))
    assert found.status is status
    assert found.doses_counted == counted
    assert found.full_course_on == (d(full) if full else None)
    assert found.booster_due is due
    assert found.booster_due_from == (d(due_from) if due_from else None)
    assert found.next_dose_due == (d(next_due) if next_due else None)
    assert cite in found.cite
    assert found.reasons


def test_a_dose_too_early_says_so() -> None:
    found = vaccination_status(
        doses(("sinovac_coronavac", "2022-10-01"), ("sinovac_coronavac", "2022-10-21")),
        ADULT,
        d("2022-11-20"),
        POLICY.at(d("2022-11-20")),
    )
    assert any("less than 21 days after the previous dose; not counted" in r.text for r in found.reasons)


def test_the_65_year_old_of_the_issue() -> None:
    given = doses(("sinovac_coronavac", "2022-07-30"), ("sinovac_coronavac", "2022-08-20"))
    before = vaccination_status(given, ELDER, d("2022-11-25"), POLICY.at(d("2022-11-25")))
    after = vaccination_status(given, ELDER, d("2022-11-30"), POLICY.at(d("2022-11-30")))
    assert not before.booster_due
    assert after.booster_due
    assert "elderly-vax.booster_interval" in after.cite
    assert "elderly-vax.booster_interval" not in before.cite


@pytest.mark.parametrize(
    ("given", "birth", "field"),
    [
        (doses(("moderna", "2022-01-01")), ADULT, "product"),
        (doses(("sinovac_coronavac", "1980-01-01")), ADULT, "given_on"),
    ],
)
def test_bad_doses_name_the_field(given: list[DoseGiven], birth: date, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        vaccination_status(given, birth, d("2022-11-20"), POLICY.at(d("2022-11-20")))
    assert caught.value.field == field


def test_no_rule_before_the_notice() -> None:
    with pytest.raises(NotInForce):
        vaccination_status([], ADULT, d("2022-07-01"), POLICY.at(d("2022-07-01")))


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        ("2022-08-20", 3, "2022-11-20"),
        ("2022-08-31", 6, "2023-02-28"),
        ("2021-06-01", 6, "2021-12-01"),
        ("2024-02-29", 12, "2025-02-28"),
    ],
)
def test_add_months(start: str, months: int, end: str) -> None:
    assert add_months(d(start), months) == d(end)


@pytest.mark.parametrize(
    ("birth", "on", "band"),
    [
        (date(2020, 6, 1), "2022-12-01", None),  # aged 2: not counted
        (date(2019, 11, 30), "2022-12-01", 3),
        (date(2004, 12, 2), "2022-12-01", 3),  # 17
        (date(2004, 12, 1), "2022-12-01", 18),
        (date(1962, 12, 1), "2022-12-01", 60),
        (date(1950, 1, 1), "2022-12-01", 70),
        (date(1940, 3, 1), "2022-12-01", 80),
        (None, "2022-12-01", None),
    ],
)
def test_age_band(birth: date | None, on: str, band: int | None) -> None:
    assert age_band(birth, d(on), POLICY.at(d(on))) == band


OLD = date(1940, 3, 1)  # 82 in late 2022
COURSE = (("sinovac_coronavac", "2021-05-01"), ("sinovac_coronavac", "2021-06-01"))
BOOSTED = (*COURSE, ("sinovac_coronavac", "2022-01-10"))


@pytest.mark.parametrize(
    ("birth", "given", "asked", "listed"),
    [
        pytest.param(OLD, (), (), True, id="82, unvaccinated"),
        pytest.param(OLD, COURSE[:1], (), True, id="82, one dose of two"),
        pytest.param(OLD, COURSE, (), True, id="82, booster due"),
        pytest.param(OLD, BOOSTED, (), False, id="82, boosted"),
        pytest.param(ADULT, (), (), False, id="32: not elderly"),
        pytest.param(None, (), (), False, id="age unknown"),
        pytest.param(OLD, (), (("contraindication", "2022-01-05", None),), False, id="contraindication"),
        pytest.param(OLD, (), (("refusal", "2022-11-20", None),), False, id="refused 11 days ago"),
        pytest.param(OLD, (), (("refusal", "2022-10-01", None),), True, id="refused 61 days ago"),
        pytest.param(OLD, (), (("later_date", "2022-11-25", "2022-12-05"),), False, id="later date to come"),
        pytest.param(OLD, (), (("later_date", "2022-11-20", "2022-11-28"),), True, id="later date passed"),
    ],
)
def test_outreach(
    birth: date | None, given: tuple[tuple[str, str], ...], asked: tuple[tuple[str, str, str | None], ...], listed: bool
) -> None:
    on = d("2022-12-01")
    rules = POLICY.at(on)
    status = vaccination_status(doses(*given), birth, on, rules)
    found = outreach(
        status,
        birth,
        [OutreachAsked(outcome=o, asked_on=d(a), later_on=d(later) if later else None) for o, a, later in asked],
        on,
        rules,
    )
    assert found.listed is listed
    assert found.reasons
