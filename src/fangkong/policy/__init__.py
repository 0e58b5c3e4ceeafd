"""Policy as data: dated, cited parameters of every version, and the interpretation register.

`load_policy()` gives the national policy; `policy.at(date)` the rules in force on a date;
`policy.for_version("m20")` a named version's rules.
"""

from __future__ import annotations

from functools import cache

from fangkong.policy.schema import Clause, Instrument, Interpretation, SourceRef
from fangkong.policy.tree import InForce, Parameter, Policy, PolicyAt, load_national_policy, repealed
from fangkong.policy.value_types import PhaseSpec, render


@cache
def load_policy() -> Policy:
    """The national policy, read and checked once per process."""
    return load_national_policy()


__all__ = [
    "Clause",
    "InForce",
    "Instrument",
    "Interpretation",
    "Parameter",
    "PhaseSpec",
    "Policy",
    "PolicyAt",
    "SourceRef",
    "load_policy",
    "render",
    "repealed",
]
