"""One person on one page (issue 16): the code of the day with its reasons, each plan with a legend and the tests
done and owed, the infection, holds and retests, the history in words, and who looked — in either language."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from fangkong.services.infections.models import Infection
from fangkong.services.lab.models import TemporaryControl
from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.web.helpers import console, demo_store, login


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("person"))


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        yield c


def someone(url: str, which: str) -> int:
    with unit_of_work(session_factory(make_engine(url))) as session:
        if which == "managed":
            found = session.scalar(
                select(ManagementOrder.person_id)
                .where(ManagementOrder.status == OrderStatus.active, ManagementOrder.start < date(2022, 11, 14))
                .order_by(ManagementOrder.id)
            )
        elif which == "infected":
            found = session.scalar(select(Infection.person_id).order_by(Infection.id))
        else:
            found = session.scalar(
                select(TemporaryControl.person_id)
                .where(TemporaryControl.ended_at.is_(None))
                .order_by(TemporaryControl.id)
            )
    assert found is not None, which
    return int(found)


def test_a_managed_person_s_page_has_the_code_the_plan_and_the_tests(client: TestClient, url: str) -> None:
    login(client, "epi")
    zh = client.get(f"/persons/{someone(url, 'managed')}?lang=zh").text
    assert 'id="health-code"' in zh and 'id="code-colour"' in zh
    assert any(word in zh for word in ("红码", "黄码", "绿码"))
    assert 'id="legend"' in zh and "检测日" in zh and "今天" in zh
    assert "今日所处阶段" in zh and "已采样" in zh
    assert "纳入管控" in zh and "管控中" in zh  # the history and the status in words
    main = zh.split('<main id="main"')[1]
    for raw in ("placed ·", "active ·", "centralized_isolation<", "home_isolation<"):
        assert raw not in main, raw
    en = client.get(f"/persons/{someone(url, 'managed')}?lang=en").text
    assert "Today&#39;s phase" in en and "Sampled" in en


def test_an_infection_and_a_hold_show_on_the_page(client: TestClient, url: str) -> None:
    login(client, "epi")
    infected = client.get(f"/persons/{someone(url, 'infected')}?lang=en").text
    assert 'id="infection"' in infected and "Found in" in infected
    held = client.get(f"/persons/{someone(url, 'held')}?lang=en").text
    assert 'id="holds"' in held and "still held" in held and "Single-tube retest after a positive pool" in held


def test_a_supervisor_sees_who_looked_in_words(client: TestClient, url: str) -> None:
    person = someone(url, "managed")
    login(client, "epi")
    client.get(f"/persons/{person}")
    login(client, "supervisor")
    page = client.get(f"/persons/{person}?lang=zh").text
    assert 'id="audit"' in page and "查看" in page
