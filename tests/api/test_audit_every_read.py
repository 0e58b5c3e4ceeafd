"""Every read of personal data is audited (issue 17): each route of the API and of the console is classified here,
by hand, as answering personal data or not — a route added without a line in `ROUTES` fails
`test_every_route_is_classified` until someone decides — and each route that answers personal data is called as a
member of staff on the demo county and must leave an audit entry of that member. A refused read (a person
outside the caller's jurisdiction) is audited too.

Personal data: names, ID numbers, phones, health status, orders, infections, contacts, visits of a person — or
the ids that lead to them. A change (POST/PATCH) is audited as the change it makes (`audit.service.record` in
the services); the reads below are the GETs, and the console's export, a read its form asks for by POST (with a
reason and the form's CSRF token)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.services.access import SYSTEM
from fangkong.services.arrivals.models import Arrival
from fangkong.services.audit.models import AuditEntry
from fangkong.services.audit_log import AUDIT_ACTIONS, AUDIT_ENTITIES
from fangkong.services.closure_services.demo import demo_needs
from fangkong.services.closure_services.models import ClosureNeed
from fangkong.services.complaints.models import Complaint
from fangkong.services.demo import COUNTY, DEMO_PASSWORD, DEMO_TODAY
from fangkong.services.enterprises.models import Enterprise
from fangkong.services.health_codes.models import HealthCode
from fangkong.services.key_populations.models import KeyInstitution
from fangkong.services.orders.models import ManagementOrder
from fangkong.services.persons.models import Person
from fangkong.services.supplies.models import SupplyRequest
from fangkong.services.warning_alerts.models import WarningAlert
from fangkong.web.app import create_console
from fangkong.web.i18n import MESSAGES
from tests.api.helpers import Clock
from tests.stores import BACKENDS, Templates
from tests.web.helpers import ConsoleClient


@dataclass(frozen=True)
class Reads:
    """A route that answers personal data: who calls it in the test, and the address (its ids filled in)."""

    who: str
    url: str
    method: str = "GET"
    form: dict[str, str] | None = None  # a read a form asks for (POST, with its CSRF token): its fields


@dataclass(frozen=True)
class NotPersonal:
    why: str


CHANGE = NotPersonal("a change: audited as the change it makes (create/update/import entries of the services)")
FORM = NotPersonal("an empty form or a page of the rules: no record in it")
META = NotPersonal("the service's own description, files or health")
AGGREGATE = NotPersonal("counts and areas, no person named")

# (method, path) -> whether it answers personal data. A new route is unclassified until a line is added here.
ROUTES: dict[tuple[str, str], Reads | NotPersonal] = {
    # ---- the API ----
    ("GET", "/openapi.json"): META,
    ("GET", "/docs"): META,
    ("GET", "/api/health"): META,
    ("MOUNT", "/static"): META,
    ("POST", "/api/auth/token"): NotPersonal("issues the caller's own token"),
    ("GET", "/api/auth/me"): NotPersonal("the caller's own account, no resident's data"),
    ("POST", "/api/auth/logout"): NotPersonal("ends the caller's own session"),
    ("POST", "/api/persons"): CHANGE,
    ("GET", "/api/persons/{person_id}/export"): Reads("command", "/api/persons/{person_id}/export"),
    ("POST", "/api/retention/run"): NotPersonal("counts of people anonymised and kept; each anonymisation audited"),
    ("GET", "/api/users"): NotPersonal("staff accounts, no resident's data (their changes are audited)"),
    ("POST", "/api/users"): CHANGE,
    ("PATCH", "/api/users/{user_id}"): CHANGE,
    ("POST", "/api/users/{user_id}/reset-password"): CHANGE,
    ("GET", "/users"): NotPersonal("staff accounts, no resident's data (their changes are audited)"),
    ("POST", "/users"): CHANGE,
    ("POST", "/users/{user_id}"): CHANGE,
    ("POST", "/users/{user_id}/password"): CHANGE,
    ("GET", "/api/persons"): Reads("command", "/api/persons"),
    ("GET", "/api/persons/{person_id}"): Reads("command", "/api/persons/{person_id}"),
    ("PATCH", "/api/persons/{person_id}"): CHANGE,
    ("GET", "/api/persons/{person_id}/audit"): Reads("supervisor", "/api/persons/{person_id}/audit"),
    ("POST", "/api/orders"): CHANGE,
    ("GET", "/api/orders"): Reads("command", "/api/orders"),
    ("GET", "/api/orders/{order_id}"): Reads("command", "/api/orders/{order_id}"),
    ("GET", "/api/orders/{order_id}/events"): Reads("command", "/api/orders/{order_id}/events"),
    ("POST", "/api/orders/{order_id}/release"): CHANGE,
    ("POST", "/api/orders/{order_id}/cancel"): CHANGE,
    ("POST", "/api/orders/{order_id}/transfer"): CHANGE,
    ("POST", "/api/orders/{order_id}/centralize"): CHANGE,
    ("POST", "/api/orders/{order_id}/hand-over"): CHANGE,
    ("POST", "/api/orders/{order_id}/samplings"): CHANGE,
    ("GET", "/api/worklists"): Reads("command", "/api/worklists"),
    ("GET", "/api/policy-transitions/preview"): Reads(
        "command", "/api/policy-transitions/preview?effective_on=2022-11-11"
    ),
    ("POST", "/api/policy-transitions"): CHANGE,
    ("POST", "/api/sites"): CHANGE,
    ("GET", "/api/sites"): AGGREGATE,
    ("POST", "/api/sites/{site_id}/assignments"): CHANGE,
    ("GET", "/api/sites/{site_id}/occupancy"): AGGREGATE,
    ("POST", "/api/lab/samples"): CHANGE,
    ("POST", "/api/lab/results"): CHANGE,
    ("GET", "/api/lab/imports"): NotPersonal("files imported and their counts, no person named"),
    ("GET", "/api/lab/retests"): Reads("command", "/api/lab/retests"),
    ("POST", "/api/infections"): CHANGE,
    ("GET", "/api/infections"): Reads("command", "/api/infections"),
    ("GET", "/api/infections/{infection_id}"): Reads("command", "/api/infections/{infection_id}"),
    ("PATCH", "/api/infections/{infection_id}"): CHANGE,
    ("POST", "/api/infections/{infection_id}/re-positives"): CHANGE,
    ("GET", "/api/infections/{infection_id}/re-positives"): Reads(
        "command", "/api/infections/{infection_id}/re-positives"
    ),
    ("GET", "/api/infections/{infection_id}/chain"): Reads("command", "/api/infections/{infection_id}/chain"),
    ("POST", "/api/infections/{infection_id}/contacts"): CHANGE,
    ("POST", "/api/infections/{infection_id}/contacts/propose"): CHANGE,
    ("GET", "/api/contact-candidates"): Reads("epi", "/api/contact-candidates"),
    ("POST", "/api/contact-candidates/{candidate_id}/confirm"): CHANGE,
    ("POST", "/api/contact-candidates/{candidate_id}/dismiss"): CHANGE,
    ("POST", "/api/contact-candidates/{candidate_id}/secondary"): CHANGE,
    ("POST", "/api/venues"): CHANGE,
    ("POST", "/api/venue-scans"): CHANGE,
    ("GET", "/api/timeliness"): Reads("command", "/api/timeliness?since=2022-11-14"),
    ("POST", "/api/areas/import"): CHANGE,
    ("POST", "/api/risk-areas"): CHANGE,
    ("GET", "/api/risk-areas"): AGGREGATE,
    ("GET", "/api/risk-areas/{risk_id}/history"): NotPersonal("an area's events: infections by number, no person"),
    ("POST", "/api/risk-areas/{risk_id}/screenings"): CHANGE,
    ("POST", "/api/risk-areas/advance"): CHANGE,
    ("POST", "/api/risk-areas/{risk_id}/lower"): CHANGE,
    ("POST", "/api/risk-areas/{risk_id}/spillover/propose"): CHANGE,
    ("POST", "/api/risk-areas/{risk_id}/spillover"): CHANGE,
    ("GET", "/api/risk-areas/{risk_id}/spillover"): AGGREGATE,
    ("POST", "/api/spillover/{candidate_id}/confirm"): CHANGE,
    ("GET", "/api/health-codes/person/{person_id}"): Reads("command", "/api/health-codes/person/{person_id}"),
    ("GET", "/api/health-codes/token/{token}"): Reads("command", "/api/health-codes/token/{token}"),
    ("POST", "/api/health-codes/recompute"): CHANGE,
    ("GET", "/api/health-codes/person/{person_id}/changes"): Reads(
        "command", "/api/health-codes/person/{person_id}/changes"
    ),
    ("GET", "/api/health-codes/check/{token}"): NotPersonal(
        "the venue check: a colour for the code shown at the door, by its holder (docs/areas-and-codes.md)"
    ),
    ("POST", "/api/overlays/check"): NotPersonal("checks a draft rule, no record"),
    ("POST", "/api/local-actions/check"): NotPersonal("checks a planned local action, no record"),
    ("GET", "/api/overreach/findings"): NotPersonal("refused staff actions, named by route, no resident's data"),
    ("GET", "/api/overreach/report"): AGGREGATE,
    ("POST", "/api/appeals"): CHANGE,
    ("GET", "/api/appeals"): Reads("supervisor", "/api/appeals"),
    ("POST", "/api/appeals/{ticket_id}/answer"): CHANGE,
    ("POST", "/api/stranded"): CHANGE,
    ("GET", "/api/stranded"): Reads("command", "/api/stranded"),
    ("GET", "/api/stranded/summary"): AGGREGATE,
    ("POST", "/api/stranded/{stranded_id}/clearance"): CHANGE,
    ("POST", "/api/stranded/{stranded_id}/departed"): CHANGE,
    ("POST", "/api/campaigns"): CHANGE,
    ("GET", "/api/campaigns/{campaign_id}"): AGGREGATE,
    ("GET", "/api/campaigns/{campaign_id}/sampling"): Reads("command", "/api/campaigns/{campaign_id}/sampling"),
    ("GET", "/api/campaigns/{campaign_id}/progress"): AGGREGATE,
    ("POST", "/api/campaigns/{campaign_id}/rounds"): CHANGE,
    ("POST", "/api/orders/{order_id}/visits"): CHANGE,
    ("GET", "/api/visits"): Reads("command", "/api/visits"),
    ("GET", "/api/facilities"): NotPersonal("facilities, beds and staff counts: no person named"),
    ("POST", "/api/facilities"): CHANGE,
    ("GET", "/api/facilities/{facility_id}"): NotPersonal("a facility, its beds and staff counts: no person named"),
    ("PATCH", "/api/facilities/{facility_id}"): CHANGE,
    ("POST", "/api/facilities/{facility_id}/absences"): CHANGE,
    ("POST", "/api/facilities/import"): CHANGE,
    ("GET", "/api/facilities/{facility_id}/stays"): Reads("command", "/api/facilities/1/stays"),
    ("POST", "/api/infections/{infection_id}/severity"): CHANGE,
    ("GET", "/api/infections/{infection_id}/severity"): Reads("command", "/api/infections/{infection_id}/severity"),
    ("GET", "/api/infections/{infection_id}/admission-proposal"): Reads(
        "command", "/api/infections/{infection_id}/admission-proposal?on=2022-11-16"
    ),
    ("POST", "/api/infections/{infection_id}/admissions"): CHANGE,
    ("POST", "/api/infections/{infection_id}/discharge"): CHANGE,
    ("POST", "/api/infections/{infection_id}/death"): CHANGE,
    ("GET", "/api/census"): AGGREGATE,
    ("GET", "/api/capacity/projection"): AGGREGATE,
    ("GET", "/api/supplies/sites"): NotPersonal("supply sites: places, no person"),
    ("POST", "/api/supplies/sites"): CHANGE,
    ("GET", "/api/supplies/items"): NotPersonal("medicines and equipment, no person"),
    ("POST", "/api/supplies/items"): CHANGE,
    ("GET", "/api/supplies/stock"): AGGREGATE,
    ("POST", "/api/supplies/sites/{site_id}/movements"): CHANGE,
    ("POST", "/api/supplies/sites/{site_id}/requests"): CHANGE,
    ("POST", "/api/supplies/sites/{site_id}/allocate"): CHANGE,
    ("PATCH", "/api/supplies/sites/{site_id}"): CHANGE,
    ("PATCH", "/api/supplies/items/{code}"): CHANGE,
    ("GET", "/api/supplies/sites/{site_id}/movements"): NotPersonal(
        "a site's ledger: quantities and days; a dispensation's person is an id the requests' audited read names"
    ),
    ("GET", "/api/supplies/requests"): Reads("command", "/api/supplies/requests"),
    # ---- early-warning signals (issue 20, measure 15) ----
    ("GET", "/api/signals"): AGGREGATE,
    ("GET", "/api/signals/series"): AGGREGATE,
    ("POST", "/api/signals/import"): CHANGE,
    ("POST", "/api/signals/derive"): CHANGE,
    # ---- vaccination (issue 19, measure 12) ----
    ("GET", "/api/vaccination/coverage"): AGGREGATE,
    ("GET", "/api/vaccination/doses-due"): AGGREGATE,
    ("GET", "/api/vaccination/coverage-trend"): AGGREGATE,
    ("GET", "/api/vaccination/outreach"): Reads("command", "/api/vaccination/outreach?on=2022-11-16"),
    ("GET", "/api/persons/{person_id}/vaccinations"): Reads("command", "/api/persons/{person_id}/vaccinations"),
    ("POST", "/api/persons/{person_id}/vaccinations"): CHANGE,
    ("GET", "/api/persons/{person_id}/vaccination-status"): Reads(
        "command", "/api/persons/{person_id}/vaccination-status?on=2022-11-16"
    ),
    ("POST", "/api/vaccinations/import"): CHANGE,
    ("POST", "/api/persons/{person_id}/vaccination-outreach"): CHANGE,
    ("GET", "/api/persons/{person_id}/vaccination-outreach"): Reads(
        "command", "/api/persons/{person_id}/vaccination-outreach"
    ),
    ("GET", "/api/persons/{person_id}/bubble-entry"): Reads(
        "command", "/api/persons/{person_id}/bubble-entry?on=2022-11-16"
    ),
    ("GET", "/api/needs"): Reads("command", "/api/needs"),
    ("POST", "/api/needs"): CHANGE,
    ("POST", "/api/needs/{need_id}/assign"): CHANGE,
    ("POST", "/api/needs/{need_id}/done"): CHANGE,
    ("POST", "/api/needs/{need_id}/cancel"): CHANGE,
    ("POST", "/api/needs/{need_id}/refuse"): CHANGE,
    ("GET", "/api/needs/{need_id}/escalations"): Reads("command", "/api/needs/{need_id}/escalations"),
    ("POST", "/api/needs/escalations"): CHANGE,
    ("GET", "/api/receiving-points"): NotPersonal("receiving points: places and hours, no person"),
    ("POST", "/api/receiving-points"): CHANGE,
    ("GET", "/api/hotline"): Reads("command", "/api/hotline"),
    ("POST", "/api/hotline"): CHANGE,
    ("GET", "/needs"): Reads("command", "/needs"),
    ("POST", "/needs/{need_id}/take"): CHANGE,
    ("POST", "/needs/{need_id}/done"): CHANGE,
    # the needs worked from the console (issue 19, measure 17)
    ("GET", "/needs/new"): Reads("command", "/needs/new?person_id={person_id}"),
    ("POST", "/needs/new"): CHANGE,
    ("GET", "/needs/{need_id}"): Reads("command", "/needs/{need_id}"),
    ("POST", "/needs/{need_id}/assign"): CHANGE,
    ("POST", "/needs/{need_id}/cancel"): CHANGE,
    ("POST", "/needs/{need_id}/refuse"): CHANGE,
    ("GET", "/needs/escalations"): Reads("command", "/needs/escalations"),
    ("POST", "/needs/escalate"): CHANGE,
    ("GET", "/needs/points"): NotPersonal("receiving points: places and hours, no person"),
    ("POST", "/needs/points"): CHANGE,
    ("GET", "/needs/hotline"): Reads("command", "/needs/hotline"),
    ("POST", "/needs/hotline"): CHANGE,
    ("GET", "/supplies"): AGGREGATE,
    ("GET", "/supplies.csv"): AGGREGATE,
    ("GET", "/supplies/sites/{site_id}"): Reads("command", "/supplies/sites/{supply_site_id}"),
    ("POST", "/supplies/sites/{site_id}/movements"): CHANGE,
    ("POST", "/supplies/sites/{site_id}/allocate"): CHANGE,
    ("GET", "/key-populations"): Reads("command", "/key-populations"),
    ("GET", "/signals"): AGGREGATE,
    ("GET", "/signals/data.json"): AGGREGATE,
    ("POST", "/signals/import"): CHANGE,
    ("GET", "/vaccination"): AGGREGATE,
    ("GET", "/vaccination/data.json"): AGGREGATE,
    ("GET", "/vaccination/outreach"): Reads("command", "/vaccination/outreach?on=2022-11-16"),
    ("GET", "/vaccination/outreach.csv"): Reads("command", "/vaccination/outreach.csv?on=2022-11-16"),
    ("POST", "/vaccination/outreach/{person_id}"): CHANGE,
    ("POST", "/persons/{person_id}/vaccinations"): CHANGE,
    ("POST", "/key-populations/{entry_id}/checks"): CHANGE,
    ("POST", "/institution-alerts/{alert_id}/items/{step}/done"): CHANGE,
    ("POST", "/key-populations"): CHANGE,
    ("POST", "/key-populations/{entry_id}/change"): CHANGE,
    ("POST", "/key-populations/{entry_id}/end"): CHANGE,
    ("POST", "/key-institutions"): CHANGE,
    ("POST", "/key-institutions/{institution_id}/edit"): CHANGE,
    ("POST", "/key-institutions/{institution_id}/closures"): CHANGE,
    ("POST", "/institution-closures/{closure_id}/end"): CHANGE,
    ("POST", "/key-institutions/{institution_id}/alerts"): CHANGE,
    ("POST", "/key-institutions/{institution_id}/members"): CHANGE,
    ("POST", "/institution-members/{member_id}/end"): CHANGE,
    # ---- key populations and key institutions (measure 14) ----
    ("GET", "/api/key-populations"): Reads("command", "/api/key-populations"),
    ("POST", "/api/key-populations"): CHANGE,
    ("PUT", "/api/key-populations/{entry_id}"): CHANGE,
    ("POST", "/api/key-populations/{entry_id}/end"): CHANGE,
    ("POST", "/api/key-populations/{entry_id}/checks"): CHANGE,
    ("GET", "/api/key-populations/overdue"): Reads("command", "/api/key-populations/overdue"),
    ("POST", "/api/key-populations/import"): CHANGE,
    ("GET", "/api/persons/{person_id}/key-population"): Reads("command", "/api/persons/{person_id}/key-population"),
    ("GET", "/api/key-institutions"): NotPersonal("nursing homes and the like, residents and staff counts: no person"),
    ("POST", "/api/key-institutions"): CHANGE,
    ("GET", "/api/key-institutions/{institution_id}"): NotPersonal(
        "an institution, its counts and closed-management periods: no person named"
    ),
    ("PATCH", "/api/key-institutions/{institution_id}"): CHANGE,
    ("POST", "/api/key-institutions/{institution_id}/closures"): CHANGE,
    ("POST", "/api/key-institutions/{institution_id}/alerts"): CHANGE,
    ("GET", "/api/institution-alerts"): Reads("command", "/api/institution-alerts"),
    # ---- arrivals from other provinces and the landing check (measure 15) ----
    ("POST", "/api/arrivals"): CHANGE,
    ("POST", "/api/arrivals/import"): CHANGE,
    ("GET", "/api/arrivals"): Reads("command", "/api/arrivals?from=2022-11-09&to=2022-11-16"),
    ("GET", "/api/arrivals/{arrival_id}"): Reads("command", "/api/arrivals/{arrival_id}"),
    ("POST", "/api/arrivals/{arrival_id}/follow-ups"): CHANGE,
    ("GET", "/api/arrival-counts"): AGGREGATE,
    ("GET", "/arrivals"): Reads("worker1", "/arrivals"),
    ("POST", "/arrivals/new"): CHANGE,
    ("POST", "/arrivals/{arrival_id}/follow-ups"): CHANGE,
    # ---- the four earlies (measure 15) ----
    ("GET", "/api/four-earlies"): Reads("command", "/api/four-earlies?from=2022-11-09&to=2022-11-16"),
    ("GET", "/four-earlies"): Reads("command", "/four-earlies"),
    # ---- early-warning alerts (measure 15) ----
    ("GET", "/api/warning-alerts"): Reads("command", "/api/warning-alerts"),
    ("GET", "/api/warning-alerts/{alert_id}"): Reads("command", "/api/warning-alerts/{alert_id}"),
    ("POST", "/api/warning-alerts/{alert_id}/assign"): CHANGE,
    ("POST", "/api/warning-alerts/{alert_id}/verify"): CHANGE,
    ("POST", "/api/warning-alerts/run"): CHANGE,
    ("GET", "/warning-alerts"): Reads("command", "/warning-alerts"),
    ("POST", "/warning-alerts/{alert_id}/assign"): CHANGE,
    ("POST", "/warning-alerts/{alert_id}/verify"): CHANGE,
    ("POST", "/api/institution-alerts/{alert_id}/items/{step}/done"): CHANGE,
    ("GET", "/api/key-institutions/{institution_id}/members"): Reads(
        "command", "/api/key-institutions/{institution_id}/members"
    ),
    ("POST", "/api/key-institutions/{institution_id}/members"): CHANGE,
    ("POST", "/api/institution-members/{member_id}/end"): CHANGE,
    ("POST", "/api/institution-members/import"): CHANGE,
    ("POST", "/api/institution-closures/{closure_id}/end"): CHANGE,
    # ---- enterprises and parks (measure 19; issue 21) ----
    ("GET", "/api/parks"): NotPersonal("industrial parks: no person named"),
    ("POST", "/api/parks"): CHANGE,
    ("GET", "/api/enterprises"): NotPersonal("enterprises and their plans: no person named"),
    ("POST", "/api/enterprises"): CHANGE,
    ("GET", "/api/enterprises/{enterprise_id}"): NotPersonal("an enterprise: no person named"),
    ("POST", "/api/enterprises/{enterprise_id}/white-list"): CHANGE,
    ("POST", "/api/enterprise-plans"): CHANGE,
    ("GET", "/api/enterprise-plans/{plan_id}"): NotPersonal("a plan's chain of responsibility: staff in their roles"),
    ("GET", "/api/enterprise-plans/{plan_id}/checks"): NotPersonal("a plan's ledger of checks: no resident named"),
    ("POST", "/api/enterprise-plans/{plan_id}/checks"): CHANGE,
    ("POST", "/api/enterprises/{enterprise_id}/return-checks"): CHANGE,
    ("GET", "/api/enterprises/{enterprise_id}/return-checks"): Reads(
        "command", "/api/enterprises/{enterprise_id}/return-checks"
    ),
    ("POST", "/api/enterprises/{enterprise_id}/stop"): CHANGE,
    ("GET", "/api/enterprises/{enterprise_id}/stop-orders"): NotPersonal("stop orders of an enterprise: no person"),
    ("POST", "/api/logistics/check"): NotPersonal("a decision on a driver: nothing stored, nothing answered of them"),
    ("GET", "/enterprises"): NotPersonal("parks, enterprises, their plans and ledgers: no resident named"),
    ("POST", "/enterprises/{enterprise_id}/stop"): CHANGE,
    ("POST", "/enterprises/{enterprise_id}/return-checks"): CHANGE,
    ("POST", "/enterprises/plans"): CHANGE,
    ("POST", "/enterprises/plans/{plan_id}/checks"): CHANGE,
    ("POST", "/enterprises/{enterprise_id}/white-list"): CHANGE,
    # ---- the console ----
    ("MOUNT", "/console-static"): META,
    ("GET", "/favicon.ico"): META,
    ("GET", "/login"): FORM,
    ("POST", "/login"): NotPersonal("signs the caller in"),
    ("POST", "/logout"): NotPersonal("signs the caller out"),
    ("GET", "/"): AGGREGATE,
    ("GET", "/self-check"): NotPersonal("the public's own check of the rules, nothing stored is read"),
    ("GET", "/worklists"): Reads("command", "/worklists"),
    ("POST", "/worklists/sampled"): CHANGE,
    ("POST", "/worklists/release"): CHANGE,
    ("GET", "/worklists.{fmt}"): Reads("command", "/worklists.csv"),
    ("GET", "/persons"): Reads("command", "/persons"),
    ("GET", "/persons/new"): FORM,
    ("POST", "/persons/new"): CHANGE,
    ("GET", "/persons/{person_id}"): Reads("command", "/persons/{person_id}"),
    ("GET", "/forms/order"): FORM,
    ("POST", "/forms/order"): CHANGE,
    ("GET", "/forms/results"): FORM,
    ("POST", "/forms/results"): CHANGE,
    ("GET", "/forms/area"): FORM,
    ("POST", "/forms/area"): CHANGE,
    ("GET", "/forms/campaign"): FORM,
    ("POST", "/forms/campaign"): CHANGE,
    ("GET", "/map"): AGGREGATE,
    ("GET", "/map/areas.geojson"): AGGREGATE,
    ("GET", "/risk-areas/{risk_id}"): AGGREGATE,
    ("GET", "/campaigns/{campaign_id}"): AGGREGATE,
    ("POST", "/campaigns/{campaign_id}/rounds"): CHANGE,
    ("GET", "/policy"): FORM,
    ("GET", "/policy/diff"): FORM,
    ("GET", "/policy/register"): FORM,
    ("GET", "/command"): AGGREGATE,
    ("POST", "/command/transition"): CHANGE,
    ("POST", "/command/recompute"): CHANGE,
    ("GET", "/overreach"): NotPersonal("refused staff actions and their counts, no resident's data"),
    ("GET", "/timeliness"): Reads("command", "/timeliness"),
    ("GET", "/risk-areas"): AGGREGATE,
    ("GET", "/lab/imports"): NotPersonal("files imported and their counts, no person named"),
    ("GET", "/infections"): Reads("command", "/infections"),
    ("GET", "/infections/{infection_id}"): Reads("command", "/infections/{infection_id}"),
    ("GET", "/infections/{infection_id}/chain.json"): Reads("command", "/infections/{infection_id}/chain.json"),
    ("POST", "/infections/{infection_id}/decide"): CHANGE,
    ("GET", "/contacts"): Reads("command", "/contacts"),
    ("GET", "/trends"): AGGREGATE,
    ("GET", "/trends/data.json"): AGGREGATE,
    ("GET", "/orders"): Reads("command", "/orders"),
    ("POST", "/orders/release"): CHANGE,
    ("GET", "/orders.{fmt}"): Reads("command", "/orders.csv"),
    ("GET", "/audit"): Reads("supervisor", "/audit"),
    ("GET", "/audit.csv"): Reads("supervisor", "/audit.csv"),
    ("GET", "/visits/new"): Reads("command", "/visits/new?order_id={order_id}"),
    ("POST", "/visits/new"): CHANGE,
    ("GET", "/visits"): Reads("command", "/visits"),
    ("POST", "/persons/{person_id}/export"): Reads(
        "command", "/persons/{person_id}/export", method="POST", form={"reason": "the person asked"}
    ),
    ("GET", "/retention"): NotPersonal("counts of people the job would anonymise and keep, no person named"),
    ("POST", "/retention/run"): NotPersonal("counts of people anonymised and kept; each anonymisation audited"),
    # ---- the console's care pages (measure 11; issue 18) ----
    ("GET", "/facilities"): AGGREGATE,
    ("GET", "/facilities.csv"): AGGREGATE,
    # the demo's makeshift hospital (the third facility it creates) holds its mild case: the patients' names are read
    ("GET", "/facilities/{facility_id}"): Reads("command", "/facilities/3"),
    ("POST", "/facilities/{facility_id}/absence"): CHANGE,
    ("POST", "/facilities/{facility_id}/edit"): CHANGE,
    ("POST", "/facilities/{facility_id}/end"): CHANGE,
    ("POST", "/infections/{infection_id}/severity"): CHANGE,
    ("POST", "/infections/{infection_id}/admit"): CHANGE,
    ("GET", "/capacity"): AGGREGATE,
    ("GET", "/capacity/data.json"): AGGREGATE,
    # ---- issue 16 A: the exports of the infections, the close-contact proposals and the risk areas ----
    ("GET", "/infections.{fmt}"): Reads("command", "/infections.csv"),
    ("GET", "/contacts.{fmt}"): Reads("command", "/contacts.xlsx"),
    ("GET", "/risk-areas.{fmt}"): AGGREGATE,
    ("POST", "/persons/{person_id}/sampled"): CHANGE,
    # ---- complaints (issue 21, measures 18 and 16) ----
    ("GET", "/api/complaints"): Reads("command", "/api/complaints"),
    ("POST", "/api/complaints"): CHANGE,
    ("POST", "/api/complaints/escalations"): CHANGE,
    ("GET", "/api/complaints/{complaint_id}"): Reads("command", "/api/complaints/{complaint_id}"),
    ("POST", "/api/complaints/{complaint_id}/route"): CHANGE,
    ("POST", "/api/complaints/{complaint_id}/answer"): CHANGE,
    ("POST", "/api/complaints/{complaint_id}/close"): CHANGE,
    ("GET", "/api/complaints/{complaint_id}/escalations"): Reads(
        "command", "/api/complaints/{complaint_id}/escalations"
    ),
    ("POST", "/api/complaints/{complaint_id}/case"): CHANGE,
    ("GET", "/api/public/cases"): NotPersonal("published typical cases: refused while they hold personal data"),
    ("GET", "/complaints"): Reads("command", "/complaints"),
    ("POST", "/complaints"): CHANGE,
    ("GET", "/complaints/{complaint_id}"): Reads("command", "/complaints/{complaint_id}"),
    ("POST", "/complaints/{complaint_id}/answer"): CHANGE,
    ("POST", "/complaints/{complaint_id}/close"): CHANGE,
    ("POST", "/complaints/{complaint_id}/case"): CHANGE,
    ("GET", "/public/cases"): NotPersonal("published typical cases: refused while they hold personal data"),
    # ---- campuses (issue 21, measure 18): counts of students and staff, staff accounts, no resident named ----
    ("GET", "/api/campuses"): AGGREGATE,
    ("POST", "/api/campuses"): CHANGE,
    ("GET", "/api/campuses/{campus_id}"): AGGREGATE,
    ("GET", "/api/campuses/{campus_id}/closures"): AGGREGATE,
    ("POST", "/api/campuses/{campus_id}/closures"): CHANGE,
    ("POST", "/api/campuses/{campus_id}/off-campus-rules"): CHANGE,
    ("GET", "/api/campus-responses"): AGGREGATE,
    ("POST", "/api/campus-responses"): CHANGE,
    ("GET", "/api/campus-responses/{response_id}"): AGGREGATE,
    ("GET", "/api/campus-tasks"): AGGREGATE,
    ("POST", "/api/campus-tasks/{task_id}/done"): CHANGE,
    ("POST", "/api/campus-tasks/escalate"): CHANGE,
    ("GET", "/campuses"): AGGREGATE,
    ("GET", "/campuses/{campus_id}"): AGGREGATE,
    ("POST", "/campuses/{campus_id}/responses"): CHANGE,
    ("POST", "/campuses/{campus_id}/closures"): CHANGE,
    ("POST", "/campus-tasks/{task_id}/done"): CHANGE,
    # ---- policy comparisons (issue 22): a synthetic city, no resident in it; a run is audited as a change ----
    ("POST", "/api/simulations"): CHANGE,
    ("GET", "/api/simulations"): AGGREGATE,
    ("GET", "/api/simulations/{comparison_id}"): AGGREGATE,
    ("GET", "/simulations"): AGGREGATE,
    ("POST", "/simulations"): CHANGE,
    ("GET", "/simulations/{comparison_id}"): AGGREGATE,
    ("GET", "/simulations/{comparison_id}/data.json"): AGGREGATE,
}


def served(app: Any) -> set[tuple[str, str]]:
    """Every (method, path) the app answers, routers included (HEAD goes with GET)."""
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        for r in getattr(getattr(route, "original_router", None), "routes", None) or [route]:
            methods = getattr(r, "methods", None)
            if methods is None:
                found.add(("MOUNT", r.path))
            found.update((m, r.path) for m in methods or () if m != "HEAD")
    return found


@pytest.fixture(scope="module", params=BACKENDS)
def console(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, store_templates: Templates
) -> Iterator[TestClient]:
    """The console (with the API) over a demo county of its own, on its drill day."""
    folder: Path = tmp_path_factory.mktemp("every_read")
    with store_templates.store(request.param, "demo_20", folder) as url:
        app = create_console(url, clock=Clock(date(2022, 11, 16)))
        with ConsoleClient(app) as client:  # posts console forms with their CSRF token
            yield client
        app.state.engine.dispose()


def ids_of(client: TestClient) -> dict[str, Any]:
    """A record of each kind the demo holds, to fill the addresses."""
    with Session(client.app.state.engine) as s:  # type: ignore[attr-defined]
        # the demo county's needs under closure (idempotent: nothing is added when the demo load already holds them)
        demo_needs(s, SYSTEM, DEMO_TODAY, COUNTY)
        s.commit()
    with Session(client.app.state.engine) as s:  # type: ignore[attr-defined]
        order = s.scalars(select(ManagementOrder).order_by(ManagementOrder.id)).first()
        assert order is not None
        token = s.scalar(select(HealthCode.token).where(HealthCode.person_id == order.person_id))
        # a supply site whose page lists patients' requests (the demo's shortage of oxygen concentrators)
        supply_site = s.scalar(select(SupplyRequest.site_id).order_by(SupplyRequest.id))
        need = s.scalar(select(ClosureNeed.id).order_by(ClosureNeed.id))
        arrival = s.scalar(select(Arrival.id).order_by(Arrival.id))
        alert = s.scalar(select(WarningAlert.id).order_by(WarningAlert.id))
        institution = s.scalar(select(KeyInstitution.id).order_by(KeyInstitution.id))  # the demo's nursing home
        enterprise = s.scalar(select(Enterprise.id).where(Enterprise.white_listed.is_(True)))  # issue 21
        complaint = s.scalar(select(Complaint.id).order_by(Complaint.id))  # complaints (issue 21)
    return {
        "enterprise_id": enterprise,
        "institution_id": institution,
        "need_id": need,
        "arrival_id": arrival,
        "alert_id": alert,
        "supply_site_id": supply_site,
        "person_id": order.person_id,
        "order_id": order.id,
        "infection_id": 1,
        "campaign_id": 1,
        "token": token,
        "complaint_id": complaint,  # complaints (issue 21)
    }


def last_entry(client: TestClient) -> int:
    with Session(client.app.state.engine) as s:  # type: ignore[attr-defined]
        return int(s.scalar(select(func.coalesce(func.max(AuditEntry.id), 0))) or 0)


def entries_since(client: TestClient, after: int, who: str) -> list[AuditEntry]:
    with Session(client.app.state.engine) as s:  # type: ignore[attr-defined]
        stmt = select(AuditEntry).where(AuditEntry.id > after, AuditEntry.actor == who)
        return list(s.scalars(stmt))


def signed_in(client: TestClient, who: str, url: str) -> dict[str, str]:
    """The API's bearer header for `who`, or (a console page) `who` signed in with the cookie."""
    client.cookies.clear()
    if url.startswith("/api/"):
        r = client.post("/api/auth/token", json={"username": who, "password": DEMO_PASSWORD})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}
    r = client.post("/login", data={"username": who, "password": DEMO_PASSWORD, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return {}


def test_every_route_is_classified(console: TestClient) -> None:
    """A route nobody has classified fails here: decide whether it answers personal data, and audit it if so."""
    routes = served(console.app)
    assert sorted(routes - ROUTES.keys()) == [], "classify these routes in ROUTES"
    assert sorted(ROUTES.keys() - routes) == [], "these routes are gone: drop them from ROUTES"


PERSONAL = sorted((k, v) for k, v in ROUTES.items() if isinstance(v, Reads))


@pytest.mark.parametrize(("route", "reads"), PERSONAL, ids=[f"{m} {p}" for (m, p), _ in PERSONAL])
def test_every_personal_read_is_audited(console: TestClient, route: tuple[str, str], reads: Reads) -> None:
    url = reads.url.format(**ids_of(console))
    headers = signed_in(console, reads.who, url)
    before = last_entry(console)
    r = console.request(reads.method, url, headers=headers, data=reads.form, follow_redirects=False)
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    entries = entries_since(console, before, reads.who)
    assert entries, f"{route}: answered personal data and left no audit entry"
    assert {e.action for e in entries} <= {"read", "listed", "exported"}
    # the supervisor's /audit page filters and names these: each kind written is one it knows
    assert {e.entity for e in entries} <= set(AUDIT_ENTITIES)


def _outsider(client: TestClient) -> int:
    """A person of the demo county outside worker1's community (110199001001)."""
    with Session(client.app.state.engine) as s:  # type: ignore[attr-defined]
        found = s.scalar(select(Person.id).where(Person.jurisdiction_code != "110199001001").order_by(Person.id))
    assert found is not None
    return int(found)


@pytest.mark.parametrize(
    "url",
    ["/api/persons/{id}", "/api/health-codes/person/{id}/changes", "/api/health-codes/person/{id}", "/persons/{id}"],
)
def test_a_refused_read_out_of_scope_is_audited(console: TestClient, url: str) -> None:
    """worker1 asks for a person of another community: the answer is "no such person", and the attempt is an
    audit entry naming the route and the id asked for."""
    who, pid = "worker1", _outsider(console)
    address = url.format(id=pid)
    headers = signed_in(console, who, address)
    before = last_entry(console)
    r = console.get(address, headers=headers, follow_redirects=False)
    assert r.status_code == 404
    entries = entries_since(console, before, who)
    assert [(e.action, e.entity, e.entity_id) for e in entries] == [("refused", "route", str(pid))]
    assert entries[0].detail["route"] == "GET " + url.replace("{id}", "{person_id}")


def test_every_kind_of_entry_has_words_on_the_audit_page() -> None:
    """The /audit page shows each action and kind of record in Chinese and English."""
    keys = [f"action_{a}" for a in AUDIT_ACTIONS] + [f"list_entity_{e}" for e in AUDIT_ENTITIES]
    assert [k for k in keys if not (MESSAGES.get(k, {}).get("zh") and MESSAGES.get(k, {}).get("en"))] == []
