"""Timeliness of reporting and tracing, table-driven. Expected values from
policy/data/parameters/tracing.yaml (timeliness) and the register entries report-deadline (2 hours from
confirmation, v9.reporting, every version) and tracing-deadline (close contacts under management within
24 hours: v9.close_contact_definition, then m20.2; no deadline under classb from 8 Jan 2023)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from fangkong.policy import Policy
from fangkong.rules.timeliness import Timeliness, infection_timeliness

V9_DAY = date(2022, 10, 1)
M20_DAY = date(2022, 11, 15)
N10_DAY = date(2022, 12, 10)
CLASSB_FIRST = date(2023, 1, 8)
CLASSB_DAY = date(2023, 2, 1)

CONFIRMED = datetime(2022, 11, 15, 2, 0, tzinfo=UTC)


def after(hours: float = 0, minutes: float = 0, seconds: float = 0) -> datetime:
    return CONFIRMED + timedelta(hours=hours, minutes=minutes, seconds=seconds)


def assert_cited(policy: Policy, t: Timeliness) -> None:
    assert t.reasons
    assert set(t.cite) <= set(policy.clauses)
    assert t.reasons[0].clause == "v9.reporting"


# ---- the report: hours rounded to 2 decimals, late when more than 2 hours after confirmation ----

REPORTS = [
    # (id, reported at, hours, late?)
    ("immediately", after(), 0.0, False),
    ("90-min", after(minutes=90), 1.5, False),
    ("80-min-rounds-down", after(minutes=80), 1.33, False),
    ("100-min-rounds-up", after(minutes=100), 1.67, False),
    ("1-second", after(seconds=1), 0.0, False),
    ("exactly-2-h", after(hours=2), 2.0, False),
    ("2-h-1-min", after(hours=2, minutes=1), 2.02, True),
    ("2-h-30-s", after(hours=2, seconds=30), 2.01, True),
    ("2-h-20-min", after(hours=2, minutes=20), 2.33, True),
    ("a-day", after(hours=24), 24.0, True),
]


@pytest.mark.parametrize(("reported", "hours", "late"), [r[1:] for r in REPORTS], ids=[r[0] for r in REPORTS])
@pytest.mark.parametrize("on", [V9_DAY, M20_DAY, N10_DAY, CLASSB_DAY], ids=["v9", "m20", "n10", "classb"])
def test_report_hours_and_lateness(policy: Policy, on: date, reported: datetime, hours: float, late: bool) -> None:
    t = infection_timeliness(CONFIRMED, reported, [], after(hours=48), policy.at(on))
    assert t.report_hours == hours
    assert t.report_late is late
    assert f"reported {hours} h after confirmation (deadline 2 h)" == t.reasons[0].text
    assert_cited(policy, t)


UNREPORTED = [
    # (id, now, late?)
    ("just-confirmed", after(), False),
    ("1-h", after(hours=1), False),
    ("exactly-2-h", after(hours=2), False),
    ("2-h-1-min", after(hours=2, minutes=1), True),
    ("3-h", after(hours=3), True),
]


@pytest.mark.parametrize(("now", "late"), [u[1:] for u in UNREPORTED], ids=[u[0] for u in UNREPORTED])
@pytest.mark.parametrize("on", [V9_DAY, M20_DAY, CLASSB_DAY], ids=["v9", "m20", "classb"])
def test_unreported_is_late_once_the_deadline_passes(policy: Policy, on: date, now: datetime, late: bool) -> None:
    t = infection_timeliness(CONFIRMED, None, [], now, policy.at(on))
    assert t.report_hours is None
    assert t.report_late is late
    assert t.reasons[0].text == "not reported yet (deadline 2 h)"
    assert_cited(policy, t)


# A report or placement a few seconds after the deadline is after it: lateness should be judged on the elapsed
# time itself, not on the hours rounded to 2 decimals for display (0.01 h = 36 s).
ROUNDED_AWAY = [
    ("report-2-h-10-s", after(hours=2, seconds=10), None),
    ("placed-24-h-10-s", after(hours=1), after(hours=24, seconds=10)),
]


@pytest.mark.parametrize(("reported", "placed"), [r[1:] for r in ROUNDED_AWAY], ids=[r[0] for r in ROUNDED_AWAY])
def test_seconds_past_the_deadline_are_late(policy: Policy, reported: datetime, placed: datetime | None) -> None:
    t = infection_timeliness(CONFIRMED, reported, [placed], after(hours=48), policy.at(M20_DAY))
    if placed is None:
        assert t.report_late is True
    else:
        assert t.contacts_late == 1


# ---- close contacts under management within 24 hours ----

CONTACTS = [
    # (id, placed at (None: not yet), now, hours of the placed ones, on time, late, waiting)
    ("none", [], after(hours=30), (), 0, 0, 0),
    ("one-on-time", [after(hours=3)], after(hours=30), (3.0,), 1, 0, 0),
    ("exactly-24-h", [after(hours=24)], after(hours=30), (24.0,), 1, 0, 0),
    ("24-h-1-min", [after(hours=24, minutes=1)], after(hours=30), (24.02,), 0, 1, 0),
    (
        "rounded-hours",
        [after(hours=5, minutes=20), after(hours=30, minutes=40)],
        after(hours=31),
        (5.33, 30.67),
        1,
        1,
        0,
    ),
    ("waiting", [None], after(hours=10), (), 0, 0, 1),
    ("waiting-at-24-h", [None], after(hours=24), (), 0, 0, 1),
    ("unplaced-past-deadline", [None], after(hours=24, minutes=1), (), 0, 1, 0),
    (
        "mixed-waiting",
        [after(hours=2), None, after(hours=12), None],
        after(hours=20),
        (2.0, 12.0),
        2,
        0,
        2,
    ),
    (
        "mixed-past-deadline",
        [after(hours=2), None, after(hours=26), after(hours=23, minutes=59)],
        after(hours=40),
        (2.0, 26.0, 23.98),
        2,
        2,
        0,
    ),
]


@pytest.mark.parametrize(
    ("placed", "now", "hours", "on_time", "late", "waiting"), [c[1:] for c in CONTACTS], ids=[c[0] for c in CONTACTS]
)
@pytest.mark.parametrize(
    ("on", "clause"),
    [(V9_DAY, "v9.close_contact_definition"), (M20_DAY, "m20.2"), (N10_DAY, "m20.2")],
    ids=["v9", "m20", "n10"],
)
def test_contacts_against_24_hours(
    policy: Policy,
    on: date,
    clause: str,
    placed: list[datetime | None],
    now: datetime,
    hours: tuple[float, ...],
    on_time: int,
    late: int,
    waiting: int,
) -> None:
    t = infection_timeliness(CONFIRMED, after(hours=1), placed, now, policy.at(on))
    assert t.placement_hours == hours
    assert (t.contacts_on_time, t.contacts_late, t.contacts_waiting) == (on_time, late, waiting)
    assert on_time + late + waiting == len(placed)
    assert len(t.reasons) == 2
    assert t.reasons[1].clause == clause
    assert t.reasons[1].text == (f"{on_time} contacts placed on time, {late} late, {waiting} waiting (deadline 24 h)")
    assert t.cite == ["v9.reporting", clause]
    assert_cited(policy, t)


# ---- classb: no deadline for placing contacts, so no contact is ever late ----

CLASSB = [
    # (id, placed at, now, hours, on time, waiting)
    ("placed-late-by-old-rules", [after(hours=30)], after(hours=40), (30.0,), 1, 0),
    ("unplaced-for-days", [None], after(hours=100), (), 0, 1),
    ("mixed", [after(hours=2), None, after(hours=48)], after(hours=72), (2.0, 48.0), 2, 1),
]


@pytest.mark.parametrize(
    ("placed", "now", "hours", "on_time", "waiting"), [c[1:] for c in CLASSB], ids=[c[0] for c in CLASSB]
)
@pytest.mark.parametrize("on", [CLASSB_FIRST, CLASSB_DAY], ids=["classb-first-day", "classb"])
def test_no_contact_is_late_under_classb(
    policy: Policy,
    on: date,
    placed: list[datetime | None],
    now: datetime,
    hours: tuple[float, ...],
    on_time: int,
    waiting: int,
) -> None:
    at = policy.at(on)
    assert at.integer("timeliness.contacts_placed_within_hours").value is None
    t = infection_timeliness(CONFIRMED, after(hours=1), placed, now, at)
    assert t.policy == "classb"
    assert t.placement_hours == hours
    assert t.contacts_late == 0
    assert (t.contacts_on_time, t.contacts_waiting) == (on_time, waiting)
    assert t.cite == ["v9.reporting"]  # no tracing deadline to cite
    assert t.report_late is False
    assert_cited(policy, t)


def test_classb_still_has_the_report_deadline(policy: Policy) -> None:
    t = infection_timeliness(CONFIRMED, after(hours=3), [], after(hours=3), policy.at(CLASSB_DAY))
    assert t.report_hours == 3.0
    assert t.report_late is True
