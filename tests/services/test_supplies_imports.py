"""Imports of supply sites, items and opening stock (measure 13): all-or-nothing, idempotent by content, each bad
row refused naming its line and column."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.errors import RowError
from fangkong.services.access import Actor, Role
from fangkong.services.store import make_engine, session_factory
from fangkong.services.supplies.imports import import_supplies
from fangkong.services.supplies.models import SupplyItem, SupplySite, SupplyStock

TODAY = date(2022, 12, 10)
NOW = datetime(2022, 12, 10, 4, tzinfo=UTC)
MANAGER = Actor("manager", Role.command_centre, "/11/")
SITES = b"name,kind,jurisdiction_code\nA pharmacy,pharmacy,110105\nB hospital,hospital,110105001\n"
ITEMS = b'[{"code": "PAX", "name": "Paxlovid", "category": "antiviral", "unit": "box"}]'
STOCK = b"site,item_code,quantity,day\nA pharmacy,PAX,40,2022-12-01\nB hospital,PAX,10,2022-12-01\n"


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


def _import(session: Session, data: bytes, kind: str, fmt: str = "csv") -> int:
    return import_supplies(session, MANAGER, data, kind=kind, fmt=fmt, today=TODAY, now=NOW).added  # type: ignore[arg-type]


def test_sites_items_and_stock_import_once(session: Session) -> None:
    assert _import(session, SITES, "sites") == 2
    assert _import(session, ITEMS, "items", "json") == 1
    assert _import(session, STOCK, "stock") == 2
    again = import_supplies(session, MANAGER, STOCK, kind="stock", fmt="csv", today=TODAY, now=NOW)
    assert again.already_imported and again.added == 0
    assert sorted(session.scalars(select(SupplyStock.quantity))) == [10, 40]


@pytest.mark.parametrize(
    ("kind", "data", "row", "field"),
    [
        ("sites", b"name,kind,jurisdiction_code\nC,pharmacy,110105\nD,pharmacy,999999\n", 2, "jurisdiction_code"),
        ("sites", b"name,kind,jurisdiction_code\nC,warehouse,110105\n", 1, "kind"),
        ("sites", b"name,kind,jurisdiction_code\nC,pharmacy,110105\nC,pharmacy,110105\n", 2, "name"),
        ("items", b"code,name,category,unit\nX,X,vaccine,dose\n", 1, "category"),
        ("stock", b"site,item_code,quantity,day\nA pharmacy,PAX,-3,2022-12-01\n", 1, "quantity"),
        ("stock", b"site,item_code,quantity,day\nA pharmacy,NOPE,3,2022-12-01\n", 1, "item_code"),
        ("stock", b"site,item_code,quantity,day\nA pharmacy,PAX,3,2022-12-01\nZ,PAX,3,2022-12-01\n", 2, "site"),
        ("stock", b"site,item_code,quantity,day\nA pharmacy,PAX,3,2023-12-01\n", 1, "day"),
    ],
)
def test_a_bad_row_refuses_the_whole_file(session: Session, kind: str, data: bytes, row: int, field: str) -> None:
    _import(session, SITES, "sites")
    _import(session, ITEMS, "items", "json")
    session.commit()
    counts = [session.scalar(select(func.count()).select_from(t)) for t in (SupplySite, SupplyItem, SupplyStock)]
    with pytest.raises(RowError) as refused:
        _import(session, data, kind)
    assert (refused.value.row, refused.value.field) == (row, field)
    session.rollback()
    assert [
        session.scalar(select(func.count()).select_from(t)) for t in (SupplySite, SupplyItem, SupplyStock)
    ] == counts
