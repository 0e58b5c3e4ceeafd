"""Key populations and key institutions in the console (issue 19, measure 14): the registry in Chinese and English
with each person's grade, its reasons and clauses in words, the plan and the overdue check of the 82-year-old living
alone; filters by kind and grade, a word outside the vocabulary refused naming the filter; the nursing home under
closed management and its open alert with the overdue steps; the read is audited naming the persons listed; a
worker of another community sees none of them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from fangkong.services.access import SYSTEM
from fangkong.services.audit.models import AuditEntry
from fangkong.services.calendar import local_instant
from fangkong.services.demo import COUNTY
from fangkong.services.infections.models import Infection
from fangkong.services.key_populations.demo import NURSING_HOME, demo_key_populations
from fangkong.services.key_populations.institutions import raise_alert
from fangkong.services.key_populations.models import InstitutionAlert, KeyInstitution, KeyPerson, KeyPersonCheck
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.web.helpers import DRILL_DAY, console, demo_store, login

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = demo_store(tmp_path_factory.mktemp("keypop"))
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        demo_key_populations(session, SYSTEM, DRILL_DAY, COUNTY)
        home = session.scalar(select(KeyInstitution).where(KeyInstitution.name == NURSING_HOME))
        infection = session.scalars(select(Infection).order_by(Infection.id)).first()
        assert home is not None and infection is not None
        raise_alert(session, SYSTEM, home.id, infection.id, local_instant(DRILL_DAY, time(6)), infected="staff")
    engine.dispose()
    return url


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "command")
        yield c


def visible(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", html)
    return re.sub(r"(?s)<[^>]+>", " ", html)


def test_the_registry_in_chinese(client: TestClient) -> None:
    r = client.get("/key-populations")
    assert r.status_code == 200, r.text
    text = visible(r.text)
    assert "王秀英" in text and "独居老人" in text and "高风险" in text and "每 1 天随访一次" in text
    assert "已逾期" in text  # her daily check was due yesterday
    assert "82 岁（80 岁及以上）：高风险等级" in text and "风险等级上调一级至高风险" in text  # the reasons, in words
    assert "示范养老院" in text and "养老院" in text and "工作人员感染" in text and "重症患者转运" in text
    assert not SNAKE.findall(text), SNAKE.findall(text)


def test_the_registry_in_english_and_filtered(client: TestClient) -> None:
    text = visible(client.get("/key-populations", params={"lang": "en", "kind": "pregnant"}).text)
    assert "李娜" in text and "王秀英" not in text and "Pregnant" in text
    assert not SNAKE.findall(text), SNAKE.findall(text)
    high = visible(client.get("/key-populations", params={"grade": "high"}).text)
    assert "张建国" in high and "李娜" not in high  # boosted, pregnant: medium
    refused = client.get("/key-populations", params={"grade": "extreme"})
    assert refused.status_code == 422 and "extreme" in refused.text


def test_the_read_is_audited_and_scoped(url: str, client: TestClient) -> None:
    client.get("/key-populations")
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "key_populations").order_by(AuditEntry.id.desc())
        ).first()
        assert entry is not None and entry.actor == "command" and entry.detail["count"] >= 3
    engine.dispose()
    with console(url) as other:
        login(other, "worker2")
        text = visible(other.get("/key-populations").text)
    assert "王秀英" not in text and "示范养老院" not in text


def _entry_of(url: str, name: str) -> int:
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        found = session.scalar(
            select(KeyPerson.id).join(Person, Person.id == KeyPerson.person_id).where(Person.name == name)
        )
    engine.dispose()
    assert found is not None
    return int(found)


def test_a_worker_records_a_check_and_a_forged_outcome_is_refused(url: str) -> None:
    entry = _entry_of(url, "王秀英")
    with console(url) as c:
        login(c, "worker1")
        page = c.get("/key-populations")
        assert f'id="check-{entry}"' in page.text
        refused = c.post(f"/key-populations/{entry}/checks", data={"outcome": "dancing", "note": ""})
        assert refused.status_code == 422 and 'data-field="outcome"' in refused.text
        done = c.post(
            f"/key-populations/{entry}/checks",
            data={"outcome": "needs_help", "note": "药快吃完了"},
            follow_redirects=False,
        )
        assert done.status_code == 303 and done.headers["location"] == "/key-populations?saved=check"
        shown = visible(c.get("/key-populations?saved=check").text)
        assert "已记录随访" in shown
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        checks = session.scalars(select(KeyPersonCheck).where(KeyPersonCheck.key_person_id == entry)).all()
        assert [(c.outcome, c.note, c.checked_by) for c in checks][-1] == ("needs_help", "药快吃完了", "worker1")
        assert "dancing" not in [c.outcome for c in checks]
    engine.dispose()


def test_the_command_centre_marks_a_step_done_and_a_viewer_sees_no_forms(url: str, client: TestClient) -> None:
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        alert = session.scalars(select(InstitutionAlert).order_by(InstitutionAlert.id)).first()
        assert alert is not None
        alert_id = alert.id
    engine.dispose()
    done = client.post(f"/institution-alerts/{alert_id}/items/transfer_severe/done", follow_redirects=False)
    assert done.status_code == 303
    again = client.post(f"/institution-alerts/{alert_id}/items/transfer_severe/done")
    assert again.status_code == 422 and "已于" in visible(again.text)
    assert f'id="done-{alert_id}-transfer_severe"' not in client.get("/key-populations").text
    with console(url) as viewer:
        login(viewer, "viewer")
        text = viewer.get("/key-populations").text
        assert '<form method="post"' not in text.split('id="registry"')[-1]
