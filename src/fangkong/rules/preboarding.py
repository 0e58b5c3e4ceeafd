"""Pre-boarding test certificates for inbound flights.

(7): "two negative nucleic-acid test certificates within 48 hours before boarding become one negative
certificate within 48 hours before boarding"; the circuit breaker for inbound flights is cancelled.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from fangkong.errors import InvalidInput
from fangkong.policy import PolicyAt, repealed
from fangkong.rules.decision import Decision, because, policy_fields


class PreboardingTest(BaseModel):
    model_config = ConfigDict(frozen=True)

    sampled_at: datetime
    result: Literal["negative", "positive"]


class PreboardingDecision(Decision):
    valid: bool
    counted: tuple[datetime, ...]


def _aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(field, f"{value.isoformat()} has no UTC offset; give instants as ISO 8601 with offset")
    return value


def check_preboarding(boarding_at: datetime, tests: list[PreboardingTest], policy: PolicyAt) -> PreboardingDecision:
    """Whether the passenger's tests meet the pre-boarding rule in force at boarding.

    A test counts when it is negative and sampled no more than `preboarding.window_hours` before boarding
    (and not after it); `preboarding.negative_tests_required` of them are needed, at least
    `preboarding.min_hours_between_tests` apart where that is set, each sampling instant once. A positive sampled
    in the window voids the certificate (`preboarding.positive_in_window_voids`, register preboarding-positive).
    """
    boarding = _aware(boarding_at, "boarding_at")
    required = policy.integer("preboarding.negative_tests_required")
    window = policy.integer("preboarding.window_hours")
    gap = policy.integer("preboarding.min_hours_between_tests")
    if required.value is None or window.value is None:
        raise repealed(required, window)
    earliest = boarding - timedelta(hours=window.value)
    instants = [_aware(t.sampled_at, f"tests[{i}].sampled_at") for i, t in enumerate(tests)]
    in_window = [(s, t) for s, t in zip(instants, tests, strict=True) if earliest <= s <= boarding]
    # one sampling instant is one test, however many times it is entered
    eligible = sorted({s for s, t in in_window if t.result == "negative"})
    counted: list[datetime] = []
    for sampled in eligible:
        if not counted or gap.value is None or sampled - counted[-1] >= timedelta(hours=gap.value):
            counted.append(sampled)
    voids = policy.flag("preboarding.positive_in_window_voids")
    positives = sorted(s for s, t in in_window if t.result == "positive")
    window_reason = because(window, f"window: {earliest.isoformat()} to {boarding.isoformat()}")
    if positives and voids.value:
        return PreboardingDecision(
            **policy_fields(policy),
            valid=False,
            counted=(),
            reasons=(
                because(
                    voids, f"a positive test sampled {positives[-1].isoformat()}, within the window: no certificate"
                ),
                window_reason,
            ),
        )
    valid = len(counted) >= required.value
    text = f"{len(counted)} negative test(s) sampled within {window.value} h before boarding; {required.value} required"
    return PreboardingDecision(
        **policy_fields(policy),
        valid=valid,
        counted=tuple(counted),
        reasons=(because(required, text), window_reason),
    )
