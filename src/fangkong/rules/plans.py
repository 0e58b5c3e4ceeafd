"""Management plans: who is managed, where, for how long and with which tests.

Measures (1) close contacts, (2) no secondary close contacts, (3) spill-over from high-risk areas,
(5) high-risk post employees, (9) past infections among entrants and (10) entry personnel; and the
9th edition's plans they replaced. Each plan is built from the parameters in force, never from constants here.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from fangkong.errors import InvalidInput
from fangkong.policy import PolicyAt, render
from fangkong.policy.terms import Category, MayGoOut, PhaseKind, Restriction
from fangkong.rules.decision import Decision, Reason, because, policy_fields

LABELS = {
    Category.close_contact: "close contacts",
    Category.secondary_close_contact: "secondary close contacts",
    Category.entry_personnel: "entry personnel",
    Category.high_risk_spillover: "people who left a high-risk area",
    Category.medium_risk_spillover: "people who left a medium-risk area",
    Category.low_risk_spillover: "people who stayed in a low-risk area",
    Category.high_risk_post_worker: "high-risk post employees after closed-loop work",
    Category.past_infection_ct35_40: "entrants judged past infections (Ct 35–40)",
    Category.mild_infection: "asymptomatic and mild infections isolated at home",
}


class PlanPhase(BaseModel):
    """A phase of one person's plan, on the calendar."""

    model_config = ConfigDict(frozen=True)

    kind: PhaseKind
    start: date
    end: date
    test_days: tuple[int, ...]
    may_go_out: MayGoOut
    restrictions: tuple[Restriction, ...]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def test_dates(self) -> tuple[date, ...]:
        return tuple(self.start + timedelta(days=d - 1) for d in self.test_days)

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


class Plan(Decision):
    """A person's management plan under one version of the rules."""

    category: Category
    start: date
    phases: tuple[PlanPhase, ...]
    released_on: date
    may_go_out: MayGoOut
    restrictions: tuple[Restriction, ...]
    code_managed: bool
    refused: Literal[False] = False

    @property
    def test_dates(self) -> tuple[date, ...]:
        return tuple(d for p in self.phases for d in p.test_dates)

    def phase_on(self, day: date) -> PlanPhase | None:
        return next((p for p in self.phases if p.covers(day)), None)


class PlanRefusal(Decision):
    """The rules in force do not determine or manage this category: no plan may be made."""

    category: Category
    refused: Literal[True] = True


def join_adjacent(phases: list[PlanPhase] | tuple[PlanPhase, ...]) -> tuple[PlanPhase, ...]:
    """Adjacent phases of the same kind become one phase, keeping every test day.

    A plan lists each kind of management once per stretch: when a transition (new rules in flight) or a switch
    home → centralized (section 3) makes two neighbouring phases the same kind, a person stays in one place and
    the work lists must not announce a phase change that does not happen.
    """
    out: list[PlanPhase] = []
    for p in phases:
        if out and out[-1].kind == p.kind and out[-1].end + timedelta(days=1) == p.start:
            prev = out[-1]
            shift = (p.start - prev.start).days
            out[-1] = prev.model_copy(
                update={
                    "end": p.end,
                    "test_days": prev.test_days + tuple(t + shift for t in p.test_days),
                    "may_go_out": max(prev.may_go_out, p.may_go_out, key=lambda m: m.strictness),
                    "restrictions": tuple(dict.fromkeys((*prev.restrictions, *p.restrictions))),
                }
            )
        else:
            out.append(p)
    return tuple(out)


def parse_category(value: str, field: str = "category") -> Category:
    try:
        return Category(value)
    except ValueError:
        known = ", ".join(c.value for c in Category)
        raise InvalidInput(field, f"unknown category {value!r}; known: {known}") from None


def management_plan(category: Category, start: date, policy: PolicyAt) -> Plan | PlanRefusal:
    """The plan for a person of `category` whose day 1 of management is `start`.

    (1): close contacts "5 days of centralized isolation + 3 days of home isolation", code-managed, no going out,
    tests on centralized days 1, 2, 3, 5 and home days 1, 3. (2): secondary close contacts are no longer
    determined, so they get a refusal citing it. The phases, tests and code management of every category
    come from the parameters `management.<category>.*` in force.
    """
    base = f"management.{category.value}"
    label = LABELS[category]
    determined = policy.flag(f"{base}.determined")
    if not determined.value:
        return PlanRefusal(
            **policy_fields(policy),
            category=category,
            reasons=(because(determined, f"{label} are not determined or managed under {policy.version}"),),
        )
    specs = policy.phases(f"{base}.phases")
    if specs.value is None:
        return PlanRefusal(
            **policy_fields(policy),
            category=category,
            reasons=(because(specs, f"no management plan for {label} under {policy.version}"),),
        )
    code = policy.flag(f"{base}.code_managed")
    reasons: list[Reason] = [because(specs, f"{label}: {render(specs.value)}")]
    phases: list[PlanPhase] = []
    day = start
    for spec in specs.value:
        may = policy.get(f"management.phase_kind.{spec.kind.value}.may_go_out")
        restrictions = policy.get(f"management.phase_kind.{spec.kind.value}.restrictions")
        end = day + timedelta(days=spec.days - 1)
        phases.append(
            PlanPhase(
                kind=spec.kind,
                start=day,
                end=end,
                test_days=spec.test_days,
                may_go_out=may.value,
                restrictions=restrictions.value,
            )
        )
        text = f"{spec.kind.value.replace('_', ' ')}: may go out: {may.value}"
        if restrictions.value:
            text += f"; when out: {', '.join(restrictions.value)}"
        # cited to the clause that puts this category in this phase, of the version in force: the phase kind's
        # own parameter borrows one category's clause for every category (issue 15, citations)
        reasons.append(Reason(clause=specs.source.clause, text=text))
        day = end + timedelta(days=1)
    if code.value:
        reasons.append(because(code, "health code managed (赋码管理) for the whole plan"))
    return Plan(
        **policy_fields(policy),
        category=category,
        start=start,
        phases=tuple(phases),
        released_on=day,
        may_go_out=max((p.may_go_out for p in phases), key=lambda m: m.strictness),
        restrictions=tuple(dict.fromkeys(r for p in phases for r in p.restrictions)),
        code_managed=bool(code.value),
        reasons=tuple(reasons),
    )


def first_day(category: Category, anchor_on: date, policy: PolicyAt) -> tuple[date, Reason]:
    """Day 1 of a plan counted from its anchor fact (last exposure, entry, leaving the area, ...).

    The texts number the days of each phase but not the anchor: `management.day_one` says which convention
    applies (interpretation register: day-one) and `management.<category>.anchor` which fact is the anchor.
    """
    convention = policy.text("management.day_one")
    anchor = policy.text(f"management.{category.value}.anchor")
    offset = 1 if convention.value == "day_after_anchor" else 0
    day = anchor_on + timedelta(days=offset)
    # cited to the category's own anchor (of the version in force); the convention is the register's day-one
    return day, because(
        anchor,
        f"anchor {anchor.value} on {anchor_on.isoformat()} is day {1 - offset}; day 1 is {day.isoformat()} "
        f"({(convention.value or '').replace('_', ' ')})",
    )


def switch_home_isolation(plan: Plan, on: date, policy: PolicyAt) -> tuple[Plan, Reason]:
    """Section 3: "those not eligible for home isolation are still subject to centralized isolation". From `on`,
    every home-isolation day of the plan is spent where `management.home_isolation_ineligible.isolated_in` says,
    with the same test days; a phase that straddles `on` is split there. The plan's past does not change."""
    target = policy.text("management.home_isolation_ineligible.isolated_in")
    if target.value is None:
        raise InvalidInput("on", f"{policy.version} does not move anyone out of home isolation")
    kind = PhaseKind(target.value)
    if not any(p.kind is PhaseKind.home_isolation and p.end >= on for p in plan.phases):
        raise InvalidInput("on", f"the plan has no home isolation on or after {on}")
    may = policy.get(f"management.phase_kind.{kind.value}.may_go_out").value
    phases: list[PlanPhase] = []
    for p in plan.phases:
        if p.kind is not PhaseKind.home_isolation or p.end < on:
            phases.append(p)
            continue
        if p.start < on:  # the days before `on` stay as they were
            cut = (on - p.start).days
            phases.append(
                p.model_copy(
                    update={"end": on - timedelta(days=1), "test_days": tuple(d for d in p.test_days if d <= cut)}
                )
            )
            p = p.model_copy(update={"start": on, "test_days": tuple(d - cut for d in p.test_days if d > cut)})
        phases.append(p.model_copy(update={"kind": kind, "may_go_out": may, "restrictions": ()}))
    switched = plan.model_copy(update={"phases": join_adjacent(phases)})
    return switched, because(target, f"not eligible for home isolation: {kind.value.replace('_', ' ')} from {on}")
