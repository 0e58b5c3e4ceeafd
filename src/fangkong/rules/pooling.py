"""Pooled samples: which pool sizes are valid, and what a pool's result means for its members.

The nucleic-acid testing rules of 21 Nov 2022 (the supporting documents of the 20 measures): pools of 5, 10 and
20 are validated; a positive pool puts every member under temporary control on the spot and each is retested
single-tube. Pools of pools are not validated. Before that date the same practice is encoded (interpretation
register: pool-sizes). And what one tube's result means where nobody's context is needed (`tube_verdict`).
"""

from __future__ import annotations

from typing import Literal

from fangkong.errors import Refused
from fangkong.policy import PolicyAt, repealed
from fangkong.policy.terms import Population, SampleStage
from fangkong.rules.ct import GeneCt, adjudicate_ct, decisive_ct
from fangkong.rules.decision import Decision, Reason, because, policy_fields

PoolOutcome = Literal["negative", "positive"]
# what a tube's result sets in motion for the people in it
Consequence = Literal["none", "held_and_retest", "retest", "infection", "past_infection"]


class PoolDecision(Decision):
    size: int
    outcome: PoolOutcome
    hold_members: bool  # temporary control of every member until their single-tube result
    retest_single: bool


def check_pool_size(size: int, policy: PolicyAt) -> Reason:
    """A sample of `size` people may be used only when that size is validated; otherwise `Refused`."""
    sizes = policy.get("pool.sizes")
    allowed: tuple[int, ...] = sizes.value or ()
    if size not in allowed:
        shown = ", ".join(str(s) for s in allowed if s > 1)
        raise Refused(sizes.source.clause, f"a pool of {size} is not a validated size (single tubes or {shown})")
    return because(sizes, "single tube" if size == 1 else f"{size}-in-1 pool is a validated size")


def pool_result(size: int, ct: GeneCt, policy: PolicyAt) -> PoolDecision:
    """The meaning of a pooled result (size > 1) for its members; a pool is read with the kit's cut-off."""
    size_reason = check_pool_size(size, policy)
    value, gene_reason = decisive_ct(ct, policy)
    cut = policy.number("ct.general.positive_below")
    if cut.value is None:
        raise repealed(cut)
    fields = policy_fields(policy) | {"size": size}
    if value is None or value >= cut.value:
        shown = "not detected" if value is None else f"Ct {value} ≥ {cut.value:g}"
        return PoolDecision(
            **fields,
            outcome="negative",
            hold_members=False,
            retest_single=False,
            reasons=(size_reason, gene_reason, because(cut, f"{shown}: every member negative")),
        )
    held = policy.flag("pool.positive_members_held")
    return PoolDecision(
        **fields,
        outcome="positive",
        hold_members=bool(held.value),
        retest_single=True,
        reasons=(
            size_reason,
            gene_reason,
            because(cut, f"Ct {value} < {cut.value:g}: the pool is positive"),
            because(held, "every member under temporary control on the spot and retested single-tube"),
        ),
    )


class TubeVerdict(Decision):
    """One tube's result as it is stored and what follows for the people in it."""

    outcome: str  # pool_negative | pool_positive | negative | positive | retest_24h | past_infection
    consequence: Consequence
    hold_members: bool  # a positive pool's members under temporary control


_SINGLE: dict[str, Consequence] = {"positive": "infection", "retest_24h": "retest", "past_infection": "past_infection"}


def tube_verdict(size: int, ct: GeneCt, policy: PolicyAt) -> TubeVerdict:
    """A tube judged where nobody's context is needed: a pool (size > 1) by `pool_result` — its members held and
    retested single-tube when positive —, a single tube by `adjudicate_ct` for the general population at screening
    (measure 9) — a positive is an infection. An entrant's single tube needs their context (`ct.ct_context`)."""
    fields = policy_fields(policy)
    if size > 1:
        pool = pool_result(size, ct, policy)
        consequence: Consequence = "retest" if pool.retest_single else "none"
        if pool.hold_members:
            consequence = "held_and_retest"
        return TubeVerdict(
            **fields,
            outcome=f"pool_{pool.outcome}",
            consequence=consequence,
            hold_members=pool.hold_members,
            reasons=pool.reasons,
        )
    decision = adjudicate_ct(ct, Population.general, SampleStage.screening, policy)
    return TubeVerdict(
        **fields,
        outcome=decision.result.value,
        consequence=_SINGLE.get(decision.result.value, "none"),
        hold_members=False,
        reasons=decision.reasons,
    )
