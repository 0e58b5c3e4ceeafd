"""Health codes: each person's status on a day from their orders, infection, temporary control and the risk
area they live in, coloured by their province's table; refreshed as events change them (`follow`), recomputed
for a subtree or the daily job, looked up one at a time by staff (the venue check is `check`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import Inconsistent, InvalidInput, NotFound
from fangkong.policy import Policy
from fangkong.rules.health_code import HealthCodeDecision, Status, statuses_on_day
from fangkong.services import logs
from fangkong.services.access import Actor, Permission
from fangkong.services.areas.models import RiskArea
from fangkong.services.file_imports.bulk import keyed
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.persons.models import Person

from .facts import Resident, decide_many, facts_of, standing
from .models import HealthCode, HealthCodeChange
from .owed import owed, settled
from .refresh import people_in_scope, people_with_facts, write_decided, write_plain

BATCH = 50_000  # people decided and written at a time


class CodeRead(BaseModel):
    person_id: int
    on: date
    colour: str
    reasons: list[dict[str, Any]]
    computed_at: datetime | None  # None: computed for this answer (no stored status for the day)


def statuses_on(session: Session, people: list[Person], on: date, policy: Policy) -> dict[int, list[Status]]:
    """Every status that bears on each person's code on `on`, by the rule (`rules.health_code.statuses_on_day`)."""
    rules = policy.at(on)
    return {i: statuses_on_day(facts, on, rules) for i, facts in facts_of(session, people, on).items()}


def decide_codes(
    session: Session, people: Sequence[Resident], on: date, policy: Policy
) -> dict[int, HealthCodeDecision]:
    return {i: d.decision for i, d in decide_many(session, people, on, policy).items()}


def store_codes(
    session: Session, by: str, people: Sequence[Resident], on: date, policy: Policy, *, cause: str, always: bool
) -> dict[str, int]:
    """Decide and store the codes of `people` for `on` (`refresh.write_decided`); their codes are then current
    with everything flushed."""
    counts: dict[str, int] = {"persons": 0, "changed": 0}
    for start in range(0, len(people), BATCH):
        part = people[start : start + BATCH]
        for key, n in write_decided(
            session, decide_many(session, part, on, policy), on, by=by, cause=cause, always=always
        ).items():
            counts[key] = counts.get(key, 0) + n
    return counts


def follow_codes(
    session: Session, person_ids: list[int], *, on: date, policy: Policy, by: str, cause: str
) -> dict[str, int]:
    """The codes of `person_ids` refreshed for `on` after an event (`cause`, by the account `by`): what
    `follow` calls at every commit that changed something a code depends on."""
    with logs.timed("codes.follow", who=by, on=on, cause=cause) as line:
        counts = store_codes(session, by, people_in_scope(session, person_ids), on, policy, cause=cause, always=True)
        line |= counts
    return counts


def recompute(
    session: Session,
    actor: Actor,
    on: date,
    *,
    policy: Policy,
    jurisdiction_code: str | None = None,
    due_only: bool = False,
) -> dict[str, int]:
    """Recompute the codes of everyone in the subtree for `on`; every change of colour is recorded, and only
    what changed is written. With `due_only` (the daily job), only codes whose stored status does not stand on
    `on`, and those of people without one.

    People with facts are decided from their facts; everyone else is their province's default, written by
    statements over the store (`refresh`)."""
    actor.require(Permission.manage_areas)
    root = actor.jurisdiction_path
    if jurisdiction_code is not None:
        j = session.get(Jurisdiction, jurisdiction_code)
        if j is None or not actor.covers(j.path):
            raise NotFound("jurisdiction", jurisdiction_code)
        root = j.path
    cause = "daily job" if due_only else "recompute"
    with logs.timed("codes.recompute", who=actor.username, on=on, jurisdiction=root, due_only=due_only) as line:
        session.flush()
        with_facts = people_with_facts(session, on)
        managed = people_in_scope(session, sorted(with_facts), root=root)
        if due_only:
            due = _not_standing(session, [p.id for p in managed], on)
            managed = [p for p in managed if p.id in due]
        counts = store_codes(session, actor.username, managed, on, policy, cause=cause, always=False)
        for key, n in write_plain(
            session, root, on, policy, with_facts=with_facts, by=actor.username, cause=cause, due_only=due_only
        ).items():
            counts[key] = counts.get(key, 0) + n
        if due_only:  # the people with facts whose codes stand were not counted above
            counts["persons"] += len(people_in_scope(session, sorted(with_facts), root=root)) - len(managed)
        line |= counts
    if not due_only:
        _settled_under(session, root)
    return counts


def _not_standing(session: Session, ids: list[int], on: date) -> set[int]:
    """Those of `ids` whose stored code does not stand on `on` (or who have none)."""
    standing_ids: set[int] = set()
    with keyed(session, ids, "code_due") as where:
        for condition in where(HealthCode.person_id):
            for person_id, stored_on, until in session.execute(
                select(HealthCode.person_id, HealthCode.on, HealthCode.until).where(condition)
            ):
                if standing(stored_on, until, on):
                    standing_ids.add(person_id)
    return set(ids) - standing_ids


def _settled_under(session: Session, root: str) -> None:
    """After everyone under `root` was computed from everything flushed: nothing is owed for the people and the
    risk areas within it. (Not after the daily job: it skips codes that stand, which an event of the same
    transaction may have changed.)"""
    o = owed(session)
    if o.persons:
        settled(session, [p.id for p in people_in_scope(session, sorted(o.persons), root=root)])
    if o.area_events:
        o.areas.update(session.scalars(select(RiskArea.area_code).where(RiskArea.id.in_(sorted(o.area_events)))))
        o.area_events.clear()
    if o.areas:
        inside = session.scalars(
            select(Jurisdiction.code).where(Jurisdiction.code.in_(sorted(o.areas)), Jurisdiction.path.startswith(root))
        )
        o.areas.difference_update(inside)


def lookup(
    session: Session,
    actor: Actor,
    *,
    on: date,
    policy: Policy,
    person_id: int | None = None,
    token: str | None = None,
) -> CodeRead:
    """One person's code for `on`: the stored status when it stands on that day, else computed now."""
    actor.require(Permission.read_persons)
    if (person_id is None) == (token is None):
        raise InvalidInput("person_id", "give a person id or a code token")
    row: HealthCode | None
    if token is not None:
        row = session.scalar(select(HealthCode).where(HealthCode.token == token))
        if row is None:
            raise NotFound("health code", "token")
        person_id = row.person_id
    else:
        row = session.get(HealthCode, person_id)
    if person_id is None:
        raise Inconsistent("a code without a person")
    person = session.get(Person, person_id)
    j = session.get(Jurisdiction, person.jurisdiction_code) if person is not None else None
    if person is None or j is None or not actor.covers(j.path):
        # a token out of the caller's scope is answered as an unknown one: naming its person's id would tell
        # whose code the caller holds (issue 17: no answer reveals what the caller may not read)
        raise NotFound("health code", "token") if token is not None else NotFound("person", person_id)
    if row is not None and standing(row.on, row.until, on):
        return CodeRead(person_id=person_id, on=on, colour=row.colour, reasons=row.reasons, computed_at=row.computed_at)
    d = decide_many(session, [person], on, policy)[person_id]
    return CodeRead(person_id=person_id, on=on, colour=d.colour, reasons=d.reasons, computed_at=None)


def changes(session: Session, actor: Actor, person_id: int) -> Iterable[HealthCodeChange]:
    actor.require(Permission.read_persons)
    return session.scalars(
        select(HealthCodeChange).where(HealthCodeChange.person_id == person_id).order_by(HealthCodeChange.id)
    )


def refresh_person(
    session: Session, actor: Actor, person_id: int, on: date, policy: Policy, *, cause: str = "corrected"
) -> HealthCode:
    """Recompute one person's code now (after an appeal is upheld in their favour, or a record corrected)."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("person", person_id)
    store_codes(session, actor.username, [person], on, policy, cause=cause, always=True)
    row = session.get(HealthCode, person_id, populate_existing=True)
    if row is None:
        raise Inconsistent(f"no health code stored for person {person_id}")
    return row
