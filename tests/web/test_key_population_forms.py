"""The console's forms for key populations and key institutions (issue 19, measure 14, m20.14): a person put on the
registry by ID number or from their page, their plan changed and their entry ended; an institution created and
edited, its closed management begun and ended, its residents and staff recorded (shown with links to their pages)
and ended, an alert raised by hand. A refusal shows the page again with the field named (in Chinese, or English)
and what was typed, and stores nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from fangkong.services.access import SYSTEM
from fangkong.services.demo import COUNTY
from fangkong.services.infections.models import Infection
from fangkong.services.key_populations.demo import NURSING_HOME, demo_key_populations
from fangkong.services.key_populations.models import (
    ClosedManagement,
    InstitutionAlert,
    InstitutionMember,
    KeyInstitution,
    KeyPerson,
)
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.web.helpers import DRILL_DAY, ConsoleClient, console, demo_store, login

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = demo_store(tmp_path_factory.mktemp("keypop_forms"))
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        demo_key_populations(session, SYSTEM, DRILL_DAY, COUNTY)
    engine.dispose()
    return url


@pytest.fixture
def client(url: str) -> Iterator[ConsoleClient]:
    with console(url) as c:
        login(c, "command")
        yield c


def visible(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", html)
    return re.sub(r"(?s)<[^>]+>", " ", html)


def query(url: str, stmt: Any) -> Any:
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        found = session.execute(stmt).all()
    engine.dispose()
    return found


def count(url: str, model: type) -> int:
    return int(query(url, select(func.count()).select_from(model))[0][0])


def adult_not_registered(url: str, offset: int = 0) -> tuple[int, str, str]:
    """A person of the first community, 20 to 50 years old, not on the registry nor in the nursing home."""
    taken = select(KeyPerson.person_id).union(select(InstitutionMember.person_id))
    rows = query(
        url,
        select(Person.id, Person.document_number, Person.name)
        .where(Person.jurisdiction_code == "110199001001", Person.id.not_in(taken))
        .where(Person.birth_date > DRILL_DAY.replace(year=DRILL_DAY.year - 50))
        .where(Person.birth_date < DRILL_DAY.replace(year=DRILL_DAY.year - 20))
        .order_by(Person.id)
        .offset(offset)
        .limit(1),
    )
    assert rows
    return int(rows[0][0]), str(rows[0][1]), str(rows[0][2])


def home_id(url: str) -> int:
    return int(query(url, select(KeyInstitution.id).where(KeyInstitution.name == NURSING_HOME))[0][0])


def test_the_demo_home_shows_its_residents_and_staff_with_links(client: ConsoleClient, url: str) -> None:
    h = home_id(url)
    page = client.get("/key-populations")
    assert page.status_code == 200, page.text
    members = query(url, select(InstitutionMember.person_id, InstitutionMember.role))
    assert {r for _, r in members} == {"resident", "staff"}
    for person_id, _ in members:
        assert f'href="/persons/{person_id}"' in page.text
    text = visible(page.text)
    assert "在院人员和工作人员" in text and "已离开" in text and f'id="member-{h}"' in page.text
    assert not SNAKE.findall(text), SNAKE.findall(text)
    english = visible(client.get("/key-populations", params={"lang": "en"}).text)
    assert "Residents and staff" in english and "Record a resident or member of staff" in english
    assert not SNAKE.findall(english), SNAKE.findall(english)


def test_a_person_added_from_their_page_changed_and_ended(client: ConsoleClient, url: str) -> None:
    pid, _, name = adult_not_registered(url)
    page = client.get(f"/persons/{pid}")
    assert f'href="/key-populations?person_id={pid}#add-entry"' in page.text and "登记为重点人群" in page.text
    form = client.get(f"/key-populations?person_id={pid}")
    assert 'id="candidate"' in form.text and name in visible(form.text)
    # no kind: refused naming the field, the person still filled in, nothing stored
    before = count(url, KeyPerson)
    refused = client.post("/key-populations", data={"person_id": str(pid), "checker": "worker1"})
    assert refused.status_code == 422 and 'data-field="kinds"' in refused.text and 'id="candidate"' in refused.text
    assert "登记须至少选择一个人群类别" in visible(refused.text) and 'value="worker1"' in refused.text
    assert count(url, KeyPerson) == before
    done = client.post(
        "/key-populations",
        data={"person_id": str(pid), "kinds": ["underlying_disease", "pregnant"], "checker": "worker1", "note": "x"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/key-populations?saved=entry"
    entry_id, kinds, every = query(
        url, select(KeyPerson.id, KeyPerson.kinds, KeyPerson.check_every_days).where(KeyPerson.person_id == pid)
    )[0]
    assert set(kinds) == {"underlying_disease", "pregnant"}
    # a longer interval than the grade's is refused naming it; a shorter one is kept
    too_long = client.post(
        f"/key-populations/{entry_id}/change",
        data={"kinds": ["pregnant"], "check_every_days": str(every + 30), "lang": "en"},
    )
    assert too_long.status_code == 422 and 'data-field="check_every_days"' in too_long.text
    assert "按此风险等级至少每" in visible(too_long.text)
    shorter = client.post(
        f"/key-populations/{entry_id}/change",
        data={"kinds": ["pregnant"], "check_every_days": "1", "checker": "worker2"},
        follow_redirects=False,
    )
    assert shorter.status_code == 303
    assert query(
        url, select(KeyPerson.kinds, KeyPerson.check_every_days, KeyPerson.checker).where(KeyPerson.id == entry_id)
    )[0] == (["pregnant"], 1, "worker2")
    assert client.post(f"/key-populations/{entry_id}/end", follow_redirects=False).status_code == 303
    assert query(url, select(KeyPerson.ended_at).where(KeyPerson.id == entry_id))[0][0] is not None
    again = client.post(f"/key-populations/{entry_id}/end")
    assert again.status_code in (404, 422)


def test_a_person_found_by_id_number_and_an_unknown_number(client: ConsoleClient, url: str) -> None:
    pid, number, _ = adult_not_registered(url, offset=1)
    unknown = client.post(
        "/key-populations?lang=en", data={"document_number": "110199199001011234", "kinds": ["pregnant"]}
    )
    assert unknown.status_code == 422 and 'data-field="document_number"' in unknown.text
    assert "no person with this document" in visible(unknown.text)
    ok = client.post(
        "/key-populations", data={"document_number": number.lower(), "kinds": ["pregnant"]}, follow_redirects=False
    )
    assert ok.status_code == 303
    assert query(url, select(KeyPerson.id).where(KeyPerson.person_id == pid, KeyPerson.ended_at.is_(None)))


def test_an_institution_created_edited_closed_and_reopened(client: ConsoleClient, url: str) -> None:
    fields = {"name": "松鹤福利院", "kind": "welfare_home", "jurisdiction_code": "110199001001"}
    bad = client.post("/key-institutions", data={**fields, "residents": "-4", "staff": "3"})
    assert bad.status_code == 422 and 'data-field="residents"' in bad.text and 'value="松鹤福利院"' in bad.text
    assert not query(url, select(KeyInstitution.id).where(KeyInstitution.name == "松鹤福利院"))
    made = client.post("/key-institutions", data={**fields, "residents": "30", "staff": "8"}, follow_redirects=False)
    assert made.status_code == 303
    new_id = int(query(url, select(KeyInstitution.id).where(KeyInstitution.name == "松鹤福利院"))[0][0])
    edited = client.post(f"/key-institutions/{new_id}/edit", data={**fields, "residents": "32", "staff": "eight"})
    assert edited.status_code == 422 and 'data-field="staff"' in edited.text
    edited = client.post(
        f"/key-institutions/{new_id}/edit", data={**fields, "residents": "32", "staff": "9"}, follow_redirects=False
    )
    assert edited.status_code == 303
    assert query(url, select(KeyInstitution.residents, KeyInstitution.staff).where(KeyInstitution.id == new_id))[0] == (
        32,
        9,
    )
    backwards = client.post(
        f"/key-institutions/{new_id}/closures", data={"starts_on": "2022-11-15", "ends_on": "2022-11-01"}
    )
    assert backwards.status_code == 422 and 'data-field="ends_on"' in backwards.text
    assert (
        client.post(
            f"/key-institutions/{new_id}/closures", data={"starts_on": "2022-11-15"}, follow_redirects=False
        ).status_code
        == 303
    )
    closure_id = int(query(url, select(ClosedManagement.id).where(ClosedManagement.institution_id == new_id))[0][0])
    shown = client.get("/key-populations")
    assert f'id="closure-end-{closure_id}"' in shown.text
    early = client.post(f"/institution-closures/{closure_id}/end", data={"ends_on": "2022-11-10"})
    assert early.status_code == 422 and 'data-field="ends_on"' in early.text
    assert (
        client.post(
            f"/institution-closures/{closure_id}/end", data={"ends_on": "2022-11-16"}, follow_redirects=False
        ).status_code
        == 303
    )
    assert query(url, select(ClosedManagement.ends_on).where(ClosedManagement.id == closure_id))[0][0] is not None


def test_members_recorded_and_left_and_an_alert_raised_by_hand(client: ConsoleClient, url: str) -> None:
    h = home_id(url)
    pid, number, _ = adult_not_registered(url, offset=2)
    before = count(url, InstitutionMember)
    future = client.post(
        f"/key-institutions/{h}/members", data={"document_number": number, "role": "staff", "started_on": "2023-01-01"}
    )
    assert future.status_code == 422 and 'data-field="started_on"' in future.text
    forged = client.post(
        f"/key-institutions/{h}/members",
        data={"document_number": number, "role": "visitor", "started_on": "2022-01-01"},
    )
    assert forged.status_code == 422 and 'data-field="role"' in forged.text
    assert count(url, InstitutionMember) == before
    ok = client.post(
        f"/key-institutions/{h}/members",
        data={"document_number": number, "role": "staff", "started_on": "2022-01-01"},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"].endswith(f"#institution-{h}")
    member_id = int(query(url, select(InstitutionMember.id).where(InstitutionMember.person_id == pid))[0][0])
    assert f'href="/persons/{pid}"' in client.get("/key-populations").text
    left = client.post(f"/institution-members/{member_id}/end", data={"ended_on": "2022-11-16"}, follow_redirects=False)
    assert left.status_code == 303
    assert f'id="member-end-{member_id}"' not in client.get("/key-populations").text
    # by hand: the infection of someone else, linked to the home (a visitor, say)
    alerts = count(url, InstitutionAlert)
    bad = client.post(f"/key-institutions/{h}/alerts", data={"infection_id": "abc", "infected": "staff"})
    assert bad.status_code == 422 and 'data-field="infection_id"' in bad.text
    assert count(url, InstitutionAlert) == alerts
    infection_id = int(query(url, select(Infection.id).order_by(Infection.id))[0][0])
    raised = client.post(
        f"/key-institutions/{h}/alerts",
        data={"infection_id": str(infection_id), "infected": "staff"},
        follow_redirects=False,
    )
    assert raised.status_code == 303 and count(url, InstitutionAlert) == alerts + 1
    text = visible(client.get("/key-populations").text)
    assert "工作人员感染" in text and "全员核酸检测" in text
    twice = client.post(f"/key-institutions/{h}/alerts", data={"infection_id": str(infection_id), "infected": "staff"})
    assert twice.status_code == 422 and "已为该机构触发过预警" in visible(twice.text)
