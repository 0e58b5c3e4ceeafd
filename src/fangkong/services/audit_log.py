"""The audit log as a list, for a supervisor: who did what to which record, when, filtered and paged.

An entry carries the acting user's name, not a jurisdiction, so the reader's scope is found through what the entry
joins to: an entry is in the reader's subtree when its actor is a user account of that subtree, or when the record
it is about is a person living there (what the system or a lab import did to the subtree's people). A reader whose
subtree is the whole country sees every entry. `services.audit` itself sits under persons and users (it is written
by every flow), so the reading that joins them lives here, above them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, and_, cast, or_, select
from sqlalchemy.orm import Session, aliased

from fangkong.errors import InvalidInput
from fangkong.services.access import Actor, Permission, Role
from fangkong.services.audit.models import AuditEntry
from fangkong.services.calendar import day_span
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.paging import page_of
from fangkong.services.persons.models import Person
from fangkong.services.users.models import User

# What the flows write (`audit.service.record`): the filters offer these.
AUDIT_ACTIONS = ("read", "listed", "create", "update", "exported", "import", "record_round", "refused", "anonymise")
AUDIT_ENTITIES = (
    "person",
    "worklist",
    "orders",
    "audit_log",
    "risk_area",
    "risk_areas",
    "areas",
    "testing_campaign",
    "lab_import",
    "bulk_tables",
    "user",
    # the reads of lists and of a record's parts (`audit.reads.read_of`) and the refused reads (`refusal_of`)
    "route",
    "order_events",
    "retests",
    "infections",
    "chain",
    "contact_candidates",
    "timeliness",
    "health_code_changes",
    "audit_trail",
    "appeals",
    "stranded",
    "campaign_sampling",
    "transition_preview",
    "worklist_export",
    # key populations and key institutions (measure 14)
    "key_populations",
    "key_population_overdue",
    "institution_alerts",
    "key_institutions",
    "institution_members",
    # arrivals from other provinces, the landing check and the four earlies (measure 15)
    "arrivals",
    "four_earlies",
    # early-warning signals re-derived from the store, and the alerts raised from them (measure 15)
    "signals",
    "warning_alert",
    "warning_alerts",
    # enterprises and parks, their plans and ledgers, returning workers' checks, stop orders (measure 19)
    "enterprise_parks",
    "enterprises",
    "enterprise_plans",
    "enterprise_plan_checks",
    "enterprise_return_checks",
    "enterprise_stop_orders",
    # ---- complaints (issue 21): one complaint read, and the complaint lists (measures 18 and 16) ----
    "complaint",
    "complaints",
    # campuses (issue 21, measure 18): the registry and the outbreak responses
    "campus",
    "campus_response",
    # the policy comparisons the command centre ran on the synthetic city (issue 22)
    "simulation",
)
AUDIT_SORTS = ("at", "-at")


@dataclass(frozen=True)
class AuditRow:
    """One entry as a reader sees it: the acting user's role (None for the system) and, for an entry about a
    person, the person's name."""

    entry: AuditEntry
    role: str | None
    person_id: int | None
    person_name: str | None


def list_entries(
    session: Session,
    actor: Actor,
    *,
    user: str | None = None,
    action: str | None = None,
    entity: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    sort: str = "-at",
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[AuditRow], int]:
    """Entries of the reader's subtree, newest first (`sort="at"`: oldest first); `user` keeps one user's entries
    (and those of their lab imports' consequences), `date_from`/`date_to` the local days they fall on."""
    actor.require(Permission.read_audit)
    if action and action not in AUDIT_ACTIONS:
        raise InvalidInput("action", f"{action!r} is not one of {', '.join(AUDIT_ACTIONS)}")
    if entity and entity not in AUDIT_ENTITIES:
        raise InvalidInput("entity", f"{entity!r} is not one of {', '.join(AUDIT_ENTITIES)}")
    if sort not in AUDIT_SORTS:
        raise InvalidInput("sort", f"{sort!r} is not one of {', '.join(AUDIT_SORTS)}")
    if date_from is not None and date_to is not None and date_to < date_from:
        raise InvalidInput("date_to", f"{date_to} is before {date_from}")
    stmt = select(AuditEntry)
    root = actor.jurisdiction_path
    if root != "/":
        user_place, person_place = aliased(Jurisdiction), aliased(Jurisdiction)
        stmt = (
            stmt.outerjoin(User, User.username == AuditEntry.actor)
            .outerjoin(user_place, user_place.code == User.jurisdiction_code)
            .outerjoin(Person, and_(AuditEntry.entity == "person", AuditEntry.entity_id == cast(Person.id, String)))
            .outerjoin(person_place, person_place.code == Person.jurisdiction_code)
            .where(or_(user_place.path.startswith(root), person_place.path.startswith(root)))
        )
    if user:
        user = user.strip()
        stmt = stmt.where(
            or_(AuditEntry.actor == user, AuditEntry.actor.startswith(f"{user} (lab import ", autoescape=True))
        )
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if date_from is not None:
        stmt = stmt.where(AuditEntry.at >= day_span(date_from, date_from)[0])
    if date_to is not None:
        stmt = stmt.where(AuditEntry.at < day_span(date_to, date_to)[1])
    order = (AuditEntry.at, AuditEntry.id) if sort == "at" else (AuditEntry.at.desc(), AuditEntry.id.desc())
    entries, total = page_of(session, stmt.order_by(*order), offset=offset, limit=limit)
    roles = dict(
        session.execute(select(User.username, User.role).where(User.username.in_({e.actor for e in entries}))).all()
    )
    person_ids = {int(e.entity_id) for e in entries if e.entity == "person" and e.entity_id.isdigit()}
    names = dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(person_ids))).all())
    rows = []
    for e in entries:
        pid = int(e.entity_id) if e.entity == "person" and e.entity_id.isdigit() else None
        # a lab import's consequences are acted as "<importer> (lab import <n>)" (`access.lab_consequences_of`)
        role = roles.get(e.actor) or (Role.lab_consequences.value if " (lab import " in e.actor else None)
        rows.append(AuditRow(e, role, pid, names.get(pid) if pid is not None else None))
    return rows, total
