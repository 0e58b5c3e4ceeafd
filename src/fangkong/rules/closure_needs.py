"""Needs of people under closure: deadlines by urgency, escalation when late, and first-diagnosis responsibility
(measure 17, with 16).

(17): "establish a list of key personnel and a list of needs during the epidemic ... strictly implement the
responsibility system for first diagnosis and the emergency rescue system, and do not refuse to consult for any
reason to ensure the needs of residents for treatment and medication" (建立重点人员清单和需求清单 ...
严格落实首诊负责制和急诊抢救制度，不得以任何理由推诿拒诊，确保群众就医用药需求) (m20.17).
The notice gives no hours: they are policy data (`closure.*`, every one an interpretation: closure-deadlines,
closure-default-urgency, closure-escalation, closure-medical-kinds).

- `need_deadline`: the urgency (the kind's default unless one is given) and the deadline of a need.
- `escalation`: whether a need is late and how many levels up the jurisdiction tree it should have gone by now.
- `first_diagnosis_refusal`: whether refusing a need is allowed; refusing medical care because of the person's health
  code or risk area is over-reach (m20.16), any other refusal of medical care leaves the need to be routed again.

Pure functions: no store, no clock (the instants are passed in).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from fangkong.errors import InvalidInput
from fangkong.policy import InForce, PolicyAt, repealed
from fangkong.policy.terms import NeedKind, NeedStatus, RefusalGround, Urgency, parse_term
from fangkong.rules.decision import Decision, Reason, because, policy_fields
from fangkong.rules.escalation import Escalation, Ladder, bring_forward, climb

# Most urgent first: the order the property tests and the queue use (a more urgent need is never due later).
URGENCY_ORDER = (Urgency.emergency, Urgency.urgent, Urgency.routine)
# A need that is met, refused or withdrawn is not late, whatever its deadline.
CLOSED = frozenset({NeedStatus.done, NeedStatus.refused, NeedStatus.cancelled})
# the needs' escalation parameters (`closure.escalation.*`) and the words their reasons use
NEED_LADDER = Ladder(
    prefix="closure",
    not_late="the need is met, refused or withdrawn: not late",
    second_level="still not met {} hours after its deadline: escalated two levels up",
)
OVERREACH_GROUNDS = frozenset({RefusalGround.health_code, RefusalGround.risk_area})


class NeedDeadline(Decision):
    """When a need must be met (m20.17): its urgency and the deadline counted from when it was raised."""

    kind: NeedKind
    urgency: Urgency
    hours: int
    deadline: datetime


class RefusalVerdict(Decision):
    """What a refusal of a need means (m20.17, m20.16). `medical`: the need is medical care that may not be refused,
    so it stays open to be routed again; `over_reach`: the refusal cites the person's health code or area."""

    medical: bool
    over_reach: bool


def _hours(found: InForce[int | None]) -> int:
    if found.value is None:
        raise repealed(found)
    return int(found.value)


def _urgency(value: Urgency | str | None, field: str) -> Urgency | None:
    if value is None or isinstance(value, Urgency):
        return value
    return parse_term(Urgency, value, field)


def _kind(value: NeedKind | str) -> NeedKind:
    return value if isinstance(value, NeedKind) else parse_term(NeedKind, value, "kind")


def need_deadline(
    kind: NeedKind | str,
    urgency: Urgency | str | None,
    raised_at: datetime,
    policy: PolicyAt,
    *,
    requested: datetime | None = None,
) -> NeedDeadline:
    """The urgency and deadline of a need raised at `raised_at` (measure 17, m20.17; `closure.default_urgency.<kind>`
    when no urgency is given, `closure.deadline_hours.<urgency>`). A `requested` deadline may bring it forward, never
    put it off. Raises InvalidInput naming `kind` or `urgency` for a word outside the vocabulary, `deadline` for a
    requested deadline not after `raised_at` or after the urgency's deadline."""
    k = _kind(kind)
    given = _urgency(urgency, "urgency")
    reasons: list[Reason] = []
    if given is None:
        default = policy.get(f"closure.default_urgency.{k.value}")
        if default.value is None:
            raise repealed(default)
        level = Urgency(default.value)
        reasons.append(because(default, f"the default urgency of this kind of need is {level.value}"))
    else:
        level = given
        clause = policy.get(f"closure.default_urgency.{k.value}").source.clause
        reasons.append(Reason(clause=clause, text=f"urgency given: {level.value}"))
    found = policy.integer(f"closure.deadline_hours.{level.value}")
    hours = _hours(found)
    deadline = raised_at + timedelta(hours=hours)
    reasons.append(because(found, f"{level.value} need: due {hours} hours after it is raised"))
    if requested is not None and requested <= raised_at:
        raise InvalidInput("deadline", f"{requested.isoformat()} is not after the need was raised")
    deadline, earlier = bring_forward(deadline, requested, found)
    if earlier is not None:
        reasons.append(earlier)
    return NeedDeadline(
        **policy_fields(policy), kind=k, urgency=level, hours=hours, deadline=deadline, reasons=tuple(reasons)
    )


def escalation(
    status: NeedStatus | str, urgency: Urgency | str, deadline: datetime, now: datetime, policy: PolicyAt
) -> Escalation:
    """Whether a need is late at `now` and the level it should have been escalated to (measure 17, m20.17;
    `closure.escalation.second_after_hours.<urgency>`): level 1 from the deadline, level 2 that many hours later.
    A need met, refused or withdrawn is never late. The ladder is the complaints' too (rules.escalation)."""
    st = status if isinstance(status, NeedStatus) else parse_term(NeedStatus, status, "status")
    level = _urgency(urgency, "urgency") or Urgency.routine
    return climb(NEED_LADDER, st not in CLOSED, level, deadline, now, policy)


def is_medical(kind: NeedKind | str, policy: PolicyAt) -> bool:
    """Whether a need is medical care first-diagnosis responsibility forbids refusing (`closure.medical_kinds`)."""
    found = policy.get("closure.medical_kinds")
    if found.value is None:
        raise repealed(found)
    return _kind(kind) in found.value


def first_diagnosis_refusal(
    kind: NeedKind | str,
    ground: RefusalGround | str,
    code_colour: str | None,
    in_high_risk_area: bool,
    policy: PolicyAt,
) -> RefusalVerdict:
    """What a refusal of a need on `ground` means (measure 17, m20.17: 严格落实首诊负责制 ... 不得以任何理由推诿拒诊;
    measure 16, m20.16). A medical need (`closure.medical_kinds`) may not be refused: it stays open to be routed
    again. Refusing it because of the person's health code (`code_colour`) or risk area is over-reach, cited to both
    measures. Refusing another need is allowed. Raises InvalidInput naming `kind` or `ground` for an unknown word."""
    k = _kind(kind)
    g = ground if isinstance(ground, RefusalGround) else parse_term(RefusalGround, ground, "ground")
    found = policy.get("closure.medical_kinds")
    if found.value is None:
        raise repealed(found)
    medical = k in found.value
    if not medical:
        reasons: tuple[Reason, ...] = (because(found, "this kind of need is not medical care: it may be refused"),)
        return RefusalVerdict(**policy_fields(policy), medical=False, over_reach=False, reasons=reasons)
    guard = policy.text("overreach.national_rule_clause")
    if guard.value is None:
        raise repealed(guard)
    first = because(found, "medical care: first-diagnosis responsibility, it may not be refused")
    if g not in OVERREACH_GROUNDS:
        second = because(found, "the refusal is recorded and the need stays open to be routed again")
        return RefusalVerdict(**policy_fields(policy), medical=True, over_reach=False, reasons=(first, second))
    if g is RefusalGround.health_code and code_colour:
        said = f"refused because of the person's health code ({code_colour}): over-reach"
    elif g is RefusalGround.health_code:
        said = "refused because of the person's health code: over-reach"
    elif in_high_risk_area:
        said = "refused because the person is in a high-risk area: over-reach"
    else:
        said = "refused because of the person's area: over-reach"
    reasons = (first, Reason(clause=guard.value, text=said))
    return RefusalVerdict(**policy_fields(policy), medical=True, over_reach=True, reasons=reasons)
