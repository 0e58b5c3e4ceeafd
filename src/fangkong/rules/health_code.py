"""A person's health-code status on a day: which statuses they have, and the colour they make, each with its clause.

Statuses come from the person's management plan (the phase they are in: measures 1, 3, 5, 10 make them
"code-managed", 赋码管理), an infection (section 3), temporary control after a positive pool (the testing rules) and
a high- or medium-risk area they live in (measure 4). Which days each fact counts on is decided here and only here
(`statuses_on_day`), over plain facts: the store's service, the bulk job's SQL and its test oracle all apply this
one definition. Every window is a half-open interval of days, first day included, end day excluded:

- a phase of a plan: from its first day to its last day (the plan's own days), while the order runs (from its
  first day until the day of release);
- an infection: from the day it is confirmed until the day of discharge (`health_code.infection.*`,
  interpretation register: code-infection-window);
- temporary control: from the day the hold starts until the day it ends (`health_code.temporary_control.*`,
  code-hold-window);
- a risk area: the areas covering the person's home on the day (the area's own history decides its level).

The colour of each status is the province's (a colour table in the policy data, not code); the strictest colour
present wins, and no status means the table's `otherwise`. Every clause comes from the policy in force on the day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from fangkong.errors import PolicyDataError
from fangkong.policy import InForce, PolicyAt
from fangkong.policy.health_codes import ColourTable
from fangkong.policy.terms import Category, PhaseKind
from fangkong.rules.decision import Decision, Reason, policy_fields

# The values `health_code.infection.counts_from` may take: the fact whose day opens an infection's window.
INFECTION_STARTS = ("confirmed_day", "sampled_day")


class Status(BaseModel):
    """One fact that bears on the code: a status name, the clause behind it, and what it is."""

    model_config = ConfigDict(frozen=True)

    status: str
    clause: str
    text: str
    category: str | None = None  # a phase's category: a table may colour a phase kind by category


class HealthCodeDecision(Decision):
    colour: str
    statuses: tuple[str, ...]


# ---- the facts ------------------------------------------------------------------------------------------------


class PhaseFact(BaseModel):
    """A phase of one of the person's active management orders: its kind and days (`start` to `end`, both
    included), the order's first day and day of release (`released_on`, the first day without it), and the
    clause of the stored plan (used where the rules in force on the day no longer manage the category)."""

    model_config = ConfigDict(frozen=True)

    category: str
    kind: PhaseKind
    start: date
    end: date
    order_start: date
    released_on: date
    plan_clause: str | None = None


class InfectionFact(BaseModel):
    """The person's infection: sampled, confirmed and (when recorded) discharged, as days in the jurisdiction."""

    model_config = ConfigDict(frozen=True)

    kind: str
    sampled_on: date
    confirmed_on: date
    discharged_on: date | None = None


class HoldFact(BaseModel):
    """Temporary control after a positive pool: the day it started and, once cleared, the day it ended."""

    model_config = ConfigDict(frozen=True)

    started_on: date
    ended_on: date | None = None


class AreaFact(BaseModel):
    """A high- or medium-risk area covering the person's home on the day, with the clause of its level."""

    model_config = ConfigDict(frozen=True)

    level: str
    clause: str | None = None


class PersonFacts(BaseModel):
    """What the store (or a bulk table) knows of one person that bears on their code."""

    model_config = ConfigDict(frozen=True)

    phases: tuple[PhaseFact, ...] = ()
    infections: tuple[InfectionFact, ...] = ()
    holds: tuple[HoldFact, ...] = ()
    areas: tuple[AreaFact, ...] = ()


# ---- the windows ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeWindows:
    """The days each fact counts on under the rules in force (the bulk job binds these into its SQL)."""

    infection_from: str  # one of INFECTION_STARTS
    infection_on_discharge_day: bool  # whether the day of discharge still counts
    infection: InForce[object]
    hold_on_end_day: bool  # whether the day a hold ends still counts
    hold: InForce[object]


def code_windows(policy: PolicyAt) -> CodeWindows:
    """The windows of an infection (section 3: from confirmation until discharge) and of temporary control (held
    until the single-tube retest clears the person) in force, from `health_code.*`."""
    starts = policy.text("health_code.infection.counts_from")
    if starts.value not in INFECTION_STARTS:
        raise PolicyDataError(
            f"health_code.infection.counts_from: {starts.value!r} is not one of {', '.join(INFECTION_STARTS)}"
        )
    discharge = policy.flag("health_code.infection.discharge_day_counts")
    end = policy.flag("health_code.temporary_control.end_day_counts")
    return CodeWindows(
        infection_from=starts.value,
        infection_on_discharge_day=bool(discharge.value),
        infection=starts,
        hold_on_end_day=bool(end.value),
        hold=end,
    )


def _within(on: date, first: date, until: date | None) -> bool:
    """`first` ≤ `on` < `until` (no `until`: still open)."""
    return first <= on and (until is None or on < until)


def _next(day: date | None, include: bool) -> date | None:
    """The first day a window ending on `day` no longer covers: the day itself, or the day after it when
    that day still counts."""
    return None if day is None else day + timedelta(days=1) if include else day


def _phase_clause(phase: PhaseFact, policy: PolicyAt) -> str:
    """The clause that makes the person code-managed today: `management.<category>.code_managed` in force
    (measures 1, 3, 5, 9, 10), else the stored plan's own clause."""
    managed = policy.find(f"management.{phase.category}.code_managed")
    if managed is not None and managed.value:
        return managed.source.clause
    if phase.plan_clause is not None:
        return phase.plan_clause
    if managed is not None:
        return managed.source.clause
    raise PolicyDataError(f"management.{phase.category}.code_managed is not in force on {policy.on}")


def statuses_on_day(facts: PersonFacts, on: date, policy: PolicyAt) -> list[Status]:
    """Every status that bears on a person's code on `on` (measures 1, 3, 4, 5, 10; section 3; the testing rules).

    (1) close contacts "期间赋码管理": code-managed during the plan; so are the plans of (3), (5), (9) and (10).
    Section 3: an infection is isolated and treated until released. A positive pool's members are held until
    their single-tube retest. (4) the residence of an infection is a high-risk area. The days of each are the
    half-open windows of the module's docstring, with the open choices read from the policy in force.
    """
    windows = code_windows(policy)
    out: list[Status] = []
    for phase in facts.phases:
        if _within(on, phase.order_start, phase.released_on) and _within(on, phase.start, _next(phase.end, True)):
            day = (on - phase.start).days + 1
            out.append(
                Status(
                    status=phase.kind.value,
                    category=phase.category,
                    clause=_phase_clause(phase, policy),
                    text=f"{phase.category.replace('_', ' ')}: day {day} of {phase.kind.value.replace('_', ' ')}",
                )
            )
    for inf in facts.infections:
        first = inf.confirmed_on if windows.infection_from == "confirmed_day" else inf.sampled_on
        if _within(on, first, _next(inf.discharged_on, windows.infection_on_discharge_day)):
            out.append(
                Status(
                    status="infection",
                    clause=windows.infection.source.clause,
                    text=f"{inf.kind} infection confirmed {inf.confirmed_on}",
                )
            )
    for hold in facts.holds:
        if _within(on, hold.started_on, _next(hold.ended_on, windows.hold_on_end_day)):
            out.append(
                Status(status="temporary_control", clause=windows.hold.source.clause, text="held after a positive pool")
            )
    for area in facts.areas:
        clause = area.clause or policy.get("risk_area.levels").source.clause
        out.append(Status(status=f"{area.level}_risk_area", clause=clause, text=f"lives in a {area.level}-risk area"))
    return out


def status_clauses(policy: PolicyAt) -> tuple[str, ...]:
    """Every clause `statuses_on_day` and `health_code` may cite under the rules in force (a bulk job's cites):
    the code management of each category managed, the infection and hold windows, the risk-area levels, and the
    clause that leaves everyone else green."""
    found: list[str] = []
    for category in Category:
        managed = policy.find(f"management.{category.value}.code_managed")
        if managed is not None and managed.value:
            found.append(managed.source.clause)
    windows = code_windows(policy)
    found += [
        windows.infection.source.clause,
        windows.hold.source.clause,
        policy.get("risk_area.levels").source.clause,
        policy.get("overreach.national_rule_clause").source.clause,
    ]
    return tuple(dict.fromkeys(found))


# ---- the colour -------------------------------------------------------------------------------------------------


def health_code(statuses: list[Status], table: ColourTable, policy: PolicyAt) -> HealthCodeDecision:
    """The colour for the statuses a person has today under the province's table; with none, the table's
    `otherwise`, citing the clause that forbids adding to the national rules (measure 16; the 9th edition as a
    whole before it: `overreach.national_rule_clause`)."""
    fields = policy_fields(policy)
    if not statuses:
        nothing = policy.get("overreach.national_rule_clause")
        return HealthCodeDecision(
            **fields,
            colour=table.otherwise,
            statuses=(),
            reasons=(
                Reason(clause=nothing.source.clause, text=f"nothing applies: {table.otherwise} ({table.source})"),
            ),
        )

    def colour_of(s: Status) -> str:
        return table.colour_of(s.status, s.category)

    coloured = sorted(statuses, key=lambda s: (-table.strictness(colour_of(s)), s.status, s.clause, s.text))
    colour = colour_of(coloured[0])
    return HealthCodeDecision(
        **fields,
        colour=colour,
        statuses=tuple(dict.fromkeys(s.status for s in coloured)),
        reasons=tuple(
            Reason(clause=s.clause, text=f"{s.text}: {colour_of(s)} ({s.status.replace('_', ' ')})") for s in coloured
        ),
    )


# ---- how long a status stands ------------------------------------------------------------------------------------


def steady_through(facts: PersonFacts, on: date, policy_changes_on: date | None = None) -> date | None:
    """The last day from `on` on which `statuses_on_day` gives exactly what it gives on `on`, with no new fact
    (None: every day after, until a fact or the rules change). A stored code stands through that day unless an
    event refreshes it; the day after, it is computed again.

    Boundaries are the days a window of the module's docstring may open or close — a phase's first day and the
    day after its last, an order's first day and release, an infection's sampling, confirmation and discharge,
    a hold's start and end — each with the day after it, so the rule's open choices of whether an end day still
    counts (`health_code.*`) cannot make the answer late. A phase in course names its day ("day 3 of …"): its
    status changes every day. The areas covering a home change by the areas' own events and by each day's
    advance of their levels: a person with one stands for the day only. `policy_changes_on` is the next day the
    rules in force change (measure 20's versions and the dated parameters): nothing stands past its eve.
    """
    if facts.areas:
        return on
    bounds: list[date] = []
    if policy_changes_on is not None:
        bounds.append(policy_changes_on)
    for phase in facts.phases:
        if _within(on, phase.order_start, phase.released_on) and _within(on, phase.start, _next(phase.end, True)):
            return on
        bounds += [phase.order_start, phase.released_on, phase.start, phase.end + timedelta(days=1)]
    for inf in facts.infections:
        bounds += [inf.sampled_on, inf.confirmed_on]
        if inf.discharged_on is not None:
            bounds.append(inf.discharged_on)
    for hold in facts.holds:
        bounds.append(hold.started_on)
        if hold.ended_on is not None:
            bounds.append(hold.ended_on)
    later = [b for day in bounds for b in (day, day + timedelta(days=1)) if b > on]
    return min(later) - timedelta(days=1) if later else None
