"""One escalation ladder for what falls late: the needs of people under closure (measure 17, m20.17;
`closure.escalation.*`, the closure-escalation interpretation) and complaints (measure 18, m20.18;
`complaints.escalation.*`, complaints-escalation).

Neither measure gives hours or levels: the ladder is policy data. Late at the deadline, the item goes one level above
its jurisdiction; still late `<prefix>.escalation.second_after_hours.<urgency>` hours later, a second level. An item
no longer outstanding (a need met, refused or withdrawn; a complaint answered or closed) is never late. Every reason
cites that parameter's clause, so a need cites measure 17 and a complaint measure 18.

- `Ladder`: what one kind of item calls its parameters and itself (the prefix, the noun and its words).
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
    """What one kind of item calls its escalation parameters and itself, for the reasons' words.

    `prefix`: the parameters' root (`<prefix>.escalation.second_after_hours.<urgency>`); `noun`: the item ("need");
    `closed`: what makes it no longer outstanding ("met, refused or withdrawn"); `done`: what it is still not at the
    second level ("met")."""

    prefix: str
    noun: str
    closed: str
    done: str


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
        reasons: tuple[Reason, ...] = (because(second, f"the {ladder.noun} is {ladder.closed}: not late"),)
        return Escalation(**policy_fields(policy), late=False, level=0, next_at=None, reasons=reasons)
    if now < deadline:
        reasons = (because(second, f"not late: due {deadline.isoformat()}"),)
        return Escalation(**policy_fields(policy), late=False, level=0, next_at=deadline, reasons=reasons)
    first = because(second, f"late since {deadline.isoformat()}: escalated one level up")
    if now < deadline + gap:
        return Escalation(**policy_fields(policy), late=True, level=1, next_at=deadline + gap, reasons=(first,))
    hours = int(gap.total_seconds() // 3600)
    said = f"still not {ladder.done} {hours} hours after its deadline: escalated two levels up"
    reasons = (first, because(second, said))
    return Escalation(**policy_fields(policy), late=True, level=MAX_LEVEL, next_at=None, reasons=reasons)


def bring_forward(
    deadline: datetime, requested: datetime | None, found: InForce[int | None], *, not_before: datetime, too_early: str
) -> tuple[datetime, Reason | None]:
    """The deadline of a need (m20.17) or complaint (m20.18), `requested` earlier than the urgency's `deadline` (the
    `found` hours, `<prefix>.deadline_hours` or `<prefix>.response_hours`): brought forward, never put off, and the
    reason citing those hours (None when nothing changed). Raises InvalidInput naming `deadline` for a requested
    deadline at or before `not_before` (the message ends with `too_early`) or later than the urgency's."""
    if requested is None:
        return deadline, None
    if requested <= not_before:
        raise InvalidInput("deadline", f"{requested.isoformat()} {too_early}")
    if requested > deadline:
        hours = _hours(found)
        raise InvalidInput("deadline", f"{requested.isoformat()} is later than the {hours}-hour deadline")
    if requested < deadline:
        return requested, because(found, "an earlier deadline was asked for")
    return deadline, None
