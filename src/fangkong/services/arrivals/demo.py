"""The demo county's arrivals from other provinces (measure 15's landing check) on the drill day: six migrant workers
and travellers who arrived in the county's first community this week — one tested on arrival, one still in time, two
who missed the test and are being reminded, one who declined (the follow-up ends: the test is voluntary), and one
who arrived before the 20 measures (no test owed). `demo_arrivals` is called once from services/demo.py; a second
call changes nothing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.rules.resident_id import check_digit
from fangkong.services.access import Actor
from fangkong.services.arrivals.models import Arrival
from fangkong.services.arrivals.service import ArrivalIn, FollowUpIn, record_arrival, record_follow_up
from fangkong.services.calendar import local_instant
from fangkong.services.lab.models import LabResult, Sample, SampleMember
from fangkong.services.persons.schemas import PersonCreate
from fangkong.services.persons.service import create_person

# (name, origin county code, days before today and hour of arrival, from province, place, migrant worker, employer,
#  what happened: a sample hours after arrival / a follow-up hours after arrival and its outcome)
ARRIVALS: tuple[tuple[str, str, int, int, str, str, bool, str | None, tuple[str, int, str] | None], ...] = (
    (
        "黄建国",
        "441900",
        1,
        8,
        "44",
        "东莞 Dongguan",
        True,
        "示范建筑工地 Demo building site",
        ("sample", 7, "negative"),
    ),
    ("刘春燕", "510100", 0, 6, "51", "成都 Chengdu", True, "示范物流园 Demo logistics park", None),
    ("陈大勇", "420100", 2, 19, "42", "武汉 Wuhan", True, "示范建筑工地 Demo building site", None),
    ("赵小红", "330100", 2, 7, "33", "杭州 Hangzhou", False, None, ("follow_up", 27, "reminded")),
    (
        "孙志强",
        "410100",
        3,
        10,
        "41",
        "郑州 Zhengzhou",
        True,
        "示范食品厂 Demo food factory",
        ("follow_up", 32, "declined"),
    ),
    ("周丽", "320100", 7, 9, "32", "南京 Nanjing", False, None, None),
)


def demo_arrivals(session: Session, actor: Actor, today: date, community: str) -> int:
    """Register `ARRIVALS` as residents of `community` and record their arrivals, samples and follow-ups as staff
    would have over the week; returns how many arrivals were recorded (0 when already there)."""
    if session.scalar(select(Arrival.id).where(Arrival.jurisdiction_code == community).limit(1)) is not None:
        return 0
    for i, (name, origin, days, hour, province, place, migrant, employer, then) in enumerate(ARRIVALS):
        first17 = f"{origin}{date(1975, 1, 1) + timedelta(days=997 * (i + 3)):%Y%m%d}{510 + i:03d}"
        person = create_person(
            session,
            actor,
            PersonCreate(
                name=name,
                document_type="resident_id",
                document_number=first17 + check_digit(first17),
                phone=f"139{i:02d}0{days}{hour:02d}{i:03d}",
                address=f"{community[-6:]}社区 {30 + i}号楼 1单元",
                building=str(30 + i),
                unit="1",
                jurisdiction_code=community,
            ),
            today=today,
        )
        arrived = local_instant(today - timedelta(days=days), time(hour))
        data = ArrivalIn(
            person_id=person.id,
            arrived_at=arrived,
            from_province=province,
            from_place=place,
            migrant_worker=migrant,
            employer=employer,
            note="demo",
        )
        arrival = record_arrival(session, actor, data, now=arrived + timedelta(hours=1))
        if then is None:
            continue
        what, hours, outcome = then
        at: datetime = arrived + timedelta(hours=hours)
        if what == "sample":
            sample = Sample(
                barcode=f"DEMO-ARRIVAL-{i}", pool_size=1, sampling_point="示范区落地检采样点", collected_at=at
            )
            session.add(sample)
            session.flush()
            session.add(SampleMember(sample_id=sample.id, person_id=person.id))
            session.add(
                LabResult(sample_id=sample.id, lab="示范检测机构", reported_at=at + timedelta(hours=6), outcome=outcome)
            )
            session.flush()
        else:
            record_follow_up(session, actor, arrival.id, FollowUpIn(outcome=outcome, note="demo"), now=at)
    return len(ARRIVALS)
