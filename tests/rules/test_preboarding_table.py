"""Pre-boarding certificates, table-driven. Measure (7): one negative test sampled within 48 h before boarding
(v9: two); the window runs from sampling to boarding, both instants (register preboarding-window); v9's two
tests need no interval (register preboarding-interval), but one sampling instant is one test; a positive sampled in
the window voids the certificate (register preboarding-positive). The policy is the one of the local date of
boarding."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import pytest

from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.rules.preboarding import PreboardingTest, check_preboarding

POLICY = load_policy()

Result = Literal["negative", "positive"]

M20_BOARDING = "2022-11-20T10:00:00+08:00"
V9_BOARDING = "2022-10-01T10:00:00+08:00"


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def sample_list(rows: list[tuple[str, Result]]) -> list[PreboardingTest]:
    return [PreboardingTest(sampled_at=at(s), result=r) for s, r in rows]


CASES = [
    # (id, boarding_at, tests, valid, counted, version)
    ("m20-exactly-48h", M20_BOARDING, [("2022-11-18T10:00:00+08:00", "negative")], True, 1, "m20"),
    ("m20-48h-plus-1min", M20_BOARDING, [("2022-11-18T09:59:00+08:00", "negative")], False, 0, "m20"),
    ("m20-48h-plus-1s", M20_BOARDING, [("2022-11-18T09:59:59+08:00", "negative")], False, 0, "m20"),
    ("m20-47h59m", M20_BOARDING, [("2022-11-18T10:01:00+08:00", "negative")], True, 1, "m20"),
    ("case-preboarding-one-test", M20_BOARDING, [("2022-11-18T20:00:00+08:00", "negative")], True, 1, "m20"),
    ("case-preboarding-too-old", M20_BOARDING, [("2022-11-17T20:00:00+08:00", "negative")], False, 0, "m20"),
    ("m20-sampled-at-boarding", M20_BOARDING, [("2022-11-20T10:00:00+08:00", "negative")], True, 1, "m20"),
    ("m20-sampled-after-boarding", M20_BOARDING, [("2022-11-20T10:01:00+08:00", "negative")], False, 0, "m20"),
    ("m20-sampled-next-day", M20_BOARDING, [("2022-11-21T08:00:00+08:00", "negative")], False, 0, "m20"),
    ("m20-positive-only", M20_BOARDING, [("2022-11-19T10:00:00+08:00", "positive")], False, 0, "m20"),
    # a positive in the window voids the certificate, before or after the negative (register preboarding-positive)
    (
        "m20-positive-then-negative-voids",
        M20_BOARDING,
        [("2022-11-19T09:00:00+08:00", "positive"), ("2022-11-19T10:00:00+08:00", "negative")],
        False,
        0,
        "m20",
    ),
    (
        "m20-negative-46h-then-positive-14h",
        M20_BOARDING,
        [("2022-11-18T12:00:00+08:00", "negative"), ("2022-11-19T20:00:00+08:00", "positive")],
        False,
        0,
        "m20",
    ),
    (
        "m20-positive-before-the-window-ignored",
        M20_BOARDING,
        [("2022-11-17T09:00:00+08:00", "positive"), ("2022-11-19T10:00:00+08:00", "negative")],
        True,
        1,
        "m20",
    ),
    (
        "m20-positive-after-boarding-ignored",
        M20_BOARDING,
        [("2022-11-19T10:00:00+08:00", "negative"), ("2022-11-20T12:00:00+08:00", "positive")],
        True,
        1,
        "m20",
    ),
    ("m20-no-tests", M20_BOARDING, [], False, 0, "m20"),
    (
        "m20-too-old-and-too-late",
        M20_BOARDING,
        [("2022-11-18T09:00:00+08:00", "negative"), ("2022-11-20T11:00:00+08:00", "negative")],
        False,
        0,
        "m20",
    ),
    (
        "m20-two-negatives-both-count",
        M20_BOARDING,
        [("2022-11-18T12:00:00+08:00", "negative"), ("2022-11-19T12:00:00+08:00", "negative")],
        True,
        2,
        "m20",
    ),
    # v9: two negative tests within 48 h, no interval enforced
    ("v9-one-test-not-enough", V9_BOARDING, [("2022-09-30T10:00:00+08:00", "negative")], False, 1, "v9"),
    (
        "v9-two-tests",
        V9_BOARDING,
        [("2022-09-29T12:00:00+08:00", "negative"), ("2022-09-30T12:00:00+08:00", "negative")],
        True,
        2,
        "v9",
    ),
    (
        "v9-two-tests-one-hour-apart",
        V9_BOARDING,
        [("2022-09-30T08:00:00+08:00", "negative"), ("2022-09-30T09:00:00+08:00", "negative")],
        True,
        2,
        "v9",
    ),
    (
        "v9-two-tests-one-exactly-48h",
        V9_BOARDING,
        [("2022-09-29T10:00:00+08:00", "negative"), ("2022-09-30T09:00:00+08:00", "negative")],
        True,
        2,
        "v9",
    ),
    (
        "v9-second-test-too-old",
        V9_BOARDING,
        [("2022-09-29T09:59:00+08:00", "negative"), ("2022-09-30T09:00:00+08:00", "negative")],
        False,
        1,
        "v9",
    ),
    (
        "v9-negative-and-positive",
        V9_BOARDING,
        [("2022-09-29T12:00:00+08:00", "negative"), ("2022-09-30T12:00:00+08:00", "positive")],
        False,
        0,
        "v9",
    ),
    # one sampling instant entered twice is one test, not the two v9 asks for
    (
        "v9-same-instant-twice",
        V9_BOARDING,
        [("2022-09-30T08:00:00+08:00", "negative"), ("2022-09-30T08:00:00+08:00", "negative")],
        False,
        1,
        "v9",
    ),
    (
        "v9-second-after-boarding",
        V9_BOARDING,
        [("2022-09-30T12:00:00+08:00", "negative"), ("2022-10-01T10:30:00+08:00", "negative")],
        False,
        1,
        "v9",
    ),
    # the change of rules: local date of boarding 10 Nov (v9, two tests) vs 11 Nov (m20, one)
    ("v9-last-day-one-test", "2022-11-10T23:00:00+08:00", [("2022-11-10T08:00:00+08:00", "negative")], False, 1, "v9"),
    (
        "m20-first-day-one-test",
        "2022-11-11T00:30:00+08:00",
        [("2022-11-10T08:00:00+08:00", "negative")],
        True,
        1,
        "m20",
    ),
    # classb: one PCR within 48 h before departure
    ("classb-one-test", "2023-01-10T10:00:00+08:00", [("2023-01-09T10:00:00+08:00", "negative")], True, 1, "classb"),
    ("classb-too-old", "2023-01-10T10:00:00+08:00", [("2023-01-08T09:00:00+08:00", "negative")], False, 0, "classb"),
    # instants with different offsets are compared as instants, not as wall-clock times
    ("offset-utc-sample-exactly-48h", M20_BOARDING, [("2022-11-18T02:00:00+00:00", "negative")], True, 1, "m20"),
    ("offset-utc-sample-48h-plus-1min", M20_BOARDING, [("2022-11-18T01:59:00+00:00", "negative")], False, 0, "m20"),
    ("offset-utc-sample-at-boarding", M20_BOARDING, [("2022-11-20T02:00:00+00:00", "negative")], True, 1, "m20"),
    ("offset-utc-sample-after-boarding", M20_BOARDING, [("2022-11-20T02:01:00+00:00", "negative")], False, 0, "m20"),
    # 05:00Z is 13:00 in Beijing: 45 h before boarding (a wall-clock comparison would say 53 h)
    ("offset-utc-sample-wallclock-trap", M20_BOARDING, [("2022-11-18T05:00:00+00:00", "negative")], True, 1, "m20"),
    (
        "offset-utc-boarding-exactly-48h",
        "2022-11-20T02:00:00+00:00",
        [("2022-11-18T10:00:00+08:00", "negative")],
        True,
        1,
        "m20",
    ),
    (
        "offset-utc-boarding-48h-plus-1min",
        "2022-11-20T02:00:00+00:00",
        [("2022-11-18T09:59:00+08:00", "negative")],
        False,
        0,
        "m20",
    ),
    # boarding 10:00Z is 18:00 in Beijing: a sample at 12:00 Beijing two days before is 54 h old
    (
        "offset-utc-boarding-wallclock-trap",
        "2022-11-20T10:00:00+00:00",
        [("2022-11-18T12:00:00+08:00", "negative")],
        False,
        0,
        "m20",
    ),
    ("offset-minus-5-exactly-48h", M20_BOARDING, [("2022-11-17T21:00:00-05:00", "negative")], True, 1, "m20"),
]


@pytest.mark.parametrize(
    ("boarding_at", "tests", "valid", "counted", "version"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_preboarding(
    boarding_at: str, tests: list[tuple[str, Result]], valid: bool, counted: int, version: str
) -> None:
    boarding = at(boarding_at)
    rules = POLICY.at(boarding.date())
    assert rules.version == version
    d = check_preboarding(boarding, sample_list(tests), rules)
    assert d.valid is valid
    assert len(d.counted) == counted
    assert d.policy == version


@pytest.mark.parametrize(
    ("boarding_at", "cite"),
    [(V9_BOARDING, "v9.preboarding"), (M20_BOARDING, "m20.7"), ("2023-01-10T10:00:00+08:00", "classb.entry")],
)
def test_preboarding_cites_the_rule_in_force(boarding_at: str, cite: str) -> None:
    boarding = at(boarding_at)
    d = check_preboarding(boarding, [], POLICY.at(boarding.date()))
    assert cite in d.cite


NAIVE = [
    ("naive-boarding", "2022-11-20T10:00:00", [("2022-11-19T10:00:00+08:00", "negative")], "boarding_at"),
    ("naive-sample", M20_BOARDING, [("2022-11-19T10:00:00", "negative")], "tests[0].sampled_at"),
    (
        "naive-second-sample",
        M20_BOARDING,
        [("2022-11-19T10:00:00+08:00", "negative"), ("2022-11-19T11:00:00", "negative")],
        "tests[1].sampled_at",
    ),
    ("naive-both", "2022-11-20T10:00:00", [("2022-11-19T10:00:00", "negative")], "boarding_at"),
]


@pytest.mark.parametrize(("boarding_at", "tests", "field"), [c[1:] for c in NAIVE], ids=[c[0] for c in NAIVE])
def test_naive_datetimes_are_invalid_input(boarding_at: str, tests: list[tuple[str, Result]], field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        check_preboarding(at(boarding_at), sample_list(tests), POLICY.at(at(boarding_at).date()))
    assert info.value.field == field
