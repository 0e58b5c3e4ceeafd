"""The "four earlies" of measure 15, measured on every infection: early detection, early reporting, early isolation
and early treatment (严格落实早发现、早报告、早隔离、早治疗, m20.15).

- detection: days from the onset of symptoms to the sample that found the infection, against
  `four_earlies.detection_within_days` (register early-detection-deadline); not measured without an onset;
- reporting: hours from confirmation to report, against `timeliness.report_within_hours` (register report-deadline);
- isolation: hours from confirmation until the last of its close contacts was under management, against
  `timeliness.contacts_placed_within_hours` (register tracing-deadline) — the same clock as the timeliness report;
  not measured for an infection without proposed contacts;
- treatment: days from the day of confirmation to admission at the level of care its severity asks, or higher,
  against `four_earlies.admission_within_days` (register early-treatment-deadline); not measured where the severity
  asks for care at home or none is recorded.

Each step is on time, late, or pending (the deadline has not passed and the step is not done). `summarize` gives,
for a set of infections (a jurisdiction's week), each step's count, median, 90th percentile and share on time.

Pure functions: no store, no clock (the instants and days are passed in).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from fangkong.policy import InForce, PolicyAt
from fangkong.policy.terms import CareLevel, EarlyStep
from fangkong.rules.decision import Decision, Reason, because, policy_fields

# Care outside the home: the levels whose admission early treatment measures.
ADMITTED = frozenset({CareLevel.centralized_isolation, CareLevel.inpatient, CareLevel.icu})


class StepTiming(BaseModel):
    """One step of one infection: the elapsed time (`unit`: hours or days; None while pending or not measured), the
    deadline, and whether it was late (None: not measured, or pending)."""

    model_config = ConfigDict(frozen=True)

    step: EarlyStep
    measured: bool
    elapsed: float | None
    unit: str
    deadline: int | None
    late: bool | None
    pending: bool


class FourEarlies(Decision):
    """The four steps of one infection (m20.15), each with its reason."""

    detection: StepTiming
    reporting: StepTiming
    isolation: StepTiming
    treatment: StepTiming

    @property
    def steps(self) -> tuple[StepTiming, ...]:
        return (self.detection, self.reporting, self.isolation, self.treatment)


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def _step(
    step: EarlyStep, found: InForce[int | None], elapsed: float | None, running: float, unit: str, what: str
) -> tuple[StepTiming, Reason]:
    """A step measured: done after `elapsed` (None: not yet, `running` so far) against the deadline `found`."""
    deadline = found.value
    if deadline is None:
        timing = StepTiming(step=step, measured=False, elapsed=None, unit=unit, deadline=None, late=None, pending=False)
        return timing, because(found, f"{what}: no deadline in this version")
    shown = round(elapsed, 2) if elapsed is not None else None
    if elapsed is None and running <= deadline:
        timing = StepTiming(
            step=step, measured=True, elapsed=None, unit=unit, deadline=deadline, late=None, pending=True
        )
        return timing, because(
            found, f"{what}: not yet, {round(running, 2)} {unit} so far (deadline {deadline} {unit})"
        )
    late = (elapsed if elapsed is not None else running) > deadline
    timing = StepTiming(step=step, measured=True, elapsed=shown, unit=unit, deadline=deadline, late=late, pending=False)
    if elapsed is None:
        return timing, because(
            found, f"{what}: not yet, {round(running, 2)} {unit} so far: late (deadline {deadline} {unit})"
        )
    said = "late" if late else "on time"
    return timing, because(found, f"{what}: {shown} {unit}, {said} (deadline {deadline} {unit})")


def _not_measured(step: EarlyStep, unit: str) -> StepTiming:
    return StepTiming(step=step, measured=False, elapsed=None, unit=unit, deadline=None, late=None, pending=False)


def four_earlies(
    *,
    onset_on: date | None,
    sampled_on: date,
    confirmed_at: datetime,
    confirmed_on: date,
    reported_at: datetime | None,
    contacts_placed_at: Sequence[datetime | None],
    asked_level: CareLevel | None,
    admitted_on: date | None,
    now: datetime,
    today: date,
    policy_at: PolicyAt,
) -> FourEarlies:
    """The four earlies of one infection confirmed at `confirmed_at` (on the local day `confirmed_on`), judged at
    `now` (the local day `today`) under the version in force on the confirmation day (m20.15). `contacts_placed_at`:
    when each proposed close contact was placed under management (None: not yet); `admitted_on`: the first day of
    a stay at `asked_level` or higher."""
    reasons: list[Reason] = []
    detect = policy_at.integer("four_earlies.detection_within_days")
    if onset_on is None:
        detection = _not_measured(EarlyStep.detection, "days")
        reasons.append(because(detect, "early detection: no onset recorded (no symptoms): not measured"))
    else:
        detection, why = _step(
            EarlyStep.detection, detect, float((sampled_on - onset_on).days), 0.0, "days", "early detection"
        )
        reasons.append(why)
    report = policy_at.integer("timeliness.report_within_hours")
    reporting, why = _step(
        EarlyStep.reporting,
        report,
        _hours(confirmed_at, reported_at) if reported_at is not None else None,
        _hours(confirmed_at, now),
        "hours",
        "early reporting",
    )
    reasons.append(why)
    placed = policy_at.integer("timeliness.contacts_placed_within_hours")
    if not contacts_placed_at:
        isolation = _not_measured(EarlyStep.isolation, "hours")
        reasons.append(because(placed, "early isolation: no close contacts proposed: not measured"))
    else:
        done = [p for p in contacts_placed_at if p is not None]
        last = max(done) if len(done) == len(contacts_placed_at) else None
        isolation, why = _step(
            EarlyStep.isolation,
            placed,
            _hours(confirmed_at, last) if last is not None else None,
            _hours(confirmed_at, now),
            "hours",
            "early isolation of the close contacts",
        )
        reasons.append(why)
    admit = policy_at.integer("four_earlies.admission_within_days")
    if asked_level is None or asked_level not in ADMITTED:
        treatment = _not_measured(EarlyStep.treatment, "days")
        said = "no severity recorded" if asked_level is None else "care at home"
        reasons.append(because(admit, f"early treatment: {said}: not measured"))
    else:
        treatment, why = _step(
            EarlyStep.treatment,
            admit,
            float((admitted_on - confirmed_on).days) if admitted_on is not None else None,
            float((today - confirmed_on).days),
            "days",
            "early treatment",
        )
        reasons.append(why)
    return FourEarlies(
        **policy_fields(policy_at),
        detection=detection,
        reporting=reporting,
        isolation=isolation,
        treatment=treatment,
        reasons=tuple(reasons),
    )


class StepSummary(BaseModel):
    """One step over a set of infections: how many were measured, done, late and pending, the median and 90th
    percentile of the elapsed times of those done, and the share on time of those decided (done, or late undone)."""

    model_config = ConfigDict(frozen=True)

    step: EarlyStep
    unit: str
    measured: int
    done: int
    late: int
    pending: int
    median: float | None
    p90: float | None
    on_time_share: float | None


def _quantile(sorted_values: list[float], q: float) -> float | None:
    """The q-quantile by the nearest rank (a figure that occurred, as a report quotes it)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


def summarize(results: Iterable[FourEarlies]) -> tuple[StepSummary, ...]:
    """Each step's figures over `results` (a jurisdiction's week, say), in the order of `EarlyStep`."""
    listed = list(results)
    out = []
    for step in EarlyStep:
        timings = [t for r in listed for t in r.steps if t.step is step and t.measured]
        elapsed = sorted(t.elapsed for t in timings if t.elapsed is not None)
        late = sum(1 for t in timings if t.late)
        decided = sum(1 for t in timings if t.late is not None)
        out.append(
            StepSummary(
                step=step,
                unit=timings[0].unit
                if timings
                else ("days" if step in (EarlyStep.detection, EarlyStep.treatment) else "hours"),
                measured=len(timings),
                done=len(elapsed),
                late=late,
                pending=sum(1 for t in timings if t.pending),
                median=_quantile(elapsed, 0.5),
                p90=_quantile(elapsed, 0.9),
                on_time_share=round((decided - late) / decided, 4) if decided else None,
            )
        )
    return tuple(out)
