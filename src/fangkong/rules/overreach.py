"""The over-reach guard for locally proposed management plans.

(16): "strictly implement the unified national prevention and control policies"; arbitrary additions are
"layer-by-layer overweighting" (层层加码), forbidden, reported and corrected. A local plan for a category is
compared day by day with the national plan in force: any day managed more strictly than the national rule
(a stricter kind of phase, or managed at all where the national plan has ended) is over-reach; so is a plan
for a category the national rules do not manage, or more tests than the national plan has.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from fangkong.errors import Inconsistent
from fangkong.policy import PolicyAt, repealed
from fangkong.policy.terms import Category, PhaseKind
from fangkong.rules.decision import Decision, Reason, because, policy_fields
from fangkong.rules.plans import LABELS, Plan, management_plan


class ProposedPhase(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: PhaseKind
    days: int = Field(ge=1, le=366)
    test_days: tuple[int, ...] | None = None


class OverreachDecision(Decision):
    overreach: bool
    below_national: bool


def _daily_kinds(phases: list[tuple[PhaseKind, int]]) -> list[PhaseKind]:
    return [kind for kind, days in phases for _ in range(days)]


def _label(kind: PhaseKind | None) -> str:
    return "no management" if kind is None else kind.value.replace("_", " ")


def check_overreach(category: Category, proposed: list[ProposedPhase], policy: PolicyAt) -> OverreachDecision:
    """Compare a locality's plan with the national one; over-reach cites (16) and the national rule."""
    national = management_plan(category, policy.on, policy)
    guard = policy.text("overreach.national_rule_clause")
    if guard.value is None:
        raise repealed(guard)
    fields = policy_fields(policy)
    if national.refused:
        if not proposed:
            return OverreachDecision(**fields, overreach=False, below_national=False, reasons=national.reasons)
        return OverreachDecision(
            **fields,
            overreach=True,
            below_national=False,
            reasons=(
                Reason(clause=guard.value, text=f"a local plan for {LABELS[category]} adds to the national rules"),
                *national.reasons,
            ),
        )
    if not isinstance(national, Plan):
        raise Inconsistent("isinstance(national, Plan)")
    mine = _daily_kinds([(p.kind, p.days) for p in proposed])
    theirs = _daily_kinds([(p.kind, p.days) for p in national.phases])
    rule_clause = national.reasons[0].clause
    stricter_days: list[tuple[int, str]] = []
    below = False
    for i in range(max(len(mine), len(theirs))):
        local = mine[i] if i < len(mine) else None
        nat = theirs[i] if i < len(theirs) else None
        lv, nv = (local.strictness if local else 0), (nat.strictness if nat else 0)
        if lv > nv:
            stricter_days.append((i + 1, f"{_label(local)} where the national rule has {_label(nat)}"))
        elif lv < nv:
            below = True
    findings = [Reason(clause=rule_clause, text=t) for t in _day_runs(stricter_days)]
    proposed_tests = sum(len(p.test_days) for p in proposed if p.test_days is not None)
    if any(p.test_days is not None for p in proposed) and proposed_tests > len(national.test_dates):
        findings.append(
            Reason(
                clause=rule_clause,
                text=f"{proposed_tests} tests where the national rule has {len(national.test_dates)}",
            )
        )
    if findings:
        return OverreachDecision(
            **fields,
            overreach=True,
            below_national=below,
            reasons=(
                Reason(clause=guard.value, text="stricter than the national rule: layer-by-layer overweighting"),
                *findings,
            ),
        )
    text = "below the national rule: it must be implemented in full" if below else "within the national rule"
    return OverreachDecision(
        **fields,
        overreach=False,
        below_national=below,
        reasons=(because(policy.get(f"management.{category.value}.phases"), text),),
    )


def _day_runs(days: list[tuple[int, str]]) -> list[str]:
    """Consecutive days with the same finding become one line ("days 6–7: ...")."""
    runs: list[list[tuple[int, str]]] = []
    for day, text in days:
        if runs and runs[-1][-1][1] == text and runs[-1][-1][0] == day - 1:
            runs[-1].append((day, text))
        else:
            runs.append([(day, text)])
    return [(f"day {r[0][0]}" if len(r) == 1 else f"days {r[0][0]}–{r[-1][0]}") + f": {r[0][1]}" for r in runs]
