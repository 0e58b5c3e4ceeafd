"""What every decision carries: the policy it used and its reasons, each citing a clause."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from fangkong.policy import InForce, PolicyAt


class Reason(BaseModel):
    """One step of a decision's justification: the clause and what it contributed."""

    model_config = ConfigDict(frozen=True)

    clause: str
    text: str


class Decision(BaseModel):
    """Base of every answer the rules give."""

    model_config = ConfigDict(frozen=True)

    policy: str | None
    policy_date: date | None
    reasons: tuple[Reason, ...] = ()

    @property
    def cite(self) -> list[str]:
        """The clause ids of the reasons, first mention first, without repeats."""
        return list(dict.fromkeys(r.clause for r in self.reasons))


def because(found: InForce[object], text: str) -> Reason:
    """A reason citing the source of a parameter value."""
    return Reason(clause=found.source.clause, text=text)


def policy_fields(policy: PolicyAt) -> dict[str, object]:
    return {"policy": policy.version, "policy_date": policy.on}
