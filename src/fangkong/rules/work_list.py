"""What one order under management puts on a day's work list (measures 1, 3, 5, 9, 10: the phases and test days
of its plan).

A plan says where a person is on each day and on which days they are tested. On a given day that makes at most
four kinds of work: a test due (at the centralized site or on a home visit), a change of phase (a move from the
site home), a release, and tests of the past `overdue_days` days with no sample recorded. The community
workers' list (`services.orders.worklists`) and the city-wide job (`bulk.work_lists`) both ask this function, or
are checked against it.
"""

from __future__ import annotations

from collections.abc import Set
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from fangkong.policy.terms import PhaseKind
from fangkong.rules.plans import Plan

Section = Literal["test_due", "phase_change", "release", "overdue_test"]
Where = Literal["centralized_site", "home_visit"]


class WorkEntry(BaseModel):
    """One line of work an order gives on a day."""

    model_config = ConfigDict(frozen=True)

    section: Section
    phase_index: int | None = None
    phase: PhaseKind | None = None
    previous_phase: PhaseKind | None = None
    phase_end: date | None = None
    phase_day: int | None = None  # the test's day number within its phase
    test_day: date | None = None
    sampled: bool | None = None  # for a test due today: has its sample been recorded

    @property
    def where(self) -> Where:
        return "centralized_site" if self.phase is PhaseKind.centralized_isolation else "home_visit"


def work_entries(plan: Plan, released_on: date, on: date, sampled: Set[date], overdue_days: int) -> list[WorkEntry]:
    """The work `plan` gives on `on`: its release, a phase starting (not the first), tests due, and tests of the
    last `overdue_days` days without a recorded sample (`sampled`: the days samples were taken). `released_on`
    is the order's own, which a transfer or an early release may have moved from the plan's."""
    out: list[WorkEntry] = []
    if released_on == on:
        out.append(WorkEntry(section="release"))
    for i, phase in enumerate(plan.phases):
        if phase.start == on and i > 0:
            out.append(
                WorkEntry(
                    section="phase_change",
                    phase_index=i,
                    phase=phase.kind,
                    previous_phase=plan.phases[i - 1].kind,
                    phase_end=phase.end,
                )
            )
        for n, test_day in zip(phase.test_days, phase.test_dates, strict=True):
            if test_day == on:
                out.append(
                    WorkEntry(
                        section="test_due",
                        phase_index=i,
                        phase=phase.kind,
                        phase_day=n,
                        test_day=test_day,
                        sampled=test_day in sampled,
                    )
                )
            elif on - timedelta(days=overdue_days) <= test_day < on and test_day not in sampled:
                out.append(
                    WorkEntry(section="overdue_test", phase_index=i, phase=phase.kind, phase_day=n, test_day=test_day)
                )
    return out
