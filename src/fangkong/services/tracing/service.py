"""Close-contact tracing, under the names callers elsewhere first imported: venues and scans are
`tracing.venues`, candidates `tracing.candidates`, the timeliness report `tracing.timeliness`."""

from __future__ import annotations

from fangkong.services.tracing.candidates import (
    CandidateRead,
    InterviewContact,
    add_interview_contacts,
    candidate_in_scope,
    confirm_candidate,
    dismiss_candidate,
    list_candidates,
    propose_contacts,
    propose_secondary,
)
from fangkong.services.tracing.timeliness import (
    InfectionTimeliness,
    JurisdictionTimeliness,
    TimelinessReport,
    timeliness_report,
)
from fangkong.services.tracing.venues import SCAN_COLUMNS, VenueCreate, import_scans, register_venue

__all__ = [
    "SCAN_COLUMNS",
    "CandidateRead",
    "InfectionTimeliness",
    "InterviewContact",
    "JurisdictionTimeliness",
    "TimelinessReport",
    "VenueCreate",
    "add_interview_contacts",
    "candidate_in_scope",
    "confirm_candidate",
    "dismiss_candidate",
    "import_scans",
    "list_candidates",
    "propose_contacts",
    "propose_secondary",
    "register_venue",
    "timeliness_report",
]
