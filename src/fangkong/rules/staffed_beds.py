"""Staffed beds: the beds that the medical staff present on a day can care for (measure 11).

(11): "Prepare inpatient and critical-care beds ... and make a plan for when medical staff are infected" (准备好住院和
重症床位 ... 制定医务人员感染应对预案). A physical bed without a nurse is no capacity: the staff present (the staff of a
facility less those infected or absent that day) are turned into beds through the ratios in `staffing.*` (the notice
gives none; register staffing-general-nurse-ratio, staffing-icu-nurse-ratio, staffing-icu-doctor-ratio).

ICU beds are staffed first from the critical-care nurses and the doctors; convertible ICU beds count as general beds
until converted; general beds are staffed from the nurses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from fangkong.errors import InvalidInput
from fangkong.policy import PolicyAt
from fangkong.policy.terms import BedKind, StaffKind
from fangkong.rules.decision import Decision, Reason, because, policy_fields


class StaffedBeds(Decision):
    """Physical and staffed beds of one facility on one day (measure 11). `general` includes the convertible ICU beds
    not converted."""

    physical_general: int
    physical_icu: int
    general: int
    icu: int


def staffed_beds(beds: Mapping[BedKind, int], present: Mapping[StaffKind, int], policy: PolicyAt) -> StaffedBeds:
    """The staffed general and ICU beds of physical `beds` cared for by the staff `present` (measure 11, m20.11; the
    ratios in `staffing.*`). Raises InvalidInput naming `beds` or `staff` for a negative count."""
    for kind, count in beds.items():
        if count < 0:
            raise InvalidInput(f"beds.{kind.value}", f"{count} beds: a count cannot be negative")
    for staff_kind, count in present.items():
        if count < 0:
            raise InvalidInput(f"staff.{staff_kind.value}", f"{count} staff: a count cannot be negative")
    physical_general = beds.get(BedKind.general, 0) + beds.get(BedKind.convertible_icu, 0)
    physical_icu = beds.get(BedKind.icu, 0)
    general_ratio = policy.number("staffing.nurses_per_bed.general")
    icu_ratio = policy.number("staffing.nurses_per_bed.icu")
    doctor_ratio = policy.number("staffing.doctors_per_bed.icu")
    nurses = present.get(StaffKind.nurse, 0)
    critical = present.get(StaffKind.critical_care_nurse, 0)
    doctors = present.get(StaffKind.doctor, 0)
    by_nurses = _beds_for(critical, icu_ratio.value)
    by_doctors = _beds_for(doctors, doctor_ratio.value)
    icu = min(physical_icu, by_nurses, by_doctors)
    general = min(physical_general, _beds_for(nurses, general_ratio.value))
    reasons: list[Reason] = [
        because(
            icu_ratio,
            f"{critical} critical-care nurses present at {icu_ratio.value} a bed staff {by_nurses} ICU beds",
        ),
        because(doctor_ratio, f"{doctors} doctors present at {doctor_ratio.value} a bed staff {by_doctors} ICU beds"),
        because(icu_ratio, f"{icu} of {physical_icu} ICU beds are staffed"),
        because(
            general_ratio,
            f"{nurses} nurses at {general_ratio.value} a bed: {general} of {physical_general} general beds staffed",
        ),
    ]
    return StaffedBeds(
        **policy_fields(policy),
        physical_general=physical_general,
        physical_icu=physical_icu,
        general=general,
        icu=icu,
        reasons=tuple(reasons),
    )


def _beds_for(staff: int, per_bed: float | None) -> int:
    """The beds `staff` can care for at `per_bed` staff a bed (measure 11); a ratio not in force staffs none."""
    if not per_bed:
        return 0
    # a small epsilon so that 0.4 × 10 beds = 4 nurses staffs all 10 despite binary fractions
    return math.floor(staff / per_bed + 1e-9)
