"""The demo county's medicines and equipment (measure 13, m20.13): the hospitals' pharmacies, two pharmacies, the
community health service centres and the isolation site, the seven categories' items with opening stock, and 14 days
of dispensations, so that the stock table shows days of supply and at least one reorder alert. Idempotent."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.rules.admission import MAX_AGE
from fangkong.services.access import Actor
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.persons.models import Person
from fangkong.services.sites.models import IsolationSite
from fangkong.services.supplies.models import SupplyItem, SupplySite
from fangkong.services.supplies.service import (
    ItemCreate,
    MovementCreate,
    RequestCreate,
    SiteCreate,
    create_item,
    create_request,
    create_site,
    record_movement,
)

# units as the console says them in either language (`web.words_supplies`: sup_unit_*)
ITEMS = (
    ("PAXLOVID", "奈玛特韦片/利托那韦片 Paxlovid (nirmatrelvir/ritonavir)", "antiviral", "box"),
    ("AZVUDINE", "阿兹夫定片 Azvudine", "antiviral", "bottle"),
    ("IBUPROFEN", "布洛芬缓释胶囊 Ibuprofen", "antipyretic", "box"),
    ("LHQW", "连花清瘟胶囊 Lianhua Qingwen", "tcm_prescription", "box"),
    ("QFPD", "清肺排毒汤 Qingfei Paidu decoction", "tcm_prescription", "dose"),
    ("EPINEPHRINE", "肾上腺素注射液 Epinephrine injection", "first_aid_drug", "ampoule"),
    ("O2-CONC", "制氧机 Oxygen concentrator", "oxygen_concentrator", "unit"),
    ("VENTILATOR", "呼吸机 Ventilator", "ventilator", "unit"),
    ("OXIMETER", "指夹式血氧仪 Finger pulse oximeter", "oximeter", "piece"),
)
# opening stock and daily dispensations per site kind and item: Paxlovid at the hospitals runs under its reorder
# point (14 days), ibuprofen at the pharmacies under its critical threshold (3 days)
OPENING = {
    "hospital": {
        "PAXLOVID": (80, 8),
        "AZVUDINE": (300, 5),
        "IBUPROFEN": (600, 20),
        "LHQW": (500, 15),
        "QFPD": (300, 6),
        "EPINEPHRINE": (200, 2),
        "O2-CONC": (30, 0),
        "VENTILATOR": (12, 0),
        "OXIMETER": (100, 2),
    },
    "pharmacy": {"IBUPROFEN": (50, 25), "LHQW": (400, 12), "OXIMETER": (60, 3)},
    "community_health_centre": {"IBUPROFEN": (300, 6), "LHQW": (300, 5), "OXIMETER": (40, 1), "O2-CONC": (6, 0)},
    "isolation_site": {"IBUPROFEN": (200, 4), "LHQW": (200, 4), "OXIMETER": (30, 0)},
}


def demo_supplies(session: Session, actor: Actor, today: date, county_code: str) -> int:
    """Create the demo county's supply sites, items, opening stock and 14 days of dispensations ending `today`;
    returns the number of sites created (0 when they exist already)."""
    if session.scalar(select(SupplySite.id).where(SupplySite.jurisdiction_code == county_code).limit(1)) is not None:
        return 0
    for code, name, category, unit in ITEMS:
        if session.scalar(select(SupplyItem.id).where(SupplyItem.code == code)) is None:
            create_item(session, actor, ItemCreate(code=code, name=name, category=category, unit=unit))
    streets = list(
        session.scalars(
            select(Jurisdiction.code).where(Jurisdiction.parent_code == county_code).order_by(Jurisdiction.code)
        )
    )
    isolation = session.scalar(
        select(IsolationSite.name).where(IsolationSite.jurisdiction_code == county_code).order_by(IsolationSite.id)
    )
    sites = [
        ("示范区人民医院药房 Demo People's Hospital pharmacy", "hospital", county_code),
        ("示范区中医医院药房 Demo TCM Hospital pharmacy", "hospital", county_code),
        ("康宁大药房 Kangning pharmacy", "pharmacy", streets[0] if streets else county_code),
        ("仁和药店 Renhe pharmacy", "pharmacy", streets[-1] if streets else county_code),
        *[
            (f"第{i}社区卫生服务中心 Community health centre {i}", "community_health_centre", s)
            for i, s in enumerate(streets, start=1)
        ],
        (f"{isolation or '示范区集中隔离点 Demo isolation site'} 药品库 stores", "isolation_site", county_code),
    ]
    start = today - timedelta(days=13)
    for name, kind, code in sites:
        site = create_site(session, actor, SiteCreate(name=name, kind=kind, jurisdiction_code=code))
        for item, (opening, per_day) in OPENING[kind].items():
            # the opening stock was received the day before the window, then dispensed day by day
            received = opening + per_day * 14
            record_movement(
                session,
                actor,
                site.id,
                MovementCreate(
                    kind="receipt",
                    item_code=item,
                    quantity=received,
                    day=start - timedelta(days=1),
                    note="opening stock (demo)",
                ),
                today=today,
            )
            for back in range(14):
                if per_day:
                    record_movement(
                        session,
                        actor,
                        site.id,
                        MovementCreate(
                            kind="dispensation", item_code=item, quantity=per_day, day=start + timedelta(days=back)
                        ),
                        today=today,
                    )
    demo_requests(session, actor, today, county_code)
    return len(sites)


# patients' requests for oxygen concentrators at the first community health centre (6 in stock): 10 asked, so the
# allocation has a shortage to share — the severe patient, then those at high risk and the elderly, first
REQUESTS = (("mild", 2), ("severe", 2), (None, 2), ("moderate", 2), ("mild", 2))


def demo_requests(session: Session, actor: Actor, today: date, county_code: str) -> int:
    """Pending requests of five infected residents of the county (or residents, if none is infected) for oxygen
    concentrators at the first community health centre, made on `today` (m20.13); the number made."""
    site = session.scalar(
        select(SupplySite)
        .where(SupplySite.kind == "community_health_centre", SupplySite.name.like("第1社区%"))
        .order_by(SupplySite.id)
    )
    if site is None:
        return 0
    people: list[tuple[int, date | None, int | None]] = [
        (pid, born, iid)
        for pid, born, iid in session.execute(
            select(Person.id, Person.birth_date, Infection.id)
            .join(Infection, Infection.person_id == Person.id)
            .join(Jurisdiction, Person.jurisdiction_code == Jurisdiction.code)
            .where(Jurisdiction.path.like(f"%/{county_code}/%"))
            .order_by(Infection.id)
            .limit(len(REQUESTS))
        )
    ]
    if len(people) < len(REQUESTS):
        people += [
            (pid, born, None)
            for pid, born in session.execute(
                select(Person.id, Person.birth_date)
                .where(Person.jurisdiction_code.like(f"{county_code}%"))
                .order_by(Person.id)
                .limit(len(REQUESTS) - len(people))
            )
        ]
    made = 0
    for turn, ((person_id, born, infection_id), (severity, quantity)) in enumerate(
        zip(people, REQUESTS, strict=False), start=1
    ):
        age = max(0, min(MAX_AGE, today.year - born.year)) if born is not None else 40
        create_request(
            session,
            actor,
            site.id,
            RequestCreate(
                item_code="O2-CONC",
                person_id=person_id,
                infection_id=infection_id,
                quantity=quantity,
                age=age,
                severity=severity,
                requested_at=datetime.combine(today, time(1 + turn), tzinfo=UTC),
            ),
        )
        made += 1
    return made
