"""Every table of the store, imported in one place so the metadata (and Alembic) sees them all."""

from fangkong.services.appeals.models import Ticket
from fangkong.services.areas.models import (
    RiskArea,
    RiskAreaEvent,
    RiskAreaInfection,
    RiskAreaScreening,
    SpilloverCandidate,
)
from fangkong.services.arrivals.models import Arrival, ArrivalFollowUp
from fangkong.services.audit.models import AuditEntry
from fangkong.services.campaigns.models import Campaign
from fangkong.services.campuses.models import Campus, CampusClosure, CampusResponse, CampusTask
from fangkong.services.care.models import CareFacility, CareStay, InfectionSeverity, StaffAbsence
from fangkong.services.closure_services.models import ClosureNeed, HotlineRecord, NeedEscalation, ReceivingPoint
from fangkong.services.file_imports.models import LabImport
from fangkong.services.health_codes.models import HealthCode, HealthCodeChange
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.key_populations.models import (
    AlertItem,
    ClosedManagement,
    InstitutionAlert,
    InstitutionMember,
    KeyInstitution,
    KeyPerson,
    KeyPersonCheck,
)
from fangkong.services.lab.models import LabResult, Retest, Sample, SampleMember, TemporaryControl
from fangkong.services.orders.models import ManagementOrder, OrderEvent, Sampling
from fangkong.services.overreach.models import OverreachFinding
from fangkong.services.persons.models import AddressChange, Person
from fangkong.services.signals.models import SignalCount
from fangkong.services.sites.models import IsolationSite, Room, RoomAssignment
from fangkong.services.stranded.models import StrandedPerson
from fangkong.services.supplies.models import SupplyItem, SupplyMovement, SupplyRequest, SupplySite, SupplyStock
from fangkong.services.tracing.models import ContactCandidate, Venue, VenueScan
from fangkong.services.users.models import ApiToken, User
from fangkong.services.vaccination.models import VaccinationDose, VaccinationOutreach
from fangkong.services.visits.models import HomeVisit
from fangkong.services.warning_alerts.models import WarningAlert

__all__ = [
    "AddressChange",
    "AlertItem",
    "ApiToken",
    "Arrival",
    "ArrivalFollowUp",
    "AuditEntry",
    "Campaign",
    "Campus",
    "CampusClosure",
    "CampusResponse",
    "CampusTask",
    "CareFacility",
    "CareStay",
    "ClosedManagement",
    "ClosureNeed",
    "ContactCandidate",
    "HealthCode",
    "HealthCodeChange",
    "HomeVisit",
    "HotlineRecord",
    "Infection",
    "InfectionSeverity",
    "InstitutionAlert",
    "InstitutionMember",
    "IsolationSite",
    "Jurisdiction",
    "KeyInstitution",
    "KeyPerson",
    "KeyPersonCheck",
    "LabImport",
    "LabResult",
    "ManagementOrder",
    "NeedEscalation",
    "OrderEvent",
    "OverreachFinding",
    "Person",
    "ReceivingPoint",
    "Retest",
    "RiskArea",
    "RiskAreaEvent",
    "RiskAreaInfection",
    "RiskAreaScreening",
    "Room",
    "RoomAssignment",
    "Sample",
    "SampleMember",
    "Sampling",
    "SignalCount",
    "SpilloverCandidate",
    "StaffAbsence",
    "StrandedPerson",
    "SupplyItem",
    "SupplyMovement",
    "SupplyRequest",
    "SupplySite",
    "SupplyStock",
    "TemporaryControl",
    "Ticket",
    "User",
    "VaccinationDose",
    "VaccinationOutreach",
    "Venue",
    "VenueScan",
    "WarningAlert",
]

# ---- enterprises and parks (measure 19; issue 21) ----
from fangkong.services.enterprises.models import (
    Enterprise,
    EnterprisePark,
    EnterprisePlan,
    EnterprisePlanCheck,
    EnterpriseReturnCheck,
    EnterpriseStopOrder,
)

__all__ += [
    "Enterprise",
    "EnterprisePark",
    "EnterprisePlan",
    "EnterprisePlanCheck",
    "EnterpriseReturnCheck",
    "EnterpriseStopOrder",
]
# ---- complaints (issue 21) ----
from fangkong.services.complaints.models import Complaint, ComplaintCase, ComplaintEscalation  # noqa: E402

__all__ += ["Complaint", "ComplaintCase", "ComplaintEscalation"]
# ---- saved policy comparisons (issue 22) ----
from fangkong.services.simulations.models import SimulationComparison  # noqa: E402

__all__ += ["SimulationComparison"]
