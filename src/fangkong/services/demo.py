"""A small synthetic county with people under management, so a fresh install shows a living system.

The demo is a drill set in November 2022 (the 20 measures in force): serve it with `--today 2022-11-16`.
Loading is idempotent: a store that already has the demo county is left as it is.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from fangkong.rules.resident_id import check_digit
from fangkong.services.access import SYSTEM
from fangkong.services.jurisdictions.models import Jurisdiction, JurisdictionLevel
from fangkong.services.jurisdictions.service import create_jurisdiction
from fangkong.services.orders.schemas import OrderCreate
from fangkong.services.orders.service import place_order
from fangkong.services.orders.worklists import record_sampling
from fangkong.services.persons.schemas import PersonCreate
from fangkong.services.persons.service import create_person
from fangkong.services.sites.schemas import AssignmentCreate, SiteCreate
from fangkong.services.sites.service import assign_room, create_site
from fangkong.services.users.service import create_user

DEMO_TODAY = date(2022, 11, 16)
DEMO_PASSWORD = "fangkong-demo"
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


def load_demo(session: Session, *, persons: int = 120, seed: int = 20221111) -> DemoSummary:
    """Create the demo county, its staff and `persons` people under management (deterministic for a seed)."""
    if session.get(Jurisdiction, COUNTY) is not None:
        return DemoSummary(False, 0, 0, ())
    rng = random.Random(seed)
    communities = _tree(session)
    users = [
        ("command", "command_centre", COUNTY),
        ("epi", "epidemiologist", COUNTY),
        ("worker1", "community_worker", communities[0]),
        ("worker2", "community_worker", communities[1]),
        ("supervisor", "supervisor", COUNTY),
        ("viewer", "read_only", COUNTY),
    ]
    for username, role, where in users:
        create_user(session, None, username=username, password=DEMO_PASSWORD, role=role, jurisdiction_code=where)
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
        )
        orders += 1
        first = order.plan["phases"][0]
        if first["kind"] == "centralized_isolation" and date.fromisoformat(str(first["end"])) >= DEMO_TODAY:
            assign_room(session, SYSTEM, site.id, AssignmentCreate(order_id=order.id, on=order.start))
        # most test days before today were sampled; a few were missed, so the overdue list has work
        for test_day in (d for p in order.plan["phases"] for d in _dates(p)):
            if test_day < DEMO_TODAY and rng.random() < 0.9:
                record_sampling(session, SYSTEM, order.id, sampled_on=test_day, today=DEMO_TODAY)
    return DemoSummary(True, persons, orders, tuple(u for u, _, _ in users))


def _dates(phase: dict[str, object]) -> list[date]:
    start = date.fromisoformat(str(phase["start"]))
    days = phase["test_days"]
    assert isinstance(days, list)
    return [start + timedelta(days=int(d) - 1) for d in days]
