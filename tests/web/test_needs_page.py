"""The needs queue in the console (measure 17): a worker sees the needs still to be met in their community, earliest
deadline first, an overdue one marked in words, filtered by kind and lateness, in Chinese and English with no raw
identifier; a filter word outside the vocabulary is refused naming it; the menu leads there."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from fangkong.services.access import SYSTEM
from fangkong.services.closure_services.demo import demo_needs
from fangkong.services.demo import COUNTY
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.web.helpers import DRILL_DAY, console, demo_store, login


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = demo_store(tmp_path_factory.mktemp("needs-page"), persons=20)
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        demo_needs(session, SYSTEM, DRILL_DAY, COUNTY)
    engine.dispose()
    return url


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "worker1")
        yield c


def test_the_needs_queue(client: TestClient) -> None:
    zh = client.get("/needs")
    assert zh.status_code == 200
    assert 'href="/needs"' in client.get("/").text
    table = zh.text[zh.text.index('id="needs"') :]
    assert table.index("购药") < table.index("血液透析")  # the overdue medicine first: earliest deadline
    assert "<strong>已超时</strong>" in table and "已上报 2 级" in table and "未超时" in table
    en = client.get("/needs?lang=en")
    assert "Needs of people under closure" in en.text and "<strong>Overdue</strong>" in en.text
    for raw in ("need_kind_", "need_status_", "need_urgency_", ">dialysis<"):
        assert raw not in zh.text and raw not in en.text
    late = client.get("/needs?overdue=yes&lang=en")
    assert "Medicine" in late.text and "Hemodialysis" not in late.text.split('id="needs"')[-1]
    food = client.get("/needs?kind=food&lang=en")
    assert "Food and daily necessities" in food.text.split('id="needs"')[-1]
    bad = client.get("/needs?urgency=soonish&lang=en")
    assert bad.status_code == 422 and "urgency" in bad.text.lower()


def test_a_worker_takes_a_need_and_marks_it_met(client: TestClient) -> None:
    page = client.get("/needs?kind=food&lang=en")
    need_id = int(page.text.split('id="take-')[1].split('"')[0])
    taken = client.post(f"/needs/{need_id}/take")
    assert taken.status_code == 303
    after = client.get(taken.headers["location"] + "&lang=en")
    assert "The need is now yours." in after.text and f'id="take-{need_id}"' not in after.text
    met = client.post(f"/needs/{need_id}/done")
    assert met.status_code == 303
    assert f'id="need-{need_id}"' not in client.get("/needs").text  # met: off the queue
    again = client.post(f"/needs/{need_id}/done", params={"lang": "en"})
    assert again.status_code == 409 and 'id="problem"' in again.text
