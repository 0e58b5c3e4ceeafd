"""A person's health-code status on a day: the colour and every reason for it, each with its clause.

Statuses come from the person's management plan (the phase they are in: measures 1, 3, 5, 10 make them
"code-managed"), an infection (section 3), temporary control after a positive pool (m20-docs.testing) and a
high-risk area they live in (measure 4). The colour of each status is the province's (a colour table in the
policy data, not code); the strictest colour present wins, and no status means the table's `otherwise`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from fangkong.policy import PolicyAt
from fangkong.policy.health_codes import ColourTable
from fangkong.rules.decision import Decision, Reason, policy_fields


class Status(BaseModel):
    """One fact that bears on the code: a status name, the clause behind it, and what it is."""

    model_config = ConfigDict(frozen=True)

    status: str
    clause: str
    text: str


class HealthCodeDecision(Decision):
    colour: str
    statuses: tuple[str, ...]


def health_code(statuses: list[Status], table: ColourTable, policy: PolicyAt) -> HealthCodeDecision:
    """The colour for the statuses a person has today under the province's table."""
    fields = policy_fields(policy)
    if not statuses:
        return HealthCodeDecision(
            **fields,
            colour=table.otherwise,
            statuses=(),
            reasons=(Reason(clause="m20.16", text=f"nothing applies: {table.otherwise} ({table.source})"),),
        )
    coloured = sorted(statuses, key=lambda s: (-table.strictness(table.colours[s.status]), s.status, s.clause, s.text))
    colour = table.colours[coloured[0].status]
    return HealthCodeDecision(
        **fields,
        colour=colour,
        statuses=tuple(dict.fromkeys(s.status for s in coloured)),
        reasons=tuple(
            Reason(clause=s.clause, text=f"{s.text}: {table.colours[s.status]} ({s.status.replace('_', ' ')})")
            for s in coloured
        ),
    )
