"""Campuses: the tasks of an outbreak response, their deadlines, and the over-reach guard on closures and on rules for
the off-campus (measures 18 and 16).

(18): "give priority to campus transfer and isolation, nucleic-acid testing, tracing, environmental disinfection and
supplies ... schools must strictly implement the national measures and must not add controls"; the special teams
look into "random closure of campuses, closures too long ... control requirements for the families of teachers,
students and staff that are inconsistent" (m20.18). (16): "arbitrarily closing schools and suspending classes" is
forbidden (m20.16). The numbers are policy data (`campuses.*`, register entries campus-*); what changes by version —
the new 10 lets only a campus with an outbreak be closed (n10.10), Class B drops isolation, testing and tracing from a
response (classb.general) — is read from the policy in force, never from the code.

Pure functions: no store, no clock (the instants are passed in).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from fangkong.errors import InvalidInput
from fangkong.policy import PolicyAt, repealed
from fangkong.policy.terms import CampusClosureKind, CampusTaskKind, Category
from fangkong.rules.decision import Decision, Reason, because, policy_fields
from fangkong.rules.overreach import ProposedPhase, check_overreach


class ResponseTasks(Decision):
    """The tasks a campus outbreak response opens under the version in force (m20.18; campus-tasks-classb)."""

    tasks: tuple[CampusTaskKind, ...]


class TaskDeadline(Decision):
    """When a response task is due: the one given, else the default counted from the opening (campus-task-deadline)."""

    deadline: datetime


class ClosureVerdict(Decision):
    """The guard's verdict on a closure: allowed, or over-reach with the clauses it breaks. `field` names what is
    missing or wrong in the request (`approval`, `days`, `outbreak`) when it is refused."""

    allowed: bool
    field: str | None = None


class OffCampusVerdict(Decision):
    """Whether a rule proposed for the off-campus (teachers, students, staff families) treats them more strictly than
    everyone else (m20.18, m20.16)."""

    over_reach: bool


def response_tasks(policy: PolicyAt) -> ResponseTasks:
    """The tasks measure 18 names, as the version in force has them."""
    found = policy.get("campuses.response_tasks")
    if found.value is None:
        raise repealed(found)
    tasks = tuple(found.value)
    return ResponseTasks(
        **policy_fields(policy),
        tasks=tasks,
        reasons=(because(found, f"a campus outbreak response opens {len(tasks)} tasks"),),
    )


def task_deadline(
    opened_at: datetime, given: datetime | None, now: datetime, policy: PolicyAt, *, field: str = "deadline"
) -> TaskDeadline:
    """A task's deadline: `given` if it is still ahead, else refused naming `field`; none given, the default hours
    after the opening."""
    if given is not None:
        if given <= now:
            raise InvalidInput(field, f"{given.isoformat()} has already passed")
        return TaskDeadline(**policy_fields(policy), deadline=given)
    hours = policy.integer("campuses.task_deadline_hours")
    if hours.value is None:
        raise repealed(hours)
    deadline = opened_at + timedelta(hours=int(hours.value))
    return TaskDeadline(
        **policy_fields(policy),
        deadline=deadline,
        reasons=(because(hours, f"due {hours.value} hours after the response opened"),),
    )


def is_late(done: bool, deadline: datetime, now: datetime) -> bool:
    """A task not done by its deadline is late (and escalates once, campus-task-deadline)."""
    return not done and now > deadline


def judge_closure(
    kind: CampusClosureKind, days: int, *, approved: bool, outbreak: bool, policy: PolicyAt
) -> ClosureVerdict:
    """The over-reach guard on closing a campus, suspending its classes or keeping a closure on (m20.16, m20.18;
    n10.10 from 7 Dec 2022). Checked in this order: an outbreak where the version asks for one; an approval record; the
    days one approval may cover."""
    if days < 1:
        raise InvalidInput("days", "a closure lasts at least one day")
    guard = policy.get("overreach.national_rule_clause").source.clause
    fields = policy_fields(policy)
    what = kind.value.replace("_", " ")

    def refused(field: str, rule: Reason, text: str) -> ClosureVerdict:
        return ClosureVerdict(**fields, allowed=False, field=field, reasons=(Reason(clause=guard, text=text), rule))

    needs_outbreak = policy.flag("campuses.closure_needs_outbreak")
    if needs_outbreak.value and not outbreak:
        return refused(
            "outbreak",
            because(needs_outbreak, "a campus without an outbreak holds normal offline teaching"),
            f"{what} without an outbreak adds to the national rules",
        )
    needs_approval = policy.flag("campuses.closure_needs_approval")
    if needs_approval.value and not approved:
        return refused(
            "approval",
            because(needs_approval, "closing a campus or suspending classes needs a recorded approval"),
            f"{what} without an approval record adds to the national rules",
        )
    most = policy.integer("campuses.max_closure_days")
    if most.value is not None and days > most.value:
        return refused(
            "days",
            because(most, f"one approval covers at most {most.value} days; a longer closure needs a new approval"),
            f"{what} for {days} days is longer than the rules allow",
        )
    return ClosureVerdict(
        **fields,
        allowed=True,
        reasons=(because(needs_approval, f"{what} for {days} days, approved"),),
    )


def judge_off_campus_rule(category: Category | None, phases: list[ProposedPhase], policy: PolicyAt) -> OffCampusVerdict:
    """A rule proposed for teachers, students or staff families living off campus, compared with the rule everyone
    else of the same `category` follows (None: an ordinary resident, under no management): any day managed more
    strictly is over-reach (m20.18, m20.16)."""
    same = policy.flag("campuses.off_campus_same_rules")
    guard = policy.get("overreach.national_rule_clause").source.clause
    fields = policy_fields(policy)
    if not same.value:
        return OffCampusVerdict(**fields, over_reach=False, reasons=(because(same, "no national rule on them"),))
    if category is None:
        if not phases:
            return OffCampusVerdict(
                **fields, over_reach=False, reasons=(because(same, "the same rules as everyone else"),)
            )
        days = sum(p.days for p in phases)
        return OffCampusVerdict(
            **fields,
            over_reach=True,
            reasons=(
                Reason(clause=guard, text=f"{days} days of management for people nobody else manages"),
                because(same, "the off-campus follow the rules everyone else follows"),
            ),
        )
    decision = check_overreach(category, phases, policy)
    if decision.overreach:
        return OffCampusVerdict(
            **fields,
            over_reach=True,
            reasons=(*decision.reasons, because(same, "the off-campus follow the rules everyone else follows")),
        )
    return OffCampusVerdict(**fields, over_reach=False, reasons=decision.reasons)
