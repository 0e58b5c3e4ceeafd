"""The window's dispensations kept on each stock line (measure 13, m20.13; migration 0022) equal the ledger's sum
over the consumption window, day after day: added to as dispensations are recorded, rolled forward once a day by
`refresh_use`, so the stock table (and the bulk job) read one row per line."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.policy import load_policy
from fangkong.rules.supplies import window_of
from fangkong.services.access import Actor, Role
from fangkong.services.store import make_engine, session_factory
from fangkong.services.supplies.models import SupplyMovement, SupplyStock
from fangkong.services.supplies.service import (
    ItemCreate,
    MovementCreate,
    SiteCreate,
    create_item,
    create_site,
    record_movement,
    refresh_use,
    stock_table,
)

START = date(2022, 11, 20)
MANAGER = Actor("manager", Role.command_centre, "/11/")


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


def _ledger_sum(session: Session, site_id: int, as_of: date, window: int) -> int:
    first, last = window_of(as_of, window)
    total = session.scalar(
        select(func.coalesce(func.sum(SupplyMovement.quantity), 0)).where(
            SupplyMovement.site_id == site_id,
            SupplyMovement.kind == "dispensation",
            SupplyMovement.day >= first,
            SupplyMovement.day <= last,
        )
    )
    return int(total or 0)


def test_the_kept_figure_follows_the_ledger_day_after_day(session: Session) -> None:
    site = create_site(session, MANAGER, SiteCreate(name="Use pharmacy", kind="pharmacy", jurisdiction_code="110105"))
    create_item(session, MANAGER, ItemCreate(code="IBU", name="Ibuprofen", category="antipyretic", unit="box"))
    record_movement(
        session,
        MANAGER,
        site.id,
        MovementCreate(kind="receipt", item_code="IBU", quantity=5000, day=START),
        today=START,
    )
    for offset in range(24):
        today = START + timedelta(days=offset)
        policy = load_policy().at(today)
        window = int(policy.integer("supplies.consumption_window_days").value or 1)
        # the first reading of the day rolls the line forward; the dispensations after it add to it as recorded
        (line,) = stock_table(session, MANAGER, policy, as_of=today)
        for back, quantity in ((0, 3 + offset % 5), (2, 1), (window + 3, 4)):  # today, in the window, before it
            record_movement(
                session,
                MANAGER,
                site.id,
                MovementCreate(kind="dispensation", item_code="IBU", quantity=quantity, day=today - timedelta(back)),
                today=today,
            )
        stock = session.scalars(select(SupplyStock)).one()
        assert stock.used_through == today
        assert stock.used_in_window == _ledger_sum(session, site.id, today, window)
        (line,) = stock_table(session, MANAGER, policy, as_of=today)
        assert line.daily_use == pytest.approx(stock.used_in_window / window)
    # a figure kept for a later day is summed again for an earlier one
    earlier = START + timedelta(days=5)
    assert refresh_use(session, load_policy().at(earlier), earlier) == 1
    assert session.scalars(select(SupplyStock)).one().used_in_window == _ledger_sum(session, site.id, earlier, 14)
    assert refresh_use(session, load_policy().at(earlier), earlier) == 0  # already kept for that day
