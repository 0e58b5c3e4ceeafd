"""The four earlies page (measure 15): the command centre sees the demo's infection late on reporting, each step in
words in Chinese and English, no raw identifier; bad days are refused naming the field; the menu leads there."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.web.helpers import console, demo_store, login


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("four-earlies"), persons=20)


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "command")
        yield c


def test_the_four_earlies_page(client: TestClient) -> None:
    zh = client.get("/four-earlies")
    assert zh.status_code == 200
    assert 'href="/four-earlies"' in client.get("/").text
    assert "早报告" in zh.text and "超时名单" in zh.text and 'id="fe-late"' in zh.text
    en = client.get("/four-earlies?lang=en")
    assert "Early reporting" in en.text and "The late ones" in en.text and "not done yet" in en.text
    for raw in ("fe_step_", "fe_unit_", ">reporting<", ">hours<"):
        assert raw not in zh.text and raw not in en.text
    bad = client.get("/four-earlies?since=2022-11-20&until=2022-11-10&lang=en")
    assert bad.status_code == 422 and "to" in bad.text
