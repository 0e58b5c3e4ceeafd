"""Which positives restart a risk area's clean days (measure 4: days "without a new infection"), table-driven.

From shared/policy/RULES.md (risk areas: not counted under m20 — cases found in centralized or home isolation or a
closed loop, re-positives after discharge, entry personnel with Ct ≥ 35 judged past infections), the 21 Nov 2022
risk-area plan (m20-docs.risk_area) and the register entry not-new-infections (neither version counts a
re-positive or a past infection: they are not new infections).
"""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.policy import load_policy
from fangkong.policy.terms import Finding
from fangkong.rules.risk_area import finding_counts

POLICY = load_policy()
F = Finding

CASES = [
    # the 9th edition: every new infection counts wherever found
    ("2022-10-01", F.community, True, "v9.risk_area"),
    ("2022-10-01", F.centralized_isolation, True, "v9.risk_area"),
    ("2022-10-01", F.home_isolation, True, "v9.risk_area"),
    ("2022-10-01", F.temporary_control, True, "v9.risk_area"),
    ("2022-10-01", F.re_positive_after_discharge, False, "v9.risk_area"),
    ("2022-10-01", F.past_infection_ct35_40, False, "v9.risk_area"),
    # the notice, before the 21 Nov plan: the same findings, cited to measure 4
    ("2022-11-15", F.centralized_isolation, True, "m20.4"),
    ("2022-11-15", F.re_positive_after_discharge, False, "m20.4"),
    ("2022-11-15", F.past_infection_ct35_40, False, "m20.4"),
    # from 21 Nov: findings under management and in closed loops no longer count
    ("2022-11-21", F.community, True, "m20-docs.risk_area"),
    ("2022-11-21", F.temporary_control, True, "m20-docs.risk_area"),
    ("2022-11-21", F.centralized_isolation, False, "m20-docs.risk_area"),
    ("2022-11-21", F.home_isolation, False, "m20-docs.risk_area"),
    ("2022-11-21", F.home_health_monitoring, False, "m20-docs.risk_area"),
    ("2022-11-21", F.closed_loop, False, "m20-docs.risk_area"),
    ("2022-11-21", F.re_positive_after_discharge, False, "m20-docs.risk_area"),
    ("2022-11-21", F.past_infection_ct35_40, False, "m20-docs.risk_area"),
    # the new ten measures keep the 21 Nov list
    ("2022-12-10", F.re_positive_after_discharge, False, "m20-docs.risk_area"),
    ("2022-12-10", F.community, True, "m20-docs.risk_area"),
]


@pytest.mark.parametrize(("on", "finding", "counts", "clause"), CASES)
def test_which_findings_restart_the_clean_days(on: str, finding: Finding, counts: bool, clause: str) -> None:
    got, reason = finding_counts(finding, POLICY.at(date.fromisoformat(on)))
    assert (got, reason.clause) == (counts, clause)
    assert reason.text.endswith("counts: the clean days start again" if counts else "does not count")


def test_every_version_with_risk_areas_leaves_out_what_is_not_a_new_infection() -> None:
    """`areas.note_finding` records these two as not counted and has no infection record to count them by: the
    policy data must never count them where there are risk areas."""
    days = {POLICY.span(v)[0] for v in POLICY.versions}
    days |= set(POLICY.parameter("risk_area.excluded_findings").dates)
    days |= set(POLICY.parameter("risk_area.levels").dates)
    for on in sorted(days):
        rules = POLICY.at(on)
        excluded = rules.get("risk_area.excluded_findings").value or ()
        assert set(excluded) <= {f.value for f in Finding}, (on, excluded)
        if rules.texts("risk_area.levels").value:
            assert {"re_positive_after_discharge", "past_infection_ct35_40"} <= set(excluded), on
