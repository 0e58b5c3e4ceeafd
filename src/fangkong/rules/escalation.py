"""One escalation ladder for what falls late: the needs of people under closure (measure 17, m20.17;
`closure.escalation.*`, the closure-escalation interpretation) and complaints (measure 18, m20.18;
`complaints.escalation.*`, complaints-escalation).

Neither measure gives hours or levels: the ladder is policy data. Late at the deadline, the item goes one level above
its jurisdiction; still late `<prefix>.escalation.second_after_hours.<urgency>` hours later, a second level. An item
no longer outstanding (a need met, refused or withdrawn; a complaint answered or closed) is never late. Every reason
cites that parameter's clause, so a need cites measure 17 and a complaint measure 18.

- `Ladder`: what one kind of item calls its parameters, and its two reasons that name it.
- `climb`: whether an item is late at `now` and the level it should have reached.
- `bring_forward`: the deadline the ladder starts from, when an earlier one than the urgency's is asked for.

Pure functions: no store, no clock (the instants are passed in).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from fangkong.errors import InvalidInput
from fangkong.policy import InForce, PolicyAt, repealed
from fangkong.policy.terms import Urgency
from fangkong.rules.decision import Decision, Reason, because, policy_fields

MAX_LEVEL = 2  # one level up at the deadline, a second later (closure-escalation, complaints-escalation)


@dataclass(frozen=True)
class Ladder:
    """What one kind of item calls its escalation parameters, and the two reasons that name it, whole (each rules
    module writes its own sentences, so the console's catalogue of reason texts finds them there).

    `prefix`: the parameters' root (`<prefix>.escalation.second_after_hours.<urgency>`); `not_late`: the reason of an
    item no longer outstanding ("the need is met, refused or withdrawn: not late"); `second_level`: the reason of the
    second level, `{}` the hours ("still not met {} hours after its deadline: escalated two levels up")."""

    prefix: str
    not_late: str
    second_level: str


class Escalation(Decision):
    """Whether an item is late and the escalation level it should have reached (0: none; 1: one level above its
    jurisdiction, at the deadline; 2: two levels above, `<prefix>.escalation.second_after_hours` later).
    `next_at` is when the next level falls due (None when the item is closed or at the last level)."""

    late: bool
    level: int
    next_at: datetime | None


def _hours(found: InForce[int | None]) -> int:
    if found.value is None:
        raise repealed(found)
    return int(found.value)


def climb(
    ladder: Ladder, outstanding: bool, urgency: Urgency, deadline: datetime, now: datetime, policy: PolicyAt
) -> Escalation:
    """Whether an item due at `deadline` is late at `now` and the level it should have been escalated to (measure 17,
    m20.17, for needs; measure 18, m20.18, for complaints; `<prefix>.escalation.second_after_hours.<urgency>`):
    level 1 from the deadline, level 2 that many hours later. An item not `outstanding` is never late. Raises the
    repeal of the parameter where the version in force has none, outstanding or not."""
    second = policy.integer(f"{ladder.prefix}.escalation.second_after_hours.{urgency.value}")
    gap = timedelta(hours=_hours(second))
    if not outstanding:
        reasons: tuple[Reason, ...] = (because(second, ladder.not_late),)
        return Escalation(**policy_fields(policy), late=False, level=0, next_at=None, reasons=reasons)
    if now < deadline:
        reasons = (because(second, f"not late: due {deadline.isoformat()}"),)
        return Escalation(**policy_fields(policy), late=False, level=0, next_at=deadline, reasons=reasons)
    first = because(second, f"late since {deadline.isoformat()}: escalated one level up")
    if now < deadline + gap:
        return Escalation(**policy_fields(policy), late=True, level=1, next_at=deadline + gap, reasons=(first,))
    hours = int(gap.total_seconds() // 3600)
    reasons = (first, because(second, ladder.second_level.format(hours)))
    return Escalation(**policy_fields(policy), late=True, level=MAX_LEVEL, next_at=None, reasons=reasons)


def bring_forward(
    deadline: datetime, requested: datetime | None, found: InForce[int | None]
) -> tuple[datetime, Reason | None]:
    """The deadline of a need (m20.17) or complaint (m20.18), `requested` earlier than the urgency's `deadline` (the
    `found` hours, `<prefix>.deadline_hours` or `<prefix>.response_hours`): brought forward, never put off, and the
    reason citing those hours (None when nothing changed). Raises InvalidInput naming `deadline` for a requested
    deadline later than the urgency's; a requested deadline too early is each caller's own refusal (its words name
    what it must come after)."""
    if requested is None:
        return deadline, None
    if requested > deadline:
        hours = _hours(found)
        raise InvalidInput("deadline", f"{requested.isoformat()} is later than the {hours}-hour deadline")
    if requested < deadline:
        return requested, because(found, "an earlier deadline was asked for")
    return deadline, None
