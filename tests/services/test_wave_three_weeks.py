"""Three weeks of a wave in the demo county (issue 18, "Done when"; measures 11 and 13), on SQLite and PostgreSQL.

Day by day from 28 Nov to 18 Dec 2022, across the switch from the 20 measures (m20) to the new ten (n10) on 7 Dec,
applied as the product applies it (`orders.transitions.apply_transition`): each day new infections are reported
(growing, with an age mix of under-60s, 60–79s and 80-and-overs, some unvaccinated), their severities recorded and
admitted where the proposal says; a case whose turn has come grows severe or critical two days after its report (the
projection's admission delay) and is transferred; stays whose length is up are discharged; staff of the designated
hospital fall ill (more each day); the sites dispense medicines. The run is made once per store and each test reads
what it recorded: (a) admission graded by severity under m20 and n10, (b) a transfer when a case turns critical, (c)
staff infections turning into fewer staffed beds and a proposal moving on when the staffed ICU beds are full, (d) the
projection's run-out alert before the day the ICU beds actually run out, (e) a medicine falling to its reorder alert,
(f) a shortage allocated to the severe, high-risk and elderly first. docs/care.md ("The three-week wave") says on
which day each happens.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy import Policy, load_policy
from fangkong.policy.terms import AgeBand, BedKind, CareLevel
from fangkong.rules.bed_projection import projection_parameters
from fangkong.rules.supplies import Allocation, SupplyAlert
from fangkong.services.access import SYSTEM
from fangkong.services.care.models import CareFacility, CareStay
from fangkong.services.care.service import (
    Proposal,
    admit,
    census,
    end_stay,
    propose_admission,
    record_absence,
    record_severity,
)
from fangkong.services.demo import COUNTY
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.orders.transitions import apply_transition
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.supplies.service import (
    ItemCreate,
    MovementCreate,
    RequestCreate,
    SiteCreate,
    allocate_requests,
    create_item,
    create_request,
    create_site,
    record_movement,
    stock_table,
)
from tests.stores import BACKENDS, Templates

START, SWITCH = date(2022, 11, 28), date(2022, 12, 7)
DAYS = [START + timedelta(days=k) for k in range(21)]  # 28 Nov .. 18 Dec
FIRST_CASES, GROWTH = 20, 1.13  # new infections on day k: FIRST_CASES × GROWTH^k (20 on 28 Nov, about 230 on 18 Dec)
# the age mix of every ten cases reported: (age, unvaccinated) — three under 60, three 60–79, four 80 and over
MIX = (
    (35, False),
    (45, False),
    (52, True),
    (64, False),
    (71, True),
    (76, True),
    (81, False),
    (84, True),
    (88, True),
    (91, True),
)
STAY_DAYS = {BedKind.general: 7, BedKind.icu: 10}  # about the mean of projection.stay.* (6.8 and 10.3 days)
DESIGNATED = "示范定点医院 Demo designated hospital"
SITE = "波次发热门诊药房 Wave fever clinic pharmacy"


@dataclass
class Case:
    infection_id: int
    person_id: int
    age: int
    unvaccinated: bool
    reported: date
    turns: tuple[date, str] | None  # the day it grows worse and the severity it then has


@dataclass
class Graded:
    """A severity recorded and the proposal made on it, as the wave saw them."""

    day: date
    policy: str | None
    severity: str
    age: int
    level: str
    place: str
    clauses: set[str]
    proposal: Proposal
    facility_kind: str | None


@dataclass
class Wave:
    graded: list[Graded] = field(default_factory=list)
    transfers: list[tuple[date, CareStay, CareStay]] = field(default_factory=list)  # (day, ended stay, new stay)
    relocated: list[tuple[date, str]] = field(default_factory=list)  # ICU cases placed outside the designated hospital
    waiting: dict[date, int] = field(default_factory=dict)  # cases needing an ICU bed that none could take
    icu: dict[date, tuple[int, int, int]] = field(default_factory=dict)  # (occupied, staffed, physical) in the county
    designated: dict[date, tuple[int, int]] = field(default_factory=dict)  # its general beds: (staffed, physical)
    alert_day: date | None = None  # the first day the projection raised the ICU run-out alert
    projected_run_out: date | None = None  # the run-out day that alert projected
    stock: dict[date, SupplyAlert] = field(default_factory=dict)
    allocation: Allocation | None = None
    allocation_groups: dict[int, str] = field(default_factory=dict)  # request id -> who asked (young, elderly, ...)
    cases: int = 0

    def run_out_day(self) -> date | None:
        """The first day the county's ICU patients and those waiting for an ICU bed were more than its staffed ICU
        beds: the day the beds actually ran out."""
        return next((d for d in DAYS if self.icu[d][0] + self.waiting[d] > self.icu[d][1]), None)


def _clauses(reasons: object) -> set[str]:
    return {r["clause"] if isinstance(r, dict) else r.clause for r in reasons}  # type: ignore[attr-defined]


class Run:
    """The wave's day-by-day steps on one store."""

    def __init__(self, session: Session, policy: Policy) -> None:
        self.session, self.policy = session, policy
        self.wave = Wave()
        self.county_path = session.get(Jurisdiction, COUNTY).path  # type: ignore[union-attr]
        self.communities = list(
            session.scalars(
                select(Jurisdiction.code)
                .where(Jurisdiction.path.startswith(self.county_path), Jurisdiction.level == "community")
                .order_by(Jurisdiction.code)
            )
        )
        self.designated = session.scalars(select(CareFacility).where(CareFacility.name == DESIGNATED)).one()
        self.kinds = {f.id: f.kind for f in session.scalars(select(CareFacility))}
        self.cases: dict[int, Case] = {}
        self.waiting: list[int] = []  # infections needing an ICU bed, oldest first
        need = projection_parameters(policy.at(START)).need
        self.need = need
        self.owed: dict[tuple[CareLevel, AgeBand, bool], float] = dict.fromkeys(need, 0.0)
        self.serial = 0

    # ---- the people and their severities ----
    def report(self, day: date) -> Case:
        """A new infection reported on `day`; whether and when it grows worse follows the projection's need rates,
        so that the wave and the projection are drawn from the same severity mix (`projection.need.*`)."""
        self.serial += 1
        age, unvaccinated = MIX[self.serial % len(MIX)]
        person = Person(
            name=f"波次病例 Wave case {self.serial}",
            document_type="other",
            document_number=f"WAVE{self.serial:06d}",
            birth_date=date(day.year - age - 1, 6, 1),
            address=f"{self.serial} Wave road",
            jurisdiction_code=self.communities[self.serial % len(self.communities)],
        )
        self.session.add(person)
        self.session.flush()
        infection = Infection(
            person_id=person.id,
            kind="confirmed",
            sampled_on=day,
            confirmed_at=datetime.combine(day, time(1), UTC),
            found_in="community",
            jurisdiction_code=person.jurisdiction_code,
            created_by="wave",
        )
        self.session.add(infection)
        self.session.flush()
        band = AgeBand.of(age)
        turns: tuple[date, str] | None = None
        for level, severity in ((CareLevel.icu, "critical"), (CareLevel.inpatient, "severe")):
            key = (level, band, not unvaccinated)
            self.owed[key] += self.need[key]
            if self.owed[key] >= 1:
                self.owed[key] -= 1
                turns = (day + timedelta(days=2), severity)
                break
        case = Case(infection.id, person.id, age, unvaccinated, day, turns)
        self.cases[infection.id] = case
        self.wave.cases += 1
        return case

    def grade(self, case: Case, severity: str, day: date) -> Proposal:
        """Record the severity, ask for a proposal and admit where it says (measure 11)."""
        factors = ["unvaccinated"] if case.unvaccinated else []
        row = record_severity(
            self.session, SYSTEM, case.infection_id, severity, day, risk_factors=factors, policy=self.policy
        )
        proposal = propose_admission(self.session, SYSTEM, case.infection_id, day, policy=self.policy)
        self.wave.graded.append(
            Graded(
                day,
                row.policy,
                severity,
                case.age,
                row.level,
                row.facility,
                _clauses(row.reasons) | _clauses(proposal.reasons),
                proposal,
                self.kinds.get(proposal.facility_id) if proposal.facility_id else None,
            )
        )
        self.place(case, proposal, day)
        return proposal

    def place(self, case: Case, proposal: Proposal, day: date) -> None:
        before = self.session.scalars(
            select(CareStay).where(CareStay.infection_id == case.infection_id, CareStay.ended_on.is_(None))
        ).first()
        if proposal.facility_id is None:
            if proposal.bed_kind is BedKind.icu and case.infection_id not in self.waiting:
                self.waiting.append(case.infection_id)
            return
        if before is not None and before.facility_id == proposal.facility_id and not proposal.transfer:
            return  # already where it should be
        stay = admit(self.session, SYSTEM, case.infection_id, proposal.facility_id, day)
        if proposal.bed_kind is BedKind.icu and proposal.facility_id != self.designated.id:
            self.wave.relocated.append((day, self.kinds[proposal.facility_id]))
        if before is not None:
            self.wave.transfers.append((day, before, stay))

    # ---- one day ----
    def day(self, k: int, day: date) -> None:
        if day == SWITCH:
            preview = apply_transition(
                self.session, SYSTEM, effective_on=day, reason="新十条 the new ten (wave test)", policy=self.policy
            )
            assert preview.to_version == "n10"
        # the designated hospital's staff fall ill, more each day (measure 11: the plan for infected medical staff)
        record_absence(self.session, SYSTEM, self.designated.id, day, "nurse", infected=2 + 2 * k)
        record_absence(self.session, SYSTEM, self.designated.id, day, "critical_care_nurse", infected=2 * k)
        self.discharge(day)
        for case in [c for c in self.cases.values() if c.turns and c.turns[0] == day]:
            self.grade(case, case.turns[1], day)  # type: ignore[index]
        for infection_id in list(self.waiting):  # those waiting for an ICU bed first, oldest first
            proposal = propose_admission(self.session, SYSTEM, infection_id, day, policy=self.policy)
            if proposal.facility_id is not None:
                self.waiting.remove(infection_id)
                self.place(self.cases[infection_id], proposal, day)
        new = round(FIRST_CASES * GROWTH**k)
        for n in range(new):
            case = self.report(day)
            self.grade(case, "asymptomatic" if n % 4 == 3 else "mild", day)
        self.wave.waiting[day] = len(self.waiting)
        rows = census(self.session, SYSTEM, day, root=self.county_path, policy=self.policy)
        icu = [r for r in rows if r.bed_kind is BedKind.icu]
        self.wave.icu[day] = (sum(r.occupied for r in icu), sum(r.staffed for r in icu), sum(r.beds for r in icu))
        general = next(r for r in rows if r.facility_id == self.designated.id and r.bed_kind is BedKind.general)
        self.wave.designated[day] = (general.staffed, general.beds)
        self.project(day)
        self.dispense(k, day, new)

    def discharge(self, day: date) -> None:
        """End the stays whose length is up (`STAY_DAYS`); the ICU's stays make room for those waiting."""
        for stay in list(self.session.scalars(select(CareStay).where(CareStay.ended_on.is_(None)))):
            if stay.started_on + timedelta(days=STAY_DAYS[BedKind(stay.bed_kind)]) <= day:
                end_stay(self.session, SYSTEM, stay.infection_id, day, "discharged")

    def project(self, day: date) -> None:
        """The projection of the county's beds on `day` (project_jurisdiction: store -> rules.bed_projection)."""
        from fangkong.services.care.projection import project_jurisdiction

        outlook = project_jurisdiction(self.session, SYSTEM, COUNTY, day, policy=self.policy).outlook(CareLevel.icu)
        if outlook.alert and self.wave.alert_day is None:
            self.wave.alert_day, self.wave.projected_run_out = day, outlook.run_out

    # ---- medicines (measure 13) ----
    def supplies(self) -> None:
        site = create_site(
            self.session, SYSTEM, SiteCreate(name=SITE, kind="community_health_centre", jurisdiction_code=COUNTY)
        )
        self.site_id = site.id
        for code, name, category, unit in (
            ("WAVE-IBU", "布洛芬 Ibuprofen (wave)", "antipyretic", "盒 box"),
            ("WAVE-PAX", "奈玛特韦 Paxlovid (wave)", "antiviral", "盒 box"),
        ):
            create_item(self.session, SYSTEM, ItemCreate(code=code, name=name, category=category, unit=unit))
        self.move("receipt", "WAVE-IBU", 2000, START)

    def move(self, kind: str, item: str, quantity: int, day: date, **extra: int) -> None:
        record_movement(
            self.session,
            SYSTEM,
            self.site_id,
            MovementCreate(kind=kind, item_code=item, quantity=quantity, day=day, **extra),
            today=day,
        )

    def dispense(self, k: int, day: date, new: int) -> None:
        """A box of ibuprofen for each new case, as the wave's home-isolated cases are sent medicines."""
        self.move("dispensation", "WAVE-IBU", new, day)
        line = next(
            x
            for x in stock_table(self.session, SYSTEM, self.policy.at(day), as_of=day, site_id=self.site_id)
            if x.item_code == "WAVE-IBU"
        )
        self.wave.stock[day] = line.alert

    def shortage(self, day: date) -> None:
        """Three boxes of Paxlovid for four patients asking one each: a young mild case who asked first, a vaccinated
        70-year-old, an unvaccinated 85-year-old and a critical case (m20.13: severe high-risk and elderly first)."""
        self.move("receipt", "WAVE-PAX", 3, day)
        asking = [
            ("young", 30, "mild", [], 8),
            ("elderly", 70, "mild", [], 9),
            ("high_risk", 85, "mild", ["unvaccinated"], 10),
            ("severe", 55, "critical", [], 11),
        ]
        for who, age, severity, factors, hour in asking:
            case = self.report(day)
            request = create_request(
                self.session,
                SYSTEM,
                self.site_id,
                RequestCreate(
                    item_code="WAVE-PAX",
                    person_id=case.person_id,
                    infection_id=case.infection_id,
                    quantity=1,
                    age=age,
                    severity=severity,
                    risk_factors=factors,
                    requested_at=datetime.combine(day, time(hour), UTC),
                ),
            )
            self.wave.allocation_groups[request.id] = who
        now = datetime.combine(day, time(12), UTC)
        self.wave.allocation = allocate_requests(
            self.session, SYSTEM, self.policy.at(day), self.site_id, "WAVE-PAX", today=day, now=now
        )


@pytest.fixture(scope="module", params=BACKENDS)
def wave(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, store_templates: Templates
) -> Iterator[Wave]:
    """The wave, run once per store on a copy of the demo county."""
    with store_templates.store(request.param, "demo", tmp_path_factory.mktemp("wave")) as url:
        engine = make_engine(url)
        with unit_of_work(session_factory(engine)) as session:
            run = Run(session, load_policy())
            run.supplies()
            for k, day in enumerate(DAYS):
                run.day(k, day)
            run.shortage(DAYS[-1])
            yield run.wave
        engine.dispose()


def _first(graded: list[Graded], **want: object) -> Graded:
    return next(g for g in graded if all(getattr(g, k) == v for k, v in want.items()))


def test_a_admission_is_graded_by_severity_under_m20_and_under_n10(wave: Wave) -> None:
    m20 = [g for g in wave.graded if g.day < SWITCH]
    n10 = [g for g in wave.graded if g.day >= SWITCH]
    assert {g.policy for g in m20} == {"m20"} and {g.policy for g in n10} == {"n10"}
    # m20: a mild young case to a makeshift hospital (centralized isolation), a mild elder raised to hospital care
    young = next(g for g in m20 if g.severity == "mild" and g.age < 60)
    assert (young.level, young.place, young.facility_kind) == (
        "centralized_isolation",
        "makeshift_hospital",
        "makeshift_hospital",
    )
    assert "m20.11" in young.clauses
    elder = next(g for g in m20 if g.severity == "mild" and g.age >= 60)
    assert (elder.level, elder.place) == ("inpatient", "designated_hospital") and "m20.14" in elder.clauses
    critical = _first(m20, severity="critical")
    assert (critical.level, critical.place, critical.proposal.bed_kind) == ("icu", "designated_hospital", BedKind.icu)
    assert critical.facility_kind == "designated_hospital" and "m20.11" in critical.clauses
    # n10: asymptomatic and mild cases at home, no bed; the critical still to an ICU bed
    for severity in ("asymptomatic", "mild"):
        home = next(g for g in n10 if g.severity == severity and g.age < 60)
        assert (home.level, home.place, home.proposal.facility_id, home.proposal.bed_kind) == (
            "home_isolation",
            "home",
            None,
            None,
        )
        assert "n10.3" in home.clauses
    assert {g.level for g in n10 if g.severity == "critical"} == {"icu"}


def test_b_a_case_that_turns_critical_is_transferred_to_a_designated_hospital(wave: Wave) -> None:
    to_icu = [(d, old, new) for d, old, new in wave.transfers if new.bed_kind == "icu"]
    assert to_icu, "no case was transferred when it turned critical"
    day, old, new = to_icu[0]
    assert (old.end, old.ended_on, new.started_on, new.level) == ("transferred", day, day, "icu")
    assert old.facility_id != new.facility_id or old.bed_kind != new.bed_kind
    assert _clauses(new.reasons) >= {"m20.11"} or _clauses(new.reasons) >= {"n10.3"}


def test_c_staff_infections_reduce_staffed_beds_and_the_proposal_moves_on(wave: Wave) -> None:
    staffed, physical = wave.designated[DAYS[-1]]
    assert staffed < physical
    assert [wave.designated[d][0] for d in DAYS] == sorted((wave.designated[d][0] for d in DAYS), reverse=True)
    assert wave.icu[DAYS[-1]][1] < wave.icu[DAYS[0]][1] <= wave.icu[DAYS[0]][2]
    # the designated hospital's staffed ICU beds full: the next critical case is proposed elsewhere, or waits
    assert wave.relocated or any(wave.waiting.values())


def test_d_the_run_out_alert_comes_before_the_beds_run_out(wave: Wave) -> None:
    run_out = wave.run_out_day()
    assert run_out is not None, f"the ICU beds never ran out: {wave.icu}"
    assert wave.alert_day is not None, "the projection never raised the alert"
    assert wave.alert_day < run_out
    assert wave.projected_run_out is not None and wave.projected_run_out > wave.alert_day


def test_e_a_medicine_falls_to_its_reorder_alert(wave: Wave) -> None:
    assert wave.stock[DAYS[0]] is SupplyAlert.none
    assert any(a is not SupplyAlert.none for a in wave.stock.values())


def test_f_a_shortage_serves_the_severe_high_risk_and_elderly_first(wave: Wave) -> None:
    allocation = wave.allocation
    assert allocation is not None and (allocation.available, allocation.asked, allocation.left) == (3, 4, 0)
    order = [(wave.allocation_groups[g.key], g.group.value, g.granted) for g in allocation.grants]
    assert order == [
        ("severe", "severe", 1),
        ("high_risk", "high_risk", 1),
        ("elderly", "elderly", 1),
        ("young", "others", 0),
    ]
    for grant in allocation.grants:
        assert "m20.13" in _clauses(grant.reasons)
