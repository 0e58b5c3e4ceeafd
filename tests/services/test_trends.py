"""The trends (services.trends) count each day as the single-day views count it: people under management by
category as `management_summary`, tests owed and done as the work list's tests due, infections as the list of
those confirmed that day, rooms as the sites' occupancy, risk areas as the active areas — on the demo county with
orders placed on earlier days, in the reader's jurisdiction; an order ended since still counts before it ended."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import Forbidden, InvalidInput
from fangkong.policy import Policy
from fangkong.rules.resident_id import check_digit
from fangkong.services.access import SYSTEM, Actor
from fangkong.services.areas.models import AreaEventKind, RiskAreaEvent
from fangkong.services.areas.service import advance_all, list_areas
from fangkong.services.demo import COUNTY
from fangkong.services.infections.service import list_infections
from fangkong.services.orders.models import ManagementOrder
from fangkong.services.orders.schemas import OrderChange, OrderCreate
from fangkong.services.orders.service import cancel, place_order
from fangkong.services.orders.summary import management_summary
from fangkong.services.orders.worklists import record_sampling, work_list
from fangkong.services.persons.schemas import PersonCreate
from fangkong.services.persons.service import create_person
from fangkong.services.sites.service import list_sites, occupancy
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.trends import Trends, trends
from fangkong.services.users.models import User
from fangkong.services.users.service import actor_for_user
from tests.stores import BACKENDS, Templates

TODAY = date(2022, 11, 16)  # the demo's drill day
COMMUNITY = f"{COUNTY}001001"  # worker1's
# orders placed before the demo's own (which start from the 10th): (category, anchor day, community)
EARLIER = [
    ("close_contact", date(2022, 11, 3), COMMUNITY),
    ("close_contact", date(2022, 11, 6), f"{COUNTY}002001"),
    ("entry_personnel", date(2022, 11, 5), COMMUNITY),
    ("high_risk_spillover", date(2022, 11, 8), f"{COUNTY}001002"),
]


@pytest.fixture(params=BACKENDS)
def session(
    request: pytest.FixtureRequest, tmp_path: Path, store_templates: Templates, policy: Policy
) -> Iterator[Session]:
    """The demo county (120 people under management from the 10th on) and four orders placed on earlier days,
    most of their test days sampled."""
    with store_templates.store(request.param, "demo", tmp_path) as url:
        engine = make_engine(url)
        with unit_of_work(session_factory(engine)) as s:
            for i, (category, anchor, community) in enumerate(EARLIER):
                first17 = f"{COUNTY}19800101{800 + i:03d}"
                person = create_person(
                    s,
                    SYSTEM,
                    PersonCreate(
                        name=f"早前{i}",
                        document_type="resident_id",
                        document_number=first17 + check_digit(first17),
                        phone=f"1370000000{i}",
                        address=f"{community[-6:]}社区 30号楼 1单元",
                        building="30",
                        unit="1",
                        jurisdiction_code=community,
                    ),
                    today=anchor,
                )
                order = place_order(
                    s,
                    SYSTEM,
                    OrderCreate(person_id=person.id, category=category, anchor_date=anchor, reason="earlier"),
                    today=anchor + timedelta(days=1),
                    policy=policy,
                )
                for n, day in enumerate(d for p in order.plan["phases"] for d in _dates(p)):
                    if n != 1:  # the second test day of each is missed
                        record_sampling(s, SYSTEM, order.id, sampled_on=day, today=TODAY)
            yield s
        engine.dispose()


def _dates(phase: dict[str, object]) -> list[date]:
    start = date.fromisoformat(str(phase["start"]))
    return [start + timedelta(days=int(d) - 1) for d in phase["test_days"]]  # type: ignore[attr-defined]


def actor(session: Session, username: str) -> Actor:
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    return actor_for_user(session, user)


def on_day(tr: Trends, day: date) -> int:
    return tr.days.index(day)


@pytest.mark.parametrize("username", ["command", "worker1"])
def test_each_day_is_counted_as_the_single_day_views_count_it(session: Session, username: str) -> None:
    reader = actor(session, username)
    tr = trends(session, reader, today=TODAY, days=21)
    assert tr.days[0] == date(2022, 10, 27) and tr.days[-1] == TODAY and len(tr.days) == 21
    sites, _ = list_sites(session, reader)
    for i, day in enumerate(tr.days):
        by_category, _ = management_summary(session, reader, day)
        assert {c: n[i] for c, n in tr.under_management.items() if n[i]} == dict(by_category), day
        wl = work_list(session, reader, on=day)
        assert tr.tests_owed[i] == len(wl.tests_due), day
        assert tr.tests_done[i] == sum(1 for t in wl.tests_due if t.sampled), day
        _, confirmed = list_infections(session, reader, confirmed_from=day, confirmed_to=day, limit=1)
        assert tr.new_infections[i] == confirmed, day
        rooms = sum(occupancy(session, reader, s.id, start=day, days=1).days[0].occupied for s in sites)
        assert tr.rooms_occupied[i] == rooms, day
    assert tr.rooms == sum(occupancy(session, reader, s.id, start=TODAY, days=1).rooms for s in sites)
    _, active = list_areas(session, reader, active=True)
    assert sum(n[-1] for n in tr.risk_areas.values()) == active
    # the earlier orders are there, and the comparison was not of zeros
    nov6 = on_day(tr, date(2022, 11, 6))
    assert tr.under_management["close_contact"][nov6] >= 1 and tr.tests_owed[nov6] >= 1
    assert sum(tr.tests_done) < sum(tr.tests_owed)  # missed tests are owed, not done
    if username == "command":
        assert tr.new_infections[on_day(tr, date(2022, 11, 15))] == 1  # the demo's infection
        assert tr.rooms == 100 and max(tr.rooms_occupied) > 0


def test_the_reader_sees_their_own_jurisdiction(session: Session) -> None:
    county = trends(session, actor(session, "command"), today=TODAY)
    community = trends(session, actor(session, "worker1"), today=TODAY)
    assert 0 < sum(map(sum, community.under_management.values())) < sum(map(sum, county.under_management.values()))
    assert community.rooms == 0  # the isolation hotel is the county's, not the community's


def test_an_order_ended_since_still_counts_on_the_days_before_it_ended(session: Session) -> None:
    """The single-day views read today's status: for a past day they leave out an order ended since. The trend
    keeps it on the days before its end, so the past does not change when someone is released."""
    command = actor(session, "command")
    order = session.scalar(
        select(ManagementOrder).where(ManagementOrder.start == date(2022, 11, 12)).order_by(ManagementOrder.id)
    )
    assert order is not None
    before = trends(session, command, today=TODAY)
    ended = date(2022, 11, 14)
    change = OrderChange(row_version=order.row_version, on=ended, reason="placed in error")
    cancel(session, command, order.id, change, today=TODAY)
    after = trends(session, command, today=TODAY)
    category = order.category
    for i, day in enumerate(after.days):
        lost = 1 if day >= ended and order.start <= day < order.released_on else 0
        assert after.under_management[category][i] == before.under_management[category][i] - lost, day
    nov13 = on_day(after, date(2022, 11, 13))
    by_category, _ = management_summary(session, command, date(2022, 11, 13))
    assert after.under_management[category][nov13] == by_category[category] + 1
    assert sum(after.tests_owed[on_day(after, ended) :]) < sum(before.tests_owed[on_day(before, ended) :])
    assert after.tests_owed[: on_day(after, ended)] == before.tests_owed[: on_day(before, ended)]


def test_a_risk_area_counts_from_its_delineation_until_its_level_falls(session: Session, policy: Policy) -> None:
    """Measure 4: the demo's building is high-risk from the 15th; brought to the 25th by the daily job it falls
    to low after its clean days, and the chart follows the recorded change."""
    command = actor(session, "command")
    tr = trends(session, command, today=TODAY)
    assert tr.risk_areas["high"][-3:] == [0, 1, 1]
    later = date(2022, 11, 25)
    advance_all(session, command, later, today=later, policy=policy)
    fell = session.scalar(select(RiskAreaEvent.on).where(RiskAreaEvent.kind == AreaEventKind.level_change))
    assert fell is not None and date(2022, 11, 15) < fell <= later
    high = trends(session, command, today=later).risk_areas["high"]
    days = trends(session, command, today=later).days
    assert [d for d, n in zip(days, high, strict=True) if n] == [
        date(2022, 11, 15) + timedelta(days=i) for i in range((fell - date(2022, 11, 15)).days)
    ]


@pytest.mark.parametrize("days", [6, 91, 0, -14])
def test_a_range_outside_7_to_90_days_is_refused_naming_the_field(session: Session, days: int) -> None:
    with pytest.raises(InvalidInput) as refused:
        trends(session, actor(session, "command"), today=TODAY, days=days)
    assert refused.value.field == "days"


def test_7_and_90_days_are_accepted_and_the_lab_may_not_read(session: Session) -> None:
    command = actor(session, "command")
    assert len(trends(session, command, today=TODAY, days=7).days) == 7
    assert len(trends(session, command, today=TODAY, days=90).new_infections) == 90
    with pytest.raises(Forbidden):
        trends(session, actor(session, "lab"), today=TODAY)
