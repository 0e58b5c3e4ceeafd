"""The supplies store and services (measure 13, m20.13) on each backend: every bad input refused naming its field with
nothing changed, stock kept equal to the ledger, a stock falling to a reorder alert, a shortage allocated to the
severe, high-risk and elderly first, and the demo data idempotent with an alert to show."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.errors import Conflict, InvalidInput
from fangkong.policy import load_policy
from fangkong.rules.supplies import SupplyAlert
from fangkong.services.access import SYSTEM, Actor, Role
from fangkong.services.audit.models import AuditEntry
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory
from fangkong.services.supplies.demo import demo_supplies
from fangkong.services.supplies.models import SupplyMovement, SupplyStock
from fangkong.services.supplies.service import (
    ItemCreate,
    MovementCreate,
    RequestCreate,
    SiteCreate,
    allocate_requests,
    create_item,
    create_request,
    create_site,
    list_requests,
    record_movement,
    stock_table,
)

TODAY = date(2022, 12, 10)
RULES = load_policy().at(TODAY)
MANAGER = Actor("manager", Role.command_centre, "/11/")


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


def _setup(session: Session) -> tuple[int, int]:
    a = create_site(session, MANAGER, SiteCreate(name="Chaoyang pharmacy", kind="pharmacy", jurisdiction_code="110105"))
    b = create_site(
        session, MANAGER, SiteCreate(name="Chaoyang hospital", kind="hospital", jurisdiction_code="110105001")
    )
    create_item(session, MANAGER, ItemCreate(code="PAX", name="Paxlovid", category="antiviral", unit="box"))
    create_item(session, MANAGER, ItemCreate(code="IBU", name="Ibuprofen", category="antipyretic", unit="box"))
    session.flush()
    return a.id, b.id


def _move(session: Session, site: int, kind: str, qty: int, day: date = TODAY, **kw: Any) -> None:
    record_movement(
        session, MANAGER, site, MovementCreate(kind=kind, item_code="PAX", quantity=qty, day=day, **kw), today=TODAY
    )


def _ledger_equals_stock(session: Session) -> None:
    for row in session.scalars(select(SupplyStock)):
        total = session.scalar(
            select(func.coalesce(func.sum(SupplyMovement.change), 0)).where(
                SupplyMovement.site_id == row.site_id, SupplyMovement.item_id == row.item_id
            )
        )
        assert total is not None and row.quantity == total >= 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "X", "kind": "pharmacy", "jurisdiction_code": "999999"}, "jurisdiction_code"),
        ({"name": "X", "kind": "warehouse", "jurisdiction_code": "110105"}, "kind"),
    ],
)
def test_a_bad_site_is_refused_naming_the_field(session: Session, data: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        create_site(session, MANAGER, SiteCreate(**data))
    assert refused.value.field == field


def test_a_bad_item_and_a_taken_name_are_refused(session: Session) -> None:
    _setup(session)
    with pytest.raises(InvalidInput) as refused:
        create_item(session, MANAGER, ItemCreate(code="V", name="Vaccine", category="vaccine", unit="dose"))
    assert refused.value.field == "category"
    with pytest.raises(Conflict):
        create_site(session, MANAGER, SiteCreate(name="Chaoyang pharmacy", kind="pharmacy", jurisdiction_code="110105"))


def test_movements_keep_stock_and_refuse_going_negative(session: Session) -> None:
    a, b = _setup(session)
    _move(session, a, "receipt", 10)
    _move(session, a, "dispensation", 4)
    _move(session, a, "transfer", 3, to_site_id=b)
    _move(session, a, "adjustment", -1, note="count")
    session.commit()
    before = session.scalar(select(func.count()).select_from(SupplyMovement))
    bad: list[tuple[str, int, dict[str, Any], str]] = [
        ("dispensation", 3, {}, "quantity"),  # 2 left
        ("transfer", 5, {"to_site_id": b}, "quantity"),
        ("dispensation", -1, {}, "quantity"),
        ("receipt", 0, {}, "quantity"),
        ("loan", 1, {}, "kind"),
        ("transfer", 1, {}, "to_site_id"),
        ("transfer", 1, {"to_site_id": a}, "to_site_id"),
    ]
    for kind, qty, kw, field in bad:
        with pytest.raises(InvalidInput) as refused:
            _move(session, a, kind, qty, **kw)
        assert refused.value.field == field
    with pytest.raises(InvalidInput) as refused:
        record_movement(
            session, MANAGER, a, MovementCreate(kind="receipt", item_code="NOPE", quantity=1, day=TODAY), today=TODAY
        )
    assert refused.value.field == "item_code"
    with pytest.raises(InvalidInput) as refused:
        _move(session, a, "receipt", 1, day=TODAY + timedelta(days=1))
    assert refused.value.field == "day"
    session.commit()
    assert session.scalar(select(func.count()).select_from(SupplyMovement)) == before  # nothing changed
    stocks = {(r.site_id): r.quantity for r in session.scalars(select(SupplyStock))}
    assert stocks == {a: 2, b: 3}
    _ledger_equals_stock(session)


def test_a_stock_falls_to_a_reorder_alert(session: Session) -> None:
    a, _ = _setup(session)
    _move(session, a, "receipt", 300, day=TODAY - timedelta(days=20))
    for back in range(14):
        _move(session, a, "dispensation", 10, day=TODAY - timedelta(days=back))
    lines = stock_table(session, MANAGER, RULES, as_of=TODAY)
    assert [(x.stock, x.daily_use, x.alert) for x in lines] == [(160, 10.0, SupplyAlert.none)]  # 16 days
    _move(session, a, "dispensation", 30)
    (line,) = stock_table(session, MANAGER, RULES, as_of=TODAY, alerts_only=True)
    assert (line.stock, line.alert, line.reorder_point) == (130, SupplyAlert.reorder, 14)
    assert line.days == pytest.approx(130 / (170 / 14))
    assert "reorder" in line.reasons[-1].text
    assert stock_table(session, MANAGER, RULES, as_of=TODAY, category="antipyretic") == []


def _person(session: Session, n: int) -> int:
    p = Person(
        name=f"P{n}", document_type="other", document_number=f"D{n}", address="1 Road", jurisdiction_code="110105"
    )
    session.add(p)
    session.flush()
    return p.id


def test_a_shortage_is_allocated_to_the_severe_high_risk_and_elderly_first(session: Session) -> None:
    a, _ = _setup(session)
    _move(session, a, "receipt", 5)
    t0 = datetime(2022, 12, 10, 1, tzinfo=UTC)
    who: list[tuple[int, str, list[str]]] = [(30, "mild", []), (85, "mild", []), (40, "severe", []), (70, "mild", [])]
    ids = []
    for n, (age, severity, factors) in enumerate(who):
        r = create_request(
            session,
            MANAGER,
            a,
            RequestCreate(
                item_code="PAX",
                person_id=_person(session, n),
                quantity=2,
                age=age,
                severity=severity,
                risk_factors=factors,
                requested_at=t0 + timedelta(minutes=n),
            ),
        )
        ids.append(r.id)
    decided = allocate_requests(session, MANAGER, RULES, a, "PAX", today=TODAY, now=t0 + timedelta(hours=1))
    # n10 (10 Dec): severe first, then 85 (high risk), then 70 (elderly: partly), the young mild patient none
    assert [(g.key, g.granted) for g in decided.grants] == [(ids[2], 2), (ids[1], 2), (ids[3], 1), (ids[0], 0)]
    assert session.scalar(select(SupplyStock.quantity)) == 0
    _ledger_equals_stock(session)
    pending = list_requests(session, MANAGER, a, reason="allocation check")
    assert [r.id for r in pending] == [ids[0]]
    assert pending[0].reasons[-1]["text"] == "none left for the 2 asked"
    assert session.scalar(select(func.count()).where(AuditEntry.action == "listed")) == 1


def test_demo_supplies_shows_an_alert_and_is_idempotent(session: Session) -> None:
    created = demo_supplies(session, SYSTEM, TODAY, "110105")
    assert created >= 5
    assert demo_supplies(session, SYSTEM, TODAY, "110105") == 0
    lines = stock_table(session, SYSTEM, RULES, as_of=TODAY, alerts_only=True)
    assert {x.item_code for x in lines} >= {"PAXLOVID", "IBUPROFEN"}
    assert any(x.alert is SupplyAlert.critical for x in lines)
    _ledger_equals_stock(session)
