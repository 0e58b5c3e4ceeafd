"""Departure clearance for stranded persons (measure 20): "people not in high-risk areas may leave after a risk
assessment; destinations may not refuse returnees nor add controls". The assessment is the person's statuses
today (the same facts as the health code); what keeps someone from leaving is a status that forbids going out.
"""

from __future__ import annotations

from fangkong.policy import PolicyAt
from fangkong.rules.decision import Decision, Reason, because, policy_fields
from fangkong.rules.health_code import Status

# Statuses under which the rules say the person may not go out (measures 1, 3, 4, 10; section 3).
BLOCKING = {
    "infection",
    "temporary_control",
    "centralized_isolation",
    "home_isolation",
    "high_risk_area",
    "medium_risk_area",
}


class Clearance(Decision):
    cleared: bool


def departure_clearance(statuses: list[Status], policy: PolicyAt) -> Clearance:
    """Cleared unless a status forbids leaving; every status found is part of the recorded assessment."""
    rule = policy.flag("stranded.may_leave_after_assessment")
    returnees = policy.flag("overreach.destinations_may_refuse_returnees")
    blocking = [s for s in statuses if s.status in BLOCKING]
    notes = [s for s in statuses if s.status not in BLOCKING]
    fields = policy_fields(policy)
    if blocking or not rule.value:
        return Clearance(
            **fields,
            cleared=False,
            reasons=(
                because(rule, "not cleared: the person may not leave yet"),
                *(Reason(clause=s.clause, text=s.text) for s in blocking),
            ),
        )
    return Clearance(
        **fields,
        cleared=True,
        reasons=(
            because(rule, "not in a high-risk area: may leave after this risk assessment"),
            *(Reason(clause=s.clause, text=f"{s.text} (travel with care)") for s in notes),
            *(() if returnees.value else (because(returnees, "the destination may not refuse them nor add controls"),)),
        ),
    )
