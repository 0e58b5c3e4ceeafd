"""Plans in flight when a new version of the rules takes effect (11 Nov 2022: people in 7 + 3)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from fangkong.errors import Inconsistent
from fangkong.policy import PolicyAt
from fangkong.rules.decision import Reason, because
from fangkong.rules.plans import Plan, PlanPhase, join_adjacent, management_plan


def _head(phases: tuple[PlanPhase, ...], before: date) -> list[PlanPhase]:
    """The part of a plan served before `before`."""
    kept: list[PlanPhase] = []
    for p in phases:
        if p.start >= before:
            break
        end = min(p.end, before - timedelta(days=1))
        length = (end - p.start).days + 1
        kept.append(p.model_copy(update={"end": end, "test_days": tuple(d for d in p.test_days if d <= length)}))
    return kept


def _tail(phases: tuple[PlanPhase, ...], since: date) -> list[PlanPhase]:
    """The part of a plan from `since` on, its test days renumbered from the new phase starts."""
    kept: list[PlanPhase] = []
    for p in phases:
        if p.end < since:
            continue
        start = max(p.start, since)
        tests = tuple((t - (start - p.start).days) for t in p.test_days if p.start + timedelta(days=t - 1) >= start)
        kept.append(p.model_copy(update={"start": start, "test_days": tests}))
    return kept


def transition_plan(current: Plan, new_policy: PolicyAt, effective: date) -> Plan:
    """The plan of a person under management on the day `new_policy` takes effect.

    `management.transition` of the new version says what happens (interpretation register: transition):
    `recompute_from_start` rebuilds the plan from its first day under the new rules, keeps the days already
    served, and releases on the effective day anyone the new plan would already have released;
    `release` ends every plan on the effective day; `keep_original` lets the old plan run.
    """
    rule = new_policy.find("management.transition")
    if current.released_on <= effective or rule is None or rule.value == "keep_original":
        return current
    served = _head(current.phases, effective)
    if rule.value == "release":
        return _released(current, served, effective, new_policy, because(rule, "the new rules end every plan"))
    new = management_plan(current.category, current.start, new_policy)
    if new.refused:
        first = new.reasons[0]
        return _released(current, served, effective, new_policy, Reason(clause=first.clause, text=first.text))
    if not isinstance(new, Plan):
        raise Inconsistent("isinstance(new, Plan)")
    note = because(rule, f"plan recomputed from day 1 ({current.start.isoformat()}) under {new_policy.version}")
    if new.released_on <= effective:
        return _released(current, served, effective, new_policy, note)
    phases = join_adjacent(served + _tail(new.phases, effective))
    return new.model_copy(
        update={
            "phases": phases,
            "policy_date": effective,
            "reasons": (note, *new.reasons),
            "may_go_out": max((p.may_go_out for p in phases), key=lambda m: m.strictness),
            "restrictions": tuple(dict.fromkeys(r for p in phases for r in p.restrictions)),
        }
    )


def _released(current: Plan, served: list[PlanPhase], effective: date, policy: PolicyAt, why: Reason) -> Plan:
    phases = tuple(served)
    return current.model_copy(
        update={
            "phases": phases,
            "released_on": effective,
            "policy": policy.version,
            "policy_date": effective,
            "reasons": (
                why,
                Reason(clause=why.clause, text=f"released on {effective.isoformat()}"),
                *current.reasons,
            ),
        }
    )


def through_later_versions(plan: Plan, later: Sequence[tuple[date, PolicyAt]]) -> list[tuple[date, Plan]]:
    """What each later version does to a plan that is still running when it takes effect (`transition_plan`, in
    date order): each version's effective day with the plan as it then stands, for those that change it. `later`
    is every version after the plan's own, with its first day, as the caller's policy tree lists them."""
    out: list[tuple[date, Plan]] = []
    current = plan
    for effective, rules in sorted(later, key=lambda pair: pair[0]):
        if effective <= current.start or effective >= current.released_on:
            continue
        changed = transition_plan(current, rules, effective)
        if changed != current:
            out.append((effective, changed))
            current = changed
    return out
