"""The risk-area list sorts, filters and pages on the server (issue 16), tried with several areas (the demo county
has one): the order shown follows the sort, a filter keeps only its rows, the pages keep the filters, and a sort
or page size the list cannot take is refused naming the field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from fangkong.services.areas.models import RiskArea
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.web.helpers import console, demo_store, login

# (level, active, delineated on, next change on): seven more areas beside the demo's building 7 (the 20
# measures have no medium-risk areas: high ones in force, low ones ended)
AREAS = [
    ("high", True, date(2022, 11, 10), date(2022, 11, 18)),
    ("high", True, date(2022, 11, 12), date(2022, 11, 20)),
    ("high", True, date(2022, 11, 8), date(2022, 11, 17)),
    ("high", True, date(2022, 11, 14), date(2022, 11, 22)),
    ("low", False, date(2022, 11, 1), None),
    ("low", False, date(2022, 11, 3), None),
    ("high", True, date(2022, 11, 11), date(2022, 11, 19)),
]


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    store = demo_store(tmp_path_factory.mktemp("risk-area-list"), persons=20)
    with unit_of_work(session_factory(make_engine(store))) as session:
        taken = set(session.scalars(select(RiskArea.area_code)))
        buildings = [
            code
            for code in session.scalars(
                select(Jurisdiction.code).where(Jurisdiction.level == "building").order_by(Jurisdiction.code)
            )
            if code not in taken
        ]
        for (level, active, on, change), code in zip(AREAS, buildings, strict=False):
            session.add(
                RiskArea(
                    area_code=code,
                    reason="residence",
                    delineated_on=on,
                    delineated_level=level,
                    level=level,
                    level_since=on,
                    next_change_on=change,
                    active=active,
                    advanced_to=date(2022, 11, 16),
                    created_by="test",
                )
            )
    return store


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "viewer")
        yield c


def rows(page: str) -> list[tuple[str, str]]:
    """(level, area code) of each row, in the order shown."""
    return re.findall(r'<tr data-level="(\w+)" data-area="(\d+)">', page)


def days(page: str) -> list[str]:
    return re.findall(r'data-label="[^"]+">(\d{4}-\d\d-\d\d)</td>', page)


def test_the_sort_orders_the_areas_on_the_server(client: TestClient) -> None:
    newest = client.get("/risk-areas", params={"sort": "-delineated_on", "limit": 50}).text
    oldest = client.get("/risk-areas", params={"sort": "delineated_on", "limit": 50}).text
    assert len(rows(newest)) == 8
    shown = days(newest)
    assert shown == sorted(shown, reverse=True) and len(shown) == 8
    assert days(oldest) == sorted(shown)
    by_level = [level for level, _ in rows(client.get("/risk-areas", params={"sort": "level"}).text)]
    assert by_level == sorted(by_level)
    assert 'href="/risk-areas?sort=-level' in client.get("/risk-areas", params={"sort": "level"}).text


def test_the_filters_keep_only_their_areas(client: TestClient) -> None:
    high = rows(client.get("/risk-areas", params={"level": "high"}).text)
    assert {level for level, _ in high} == {"high"} and len(high) == 6
    low = rows(client.get("/risk-areas", params={"level": "low"}).text)
    assert {level for level, _ in low} == {"low"} and len(low) == 2
    ended = client.get("/risk-areas", params={"status": "ended", "lang": "en"}).text
    assert len(rows(ended)) == 2 and "2 found" in ended
    assert len(rows(client.get("/risk-areas", params={"status": "active"}).text)) == 6


def test_the_pages_keep_the_filters_and_show_the_next_areas(client: TestClient) -> None:
    first = client.get("/risk-areas", params={"status": "active", "sort": "delineated_on", "limit": 4}).text
    seen = rows(first)
    assert len(seen) == 4
    found = re.search(r'href="([^"]+)" id="next"', first)
    assert found is not None
    following = found.group(1).replace("&amp;", "&")
    for kept in ("status=active", "sort=delineated_on", "limit=4", "offset=4"):
        assert kept in following, following
    second = client.get(following).text
    assert len(rows(second)) == 2 and not set(rows(second)) & set(seen)
    assert days(first) + days(second) == sorted(days(first) + days(second))
    assert 'id="next"' not in second


def test_a_sort_or_page_size_it_cannot_take_is_refused_naming_the_field(client: TestClient) -> None:
    bad = client.get("/risk-areas", params={"sort": "colour", "lang": "en"})
    assert bad.status_code == 422 and "Sort" in bad.text.split('id="problem"')[1].split("</p>")[0]
    big = client.get("/risk-areas", params={"limit": 100000, "lang": "zh"})
    assert big.status_code == 422 and "每页条数" in big.text.split('id="problem"')[1].split("</p>")[0]
