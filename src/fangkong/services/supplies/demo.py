"""The demo county's medicines and equipment (measure 13, m20.13): the hospitals' pharmacies, two pharmacies, the
community health service centres and the isolation site, the seven categories' items with opening stock, and 14 days
of dispensations, so that the stock table shows days of supply and at least one reorder alert. Idempotent."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.services.access import Actor
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.sites.models import IsolationSite
from fangkong.services.supplies.models import SupplyItem, SupplySite
from fangkong.services.supplies.service import (
    ItemCreate,
    MovementCreate,
    SiteCreate,
    create_item,
    create_site,
    record_movement,
)

ITEMS = (
    ("PAXLOVID", "奈玛特韦片/利托那韦片 Paxlovid (nirmatrelvir/ritonavir)", "antiviral", "盒 box"),
    ("AZVUDINE", "阿兹夫定片 Azvudine", "antiviral", "瓶 bottle"),
    ("IBUPROFEN", "布洛芬缓释胶囊 Ibuprofen", "antipyretic", "盒 box"),
    ("LHQW", "连花清瘟胶囊 Lianhua Qingwen", "tcm_prescription", "盒 box"),
    ("QFPD", "清肺排毒汤 Qingfei Paidu decoction", "tcm_prescription", "剂 dose"),
    ("EPINEPHRINE", "肾上腺素注射液 Epinephrine injection", "first_aid_drug", "支 ampoule"),
    ("O2-CONC", "制氧机 Oxygen concentrator", "oxygen_concentrator", "台 unit"),
    ("VENTILATOR", "呼吸机 Ventilator", "ventilator", "台 unit"),
    ("OXIMETER", "指夹式血氧仪 Finger pulse oximeter", "oximeter", "个 piece"),
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
    return len(sites)
