"""The early-warning alert queue in the console (measure 15): the command centre sees the demo's alerts, the overdue
one marked in words, the alarms in words (no raw channel names), a link to the signals; assigning to nobody and a
confirmed cluster without infections are refused naming the field; a false alarm closes one; a worker has no queue."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.web.helpers import console, demo_store, login


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("warning-alerts"), persons=20)


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "command")
        yield c


def test_the_queue(client: TestClient) -> None:
    zh = client.get("/warning-alerts")
    assert zh.status_code == 200
    assert 'href="/warning-alerts"' in client.get("/").text
    assert "多渠道同时预警" in zh.text and "已超时" in zh.text and "发热门诊就诊人次" in zh.text
    assert "确认为聚集性疫情" in zh.text and 'href="/signals?jurisdiction=' in zh.text
    en = client.get("/warning-alerts?lang=en")
    assert "Several channels" in en.text and "Overdue" in en.text and "Fever-clinic visits" in en.text
    for raw in ("wa_kind_", "wa_status_", ">fever_clinic<", ">multi_channel<"):
        assert raw not in zh.text and raw not in en.text
    late = client.get("/warning-alerts?overdue=yes&lang=en").text
    assert "1 alerts" in late
    bad = client.get("/warning-alerts?status=lost&lang=en")
    assert bad.status_code == 422


def test_assign_and_verify(client: TestClient) -> None:
    page = client.get("/warning-alerts?status=open&lang=en").text
    alert_id = int(page.split('id="verify-')[1].split('"')[0])
    nobody = client.post(f"/warning-alerts/{alert_id}/assign", data={"assignee": "ghost"})
    assert nobody.status_code == 422 and 'data-field="assignee"' in nobody.text
    empty = client.post(f"/warning-alerts/{alert_id}/verify", data={"outcome": "confirmed", "infection_ids": ""})
    assert empty.status_code == 422 and 'data-field="infection_ids"' in empty.text
    ok = client.post(f"/warning-alerts/{alert_id}/assign", data={"assignee": "epi"})
    assert ok.status_code == 303
    done = client.post(f"/warning-alerts/{alert_id}/verify", data={"outcome": "false_alarm", "note": "a promotion"})
    assert done.status_code == 303
    after = client.get("/warning-alerts?status=false_alarm&lang=en").text
    assert "False alarm" in after and "a promotion" in after


def test_a_worker_has_no_queue(url: str) -> None:
    with console(url) as c:
        login(c, "worker1")
        assert 'href="/warning-alerts"' not in c.get("/").text
        assert c.get("/warning-alerts").status_code == 403
