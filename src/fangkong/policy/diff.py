"""What changed between two versions, parameter by parameter, each side with its clause."""

from __future__ import annotations

from dataclasses import dataclass

from fangkong.errors import NotInForce
from fangkong.policy.tree import InForce, Policy, PolicyAt


@dataclass(frozen=True)
class Change:
    path: str
    description: str
    before: InForce[object] | None  # None: the parameter did not exist yet
    after: InForce[object] | None


def _value(rules: PolicyAt, path: str) -> InForce[object] | None:
    try:
        return rules.get(path)
    except NotInForce:
        return None


def policy_diff(policy: Policy, a: PolicyAt, b: PolicyAt) -> list[Change]:
    """Every parameter whose value differs between two rule sets (a repeal and a new rule count)."""
    changes = []
    for path, param in policy.parameters.items():
        before, after = _value(a, path), _value(b, path)
        if (before.value if before else None) == (after.value if after else None) and (before is None) == (
            after is None
        ):
            continue
        changes.append(Change(path, param.spec.description, before, after))
    return changes


def in_force(policy: Policy, rules: PolicyAt) -> list[tuple[str, str, InForce[object]]]:
    """Every parameter with a value on the rules' date: (path, description, value)."""
    out = []
    for path, param in policy.parameters.items():
        found = _value(rules, path)
        if found is not None:
            out.append((path, param.spec.description, found))
    return out
