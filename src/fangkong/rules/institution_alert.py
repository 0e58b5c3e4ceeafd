"""The response checklist of an infection in a key institution (measure 14, with the care rules of measure 11).

(14): "strengthen the protection of nursing homes, welfare homes, psychiatric hospitals and other institutions"
(加强养老院、儿童福利院、精神专科医院等机构的防护); (11): severe cases go to designated hospitals. The notice names the
institutions, not what an infection among their residents or staff sets in motion nor by when: the checklist and its
deadlines are policy data (`key_populations.alert.*`; register keypop-alert-checklist, keypop-alert-deadlines).
Pure: the instant of the alert is an argument, never the clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from fangkong.errors import InvalidInput
from fangkong.policy import PolicyAt
from fangkong.policy.terms import AlertStep, InfectedRole, parse_term
from fangkong.rules.decision import Decision, because, policy_fields


class ChecklistItem(Decision):
    """One item of an institution alert's checklist and the instant by which it must be done (m20.14)."""

    step: AlertStep
    hours: int
    due_at: datetime


class InstitutionAlert(Decision):
    """What an infection among a key institution's residents or staff asks of it, in order (m20.14, m20.11)."""

    infected: InfectedRole
    raised_at: datetime
    items: tuple[ChecklistItem, ...]


def institution_alert(infected: InfectedRole | str, when: datetime, policy: PolicyAt) -> InstitutionAlert:
    """The checklist an infection among the residents or the staff of a key institution raises at `when` (measure 14,
    m20.14; measure 11, m20.11): each step of `key_populations.alert.steps`, due `deadline_hours.<step>` hours after
    `when`. A step whose deadline is repealed (no value) is left out. `when` must carry its zone. Raises InvalidInput
    naming `infected` or `when`."""
    role = infected if isinstance(infected, InfectedRole) else parse_term(InfectedRole, infected, "infected")
    if when.tzinfo is None:
        raise InvalidInput("when", "an instant needs its time zone")
    steps = policy.get("key_populations.alert.steps")
    items: list[ChecklistItem] = []
    for step in steps.value or ():
        hours = policy.integer(f"key_populations.alert.deadline_hours.{AlertStep(step).value}")
        if hours.value is None:
            continue
        reasons = (
            because(steps, f"an infection among the {_said(role)}: {_said(AlertStep(step))}"),
            because(hours, f"within {hours.value} hours of the alert"),
        )
        items.append(
            ChecklistItem(
                **policy_fields(policy),
                step=AlertStep(step),
                hours=hours.value,
                due_at=when + timedelta(hours=hours.value),
                reasons=reasons,
            )
        )
    summary = because(steps, f"an infection among the {_said(role)} of a key institution: {len(items)} steps")
    return InstitutionAlert(
        **policy_fields(policy), infected=role, raised_at=when, items=tuple(items), reasons=(summary,)
    )


def _said(word: AlertStep | InfectedRole) -> str:
    """A vocabulary word as a reason writes it: its identifier with spaces."""
    return word.value.replace("_", " ")
