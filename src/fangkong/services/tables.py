"""Every table of the store, imported in one place so the metadata (and Alembic) sees them all."""

from fangkong.services.audit.models import AuditEntry
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.orders.models import ManagementOrder, OrderEvent, Sampling
from fangkong.services.persons.models import Person
from fangkong.services.sites.models import IsolationSite, Room, RoomAssignment
from fangkong.services.users.models import ApiToken, User

__all__ = [
    "ApiToken",
    "AuditEntry",
    "IsolationSite",
    "Jurisdiction",
    "ManagementOrder",
    "OrderEvent",
    "Person",
    "Room",
    "RoomAssignment",
    "Sampling",
    "User",
]
