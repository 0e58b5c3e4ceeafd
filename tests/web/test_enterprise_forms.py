"""The command centre keeps an enterprise's plan, its ledger and the white list from the console (measure 19:
一企一策, 台账, 白名单), as the API does: a new enterprise gets its plan (a chain with a level left empty is refused
naming the chain, nothing stored), a check is recorded in its ledger (an unknown result refused naming it), the
enterprise is put on the white list and taken off; each change audited; no form for the supervisor."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fangkong.services.audit.models import AuditEntry
from fangkong.services.enterprises.models import Enterprise, EnterprisePlan, EnterprisePlanCheck
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.web.helpers import console, demo_store, login


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("enterprise-forms"), persons=20)


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "command")
        yield c


def _count(url: str, table: type) -> int:
    with unit_of_work(session_factory(make_engine(url))) as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def _enterprise(url: str, eid: int) -> Enterprise:
    with unit_of_work(session_factory(make_engine(url))) as s:
        found = s.get(Enterprise, eid)
        assert found is not None
        s.expunge(found)
        return found


def test_a_new_enterprise_gets_its_plan_ledger_and_white_list(client: TestClient, url: str) -> None:
    existing = _enterprise(url, 1)
    from fangkong.services.demo import DEMO_PASSWORD

    token = client.post("/api/auth/token", json={"username": "command", "password": DEMO_PASSWORD}).json()
    made = client.post(
        "/api/enterprises",
        json={"name": "示范食品厂", "jurisdiction_code": existing.jurisdiction_code, "workers": 40},
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    assert made.status_code == 201, made.text
    eid = made.json()["id"]
    page = client.get("/enterprises", params={"lang": "zh"}).text
    assert f'id="plan-{eid}"' in page and "制定防控方案" in page

    plans = _count(url, EnterprisePlan)
    half = {"enterprise_id": str(eid), "chain_management": "厂长 王", "chain_workshop": "", "chain_team": "班长 李"}
    refused = client.post("/enterprises/plans?lang=en", data=half)
    assert refused.status_code == 422 and 'data-field="chain"' in refused.text and "Workshop" in refused.text
    assert _count(url, EnterprisePlan) == plans  # nothing stored

    adopted = client.post("/enterprises/plans", data={**half, "chain_workshop": "车间主任 张", "measures": "分区作业"})
    assert adopted.status_code == 303
    page = client.get("/enterprises?saved=plan&lang=zh").text
    assert "防控方案已保存" in page and "车间主任 张" in page
    with unit_of_work(session_factory(make_engine(url))) as s:
        plan = s.scalar(select(EnterprisePlan).where(EnterprisePlan.enterprise_id == eid))
        assert plan is not None and plan.chain["workshop"] == "车间主任 张" and plan.measures == "分区作业"
        plan_id = plan.id

    checks = _count(url, EnterprisePlanCheck)
    bad = client.post(f"/enterprises/plans/{plan_id}/checks", data={"level": "team", "checker": "李", "passed": "?"})
    assert bad.status_code == 422 and 'data-field="passed"' in bad.text
    assert _count(url, EnterprisePlanCheck) == checks
    ok = client.post(
        f"/enterprises/plans/{plan_id}/checks",
        data={"level": "workshop", "checker": "街道 周", "passed": "no", "note": "通风不足"},
    )
    assert ok.status_code == 303 and _count(url, EnterprisePlanCheck) == checks + 1
    assert "通风不足" in client.get("/enterprises?lang=zh").text

    on = client.post(f"/enterprises/{eid}/white-list", data={"white_listed": "yes"})
    assert on.status_code == 303 and _enterprise(url, eid).white_listed
    off = client.post(f"/enterprises/{eid}/white-list", data={"white_listed": "no"})
    assert off.status_code == 303 and not _enterprise(url, eid).white_listed
    with unit_of_work(session_factory(make_engine(url))) as s:
        entities = set(s.scalars(select(AuditEntry.entity).where(AuditEntry.actor == "command")))
    assert {"enterprise_plans", "enterprise_plan_checks", "enterprises"} <= entities


def test_the_supervisor_is_shown_none_of_these_forms(url: str) -> None:
    with console(url) as c:
        login(c, "supervisor")
        page = c.get("/enterprises").text
        assert "/enterprises/plans" not in page and "/white-list" not in page
        refused = c.post("/enterprises/1/white-list", data={"white_listed": "no"})
        assert refused.status_code == 403
