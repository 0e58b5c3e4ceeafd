"""Home visits in the console (issue 16; measures 1 and 5): a worker opens the form from the person's page, records
a visit with a fever, and finds it flagged on the day's visits and on the person's page; a bad reading re-shows the
form with the field named and stores nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.orders.service import stored_plan
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.visits.models import HomeVisit
from fangkong.services.visits.service import HOME_PHASES
from tests.web.helpers import DRILL_DAY, console, demo_store, login

WORKER1_COMMUNITY = "110199001001"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("visits"), persons=120)  # enough people at home for each test


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "worker1")
        yield c


def _home_order(url: str) -> tuple[int, int, str]:
    """An order of worker1's community in a home phase today with no visit yet: (order, person, name)."""
    with unit_of_work(session_factory(make_engine(url))) as session:
        visited = set(session.scalars(select(HomeVisit.order_id).where(HomeVisit.visited_on == DRILL_DAY)))
        for order in session.scalars(
            select(ManagementOrder)
            .where(ManagementOrder.jurisdiction_code == WORKER1_COMMUNITY, ManagementOrder.status == OrderStatus.active)
            .order_by(ManagementOrder.id)
        ):
            phase = stored_plan(order).phase_on(DRILL_DAY)
            if order.id not in visited and phase is not None and phase.kind in HOME_PHASES:
                return order.id, order.person_id, order.person.name
    raise AssertionError("the demo has no one at home in worker1's community")


def _visits_of(url: str, order_id: int) -> int:
    with unit_of_work(session_factory(make_engine(url))) as session:
        return session.scalar(select(func.count()).where(HomeVisit.order_id == order_id)) or 0


def test_a_worker_records_a_visit_with_a_fever(client: TestClient, url: str) -> None:
    order_id, person_id, name = _home_order(url)
    page = client.get(f"/persons/{person_id}?lang=en")
    assert f'href="/visits/new?order_id={order_id}"' in page.text  # the link on the person's page
    form = client.get(f"/visits/new?order_id={order_id}&lang=en")
    assert form.status_code == 200
    assert 'inputmode="decimal"' in form.text and name in form.text and "Sore throat" in form.text
    r = client.post(
        "/visits/new",
        data={
            "order_id": str(order_id),
            "visited_on": DRILL_DAY.isoformat(),
            "at_home": "yes",
            "temperature": "38,4",
            "symptoms": ["cough"],
            "stayed_home": "yes",
            "note": "coughing at the door",
        },
    )
    assert r.status_code == 303, r.text
    listed = client.get(r.headers["location"])
    assert "Home visit to" in listed.text and name in listed.text
    flagged = client.get(f"/visits?on={DRILL_DAY}&follow_up=yes")
    row = flagged.text.split(f'href="/persons/{person_id}"', 1)[1].split("</tr>", 1)[0]
    assert "38.4 °C" in row and "Follow up" in row and "temperature 37.3 °C or above" in row and "Cough" in row
    person = client.get(f"/persons/{person_id}")
    assert 'id="visits"' in person.text and "coughing at the door" in person.text and "38.4 °C" in person.text
    zh = client.get(f"/visits?on={DRILL_DAY}&follow_up=yes&lang=zh")
    assert "需跟进" in zh.text and "咳嗽" in zh.text


def test_a_bad_temperature_is_refused_and_nothing_is_stored(client: TestClient, url: str) -> None:
    order_id, _, _ = _home_order(url)
    before = _visits_of(url, order_id)
    r = client.post(
        "/visits/new?lang=en",
        data={"order_id": str(order_id), "visited_on": DRILL_DAY.isoformat(), "at_home": "yes", "temperature": "45"},
    )
    assert r.status_code == 422
    assert 'data-field="temperature"' in r.text and "45.0 °C is outside" in r.text
    assert 'value="45"' in r.text  # what was typed is kept
    assert _visits_of(url, order_id) == before == 0


def test_a_well_visit_is_not_in_the_follow_up_list(client: TestClient, url: str) -> None:
    order_id, person_id, _ = _home_order(url)
    data = {"order_id": str(order_id), "visited_on": DRILL_DAY.isoformat(), "at_home": "yes", "temperature": "36.5"}
    assert client.post("/visits/new", data={**data, "symptoms": ["none"], "stayed_home": "yes"}).status_code == 303
    assert f'href="/persons/{person_id}"' in client.get(f"/visits?on={DRILL_DAY}").text
    assert f'href="/persons/{person_id}"' not in client.get(f"/visits?on={DRILL_DAY}&follow_up=yes").text


def test_a_viewer_has_no_visit_form(url: str) -> None:
    order_id, _, _ = _home_order(url)
    with console(url) as c:
        login(c, "viewer")
        assert 'href="/visits"' not in c.get("/").text
        assert c.get(f"/visits/new?order_id={order_id}").status_code == 403


def test_the_work_list_links_tests_due_on_home_visits_to_the_form(client: TestClient) -> None:
    page = client.get(f"/worklists?on={DRILL_DAY}&where=home_visit&lang=en")
    due = page.text.split('id="tests-due"', 1)[1].split("</table>", 1)[0]
    assert "/visits/new?order_id=" in due and "Record a home visit" in due
