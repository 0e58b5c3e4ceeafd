"""Campuses in the console (measure 18): the command centre sees the demo's two schools and the primary school's
response in words (no raw kinds), opens a response on the boarding school (an unknown owner refused naming the field),
marks a task done; a closure without an approval is refused with its reasons in Chinese and recorded as a finding on the
over-reach page, one with an approval is recorded; a community worker has no campus of the county's street."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.web.helpers import console, demo_store, login


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("campuses"), persons=20)


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "command")
        yield c


def _school(client: TestClient) -> int:
    page = client.get("/campuses?kind=secondary_school").text
    return int(page.split('href="/campuses/')[1].split('"')[0])


def test_the_list_and_a_campus_in_both_languages(client: TestClient) -> None:
    assert 'href="/campuses"' in client.get("/").text
    zh = client.get("/campuses")
    assert zh.status_code == 200
    assert "示范区第一中学" in zh.text and "寄宿制" in zh.text and "中学" in zh.text and "共 2 所" in zh.text
    en = client.get("/campuses?lang=en")
    assert "Secondary school" in en.text and "Boarding" in en.text and "2 campuses" in en.text
    for raw in ("campus_kind_", ">secondary_school<", ">primary_school<"):
        assert raw not in zh.text and raw not in en.text
    primary = int(zh.text.split('id="open-responses"')[1].split('href="/campuses/')[1].split('"')[0])
    page = client.get(f"/campuses/{primary}?lang=zh")
    assert "转运隔离" in page.text and "生活物资保障" in page.text and "已完成" in page.text
    assert "transfer_isolation" not in page.text


def test_open_a_response_and_mark_a_task_done(client: TestClient) -> None:
    school = _school(client)
    nobody = client.post(f"/campuses/{school}/responses", data={"outbreak_on": "2022-11-16", "owner": "ghost"})
    assert nobody.status_code == 422 and 'data-field="owner"' in nobody.text
    ok = client.post(f"/campuses/{school}/responses", data={"outbreak_on": "2022-11-16", "owner": "epi"})
    assert ok.status_code == 303
    page = client.get(f"/campuses/{school}?lang=en").text
    assert "Transfer to isolation" in page and "Disinfection" in page
    task = int(page.split('id="done-')[1].split('"')[0])
    done = client.post(f"/campus-tasks/{task}/done", data={"campus_id": str(school)})
    assert done.status_code == 303


def test_a_closure_without_approval_is_refused_and_recorded(client: TestClient) -> None:
    school = _school(client)
    client.get("/campuses?lang=zh")
    refused = client.post(f"/campuses/{school}/closures", data={"kind": "close_campus", "days": "3"})
    assert refused.status_code == 422
    assert "封闭校园或停课须有审批记录" in refused.text and "层层加码" in refused.text
    findings = client.get("/overreach?lang=en").text
    assert "Close the campus · 3 days" in findings and f'href="/campuses/{school}"' in findings
    assert "close campus of" not in findings  # the subject in words, not the service's English
    assert "封闭校园 · 3 天" in client.get("/overreach?lang=zh").text
    approved = client.post(
        f"/campuses/{school}/closures",
        data={
            "kind": "close_campus",
            "days": "3",
            "approval_ref": "JPC-118",
            "approved_by": "county command centre",
            "approved_on": "2022-11-16",
        },
    )
    assert approved.status_code == 303
    page = client.get(f"/campuses/{school}").text
    assert "JPC-118" in page and "2022-11-18" in page
    bad = client.post(f"/campuses/{school}/closures", data={"kind": "close_campus", "days": "many"})
    assert bad.status_code == 422 and 'data-field="days"' in bad.text


def test_a_worker_sees_no_campus_of_another_street(url: str) -> None:
    with console(url) as c:
        login(c, "worker1")
        page = c.get("/campuses?lang=en")
        assert page.status_code == 200 and "0 campuses" in page.text
