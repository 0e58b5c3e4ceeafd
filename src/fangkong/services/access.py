"""Who is acting: a staff member's role and the jurisdiction subtree they may act in.

Roles follow DESIGN.md section 1. A record outside the actor's subtree is reported as not found, so its
existence is not revealed; an action the role may not take is forbidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fangkong.errors import Forbidden


class Role(StrEnum):
    command_centre = "command_centre"
    epidemiologist = "epidemiologist"
    community_worker = "community_worker"
    site_manager = "site_manager"
    lab = "lab"
    supervisor = "supervisor"
    read_only = "read_only"
    admin = "admin"
    # Not a staff role: the consequences of a lab import, applied on the importing lab's behalf inside its
    # jurisdiction. The lab may only import; what the rules make of its results (placements, transfers, proposed
    # contacts) is done under this role, never as an administrator.
    lab_consequences = "lab_consequences"


STAFF_ROLES = tuple(r for r in Role if r is not Role.lab_consequences)


class Permission(StrEnum):
    read_persons = "read_persons"
    see_identifiers = "see_identifiers"  # unmasked ID numbers and phones
    write_persons = "write_persons"
    place_orders = "place_orders"
    change_orders = "change_orders"
    manage_sites = "manage_sites"
    apply_policy_transition = "apply_policy_transition"
    read_audit = "read_audit"
    manage_users = "manage_users"
    import_lab = "import_lab"  # sample registrations and lab results
    trace_contacts = "trace_contacts"  # record infections, propose and confirm close contacts
    manage_areas = "manage_areas"  # buildings and shapes, risk-area delineation, spill-over, code recompute


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.command_centre: frozenset(Permission) - {Permission.manage_users},
    Role.epidemiologist: frozenset(
        {
            Permission.read_persons,
            Permission.see_identifiers,
            Permission.write_persons,
            Permission.place_orders,
            Permission.change_orders,
            Permission.trace_contacts,
            Permission.manage_areas,
        }
    ),
    Role.community_worker: frozenset(
        {Permission.read_persons, Permission.see_identifiers, Permission.write_persons, Permission.change_orders}
    ),
    Role.site_manager: frozenset({Permission.read_persons, Permission.change_orders, Permission.manage_sites}),
    Role.lab: frozenset({Permission.import_lab}),
    Role.supervisor: frozenset({Permission.read_persons, Permission.read_audit}),
    Role.read_only: frozenset({Permission.read_persons}),
    Role.admin: frozenset(Permission),
    Role.lab_consequences: frozenset(
        {Permission.read_persons, Permission.place_orders, Permission.change_orders, Permission.trace_contacts}
    ),
}


@dataclass(frozen=True)
class Actor:
    username: str
    role: Role
    jurisdiction_path: str  # materialised path of the subtree root, e.g. "/11/1101/110105/"

    def may(self, permission: Permission) -> bool:
        return permission in _GRANTS[self.role]

    def require(self, permission: Permission) -> None:
        if not self.may(permission):
            raise Forbidden(f"role {self.role.value} may not {permission.value.replace('_', ' ')}")

    def covers(self, path: str) -> bool:
        return path.startswith(self.jurisdiction_path)


SYSTEM = Actor("system", Role.admin, "/")


def lab_consequences_of(importer: Actor, import_id: int) -> Actor:
    """Who applies the rules' consequences of an import: the importer's name and jurisdiction, with no more
    permissions than placing, transferring and proposing need."""
    return Actor(f"{importer.username} (lab import {import_id})", Role.lab_consequences, importer.jurisdiction_path)
