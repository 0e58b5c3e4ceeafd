"""Infections: recorded from a positive result (once per person) or by an epidemiologist, completed after the
interview (onset, workplace, places, source), reported, and linked into transmission chains. Recording is a
record and nothing else: what follows an infection — transfers, risk areas, proposed contacts — is
`services.infection_follow_up`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fangkong.bounds import Day, StoreId
from fangkong.errors import Conflict, InvalidInput, NotFound
from fangkong.policy import Policy, PolicyAt
from fangkong.policy.terms import PhaseKind
from fangkong.rules.tracing import transmission_risk_analysis
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.calendar import local_day, local_instant, midnight
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import scope_root
from fangkong.services.lab.models import TemporaryControl
from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.orders.service import stored_plan
from fangkong.services.paging import page_of
from fangkong.services.persons.service import person_in_scope

from .models import Infection, InfectionKind, RePositive

KINDS = (InfectionKind.confirmed, InfectionKind.asymptomatic)
# where a person was when their infection was found (section 3: found in isolation or in the community)
FOUND_IN = ("community", "temporary_control", *(k.value for k in PhaseKind))
INFECTION_SORTS = {
    "confirmed_at": Infection.confirmed_at,
    "sampled_on": Infection.sampled_on,
    "kind": Infection.kind,
    "found_in": Infection.found_in,
}


class InfectionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: StoreId
    kind: str = Field(description="confirmed or asymptomatic")
    sampled_on: Day
    confirmed_at: AwareDatetime
    onset_on: Day | None = None
    workplace: str | None = Field(default=None, max_length=400)
    places: list[str] = Field(default_factory=list, max_length=200)
    source_infection_id: StoreId | None = None
    source_note: str | None = None


class InfectionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str | None = None
    onset_on: Day | None = None
    workplace: str | None = Field(default=None, max_length=400)
    places: list[str] | None = Field(default=None, max_length=200)
    source_infection_id: StoreId | None = None
    source_note: str | None = None
    isolated_at: AwareDatetime | None = None
    reported_at: AwareDatetime | None = None
    discharged_on: Day | None = None


class InfectionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    kind: str
    onset_on: date | None
    sampled_on: date
    confirmed_at: datetime
    reported_at: datetime | None
    isolated_at: datetime | None
    discharged_on: date | None
    found_in: str
    jurisdiction_code: str
    workplace: str | None
    places: list[str]
    source_infection_id: int | None
    source_note: str | None
    cite: list[str]
    created_by: str


def _kind(value: str) -> str:
    if value not in KINDS:
        raise InvalidInput("kind", f"{value!r} is not one of {', '.join(KINDS)}")
    return value


def where_found(
    session: Session, person_id: int, at: datetime, rules: PolicyAt
) -> tuple[str, datetime | None, list[str]]:
    """Where a person was when their sample was taken — under which phase of management, held after a pool, or in
    the community —, the instant they stopped mixing with others if they had, and the clauses of what being found
    there calls for (`rules.tracing.transmission_risk_analysis`)."""
    day = local_day(at)
    for order in session.scalars(
        select(ManagementOrder).where(
            ManagementOrder.person_id == person_id,
            ManagementOrder.status == OrderStatus.active,
        )
    ):
        for phase in stored_plan(order).phases:
            if phase.covers(day):
                since = midnight(phase.start) if phase.kind is PhaseKind.centralized_isolation else None
                return phase.kind.value, since, transmission_risk_analysis(phase.kind, rules).cite
    hold = session.scalar(
        select(TemporaryControl).where(
            TemporaryControl.person_id == person_id,
            TemporaryControl.started_at <= at,
            or_(TemporaryControl.ended_at.is_(None), TemporaryControl.ended_at >= at),
        )
    )
    if hold is not None:
        return "temporary_control", hold.started_at, []
    return "community", None, []


@dataclass(frozen=True, slots=True)
class PositiveResult:
    """A positive single-tube result, as the lab import hands it on."""

    person_id: int
    sample_id: int
    barcode: str
    result_id: int | None
    collected_at: datetime
    reported_at: datetime
    cite: tuple[str, ...]


def record_result_infection(
    session: Session, actor: Actor, positive: PositiveResult, *, policy: Policy
) -> tuple[Infection, bool]:
    """The infection of a positive single-tube result: the existing record if the person has one (a result that
    arrives twice makes one case), else a new asymptomatic infection until the interview says otherwise. Whether
    it is new, with the record."""
    existing = session.scalar(select(Infection).where(Infection.person_id == positive.person_id))
    if existing is not None:
        return existing, False
    person = person_in_scope(session, actor, positive.person_id)
    rules = policy.at(local_day(positive.collected_at))
    found_in, since, extra = where_found(session, positive.person_id, positive.collected_at, rules)
    infection = Infection(
        person_id=positive.person_id,
        kind=InfectionKind.asymptomatic,
        onset_on=None,
        sampled_on=local_day(positive.collected_at),
        confirmed_at=positive.reported_at,
        isolated_at=since or positive.reported_at,  # from the result on they are transferred
        found_in=found_in,
        jurisdiction_code=person.jurisdiction_code,
        result_id=positive.result_id,
        cite=list(dict.fromkeys([*positive.cite, *extra])),
        created_by=actor.username,
        places=[],
    )
    session.add(infection)
    session.flush()
    record(
        session,
        actor,
        action="create",
        entity="person",
        entity_id=positive.person_id,
        detail={"infection": infection.id, "found_in": found_in, "sample": positive.sample_id},
    )
    return infection, True


class RePositiveCreate(BaseModel):
    """A positive after the infection's discharge (出院后复阳)."""

    model_config = ConfigDict(extra="forbid")

    sampled_on: Day
    confirmed_at: AwareDatetime
    note: str | None = Field(default=None, max_length=2000)


class RePositiveRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    infection_id: int
    sampled_on: date
    confirmed_at: datetime
    result_id: int | None
    note: str | None
    created_by: str


def is_re_positive(infection: Infection, sampled_on: date) -> bool:
    """A positive sampled after the infection's discharge belongs to it as a re-positive, not a new case."""
    return infection.discharged_on is not None and sampled_on > infection.discharged_on


def record_re_positive(
    session: Session,
    actor: Actor,
    infection: Infection,
    data: RePositiveCreate,
    *,
    result_id: int | None = None,
    now: datetime,
) -> tuple[RePositive, bool]:
    """Note a re-positive on the infection it belongs to (one per sampling day: a result that arrives twice finds
    the same note); whether it is new, with the note."""
    if data.confirmed_at > now:
        raise InvalidInput("confirmed_at", "is in the future")
    if data.sampled_on > local_day(data.confirmed_at):
        raise InvalidInput("sampled_on", "is after the confirmation: the sample comes first")
    if infection.discharged_on is None:
        raise InvalidInput(
            "infection_id", f"infection {infection.id} is not discharged: a positive is not a re-positive"
        )
    if not is_re_positive(infection, data.sampled_on):
        raise InvalidInput("sampled_on", f"is not after the discharge ({infection.discharged_on})")
    existing = session.scalar(
        select(RePositive).where(RePositive.infection_id == infection.id, RePositive.sampled_on == data.sampled_on)
    )
    if existing is not None:
        return existing, False
    note = RePositive(
        infection_id=infection.id,
        sampled_on=data.sampled_on,
        confirmed_at=data.confirmed_at,
        result_id=result_id,
        note=data.note,
        created_by=actor.username,
    )
    session.add(note)
    session.flush()
    record(
        session,
        actor,
        action="create",
        entity="person",
        entity_id=infection.person_id,
        detail={"infection": infection.id, "re_positive": note.id, "sampled_on": data.sampled_on.isoformat()},
    )
    return note, True


def list_re_positives(
    session: Session, actor: Actor, infection_id: int, *, offset: int = 0, limit: int = 50
) -> tuple[list[RePositive], int]:
    """The re-positives noted on an infection, oldest first, a page of them and their total (a read of the
    person's record: audited)."""
    infection = read_infection(session, actor, infection_id, part="re_positives")
    stmt = select(RePositive).where(RePositive.infection_id == infection.id).order_by(RePositive.sampled_on)
    return page_of(session, stmt, offset=offset, limit=limit)


def record_infection(
    session: Session, actor: Actor, data: InfectionCreate, *, now: datetime, policy: Policy
) -> Infection:
    """An infection recorded by an epidemiologist (found elsewhere, or reported by another city): the record and
    nothing else (what follows it is `infection_follow_up`)."""
    actor.require(Permission.trace_contacts)
    person = person_in_scope(session, actor, data.person_id)
    if data.confirmed_at > now:
        raise InvalidInput("confirmed_at", "is in the future")
    confirmed_day = local_day(data.confirmed_at)
    if data.onset_on is not None and data.onset_on > confirmed_day:
        raise InvalidInput("onset_on", "is after the confirmation")
    if data.sampled_on > confirmed_day:
        raise InvalidInput("sampled_on", "is after the confirmation: the sample comes first")
    if session.scalar(select(Infection.id).where(Infection.person_id == person.id)) is not None:
        raise Conflict("person_id", f"person {person.id} already has an infection record")
    if data.source_infection_id is not None:
        infection_in_scope(session, actor, data.source_infection_id)
    collected = local_instant(data.sampled_on, time(12))
    found_in, since, extra = where_found(session, person.id, collected, policy.at(data.sampled_on))
    infection = Infection(
        person_id=person.id,
        kind=_kind(data.kind),
        onset_on=data.onset_on,
        sampled_on=data.sampled_on,
        confirmed_at=data.confirmed_at,
        isolated_at=since,
        found_in=found_in,
        jurisdiction_code=person.jurisdiction_code,
        workplace=data.workplace,
        places=data.places,
        source_infection_id=data.source_infection_id,
        source_note=data.source_note,
        cite=extra,
        created_by=actor.username,
    )
    session.add(infection)
    session.flush()
    record(session, actor, action="create", entity="person", entity_id=person.id, detail={"infection": infection.id})
    return infection


def infection_in_scope(session: Session, actor: Actor, infection_id: int) -> Infection:
    infection = session.get(Infection, infection_id)
    if infection is None:
        raise NotFound("infection", infection_id)
    person_in_scope(session, actor, infection.person_id)
    return infection


def read_infection(session: Session, actor: Actor, infection_id: int, *, part: str | None = None) -> Infection:
    """An infection in the actor's scope, the read recorded in its person's trail (`part`: what of it was read)."""
    infection = infection_in_scope(session, actor, infection_id)
    detail: dict[str, Any] = {"infection": infection.id}
    if part is not None:
        detail[part] = True
    record(session, actor, action="read", entity="person", entity_id=infection.person_id, detail=detail)
    return infection


def _ancestors(session: Session, infection_id: int) -> set[int]:
    seen: set[int] = set()
    current: int | None = infection_id
    while current is not None and current not in seen:
        seen.add(current)
        current = session.scalar(select(Infection.source_infection_id).where(Infection.id == current))
    return seen


def update_infection(
    session: Session, actor: Actor, infection_id: int, data: InfectionUpdate, *, now: datetime
) -> Infection:
    """Complete the record after the interview, name the source, or mark it reported."""
    actor.require(Permission.trace_contacts)
    infection = infection_in_scope(session, actor, infection_id)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    if "kind" in changes:
        if changes["kind"] is None:
            raise InvalidInput("kind", "may not be emptied")
        _kind(changes["kind"])
    for when in ("reported_at", "isolated_at"):
        if changes.get(when) is not None and changes[when] > now:
            raise InvalidInput(when, "is in the future")
    if changes.get("reported_at") is not None and changes["reported_at"] < infection.confirmed_at:
        raise InvalidInput("reported_at", "is before the infection was confirmed")
    if changes.get("onset_on") is not None and changes["onset_on"] > local_day(infection.confirmed_at):
        raise InvalidInput("onset_on", "is after the confirmation")
    if changes.get("discharged_on") is not None and changes["discharged_on"] < infection.sampled_on:
        raise InvalidInput("discharged_on", "is before the infection was found")
    source = changes.get("source_infection_id")
    if source is not None:
        infection_in_scope(session, actor, source)
        if infection.id in _ancestors(session, source):
            raise InvalidInput("source_infection_id", f"infection {source} descends from {infection.id}: a cycle")
    for key, value in changes.items():
        setattr(infection, key, value)
    session.flush()
    record(
        session,
        actor,
        action="update",
        entity="person",
        entity_id=infection.person_id,
        detail={"infection": infection.id, "fields": sorted(changes)},
    )
    return infection


def list_infections(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str | None = None,
    kind: str | None = None,
    found_in: str | None = None,
    confirmed_from: date | None = None,
    confirmed_to: date | None = None,
    unreported: bool | None = None,
    sort: str = "-confirmed_at",
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Infection], int]:
    """Infections in the actor's scope, in the order `sort` names (`INFECTION_SORTS`; a leading "-" reverses it)."""
    actor.require(Permission.read_persons)
    key = sort.removeprefix("-")
    if key not in INFECTION_SORTS:
        raise InvalidInput("sort", f"{sort!r} is not one of {', '.join(INFECTION_SORTS)} (a leading - reverses it)")
    column = INFECTION_SORTS[key]
    root = scope_root(session, actor, jurisdiction_code)
    stmt = (
        select(Infection)
        .join(Jurisdiction, Infection.jurisdiction_code == Jurisdiction.code)
        .where(Jurisdiction.path.startswith(root))
    )
    if kind is not None:
        stmt = stmt.where(Infection.kind == _kind(kind))
    if found_in is not None:
        stmt = stmt.where(Infection.found_in == found_in)
    if confirmed_from is not None:
        stmt = stmt.where(Infection.confirmed_at >= midnight(confirmed_from))
    if confirmed_to is not None:
        stmt = stmt.where(Infection.confirmed_at < local_instant(confirmed_to, time(23, 59, 59)))
    if unreported is True:
        stmt = stmt.where(Infection.reported_at.is_(None))
    elif unreported is False:
        stmt = stmt.where(Infection.reported_at.is_not(None))
    if found_in is not None and found_in not in FOUND_IN:
        raise InvalidInput("found_in", f"{found_in!r} is not one of {', '.join(FOUND_IN)}")
    descending = sort.startswith("-")
    ordered = stmt.order_by(
        column.desc() if descending else column, Infection.id.desc() if descending else Infection.id
    )
    return page_of(session, ordered, offset=offset, limit=limit)


class ChainNode(BaseModel):
    infection_id: int
    person_id: int | None  # None: outside the reader's jurisdiction
    kind: str
    confirmed_at: datetime
    jurisdiction_code: str | None


class ChainEdge(BaseModel):
    source: int
    target: int


class Chain(BaseModel):
    """The transmission chain an infection belongs to: every infection linked to it by who-infected-whom."""

    root: int
    nodes: list[ChainNode]
    edges: list[ChainEdge]


def transmission_chain(session: Session, actor: Actor, infection_id: int, *, max_nodes: int = 5000) -> Chain:
    """Walk up to the earliest known source, then down to every infection descended from it."""
    start = infection_in_scope(session, actor, infection_id)
    root = start.id
    seen_up = {root}
    while True:
        parent = session.scalar(select(Infection.source_infection_id).where(Infection.id == root))
        if parent is None or parent in seen_up:
            break
        seen_up.add(parent)
        root = parent
    nodes: dict[int, Infection] = {}
    frontier = [root]
    while frontier and len(nodes) < max_nodes:
        batch = list(session.scalars(select(Infection).where(Infection.id.in_(frontier))))
        for inf in batch:
            nodes[inf.id] = inf
        frontier = [
            i
            for i in session.scalars(select(Infection.id).where(Infection.source_infection_id.in_(frontier)))
            if i not in nodes
        ]
    paths = dict(
        session.execute(
            select(Jurisdiction.code, Jurisdiction.path).where(
                Jurisdiction.code.in_({n.jurisdiction_code for n in nodes.values()})
            )
        ).all()
    )
    out = []
    for inf in sorted(nodes.values(), key=lambda i: (i.confirmed_at, i.id)):
        visible = actor.covers(paths[inf.jurisdiction_code])
        out.append(
            ChainNode(
                infection_id=inf.id,
                person_id=inf.person_id if visible else None,
                kind=inf.kind,
                confirmed_at=inf.confirmed_at,
                jurisdiction_code=inf.jurisdiction_code if visible else None,
            )
        )
    edges = [
        ChainEdge(source=inf.source_infection_id, target=inf.id)
        for inf in nodes.values()
        if inf.source_infection_id is not None and inf.source_infection_id in nodes
    ]
    return Chain(root=root, nodes=out, edges=sorted(edges, key=lambda e: (e.source, e.target)))
