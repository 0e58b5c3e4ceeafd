"""A small synthetic county with people under management, so a fresh install shows a living system.

The demo is a drill set in November 2022 (the 20 measures in force): serve it with `--today 2022-11-16`.
Loading is idempotent: a store that already has the demo county is left as it is.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import Inconsistent
from fangkong.policy import Policy, load_policy
from fangkong.policy.terms import CampaignCondition, CampaignScope
from fangkong.rules.resident_id import check_digit
from fangkong.services.access import SYSTEM, Actor, Role
from fangkong.services.areas.service import Delineation, delineate
from fangkong.services.areas.shapes import import_areas
from fangkong.services.arrivals.demo import demo_arrivals
from fangkong.services.calendar import local_instant
from fangkong.services.campaigns.service import CampaignCreate, RoundRecord, propose, record_round
from fangkong.services.campuses.demo import demo_campuses
from fangkong.services.care.demo import demo_care
from fangkong.services.closure_services.demo import demo_needs
from fangkong.services.complaints.demo import demo_complaints  # complaints (issue 21)
from fangkong.services.enterprises.demo import demo_enterprises
from fangkong.services.health_codes.service import recompute
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction, JurisdictionLevel
from fangkong.services.jurisdictions.service import create_jurisdiction
from fangkong.services.key_populations.demo import demo_key_populations
from fangkong.services.lab.imports import import_results, import_samples
from fangkong.services.orders.schemas import OrderCreate
from fangkong.services.orders.service import place_order
from fangkong.services.orders.worklists import record_sampling
from fangkong.services.persons.schemas import PersonCreate
from fangkong.services.persons.service import create_person
from fangkong.services.signals.demo import demo_signals
from fangkong.services.simulations.demo import demo_comparison  # saved policy comparisons (issue 22)
from fangkong.services.sites.schemas import AssignmentCreate, SiteCreate
from fangkong.services.sites.service import assign_room, create_site
from fangkong.services.supplies.demo import demo_supplies
from fangkong.services.tracing.venues import VenueCreate, import_scans, register_venue
from fangkong.services.users.models import User
from fangkong.services.users.passwords import DEMO_PASSWORD as DEMO_PASSWORD  # the demo prints it
from fangkong.services.users.service import create_user, opens_with
from fangkong.services.vaccination.demo import demo_vaccinations
from fangkong.services.visits.demo import demo_visits
from fangkong.services.warning_alerts.demo import demo_alerts

DEMO_TODAY = date(2022, 11, 16)
# the demo's staff accounts, each with DEMO_PASSWORD (published): `serve` on a public address refuses while one
# still opens with it
DEMO_USERNAMES = ("command", "epi", "worker1", "worker2", "supervisor", "viewer", "lab")
COUNTY = "110199"  # an unassigned county code under Beijing (GB/T 2260 has no 110199): fictional, but valid in IDs

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
CATEGORIES = [
    ("close_contact", 0.55),
    ("high_risk_spillover", 0.2),
    ("entry_personnel", 0.15),
    ("high_risk_post_worker", 0.1),
]


@dataclass(frozen=True)
class DemoSummary:
    loaded: bool
    persons: int
    orders: int
    users: tuple[str, ...]


def _tree(session: Session) -> list[str]:
    if session.get(Jurisdiction, "11") is None:
        create_jurisdiction(session, code="11", name="北京市 Beijing", level=JurisdictionLevel.province)
    if session.get(Jurisdiction, "1101") is None:
        create_jurisdiction(
            session, code="1101", name="市辖区 Beijing city", level=JurisdictionLevel.city, parent_code="11"
        )
    create_jurisdiction(
        session, code=COUNTY, name="示范区 Demo county (fictional)", level=JurisdictionLevel.county, parent_code="1101"
    )
    communities = []
    for s in (1, 2):
        street = f"{COUNTY}{s:03d}"
        create_jurisdiction(
            session, code=street, name=f"第{s}街道 Street {s}", level=JurisdictionLevel.street, parent_code=COUNTY
        )
        for c in (1, 2, 3):
            code = f"{street}{c:03d}"
            create_jurisdiction(
                session,
                code=code,
                name=f"第{s}街道第{c}社区 Community {s}-{c}",
                level=JurisdictionLevel.community,
                parent_code=street,
            )
            communities.append(code)
    return communities


def demo_accounts(session: Session) -> list[str]:
    """The demo's accounts in the store that are active and still open with the demo's published password."""
    users = session.scalars(select(User).where(User.username.in_(DEMO_USERNAMES), User.active.is_(True)))
    return sorted(u.username for u in users if opens_with(u, DEMO_PASSWORD))


def _square(x: float, y: float, size: float) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]}


def _shapes(session: Session, communities: list[str]) -> None:
    """Synthetic shapes (a fictional county south-east of Beijing's centre, in degrees): the county a square,
    each street a half, each community a sixth; in every community twelve buildings of four units, imported
    through the same GeoJSON path (and checks) as a real survey."""
    x0, y0, side = 116.60, 39.80, 0.06
    county = session.get(Jurisdiction, COUNTY)
    if county is None:
        raise Inconsistent("county is not None")
    county.shape = {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x0 + side, y0], [x0 + side, y0 + side], [x0, y0 + side], [x0, y0]]],
    }
    cell = side / 3
    features = []
    for i, code in enumerate(communities):
        street = session.get(Jurisdiction, code[:9])
        community = session.get(Jurisdiction, code)
        if street is None or community is None:
            raise Inconsistent("street is not None and community is not None")
        sx, sy = x0 + (i % 3) * cell, y0 + (i // 3) * (side / 2)
        if i % 3 == 0:
            street.shape = {
                "type": "Polygon",
                "coordinates": [[[x0, sy], [x0 + side, sy], [x0 + side, sy + side / 2], [x0, sy + side / 2], [x0, sy]]],
            }
        community.shape = {
            "type": "Polygon",
            "coordinates": [[[sx, sy], [sx + cell, sy], [sx + cell, sy + side / 2], [sx, sy + side / 2], [sx, sy]]],
        }
        size = cell / 5
        for b in range(1, 13):
            bx, by = sx + ((b - 1) % 4) * size + size * 0.1, sy + ((b - 1) // 4) * size + size * 0.1
            building = f"{code}{b:03d}"
            features.append(
                {
                    "type": "Feature",
                    "geometry": _square(bx, by, size * 0.8),
                    "properties": {
                        "code": building,
                        "name": f"{b}号楼 Building {b}",
                        "level": "building",
                        "parent_code": code,
                        "label": str(b),
                    },
                }
            )
            quarter = size * 0.4
            for u in range(1, 5):
                ux, uy = bx + ((u - 1) % 2) * quarter, by + ((u - 1) // 2) * quarter
                features.append(
                    {
                        "type": "Feature",
                        "geometry": _square(ux, uy, quarter),
                        "properties": {
                            "code": f"{building}{u:02d}",
                            "name": f"{b}号楼{u}单元 Unit {u}",
                            "level": "unit",
                            "parent_code": building,
                            "label": str(u),
                        },
                    }
                )
    session.flush()
    import_areas(session, SYSTEM, json.dumps({"type": "FeatureCollection", "features": features}).encode())


def load_demo(
    session: Session, *, persons: int = 120, seed: int = 20221111, policy: Policy | None = None
) -> DemoSummary:
    """Create the demo county, its staff and `persons` people under management (deterministic for a seed)."""
    policy = policy if policy is not None else load_policy()  # the demo is a drill of the national rules
    if session.get(Jurisdiction, COUNTY) is not None:
        return DemoSummary(False, 0, 0, ())
    rng = random.Random(seed)
    communities = _tree(session)
    _shapes(session, communities)
    users = [
        ("command", "command_centre", COUNTY),
        ("epi", "epidemiologist", COUNTY),
        ("worker1", "community_worker", communities[0]),
        ("worker2", "community_worker", communities[1]),
        ("supervisor", "supervisor", COUNTY),
        ("viewer", "read_only", COUNTY),
        ("lab", "lab", COUNTY),
    ]
    for username, role, where in users:
        create_user(
            session, None, username=username, password=DEMO_PASSWORD, role=role, jurisdiction_code=where, demo=True
        )
    site = create_site(
        session,
        SYSTEM,
        SiteCreate(
            name="示范隔离酒店 Demo isolation hotel",
            address="示范区 1号",
            jurisdiction_code=COUNTY,
            rooms=[f"{floor}{room:02d}" for floor in range(1, 6) for room in range(1, 21)],
        ),
    )
    orders = 0
    for i in range(persons):
        community = rng.choice(communities)
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 65))
        first17 = f"{COUNTY}{born:%Y%m%d}{i % 1000:03d}"
        person = create_person(
            session,
            SYSTEM,
            PersonCreate(
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                document_type="resident_id",
                document_number=first17 + check_digit(first17),
                phone=f"139{rng.randrange(10**8):08d}",
                address=f"{community[-6:]}社区 {rng.randint(1, 12)}号楼 {rng.randint(1, 4)}单元",
                building=str(rng.randint(1, 12)),
                unit=str(rng.randint(1, 4)),
                jurisdiction_code=community,
            ),
            today=DEMO_TODAY,
        )
        category = rng.choices([c for c, _ in CATEGORIES], weights=[w for _, w in CATEGORIES])[0]
        anchor = DEMO_TODAY - timedelta(days=rng.randint(1, 6))
        placed_on = max(anchor, date(2022, 11, 11))
        order = place_order(
            session,
            SYSTEM,
            OrderCreate(person_id=person.id, category=category, anchor_date=anchor, reason="demo"),
            today=placed_on,
            policy=policy,
        )
        orders += 1
        first = order.plan["phases"][0]
        if first["kind"] == "centralized_isolation" and date.fromisoformat(str(first["end"])) >= DEMO_TODAY:
            assign_room(session, SYSTEM, site.id, AssignmentCreate(order_id=order.id, on=order.start))
        # most test days before today were sampled; a few were missed, so the overdue list has work
        for test_day in (d for p in order.plan["phases"] for d in _dates(p)):
            if test_day < DEMO_TODAY and rng.random() < 0.9:
                record_sampling(session, SYSTEM, order.id, sampled_on=test_day, today=DEMO_TODAY)
    _testing_and_tracing(session, rng, communities[0], policy)
    demo_visits(session, SYSTEM, DEMO_TODAY, communities[0])  # this morning's home visits, one with a fever
    demo_care(session, SYSTEM, DEMO_TODAY, COUNTY, communities, policy=policy)  # hospitals, beds, a severity mix
    demo_supplies(session, SYSTEM, DEMO_TODAY, COUNTY)  # medicines and equipment with two weeks of dispensing
    demo_arrivals(session, SYSTEM, DEMO_TODAY, communities[0])  # arrivals from other provinces and their tests
    demo_vaccinations(session, SYSTEM, DEMO_TODAY, COUNTY, policy=policy)  # doses: most adults boosted, elders less so
    demo_key_populations(session, SYSTEM, DEMO_TODAY, COUNTY, policy=policy)  # key people, their checks, a nursing home
    demo_needs(session, SYSTEM, DEMO_TODAY, COUNTY)  # needs in closure, one overdue; hotline calls
    demo_signals(session, SYSTEM, DEMO_TODAY, COUNTY)  # eight weeks of early-warning signals, an outbreak at the end
    demo_alerts(session, SYSTEM, DEMO_TODAY, COUNTY, policy=policy)  # the daily job's alerts, one verified
    demo_enterprises(session, SYSTEM, DEMO_TODAY, COUNTY, policy=policy)  # a park, a white-listed enterprise (issue 21)
    demo_campuses(session, SYSTEM, DEMO_TODAY, COUNTY, policy=policy)  # campuses (issue 21): two schools, one response
    recompute(session, SYSTEM, DEMO_TODAY, policy=policy)  # everyone's health code for the drill day
    demo_complaints(session, SYSTEM, DEMO_TODAY, COUNTY, policy=policy)  # complaints (issue 21): a clue, one late
    # issue 22: v9, m20 and n10 compared on a city of the county's size, saved as the command centre ran it
    demo_comparison(session, Actor("command", Role.command_centre, SYSTEM.jurisdiction_path), policy=policy)
    return DemoSummary(True, persons, orders, tuple(u for u, _, _ in users))


def _testing_and_tracing(session: Session, rng: random.Random, community: str, policy: Policy) -> None:
    """Fifteen residents of one community go through the lab path the way staff would see it on the 16th: a
    positive pool on the 15th whose retests found one infection (its contacts proposed from a market's venue
    scans and its home, awaiting the epidemiologist), and a positive pool this morning whose members are held
    and owed single-tube retests on today's work list."""
    now = local_instant(DEMO_TODAY, time(8, 30))
    lab = Actor("lab", Role.lab, SYSTEM.jurisdiction_path)
    epi = Actor("epi", Role.epidemiologist, SYSTEM.jurisdiction_path)
    residents = []
    for i in range(15):
        first17 = f"{COUNTY}{date(1980, 1, 1) + timedelta(days=rng.randrange(0, 365 * 30)):%Y%m%d}{900 + i:03d}"
        building = "7" if i in (0, 5) else str(20 + i)  # residents 0 and 5 share a home
        residents.append(
            create_person(
                session,
                SYSTEM,
                PersonCreate(
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    document_type="resident_id",
                    document_number=first17 + check_digit(first17),
                    phone=f"138{rng.randrange(10**8):08d}",
                    address=f"{community[-6:]}社区 {building}号楼 1单元",
                    building=building,
                    unit="1",
                    jurisdiction_code=community,
                ),
                today=DEMO_TODAY,
            )
        )
    register_venue(
        session,
        epi,
        VenueCreate(
            code="V-110199-MARKET", name="示范农贸市场 Demo market", address="示范区 2号", jurisdiction_code=COUNTY
        ),
    )
    docs = [p.document_number for p in residents]
    scans = ["document_number,venue_code,scanned_at"] + [
        f"{docs[i]},V-110199-MARKET,2022-11-14T{at}:00+08:00"
        for i, at in [(0, "10:00"), (1, "10:12"), (2, "09:40"), (3, "15:00")]
    ]
    import_scans(session, epi, "\n".join(scans).encode(), fmt="csv", now=now, filename="demo-scans.csv")
    samples = [
        "barcode,pool_size,sampling_point,collected_at,members",
        f"DEMO-P5-15,5,示范区 3号采样点,2022-11-15T07:00:00+08:00,{';'.join(docs[0:5])}",
        *(f"DEMO-S15-{i},1,示范区 3号采样点,2022-11-15T11:00:00+08:00,{docs[i]}" for i in range(5)),
        f"DEMO-P5-16,5,示范区 3号采样点,2022-11-16T07:00:00+08:00,{';'.join(docs[10:15])}",
        f"DEMO-P5-16B,5,示范区 3号采样点,2022-11-16T07:10:00+08:00,{';'.join(docs[5:10])}",
    ]
    import_samples(
        session, lab, "\n".join(samples).encode(), fmt="csv", now=now, filename="demo-samples.csv", policy=policy
    )
    results_15 = [
        "barcode,lab,reported_at,ct_orf1ab,ct_n",
        "DEMO-P5-15,示范区疾控实验室,2022-11-15T09:00:00+08:00,29.5,30.1",
        *(
            f"DEMO-S15-{i},示范区疾控实验室,2022-11-15T15:00:00+08:00,{'24.2,25.0' if i == 0 else ','}"
            for i in range(5)
        ),
    ]
    import_results(
        session, lab, "\n".join(results_15).encode(), fmt="csv", now=now, filename="demo-results-15.csv", policy=policy
    )
    # the infected resident's building became a high-risk area that afternoon
    command = Actor("command", Role.command_centre, SYSTEM.jurisdiction_path)
    case = session.scalar(select(Infection).where(Infection.person_id == residents[0].id))
    if case is None:
        raise Inconsistent("case is not None")
    delineate(
        session,
        command,
        Delineation(area_code=f"{community}007", reason="residence", infection_ids=[case.id]),
        now=local_instant(DEMO_TODAY - timedelta(days=1), time(16)),
        policy=policy,
    )
    # the command centre tests everyone in the community from the 16th (an outbreak, its source not yet known),
    # and the first round found nobody in the community at large
    campaign = propose(
        session,
        command,
        CampaignCreate(
            area_code=community,
            scope=CampaignScope.all_residents,
            start_on=DEMO_TODAY,
            rounds=3,
            conditions=list(CampaignCondition),
        ),
        now=local_instant(DEMO_TODAY, time(7)),
        policy=policy,
    )
    record_round(
        session,
        command,
        campaign.id,
        RoundRecord(on=DEMO_TODAY, community_infections=0),
        today=DEMO_TODAY,
        policy=policy,
    )
    results_16 = [
        "barcode,lab,reported_at,ct_orf1ab,ct_n",
        "DEMO-P5-16,示范区疾控实验室,2022-11-16T08:00:00+08:00,31.0,32.4",
        "DEMO-P5-16B,示范区疾控实验室,2022-11-16T08:00:00+08:00,,",
    ]
    import_results(
        session, lab, "\n".join(results_16).encode(), fmt="csv", now=now, filename="demo-results-16.csv", policy=policy
    )


def _dates(phase: dict[str, object]) -> list[date]:
    start = date.fromisoformat(str(phase["start"]))
    days = phase["test_days"]
    if not isinstance(days, list):
        raise Inconsistent("isinstance(days, list)")
    return [start + timedelta(days=int(d) - 1) for d in days]
