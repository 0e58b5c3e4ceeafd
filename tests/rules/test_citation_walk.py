"""Every plan cites its own category and version (issue 15, citations): for every category under every version,
each clause a plan or a refusal cites is the clause of one of that category's own parameters in force — never a
clause borrowed from another category (a v9 high-risk post worker citing the secondary-contact clause, m20
spill-over citing m20.1) — and belongs to the version in force (its own instrument, or a supplement amending it),
unless that parameter's value was set before the version began and carried into it (the new 10 is silent on
most categories: register n10-silence)."""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.policy import load_policy
from fangkong.policy.terms import Category
from fangkong.rules.plans import management_plan

POLICY = load_policy()
DAYS = {
    "v9": date(2022, 10, 1),
    "m20": date(2022, 11, 15),
    "m20 with its documents": date(2022, 11, 25),
    "n10": date(2022, 12, 10),
    "classb": date(2023, 1, 10),
}


def own_clauses(category: Category, on: date) -> dict[str, date]:
    """The clauses of the category's own parameters (`management.<category>.*`) in force on `on`, each with the
    day its value was set."""
    rules = POLICY.at(on)
    out: dict[str, date] = {}
    for leaf in ("determined", "phases", "code_managed", "anchor"):
        found = rules.find(f"management.{category.value}.{leaf}")
        if found is not None:
            out[found.source.clause] = min(found.since, out.get(found.source.clause, found.since))
    return out


@pytest.mark.parametrize("category", list(Category), ids=[c.value for c in Category])
@pytest.mark.parametrize("version", list(DAYS), ids=list(DAYS))
def test_a_plan_cites_its_own_category_and_version(version: str, category: Category) -> None:
    on = DAYS[version]
    rules = POLICY.at(on)
    answer = management_plan(category, on, rules)
    assert answer.cite, "a plan or a refusal cites at least one clause"
    own = own_clauses(category, on)
    borrowed = set(answer.cite) - set(own)
    assert not borrowed, f"{category.value} under {version} cites {sorted(borrowed)}, not its own"
    began = POLICY.instruments[rules.version].in_force_from
    for clause in answer.cite:
        instrument = POLICY.instruments[POLICY.clauses[clause].instrument]
        belongs = instrument.amends or POLICY.clauses[clause].instrument
        carried = own[clause] < began
        assert belongs == rules.version or carried, f"{clause} is of {belongs}, not of {rules.version}"
        assert instrument.in_force_from <= on, f"{clause} takes effect {instrument.in_force_from}"
