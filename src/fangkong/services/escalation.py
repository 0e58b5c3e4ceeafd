"""The escalation pass shared by the needs under closure (measure 17; closure-escalation) and complaints (measure 18;
complaints-escalation): for each late row, one step a level not yet reached, up to the level the ladder says
(rules.escalation), each addressed to the jurisdiction that many levels above the row's; then one audit record a step.
Each level is stepped once, however often the job runs: the row keeps the highest level reached.

The callers choose the rows (their own late query) and name their rule, their step table and how their trail words
a step; the climbing, the addressing and the order of the writes are here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from fangkong.policy import PolicyAt
from fangkong.rules.escalation import Escalation
from fangkong.services.access import Actor
from fangkong.services.audit.service import record


class Escalated(Protocol):
    """A row that escalates: its id, where it stands in the jurisdiction tree, its state, urgency and deadline, and
    the highest level it has reached."""

    escalation_level: int

    @property
    def id(self) -> int: ...
    @property
    def jurisdiction_path(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def urgency(self) -> str: ...
    @property
    def deadline(self) -> datetime: ...


R = TypeVar("R", bound=Escalated)
S = TypeVar("S")
# a rule's escalation (status, urgency, deadline, now, the policy in force), as rules.closure_needs and rules.complaints
Rule = Callable[[str, str, datetime, datetime, PolicyAt], Escalation]


def up(path: str, levels: int) -> str:
    """The code of the jurisdiction `levels` above the one at `path` (the root if the tree is shallower)."""
    codes = [c for c in path.split("/") if c]
    return codes[max(0, len(codes) - 1 - levels)]


def escalate_rows(
    session: Session,
    actor: Actor,
    late: Iterable[R],
    *,
    rule: Rule,
    rules: PolicyAt,
    now: datetime,
    step: Callable[..., S],
    owner: str,
    audit: Callable[[R, S], tuple[str, int, dict[str, Any]]],
) -> list[S]:
    """Escalate every row in `late` to the level its `rule` gives it at `now` (measure 17 for needs, measure 18 for
    complaints): one `step` (the step table, its column naming the row `owner`) a level above the row's
    `escalation_level`, addressed to the jurisdiction that many levels up, with the reasons up to that level; the
    row's level raised; after one flush, one "update" audit record a step, in order, as `audit` words it (entity, id,
    detail). Returns the steps."""
    made: list[tuple[R, S]] = []
    for row in late:
        decision = rule(row.status, row.urgency, row.deadline, now, rules)
        for level in range(row.escalation_level + 1, decision.level + 1):
            s = step(
                **{owner: row.id},
                level=level,
                to_jurisdiction_code=up(row.jurisdiction_path, level),
                at=now,
                by=actor.username,
                reasons=[r.model_dump() for r in decision.reasons[:level]],
            )
            session.add(s)
            made.append((row, s))
        row.escalation_level = max(row.escalation_level, decision.level)
    session.flush()
    for row, s in made:
        entity, entity_id, detail = audit(row, s)
        record(session, actor, action="update", entity=entity, entity_id=entity_id, detail=detail)
    return [s for _, s in made]
