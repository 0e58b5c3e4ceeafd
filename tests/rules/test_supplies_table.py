"""Days of supply, reorder alerts and the allocation of short stock (measure 13, m20.13), table-driven per version.
Expected values worked out by hand from supplies.yaml and the register: a 14-day window, reorder points of 14
(antivirals, first-aid drugs), 7 (antipyretics, TCM prescriptions, oximeters), 21 (oxygen concentrators) and 28
(ventilators) days, critical under 3 days; allocation: severe/critical, then high risk (treatment.high_risk: 60+ or a
listed factor under m20; 80+, 60+ unvaccinated or a listed factor under n10 and Class B), then the elderly (60+), then
the rest, earliest request first. Before the 20 measures no rule is in force (never read as zero)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from fangkong.errors import InvalidInput, NotInForce
from fangkong.policy import load_policy
from fangkong.policy.terms import AllocationGroup, RiskFactor, Severity
from fangkong.rules.supplies import SupplyAlert, SupplyRequest, allocate, days_of_supply, reorder

POLICY = load_policy()
V9, M20, N10, CLASSB = date(2022, 7, 15), date(2022, 11, 20), date(2022, 12, 10), date(2023, 2, 1)
VERSIONS = [M20, N10, CLASSB]


def _daily(as_of: date, per_day: int, days: int) -> dict[date, int]:
    return {as_of - timedelta(days=i): per_day for i in range(days)}


# (label, stock, dispensed per day, days dispensed back from as_of, category, daily use, days of supply, alert)
STOCK_CASES = [
    ("ample antivirals", 1000, 10, 14, "antiviral", 10.0, 100.0, SupplyAlert.none),
    ("antivirals at the point", 140, 10, 14, "antiviral", 10.0, 14.0, SupplyAlert.none),
    ("antivirals just under", 139, 10, 14, "antiviral", 10.0, 13.9, SupplyAlert.reorder),
    ("antipyretics 7 days", 70, 10, 14, "antipyretic", 10.0, 7.0, SupplyAlert.none),
    ("antipyretics 6 days", 60, 10, 14, "antipyretic", 10.0, 6.0, SupplyAlert.reorder),
    ("use only half the window", 70, 10, 7, "antipyretic", 5.0, 14.0, SupplyAlert.none),
    ("older dispensations ignored", 10, 10, 30, "oximeter", 10.0, 1.0, SupplyAlert.critical),
    ("critical under 3", 29, 10, 14, "tcm_prescription", 10.0, 2.9, SupplyAlert.critical),
    ("3 days is not critical", 30, 10, 14, "tcm_prescription", 10.0, 3.0, SupplyAlert.reorder),
    ("ventilators 28", 27, 1, 14, "ventilator", 1.0, 27.0, SupplyAlert.reorder),
    ("oxygen 21", 21, 1, 14, "oxygen_concentrator", 1.0, 21.0, SupplyAlert.none),
    ("first aid 14", 13, 1, 14, "first_aid_drug", 1.0, 13.0, SupplyAlert.reorder),
    ("no use: no alert", 5, 0, 0, "antiviral", None, None, SupplyAlert.none),
    ("empty shelf, no use", 0, 0, 0, "antiviral", None, 0.0, SupplyAlert.critical),
    ("empty shelf, use", 0, 3, 14, "antiviral", 3.0, 0.0, SupplyAlert.critical),
]


@pytest.mark.parametrize("on", VERSIONS, ids=str)
@pytest.mark.parametrize(
    ("label", "stock", "per_day", "days", "category", "use", "supply", "alert"), STOCK_CASES, ids=lambda v: str(v)
)
def test_days_of_supply_and_reorder(
    label: str,
    stock: int,
    per_day: int,
    days: int,
    category: str,
    use: float | None,
    supply: float | None,
    alert: SupplyAlert,
    on: date,
) -> None:
    rules = POLICY.at(on)
    found = days_of_supply(stock, _daily(on, per_day, days), on, rules)
    assert found.daily_use == (pytest.approx(use) if use is not None else None)
    assert found.days == (pytest.approx(supply) if supply is not None else None)
    decided = reorder(found, category, rules)
    assert decided.alert is alert, label
    assert decided.cite == ["m20.13"]
    assert all(r.text for r in decided.reasons)


def test_before_the_20_measures_no_rule_is_in_force() -> None:
    with pytest.raises(NotInForce):
        days_of_supply(10, {}, V9, POLICY.at(V9))


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda r: days_of_supply(-1, {}, M20, r), "stock"),
        (lambda r: days_of_supply(1, {M20: -2}, M20, r), "dispensed"),
        (lambda r: reorder(days_of_supply(1, {}, M20, r), "vaccine", r), "category"),
        (lambda r: allocate(-1, [], r), "available"),
        (lambda r: allocate(1, [_req(1, 0, 30)], r), "quantity"),
        (lambda r: allocate(1, [_req(1, 1, 200)], r), "age"),
        (lambda r: allocate(1, [_req(1, 1, 30), _req(1, 1, 40)], r), "key"),
    ],
)
def test_bad_input_names_the_field(call: object, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        call(POLICY.at(M20))  # type: ignore[operator]
    assert refused.value.field == field


T0 = datetime(2022, 12, 1, 8, 0)


def _req(
    key: int,
    quantity: int,
    age: int,
    severity: str | None = None,
    factors: tuple[RiskFactor, ...] = (),
    minutes: int = 0,
) -> SupplyRequest:
    return SupplyRequest(
        key=key,
        quantity=quantity,
        age=age,
        severity=Severity(severity) if severity else None,
        risk_factors=frozenset(factors),
        requested_at=T0 + timedelta(minutes=minutes),
    )


UNVAX = RiskFactor.unvaccinated
UD = RiskFactor.serious_underlying_disease
G = AllocationGroup

# (label, day, request (age, severity, factors), group)
GROUP_CASES = [
    ("severe young", M20, (30, "severe", ()), G.severe),
    ("critical", N10, (30, "critical", ()), G.severe),
    ("moderate old m20", M20, (65, "moderate", ()), G.high_risk),
    ("65 under m20: high risk by age", M20, (65, None, ()), G.high_risk),
    ("65 under n10: elderly only", N10, (65, None, ()), G.elderly),
    ("65 unvaccinated under n10: high risk", N10, (65, None, (UNVAX,)), G.high_risk),
    ("85 under n10", N10, (85, "mild", ()), G.high_risk),
    ("65 under Class B: elderly", CLASSB, (65, "mild", ()), G.elderly),
    ("young with underlying disease", CLASSB, (30, "mild", (UD,)), G.high_risk),
    ("young unvaccinated under m20: others", M20, (30, "mild", (UNVAX,)), G.others),
    ("young mild", N10, (30, "mild", ()), G.others),
]


@pytest.mark.parametrize(("label", "on", "who", "group"), GROUP_CASES, ids=lambda v: str(v))
def test_allocation_group_per_version(label: str, on: date, who: tuple, group: AllocationGroup) -> None:  # type: ignore[type-arg]
    age, severity, factors = who
    found = allocate(1, [_req(1, 1, age, severity, factors)], POLICY.at(on))
    assert found.grants[0].group is group, label
    assert "m20.13" in found.grants[0].cite


@pytest.mark.parametrize("on", VERSIONS, ids=str)
def test_a_shortage_goes_to_the_severe_high_risk_and_elderly_first(on: date) -> None:
    rules = POLICY.at(on)
    requests = [
        _req(1, 2, 30, "mild", minutes=0),  # first to ask, lowest priority
        _req(2, 2, 70, "mild", minutes=10),  # elderly (m20: high risk)
        _req(3, 2, 40, "severe", minutes=20),
        _req(4, 2, 90, "mild", minutes=30),  # high risk in every version
        _req(5, 2, 30, "mild", (UD,), minutes=40),  # high risk by underlying disease
    ]
    found = allocate(7, requests, rules)
    served = [(g.key, g.granted) for g in found.grants]
    # severe first; then the high risk (ordered by request time); the 70-year-old is high risk under m20 (asked
    # before 4 and 5) and only elderly afterwards; the young mild patient who asked first gets nothing
    if on == M20:
        assert served == [(3, 2), (2, 2), (4, 2), (5, 1), (1, 0)]
    else:
        assert served == [(3, 2), (4, 2), (5, 2), (2, 1), (1, 0)]
    assert (found.granted, found.left, found.asked) == (7, 0, 10)
    assert found.grants[-1].reasons[-1].text == "none left for the 2 asked"


def test_ties_are_broken_by_request_time_then_key() -> None:
    rules = POLICY.at(N10)
    found = allocate(1, [_req(9, 1, 30, minutes=5), _req(8, 1, 30, minutes=5), _req(7, 1, 30, minutes=6)], rules)
    assert [(g.key, g.granted) for g in found.grants] == [(8, 1), (9, 0), (7, 0)]


def test_enough_stock_serves_everyone() -> None:
    found = allocate(100, [_req(1, 3, 30), _req(2, 4, 85)], POLICY.at(M20))
    assert [g.granted for g in found.grants] == [4, 3]
    assert found.left == 93
