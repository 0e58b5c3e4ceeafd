"""Key institutions, their closed-management periods, and the alert an infection among their residents or staff
raises (measure 14; issue 19).

(14): "strengthen the protection of nursing homes, welfare homes, psychiatric hospitals and other institutions"
(加强养老院、儿童福利院、精神专科医院等机构的防护). An institution lies in a jurisdiction with its residents and staff;
closed-management periods are recorded from a day to a day; an infection linked to it raises an alert whose checklist
(`rules.institution_alert`: transfer of severe cases, isolation on site, testing everyone) has a deadline per item.
Items are marked done; an item past its deadline and not done is overdue; the alert closes when every item is done.
Every refusal names its field and changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.bounds import whole_count
from fangkong.errors import InvalidInput, NotFound
from fangkong.policy import Policy, load_policy
from fangkong.policy.terms import AlertStep, InfectedRole, InstitutionAlertStatus, KeyInstitutionKind, parse_term
from fangkong.rules.institution_alert import institution_alert
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.reads import read_of
from fangkong.services.audit.service import record
from fangkong.services.calendar import local_day
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import get_jurisdiction
from fangkong.services.key_populations.models import AlertItem, ClosedManagement, InstitutionAlert, KeyInstitution


class InstitutionIn(BaseModel):
    """A key institution as created (measure 14)."""

    model_config = ConfigDict(frozen=True)

    name: str
    kind: str
    jurisdiction_code: str
    residents: int = 0
    staff: int = 0


def _checked(session: Session, actor: Actor, data: InstitutionIn) -> dict[str, Any]:
    """An institution's columns, each value checked, each refusal naming its field (measure 14)."""
    name = data.name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("name", "an institution needs a name of 1 to 200 characters")
    kind = parse_term(KeyInstitutionKind, data.kind, "kind")
    if not data.jurisdiction_code:
        raise InvalidInput("jurisdiction_code", "an institution must lie in a jurisdiction")
    j = get_jurisdiction(session, data.jurisdiction_code)
    if not actor.covers(j.path):
        raise InvalidInput("jurisdiction_code", f"{data.jurisdiction_code!r} is not in your jurisdiction")
    return {
        "name": name,
        "kind": kind.value,
        "jurisdiction_code": j.code,
        "residents": whole_count("residents", data.residents),
        "staff": whole_count("staff", data.staff),
    }


def create_institution(session: Session, actor: Actor, data: InstitutionIn) -> KeyInstitution:
    """A new key institution in the actor's jurisdictions (measure 14). A name already used is refused naming
    `name`."""
    actor.require(Permission.manage_sites)
    values = _checked(session, actor, data)
    if session.scalar(select(KeyInstitution.id).where(KeyInstitution.name == values["name"])) is not None:
        raise InvalidInput("name", f"an institution named {values['name']!r} already exists")
    institution = KeyInstitution(**values, created_by=actor.username)
    session.add(institution)
    session.flush()
    record(session, actor, action="create", entity="key_institutions", entity_id=institution.id, detail=values)
    return institution


def get_institution(session: Session, actor: Actor, institution_id: int) -> KeyInstitution:
    """An institution in the actor's jurisdictions; one outside them is not found (the same answer as none)."""
    found = session.get(KeyInstitution, institution_id)
    j = session.get(Jurisdiction, found.jurisdiction_code) if found is not None else None
    if found is None or j is None or not actor.covers(j.path):
        raise NotFound("key institution", institution_id)
    return found


def update_institution(
    session: Session, actor: Actor, institution_id: int, changes: dict[str, object]
) -> KeyInstitution:
    """Change an institution's name, kind, jurisdiction, residents or staff (measure 14). A key that is not a field
    is refused naming it; a name another institution has is refused naming `name`."""
    actor.require(Permission.manage_sites)
    institution = get_institution(session, actor, institution_id)
    merged: dict[str, Any] = {
        "name": institution.name,
        "kind": institution.kind,
        "jurisdiction_code": institution.jurisdiction_code,
        "residents": institution.residents,
        "staff": institution.staff,
    }
    for key, value in changes.items():
        if key not in merged:
            raise InvalidInput(key, "not a field of an institution")
        merged[key] = value
    try:
        data = InstitutionIn(**merged)
    except ValidationError as e:  # a value of the wrong type (a text for `residents`)
        raise InvalidInput(str(e.errors()[0]["loc"][0]), "not a value of this field") from None
    values = _checked(session, actor, data)
    other = session.scalar(
        select(KeyInstitution.id).where(KeyInstitution.name == values["name"], KeyInstitution.id != institution.id)
    )
    if other is not None:
        raise InvalidInput("name", f"an institution named {values['name']!r} already exists")
    for column, value in values.items():
        setattr(institution, column, value)
    session.flush()
    record(session, actor, action="update", entity="key_institutions", entity_id=institution.id, detail=values)
    return institution


def list_institutions(
    session: Session, actor: Actor, *, kind: str | None = None, root: str | None = None
) -> list[KeyInstitution]:
    """The key institutions in the actor's jurisdictions (or under `root`), by jurisdiction then name."""
    stmt = (
        select(KeyInstitution)
        .join(Jurisdiction, Jurisdiction.code == KeyInstitution.jurisdiction_code)
        .where(Jurisdiction.path.startswith(root or actor.jurisdiction_path))
        .order_by(Jurisdiction.path, KeyInstitution.name)
    )
    if kind is not None:
        stmt = stmt.where(KeyInstitution.kind == parse_term(KeyInstitutionKind, kind, "kind").value)
    return list(session.scalars(stmt))


def add_closure(
    session: Session, actor: Actor, institution_id: int, starts_on: date, ends_on: date | None
) -> ClosedManagement:
    """A period of closed management of an institution (measure 14). An end before the start is refused naming
    `ends_on`; a period overlapping another of the same institution naming `starts_on`."""
    actor.require(Permission.manage_sites)
    institution = get_institution(session, actor, institution_id)
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput("ends_on", f"{ends_on} is before {starts_on}")
    for other in closures(session, institution.id):
        if (other.ends_on is None or other.ends_on >= starts_on) and (ends_on is None or other.starts_on <= ends_on):
            raise InvalidInput("starts_on", f"overlaps the closed management from {other.starts_on}")
    period = ClosedManagement(
        institution_id=institution.id, starts_on=starts_on, ends_on=ends_on, recorded_by=actor.username
    )
    session.add(period)
    session.flush()
    record(
        session,
        actor,
        action="update",
        entity="key_institutions",
        entity_id=institution.id,
        detail={"closure": period.id, "starts_on": str(starts_on), "ends_on": str(ends_on) if ends_on else None},
    )
    return period


def closures(session: Session, institution_id: int) -> list[ClosedManagement]:
    """An institution's closed-management periods, oldest first."""
    stmt = select(ClosedManagement).where(ClosedManagement.institution_id == institution_id)
    return list(session.scalars(stmt.order_by(ClosedManagement.starts_on, ClosedManagement.id)))


def raise_alert(
    session: Session,
    actor: Actor,
    institution_id: int,
    infection_id: int,
    now: datetime,
    *,
    infected: str = InfectedRole.resident.value,
    policy: Policy | None = None,
) -> InstitutionAlert:
    """An alert for an infection among an institution's residents or staff, with the checklist of
    `rules.institution_alert` under the policy of the day (measure 14, m20.14; measure 11). Refuses an institution not
    found (`institution_id`), an infection not found or out of scope (`infection_id`), an infection already alerted
    for this institution (`infection_id`), a role outside the vocabulary (`infected`)."""
    actor.require(Permission.trace_contacts)
    try:
        institution = get_institution(session, actor, institution_id)
    except NotFound:
        raise InvalidInput("institution_id", f"no institution {institution_id} in your jurisdiction") from None
    infection = session.get(Infection, infection_id) if isinstance(infection_id, int) else None
    j = session.get(Jurisdiction, infection.jurisdiction_code) if infection is not None else None
    if infection is None or j is None or not actor.covers(j.path):
        raise InvalidInput("infection_id", f"no infection {infection_id} in your jurisdiction")
    done = select(InstitutionAlert.id).where(
        InstitutionAlert.institution_id == institution.id, InstitutionAlert.infection_id == infection.id
    )
    if session.scalar(done) is not None:
        raise InvalidInput("infection_id", f"infection {infection.id} already raised an alert for this institution")
    return alert_for(session, actor, institution, infection, now, infected=infected, policy=policy)


def alert_for(
    session: Session,
    actor: Actor,
    institution: KeyInstitution,
    infection: Infection,
    now: datetime,
    *,
    infected: str,
    policy: Policy | None = None,
    detail: dict[str, Any] | None = None,
) -> InstitutionAlert:
    """The alert of an institution and an infection already checked (found, in scope, not alerted before) with the
    checklist of `rules.institution_alert` (m20.14): what `raise_alert` stores by hand and the infection follow-up by
    itself for a member (`members.alert_on_infection`). Audited as a creation naming the infected person."""
    decision = institution_alert(infected, now, (policy or load_policy()).at(local_day(now)))
    alert = InstitutionAlert(
        institution_id=institution.id,
        infection_id=infection.id,
        infected=decision.infected.value,
        status=InstitutionAlertStatus.open.value,
        raised_at=now,
        raised_by=actor.username,
        reasons=[r.model_dump() for r in decision.reasons],
        policy=decision.policy,
    )
    session.add(alert)
    session.flush()
    for item in decision.items:
        session.add(
            AlertItem(
                alert_id=alert.id,
                step=item.step.value,
                due_at=item.due_at,
                reasons=[r.model_dump() for r in item.reasons],
            )
        )
    session.flush()
    record(
        session,
        actor,
        action="create",
        entity="institution_alerts",
        entity_id=alert.id,
        detail={
            "institution": institution.id,
            "infection": infection.id,
            "person": infection.person_id,
            **(detail or {}),
        },
    )
    return alert


def get_alert(session: Session, actor: Actor, alert_id: int) -> InstitutionAlert:
    """An alert of an institution in the actor's jurisdictions; anything else is not found."""
    alert = session.get(InstitutionAlert, alert_id)
    if alert is None:
        raise NotFound("institution alert", alert_id)
    try:
        get_institution(session, actor, alert.institution_id)
    except NotFound:
        raise NotFound("institution alert", alert_id) from None
    return alert


def items_of(session: Session, alert_id: int) -> list[AlertItem]:
    """An alert's checklist, in the order of the rule (earliest deadline first)."""
    stmt = select(AlertItem).where(AlertItem.alert_id == alert_id)
    return list(session.scalars(stmt.order_by(AlertItem.due_at, AlertItem.id)))


def mark_done(
    session: Session, actor: Actor, alert_id: int, step: str, *, now: datetime, done_at: datetime | None = None
) -> AlertItem:
    """Mark a checklist item done (measure 14); the alert closes when every item is. Refuses a step outside the
    vocabulary or not on the checklist (`step`), an item already done (`step`), a time in the future or before the
    alert (`done_at`)."""
    actor.require(Permission.manage_sites)
    alert = get_alert(session, actor, alert_id)
    wanted = parse_term(AlertStep, step, "step").value
    when = done_at or now
    if when.tzinfo is None:
        raise InvalidInput("done_at", "an instant needs its time zone")
    if when > now:
        raise InvalidInput("done_at", f"{when:%Y-%m-%d %H:%M} is in the future")
    if when < alert.raised_at:
        raise InvalidInput("done_at", "is before the alert was raised")
    items = items_of(session, alert.id)
    item = next((i for i in items if i.step == wanted), None)
    if item is None:
        raise InvalidInput("step", f"{wanted} is not on this alert's checklist")
    if item.done_at is not None:
        raise InvalidInput("step", f"{wanted} was done at {item.done_at:%Y-%m-%d %H:%M}")
    item.done_at, item.done_by = when, actor.username
    if all(i.done_at is not None for i in items):
        alert.status = InstitutionAlertStatus.closed.value
    session.flush()
    record(session, actor, action="update", entity="institution_alerts", entity_id=alert.id, detail={"done": wanted})
    return item


def list_alerts(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    institution_id: int | None = None,
    overdue_at: datetime | None = None,
    root: str | None = None,
) -> list[tuple[InstitutionAlert, list[AlertItem]]]:
    """The alerts of the institutions in the actor's jurisdictions, newest first, each with its checklist (measure
    14). `overdue_at`: only the alerts with an item not done whose deadline is before it. Audited as one read naming
    the infected persons."""
    actor.require(Permission.read_persons)
    stmt = (
        select(InstitutionAlert)
        .join(KeyInstitution, KeyInstitution.id == InstitutionAlert.institution_id)
        .join(Jurisdiction, Jurisdiction.code == KeyInstitution.jurisdiction_code)
        .where(Jurisdiction.path.startswith(root or actor.jurisdiction_path))
        .order_by(InstitutionAlert.raised_at.desc(), InstitutionAlert.id.desc())
    )
    if status is not None:
        stmt = stmt.where(InstitutionAlert.status == parse_term(InstitutionAlertStatus, status, "status").value)
    if institution_id is not None:
        stmt = stmt.where(InstitutionAlert.institution_id == institution_id)
    out = [(a, items_of(session, a.id)) for a in session.scalars(stmt)]
    if overdue_at is not None:
        out = [(a, items) for a, items in out if any(is_overdue(i, overdue_at) for i in items)]
    infections = {a.infection_id for a, _ in out}
    stmt_persons = select(Infection.id, Infection.person_id).where(Infection.id.in_(infections))
    persons = {int(i): int(p) for i, p in session.execute(stmt_persons)}
    read_of(session, actor, "institution_alerts", (persons.get(a.infection_id) for a, _ in out))
    return out


def is_overdue(item: AlertItem, at: datetime) -> bool:
    """An item not done whose deadline has passed (measure 14)."""
    return item.done_at is None and item.due_at < at


def end_closure(session: Session, actor: Actor, closure_id: int, ends_on: date) -> ClosedManagement:
    """End an institution's open closed-management period on a day (measure 14). Refuses a period not found or out
    of scope and one already ended (`closure_id`), an end before its start (`ends_on`)."""
    actor.require(Permission.manage_sites)
    period = session.get(ClosedManagement, closure_id)
    if period is None:
        raise InvalidInput("closure_id", f"no closed management {closure_id}")
    try:
        get_institution(session, actor, period.institution_id)
    except NotFound:
        raise InvalidInput("closure_id", f"no closed management {closure_id} in your jurisdiction") from None
    if period.ends_on is not None:
        raise InvalidInput("closure_id", f"the closed management from {period.starts_on} ended on {period.ends_on}")
    if ends_on < period.starts_on:
        raise InvalidInput("ends_on", f"{ends_on} is before {period.starts_on}")
    period.ends_on = ends_on
    session.flush()
    record(
        session,
        actor,
        action="update",
        entity="key_institutions",
        entity_id=period.institution_id,
        detail={"closure_ended": period.id},
    )
    return period
