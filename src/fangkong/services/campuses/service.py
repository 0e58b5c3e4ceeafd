"""Campuses as a service (measure 18, with 16): the registry of schools and universities of a jurisdiction, the
outbreak response with the tasks the measure names tracked to done, late tasks escalated once. The over-reach guard
on closures and on rules for the off-campus is `guard.py`.

Services never commit (one transaction per request or command); every change is an audit entry. The registry holds
counts and staff accounts, no resident's personal data.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.bounds import Day, Moment, StoreId
from fangkong.errors import Conflict, InvalidInput, NotFound
from fangkong.policy import Policy
from fangkong.policy.terms import CampusKind, CampusTaskKind, CampusTaskStatus, parse_term
from fangkong.rules.campuses import response_tasks, task_deadline
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.calendar import local_day
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import jurisdiction_in_scope, scope_root
from fangkong.services.paging import page_of
from fangkong.services.users.models import User

from .models import Campus, CampusResponse, CampusTask

READ = Permission.read_persons  # every member of staff who reads the county's records
WRITE = Permission.manage_areas  # the command centre and the epidemiologists run the response


# ---- schemas ------------------------------------------------------------------------------------------------


class CampusCreate(BaseModel):
    """A school or university: its own code, name, kind, jurisdiction, boarding or day, and its counts."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(description="kindergarten, primary_school, secondary_school, vocational_school or university")
    jurisdiction_code: str = Field(min_length=1, max_length=32)
    boarding: bool = False
    students: int = Field(default=0, ge=0, le=1_000_000)
    staff: int = Field(default=0, ge=0, le=1_000_000)
    off_campus_families: int = Field(default=0, ge=0, le=1_000_000, description="staff families living off campus")


class TaskPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str
    owner: str | None = Field(default=None, max_length=100)
    deadline: Moment | None = None


class ResponseOpen(BaseModel):
    """An outbreak on a campus: the day, the default owner of its tasks, and any task's own owner or deadline."""

    model_config = ConfigDict(extra="forbid")

    campus_id: StoreId
    outbreak_on: Day
    owner: str = Field(min_length=1, max_length=100, description="the username who owns every task not given one")
    note: str | None = Field(default=None, max_length=2000)
    tasks: list[TaskPlan] = Field(default_factory=list, max_length=20)


class TaskDone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=2000)


# ---- the registry -------------------------------------------------------------------------------------------


def _clean(data: CampusCreate) -> CampusCreate:
    parse_term(CampusKind, data.kind, "kind")
    code, name = data.code.strip(), data.name.strip()
    if not code:
        raise InvalidInput("code", "a campus has a code")
    if not name:
        raise InvalidInput("name", "a campus has a name")
    return data.model_copy(update={"code": code, "name": name})


def register_campus(session: Session, actor: Actor, data: CampusCreate) -> Campus:
    """Add a campus to the registry of a jurisdiction the actor covers; its code is new."""
    actor.require(WRITE)
    data = _clean(data)
    place = jurisdiction_in_scope(session, actor, data.jurisdiction_code)
    if session.scalar(select(Campus.id).where(Campus.code == data.code)) is not None:
        raise Conflict("code", f"a campus {data.code!r} is already registered")
    campus = Campus(**data.model_dump(), jurisdiction_path=place.path)
    session.add(campus)
    session.flush()
    record(session, actor, action="create", entity="campus", entity_id=campus.id, detail={"code": campus.code})
    return campus


def upsert_campus(session: Session, actor: Actor, data: CampusCreate) -> tuple[Campus, str]:
    """The import's step: a new code is added, a known one updated where it differs; says which (added, updated,
    unchanged) so that importing the same file twice changes nothing."""
    actor.require(WRITE)
    data = _clean(data)
    place = jurisdiction_in_scope(session, actor, data.jurisdiction_code)
    campus = session.scalar(select(Campus).where(Campus.code == data.code))
    if campus is None:
        return register_campus(session, actor, data), "added"
    if not actor.covers(campus.jurisdiction_path):
        raise InvalidInput("code", f"campus {data.code!r} belongs to another jurisdiction")
    changes = {k: v for k, v in data.model_dump().items() if getattr(campus, k) != v}
    if not changes:
        return campus, "unchanged"
    for k, v in changes.items():
        setattr(campus, k, v)
    campus.jurisdiction_path = place.path
    session.flush()
    record(session, actor, action="update", entity="campus", entity_id=campus.id, detail={"changed": sorted(changes)})
    return campus, "updated"


def campus_in_scope(session: Session, actor: Actor, campus_id: int, *, field: str | None = None) -> Campus:
    """A campus of the actor's subtree; one outside it is not found (or, named in a body, bad input of `field`)."""
    actor.require(READ)
    campus = session.get(Campus, campus_id)
    if campus is None or not actor.covers(campus.jurisdiction_path):
        if field is not None:
            raise InvalidInput(field, f"no campus {campus_id} in your jurisdiction")
        raise NotFound("campus", campus_id)
    return campus


def list_campuses(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str | None = None,
    kind: str | None = None,
    boarding: bool | None = None,
    closed_on: date | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Campus], int]:
    """Campuses of the actor's subtree in the order of the tree, filtered by kind, boarding and closure on a day."""
    actor.require(READ)
    root = scope_root(session, actor, jurisdiction_code)
    stmt = select(Campus).where(Campus.jurisdiction_path.startswith(root))
    if kind:
        stmt = stmt.where(Campus.kind == parse_term(CampusKind, kind, "kind").value)
    if boarding is not None:
        stmt = stmt.where(Campus.boarding.is_(boarding))
    if closed_on is not None:
        stmt = stmt.where(Campus.closed_until >= closed_on)
    return page_of(session, stmt.order_by(Campus.jurisdiction_path, Campus.code), offset=offset, limit=limit)


# ---- responses and tasks ------------------------------------------------------------------------------------


def _active_user(session: Session, username: str, field: str) -> str:
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        raise InvalidInput(field, f"no active account {username.strip()!r}")
    return user.username


def open_response(
    session: Session, actor: Actor, data: ResponseOpen, *, now: datetime, policy: Policy
) -> CampusResponse:
    """Open a campus outbreak response with every task the version in force names, each with an owner and a deadline
    (m20.18). Refused, naming the field: an unknown campus, a future outbreak day, an unknown owner, a task the
    version does not name, a deadline already past, a response already open."""
    actor.require(WRITE)
    campus = campus_in_scope(session, actor, data.campus_id, field="campus_id")
    today = local_day(now)
    if data.outbreak_on > today:
        raise InvalidInput("outbreak_on", f"{data.outbreak_on.isoformat()} is after today")
    rules = policy.at(today)
    named = response_tasks(rules)
    plans: dict[CampusTaskKind, tuple[int, TaskPlan]] = {}
    for i, given in enumerate(data.tasks):
        kind = parse_term(CampusTaskKind, given.kind, f"tasks[{i}].kind")
        if kind not in named.tasks:
            raise InvalidInput(f"tasks[{i}].kind", f"{kind.value} is not a task of a response under {rules.version}")
        plans[kind] = (i, given)
    owner = _active_user(session, data.owner, "owner")
    busy = session.scalar(
        select(CampusResponse.id).where(CampusResponse.campus_id == campus.id, CampusResponse.status == "open")
    )
    if busy is not None:
        raise Conflict("campus_id", f"campus {campus.id} already has an open response ({busy})")
    tasks: list[CampusTask] = []
    for kind in named.tasks:
        i, plan = plans.get(kind, (-1, TaskPlan(kind=kind.value)))
        who = _active_user(session, plan.owner, f"tasks[{i}].owner") if plan.owner else owner
        due = task_deadline(now, plan.deadline, now, rules, field=f"tasks[{i}].deadline")
        tasks.append(CampusTask(kind=kind.value, owner=who, deadline=due.deadline, status=CampusTaskStatus.open.value))
    response = CampusResponse(
        campus_id=campus.id,
        outbreak_on=data.outbreak_on,
        note=(data.note or "").strip() or None,
        status="open",
        policy=rules.version,
        opened_at=now,
        opened_by=actor.username,
        reasons=[r.model_dump() for r in named.reasons],
    )
    session.add(response)
    session.flush()
    for task in tasks:
        task.response_id = response.id
        session.add(task)
    session.flush()
    record(
        session,
        actor,
        action="create",
        entity="campus_response",
        entity_id=response.id,
        detail={"campus": campus.id, "tasks": [t.kind for t in tasks]},
    )
    return response


def response_in_scope(session: Session, actor: Actor, response_id: int) -> CampusResponse:
    actor.require(READ)
    response = session.get(CampusResponse, response_id)
    if response is None:
        raise NotFound("campus response", response_id)
    campus_in_scope(session, actor, response.campus_id)  # outside: not found
    return response


def tasks_of(session: Session, response_id: int) -> list[CampusTask]:
    return list(
        session.scalars(select(CampusTask).where(CampusTask.response_id == response_id).order_by(CampusTask.id))
    )


def complete_task(session: Session, actor: Actor, task_id: int, data: TaskDone, *, now: datetime) -> CampusTask:
    """Mark a task done (its owner or the command centre); the response is done when all its tasks are."""
    actor.require(READ)
    task = session.get(CampusTask, task_id)
    if task is None:
        raise NotFound("campus task", task_id)
    response = response_in_scope(session, actor, task.response_id)
    if task.owner != actor.username:
        actor.require(WRITE)
    if task.status == CampusTaskStatus.done.value:
        raise Conflict("status", f"task {task.id} is already done")
    task.status = CampusTaskStatus.done.value
    task.done_at = now
    task.done_by = actor.username
    task.note = (data.note or "").strip() or None
    session.flush()
    if all(t.status == CampusTaskStatus.done.value for t in tasks_of(session, response.id)):
        response.status = "done"
    record(session, actor, action="update", entity="campus_response", entity_id=response.id, detail={"done": task.id})
    session.flush()
    return task


def _parent_code(path: str) -> str:
    codes = [c for c in path.split("/") if c]
    return codes[max(0, len(codes) - 2)]


def escalate_late(session: Session, actor: Actor, *, now: datetime) -> list[CampusTask]:
    """Escalate every task of the actor's subtree not done by its deadline to the jurisdiction above the campus's
    (campus-task-deadline); each task once, however often the job runs."""
    actor.require(WRITE)
    late = session.execute(
        select(CampusTask, Campus)
        .join(CampusResponse, CampusResponse.id == CampusTask.response_id)
        .join(Campus, Campus.id == CampusResponse.campus_id)
        .where(
            Campus.jurisdiction_path.startswith(actor.jurisdiction_path),
            CampusTask.status == CampusTaskStatus.open.value,
            CampusTask.deadline < now,
            CampusTask.escalated_at.is_(None),
        )
        .order_by(CampusTask.deadline, CampusTask.id)
    ).all()
    made: list[CampusTask] = []
    for task, campus in late:
        task.escalated_at = now
        task.escalated_to = _parent_code(campus.jurisdiction_path)
        made.append(task)
        record(
            session,
            actor,
            action="update",
            entity="campus_response",
            entity_id=task.response_id,
            detail={"task": task.id, "escalated_to": task.escalated_to},
        )
    session.flush()
    return made


def list_responses(
    session: Session,
    actor: Actor,
    *,
    jurisdiction_code: str | None = None,
    campus_id: int | None = None,
    status: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[CampusResponse], int]:
    """Responses of the actor's subtree, open ones first, the newest first."""
    actor.require(READ)
    root = scope_root(session, actor, jurisdiction_code)
    stmt = (
        select(CampusResponse)
        .join(Campus, Campus.id == CampusResponse.campus_id)
        .where(Campus.jurisdiction_path.startswith(root))
    )
    if campus_id is not None:
        stmt = stmt.where(CampusResponse.campus_id == campus_id)
    if status:
        if status not in ("open", "done"):
            raise InvalidInput("status", f"{status!r} is not one of open, done")
        stmt = stmt.where(CampusResponse.status == status)
    stmt = stmt.order_by(CampusResponse.status != "open", CampusResponse.opened_at.desc(), CampusResponse.id.desc())
    return page_of(session, stmt, offset=offset, limit=limit)


def list_tasks(
    session: Session,
    actor: Actor,
    *,
    now: datetime,
    owner: str | None = None,
    status: str | None = None,
    late: bool | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[CampusTask], int]:
    """Tasks of the actor's subtree, the earliest deadline first; by owner, status and lateness."""
    actor.require(READ)
    stmt = (
        select(CampusTask)
        .join(CampusResponse, CampusResponse.id == CampusTask.response_id)
        .join(Campus, Campus.id == CampusResponse.campus_id)
        .where(Campus.jurisdiction_path.startswith(actor.jurisdiction_path))
    )
    if owner:
        stmt = stmt.where(CampusTask.owner == owner)
    if status:
        stmt = stmt.where(CampusTask.status == parse_term(CampusTaskStatus, status, "status").value)
    if late is not None:
        overdue = (CampusTask.status == CampusTaskStatus.open.value) & (CampusTask.deadline < now)
        stmt = stmt.where(overdue if late else ~overdue)
    return page_of(session, stmt.order_by(CampusTask.deadline, CampusTask.id), offset=offset, limit=limit)


def jurisdiction_name(session: Session, code: str) -> str:
    place = session.get(Jurisdiction, code)
    return place.name if place is not None else code
