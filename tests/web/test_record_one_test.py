"""One test recorded by hand on a person's page (issue 16): the community worker says the day the sample was taken
under the person's order — with the form's CSRF token, refused in words naming the field when the day is wrong
(nothing recorded), and shown only to the roles that may record. On the demo county (16 Nov 2022)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from fangkong.services.orders.models import ManagementOrder, OrderStatus, Sampling
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.web.helpers import console, demo_store, login


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("one-test"), persons=20)


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        yield c


def an_order(url: str, community: str = "110199001001") -> tuple[int, int, date]:
    """An active order of a person of worker1's community: (person, order, first day of the plan)."""
    with unit_of_work(session_factory(make_engine(url))) as session:
        o = session.scalars(
            select(ManagementOrder)
            .where(
                ManagementOrder.status == OrderStatus.active,
                ManagementOrder.jurisdiction_code.startswith(community),
                ManagementOrder.start < date(2022, 11, 16),
            )
            .order_by(ManagementOrder.id)
        ).first()
        assert o is not None
        return o.person_id, o.id, o.start


def samples(url: str, order_id: int) -> list[date]:
    with unit_of_work(session_factory(make_engine(url))) as session:
        return sorted(session.scalars(select(Sampling.sampled_on).where(Sampling.order_id == order_id)))


def test_a_worker_records_one_test_from_the_person_page(client: TestClient, url: str) -> None:
    person, order, start = an_order(url)
    login(client, "worker1")
    page = client.get(f"/persons/{person}?lang=en").text
    form = page.split(f'id="sample-form-{order}"', 1)[1].split("</form>", 1)[0]
    assert 'name="csrf_token"' in form or "csrf" in form
    assert 'name="sampled_on"' in form and 'max="2022-11-16"' in form and "Record this test" in form
    before = samples(url, order)
    day = next(d for d in (date(2022, 11, 16), date(2022, 11, 15), start) if d not in before)
    r = client.post(f"/persons/{person}/sampled", data={"order_id": str(order), "sampled_on": day.isoformat()})
    assert r.status_code == 303 and r.headers["location"].startswith(f"/persons/{person}?sampled={day}")
    assert samples(url, order) == sorted([*before, day])
    shown = client.get(r.headers["location"].split("#")[0] + "&lang=en").text
    assert f"Sample of {day} recorded" in shown
    assert f"✓ {day}" in shown  # among the tests done
    # the same day again: refused, naming the field, nothing recorded twice
    again = client.post(
        f"/persons/{person}/sampled?lang=zh", data={"order_id": str(order), "sampled_on": day.isoformat()}
    )
    assert again.status_code == 409
    assert 'data-field="sampled_on"' in again.text and f"已登记 {day} 的采样" in again.text
    assert samples(url, order) == sorted([*before, day])


@pytest.mark.parametrize(
    ("sampled_on", "status", "words"),
    [
        ("", 422, "请填写采样日期"),
        ("yesterday", 422, "不是有效日期"),
        ("2022-11-30", 422, "晚于今天"),
        ("2020-01-01", 422, "管控期"),
    ],
)
def test_a_wrong_day_is_refused_in_words_naming_the_field(
    client: TestClient, url: str, sampled_on: str, status: int, words: str
) -> None:
    person, order, _ = an_order(url)
    login(client, "worker1")
    before = samples(url, order)
    r = client.post(f"/persons/{person}/sampled", data={"order_id": str(order), "sampled_on": sampled_on})
    assert r.status_code == status
    error = re.search(r'data-field="sampled_on" id="sample-error">([^<]+)<', r.text)
    assert error is not None, r.text[-2000:]
    assert words in error.group(1) or words[:2] in error.group(1), error.group(1)
    assert samples(url, order) == before


def test_only_the_roles_that_record_see_the_form_or_may_post_it(client: TestClient, url: str) -> None:
    person, order, _ = an_order(url)
    login(client, "viewer")
    page = client.get(f"/persons/{person}").text
    assert "sample-form-" not in page and f"/persons/{person}/sampled" not in page
    r = client.post(f"/persons/{person}/sampled", data={"order_id": str(order), "sampled_on": "2022-11-16"})
    assert r.status_code == 403
    login(client, "lab")
    r = client.post(f"/persons/{person}/sampled", data={"order_id": str(order), "sampled_on": "2022-11-16"})
    assert r.status_code == 403


def test_without_the_form_s_token_nothing_is_recorded(client: TestClient, url: str) -> None:
    person, order, _ = an_order(url)
    login(client, "worker1")
    before = samples(url, order)
    r = client.post_without_token(  # type: ignore[attr-defined]
        f"/persons/{person}/sampled", data={"order_id": str(order), "sampled_on": "2022-11-14"}
    )
    assert r.status_code == 403 and samples(url, order) == before


def test_another_person_s_order_or_an_order_out_of_scope_is_not_found(client: TestClient, url: str) -> None:
    _, order, _ = an_order(url)
    other, other_order, _ = an_order(url, "110199001002")
    mine, theirs = samples(url, order), samples(url, other_order)
    login(client, "worker1")
    r = client.post(f"/persons/{other}/sampled", data={"order_id": str(order), "sampled_on": "2022-11-14"})
    assert r.status_code == 404  # worker1's order, but not this person's
    r = client.post(f"/persons/{other}/sampled", data={"order_id": str(other_order), "sampled_on": "2022-11-14"})
    assert r.status_code == 404  # worker1's scope is one community
    assert (samples(url, order), samples(url, other_order)) == (mine, theirs)
