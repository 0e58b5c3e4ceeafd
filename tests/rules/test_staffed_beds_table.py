"""Staffed beds (measure 11: beds prepared in advance, a plan for infected medical staff), table-driven. Expected
values worked out by hand from staffing.yaml: 0.4 nurses a general bed, 2.5 critical-care nurses and 0.8 doctors an
ICU bed; convertible ICU beds count as general beds."""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.policy.terms import BedKind, StaffKind
from fangkong.rules.staffed_beds import staffed_beds

POLICY = load_policy().at(date(2022, 11, 20))
G, ICU, C = BedKind.general, BedKind.icu, BedKind.convertible_icu
D, N, CC = StaffKind.doctor, StaffKind.nurse, StaffKind.critical_care_nurse

# (label, beds, staff present, staffed general, staffed icu)
CASES = [
    ("fully staffed", {G: 300, ICU: 20, C: 10}, {D: 80, N: 124, CC: 50}, 310, 20),
    ("nurses short", {G: 300, ICU: 20, C: 10}, {D: 80, N: 100, CC: 50}, 250, 20),
    ("critical-care nurses infected", {G: 300, ICU: 20, C: 10}, {D: 80, N: 124, CC: 30}, 310, 12),
    ("doctors infected", {G: 300, ICU: 20}, {D: 8, N: 120, CC: 50}, 300, 10),
    ("exact ratio", {G: 10, ICU: 2}, {D: 2, N: 4, CC: 5}, 10, 2),
    ("one nurse short of a bed", {G: 10}, {N: 3}, 7, 0),
    ("no staff", {G: 50, ICU: 5}, {}, 0, 0),
    ("no beds", {}, {D: 10, N: 10, CC: 10}, 0, 0),
]


@pytest.mark.parametrize(("label", "beds", "staff", "general", "icu"), CASES, ids=[c[0] for c in CASES])
def test_staffed_beds(
    label: str, beds: dict[BedKind, int], staff: dict[StaffKind, int], general: int, icu: int
) -> None:
    got = staffed_beds(beds, staff, POLICY)
    assert (got.general, got.icu) == (general, icu), label
    assert got.cite == ["m20.11"]
    assert got.physical_icu == beds.get(ICU, 0)


@pytest.mark.parametrize(("beds", "staff", "field"), [({G: -1}, {}, "beds.general"), ({}, {N: -2}, "staff.nurse")])
def test_negative_counts_refused_naming_the_field(
    beds: dict[BedKind, int], staff: dict[StaffKind, int], field: str
) -> None:
    with pytest.raises(InvalidInput) as e:
        staffed_beds(beds, staff, POLICY)
    assert e.value.field == field
