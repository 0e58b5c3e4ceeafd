"""Services for people under closure worked from the console (issue 19, measure 17 with 16): a need raised for a
person from their page or found by ID number, with the deadline the rule gives; routed to a worker, met with a note,
withdrawn; a refusal recorded, a medical one refused for the person's code flagged as over-reach in words with a link
to the findings; the escalations and the command centre's "escalate now"; the receiving points and the hotline.
Bad input — an unknown person, a person outside the worker's community, an unknown kind, a deadline in the past, an
ID number failing its check digit — is refused naming the field, in Chinese and English, and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fangkong.services.closure_services.models import ClosureNeed, HotlineRecord, NeedEscalation, ReceivingPoint
from fangkong.services.overreach.models import OverreachFinding
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.web.helpers import console, demo_store, login

MINE = "110199001001"  # worker1's community in the demo county


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("needs-console"), persons=20)


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "worker1")
        yield c


def _count(url: str, model: type) -> int:
    with unit_of_work(session_factory(make_engine(url))) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _person(url: str, *, mine: bool, offset: int = 0) -> Person:
    with unit_of_work(session_factory(make_engine(url))) as s:
        where = Person.jurisdiction_code == MINE if mine else Person.jurisdiction_code != MINE
        person = s.scalars(select(Person).where(where).order_by(Person.id).offset(offset)).first()
        assert person is not None
        s.expunge(person)
        return person


def _need(url: str, need_id: int) -> ClosureNeed:
    with unit_of_work(session_factory(make_engine(url))) as s:
        need = s.get(ClosureNeed, need_id)
        assert need is not None
        s.expunge(need)
        return need


def _raise(client: TestClient, person_id: int, kind: str, **extra: str) -> int:
    r = client.post("/needs/new", data={"person_id": str(person_id), "kind": kind, **extra})
    assert r.status_code == 303, r.text[:2000]
    return int(r.headers["location"].split("/needs/")[1].split("?")[0])


def test_a_need_raised_from_the_person_page_shows_the_rules_deadline(client: TestClient, url: str) -> None:
    person = _person(url, mine=True, offset=5)
    page = client.get(f"/persons/{person.id}")
    assert f'href="/needs/new?person_id={person.id}"' in page.text
    form = client.get(f"/needs/new?person_id={person.id}&lang=en")
    assert form.status_code == 200 and person.name in form.text and 'name="csrf_token"' in form.text
    # the deadlines as the rule computes them from now (09:00 on the drill day): an emergency in hours
    table = form.text[form.text.index('id="deadline-by-urgency"') :]
    assert "Emergency (within hours)" in table and "within 2 hours" in table and "2022-11-16 11:00" in table
    before = _count(url, ClosureNeed)
    need_id = _raise(client, person.id, "dialysis", urgency="emergency", detail="session missed on Monday")
    assert _count(url, ClosureNeed) == before + 1
    zh = client.get(f"/needs/{need_id}?raised=1&lang=zh")
    assert "需求已登记" in zh.text and "血液透析" in zh.text and "紧急（数小时内）" in zh.text
    assert "2022-11-16 11:00" in zh.text and "<code>m20.17</code>" in zh.text
    en = client.get(f"/needs/{need_id}?lang=en")
    assert "Hemodialysis" in en.text and "Emergency (within hours)" in en.text
    for raw in ("need_kind_", "need_status_", "need_urgency_", ">dialysis<", ">emergency<"):
        assert raw not in zh.text and raw not in en.text


def test_a_need_raised_on_the_queue_by_id_number(client: TestClient, url: str) -> None:
    person = _person(url, mine=True, offset=6)
    queue = client.get("/needs")
    assert 'href="/needs/new"' in queue.text and 'id="quick-need"' in queue.text  # the ID number, kind, urgency
    r = client.post("/needs/new", data={"document_number": person.document_number.lower(), "kind": "food"})
    assert r.status_code == 303
    need = _need(url, int(r.headers["location"].split("/needs/")[1].split("?")[0]))
    assert need.person_id == person.id and need.kind == "food" and need.status == "open"


@pytest.mark.parametrize(
    ("form", "field", "zh_words"),
    [
        ({"person_id": "999999", "kind": "medicine"}, "person_id", "没有人员 999999"),
        ({"kind": "medicine", "document_number": "110101199003070000"}, "document_number", "校验码"),
        ({"kind": "medicine", "document_number": "NOPE123"}, "document_number", "您的辖区内没有持此证件的人员"),
        ({"kind": "soup"}, "kind", "soup"),
        ({"kind": "medicine", "urgency": "soonish"}, "urgency", "soonish"),
        ({"kind": "medicine", "deadline": "2022-11-15T10:00"}, "deadline", "不晚于需求提出时间"),
        ({"kind": "medicine", "deadline": "yesterday"}, "deadline", "不是有效的日期时间"),
    ],
)
def test_a_bad_need_is_refused_naming_the_field(
    client: TestClient, url: str, form: dict[str, str], field: str, zh_words: str
) -> None:
    person = _person(url, mine=True)
    data = {"person_id": str(person.id), **form} if "document_number" not in form else form
    before = _count(url, ClosureNeed)
    zh = client.post("/needs/new", data=data)
    assert zh.status_code == 422, zh.text[:500]
    assert f'data-field="{field}"' in zh.text or 'id="form-error"' in zh.text
    assert zh_words in zh.text
    en = client.post("/needs/new", data=data, params={"lang": "en"})
    assert en.status_code == 422 and 'role="alert"' in en.text
    assert _count(url, ClosureNeed) == before  # nothing stored


def test_a_person_outside_the_community_is_not_found(client: TestClient, url: str) -> None:
    theirs = _person(url, mine=False)
    before = _count(url, ClosureNeed)
    r = client.post("/needs/new", data={"person_id": str(theirs.id), "kind": "medicine"}, params={"lang": "en"})
    assert r.status_code == 422 and f"unknown person {theirs.id}" in r.text
    by_number = client.post("/needs/new", data={"document_number": theirs.document_number, "kind": "food"})
    assert by_number.status_code == 422 and 'data-field="document_number"' in by_number.text
    assert client.get(f"/needs/new?person_id={theirs.id}").status_code == 404
    assert _count(url, ClosureNeed) == before


def test_route_meet_and_withdraw(client: TestClient, url: str) -> None:
    person = _person(url, mine=True, offset=7)
    need_id = _raise(client, person.id, "food")
    page = client.get(f"/needs/{need_id}?lang=en")
    assert '<option value="worker1"' in page.text and '<option value="worker2"' not in page.text  # in scope only
    bad = client.post(f"/needs/{need_id}/assign", data={"assignee": "worker2"}, params={"lang": "en"})
    assert bad.status_code == 422 and 'data-field="assignee"' in bad.text
    assert _need(url, need_id).status == "open"
    r = client.post(f"/needs/{need_id}/assign", data={"assignee": "worker1"})
    assert r.status_code == 303 and _need(url, need_id).assignee == "worker1"
    assert "需求已分派" in client.get(r.headers["location"] + "&lang=zh").text
    r = client.post(f"/needs/{need_id}/done", data={"note": "delivered to the door", "back": "need"})
    assert r.status_code == 303
    met = _need(url, need_id)
    assert met.status == "done" and met.done_note == "delivered to the door"
    again = client.post(f"/needs/{need_id}/cancel", params={"lang": "en"})
    assert again.status_code == 409 and "only an open or assigned need can change" in again.text
    other = _raise(client, person.id, "counselling")
    login(client, "worker2")  # another community's worker: the need is not found, and nothing changes
    assert client.get(f"/needs/{other}").status_code == 404
    for act, form in (("assign", {"assignee": "worker2"}), ("refuse", {"ground": "other", "reason": "x"})):
        assert client.post(f"/needs/{other}/{act}", data=form).status_code == 404
    assert client.post(f"/needs/{other}/cancel").status_code == 404
    assert _need(url, other).status == "open" and _need(url, other).refusals == 0
    login(client, "worker1")
    assert client.post(f"/needs/{other}/cancel").status_code == 303
    assert _need(url, other).status == "cancelled"


def test_a_medical_need_refused_for_the_code_is_flagged(client: TestClient, url: str) -> None:
    person = _person(url, mine=True, offset=8)
    need_id = _raise(client, person.id, "medicine")
    findings = _count(url, OverreachFinding)
    blank = client.post(f"/needs/{need_id}/refuse", data={"ground": "health_code", "reason": " "})
    assert blank.status_code == 422 and 'data-field="reason"' in blank.text and "请写明拒绝的理由" in blank.text
    unknown = client.post(f"/needs/{need_id}/refuse", data={"ground": "weather", "reason": "closed"})
    assert unknown.status_code == 422 and 'data-field="ground"' in unknown.text
    assert _need(url, need_id).refusals == 0 and _count(url, OverreachFinding) == findings
    r = client.post(
        f"/needs/{need_id}/refuse",
        data={
            "ground": "health_code",
            "refused_by": "Pharmacy No. 3",
            "refused_where": "Main Street",
            "reason": "red code, come back later",
        },
    )
    assert r.status_code == 303
    need = _need(url, need_id)
    assert need.status == "open" and need.refusals == 1  # medical: back on the queue
    assert need.refusal_reason == "Pharmacy No. 3 (Main Street): red code, come back later"
    assert _count(url, OverreachFinding) == findings + 1
    zh = client.get(r.headers["location"])
    assert "已标记为层层加码" in zh.text and 'id="findings-link"' not in zh.text  # a worker does not read findings
    en = client.get(f"/needs/{need_id}?lang=en")
    assert "Flagged as over-reach" in en.text and "The person&#39;s health code" in en.text
    login(client, "supervisor")
    assert 'href="/overreach?kind=refused_care"' in client.get(f"/needs/{need_id}").text
    login(client, "worker1")
    food = _raise(client, person.id, "food")
    r = client.post(f"/needs/{food}/refuse", data={"ground": "declined_by_person", "reason": "has enough"})
    assert r.status_code == 303 and _need(url, food).status == "refused"
    assert "已标记为层层加码" not in client.get(f"/needs/{food}").text


def test_escalations_and_escalate_now(client: TestClient, url: str) -> None:
    page = client.get("/needs/escalations?lang=en")
    assert page.status_code == 200 and "Medicine" in page.text and "level 2" in page.text
    assert 'id="escalate-now"' not in page.text  # a worker does not run it
    assert client.post("/needs/escalate").status_code == 403
    person = _person(url, mine=True, offset=9)
    with unit_of_work(session_factory(make_engine(url))) as s:  # a need already late: raised two days ago
        need = ClosureNeed(
            person_id=person.id,
            jurisdiction_code=MINE,
            jurisdiction_path="/11/1101/110199/110199001/110199001001/",
            address=person.address,
            kind="food",
            urgency="urgent",
            raised_by="worker1",
            deadline=s.scalar(select(func.min(ClosureNeed.deadline))),
            status="open",
            refusals=0,
            escalation_level=0,
        )
        s.add(need)
        s.flush()
        late_id = need.id
    before = _count(url, NeedEscalation)
    login(client, "command")
    assert 'id="escalate-now"' in client.get("/needs/escalations").text
    r = client.post("/needs/escalate")
    assert r.status_code == 303 and _count(url, NeedEscalation) > before
    assert "已上报" in client.get(r.headers["location"]).text
    assert _need(url, late_id).escalation_level >= 1


def test_receiving_points(client: TestClient, url: str) -> None:
    page = client.get("/needs/points?lang=en")
    assert "North gate receiving point" in page.text
    before = _count(url, ReceivingPoint)
    empty = {"name": "", "address": "x", "jurisdiction_code": MINE, "hours": "9-5"}
    blank = client.post("/needs/points", data=empty, params={"lang": "zh"})
    assert blank.status_code == 422 and 'data-field="name"' in blank.text and "不能为空" in blank.text
    outside = client.post(
        "/needs/points", data={"name": "South", "address": "x", "jurisdiction_code": "110199001002", "hours": "9-5"}
    )
    assert outside.status_code == 404 and _count(url, ReceivingPoint) == before
    good = {"name": "South gate", "address": "South gate", "jurisdiction_code": MINE, "hours": "08:00-18:00"}
    r = client.post("/needs/points", data=good)
    assert r.status_code == 303 and _count(url, ReceivingPoint) == before + 1
    assert "South gate" in client.get(r.headers["location"]).text


def test_the_hotline_records_a_call_that_opens_a_need(client: TestClient, url: str) -> None:
    page = client.get("/needs/hotline?lang=en")
    assert "asks when deliveries come" in page.text and 'id="call-form"' in page.text
    person = _person(url, mine=True, offset=10)
    calls, needs = _count(url, HotlineRecord), _count(url, ClosureNeed)
    call = {
        "jurisdiction_code": MINE,
        "caller": "Ms Li",
        "caller_phone": "13900000000",
        "called_at": "2022-11-16T08:30",
        "summary": "her insulin runs out tomorrow",
        "raise_document_number": person.document_number,
        "raise_kind": "medicine",
    }
    future = client.post("/needs/hotline", data={**call, "called_at": "2022-11-16T22:00"})
    assert future.status_code == 422 and 'data-field="called_at"' in future.text
    bad_id = client.post("/needs/hotline", data={**call, "raise_document_number": "110101199003070000"})
    assert bad_id.status_code == 422 and 'data-field="raises"' in bad_id.text
    unknown = client.post(
        "/needs/hotline", data={**call, "raise_kind": "", "raise_document_number": "", "need_id": "999"}
    )
    assert unknown.status_code == 422 and 'data-field="need_id"' in unknown.text
    no_kind = client.post("/needs/hotline", data={**call, "raise_kind": ""}, params={"lang": "en"})
    assert no_kind.status_code == 422 and "choose the kind of need" in no_kind.text
    assert (_count(url, HotlineRecord), _count(url, ClosureNeed)) == (calls, needs)
    r = client.post("/needs/hotline", data=call)
    assert r.status_code == 303
    assert (_count(url, HotlineRecord), _count(url, ClosureNeed)) == (calls + 1, needs + 1)
    listed = client.get(r.headers["location"] + "&lang=en")
    assert "Ms Li: her insulin runs out tomorrow" in listed.text and "The call is recorded." in listed.text
    login(client, "viewer")  # read-only staff see the caller's phone masked
    assert "139****0000" in client.get("/needs/hotline").text


def test_the_queue_filters_by_community(client: TestClient) -> None:
    login(client, "command")
    mine = client.get(f"/needs?jurisdiction_code={MINE}&lang=en")
    assert mine.status_code == 200 and "Medicine" in mine.text
    other = client.get("/needs?jurisdiction_code=110199001002&lang=en")
    assert other.status_code == 200 and 'id="needs"' not in other.text
