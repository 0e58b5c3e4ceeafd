"""One tube's verdict where nobody's context is needed — the one verdict the store's import and the city-wide job
both join onto their tubes — table-driven: a pool by the pooling rules (members held and retested when
positive), a single tube by the general population's cut-off at screening (a positive is an infection)."""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.policy import Policy
from fangkong.policy.terms import Population, SampleStage
from fangkong.rules.ct import GeneCt, adjudicate_ct
from fangkong.rules.pooling import pool_result, tube_verdict

M20_DAY = date(2022, 11, 20)
DOCS_DAY = date(2022, 11, 22)
V9_DAY = date(2022, 10, 1)


@pytest.mark.parametrize(
    ("size", "ct", "outcome", "consequence", "held"),
    [
        (5, 30.0, "pool_positive", "held_and_retest", True),
        (10, 39.9, "pool_positive", "held_and_retest", True),
        (20, 40.0, "pool_negative", "none", False),
        (5, None, "pool_negative", "none", False),
        (1, 30.0, "positive", "infection", False),
        (1, 39.99, "positive", "infection", False),
        (1, 40.0, "negative", "none", False),
        (1, None, "negative", "none", False),
    ],
)
@pytest.mark.parametrize("on", [V9_DAY, M20_DAY, DOCS_DAY])
def test_tube_verdict(
    policy: Policy, on: date, size: int, ct: float | None, outcome: str, consequence: str, held: bool
) -> None:
    rules = policy.at(on)
    gene = GeneCt.every_target(ct)
    verdict = tube_verdict(size, gene, rules)
    assert (verdict.outcome, verdict.consequence, verdict.hold_members) == (outcome, consequence, held)
    alone = (
        pool_result(size, gene, rules)
        if size > 1
        else adjudicate_ct(gene, Population.general, SampleStage.screening, rules)
    )
    assert verdict.cite == alone.cite and verdict.reasons == alone.reasons
