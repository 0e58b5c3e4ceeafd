"""Every API request is one log line with its route, status and account; the venue check is not logged, and no query
string or body is."""

from __future__ import annotations

import json
import logging

import pytest

from fangkong.services import logs
from tests.api.helpers import Api


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    formatter = logs.JsonLines()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == logs.LOGGER]


def test_a_request_is_logged_with_its_route_and_account_and_the_venue_check_is_not(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger=logs.LOGGER):
        r = api.client.get("/api/persons", params={"q": "x"}, headers=api.as_("epi"))
        assert r.status_code in (200, 422), r.text
        api.client.get("/api/health-codes/check/unknown-token")
    lines = [line for line in _lines(caplog) if line["event"] == "request"]
    persons = [line for line in lines if line["route"] == "/api/persons"]
    assert persons and persons[-1]["who"] == "epi" and persons[-1]["method"] == "GET"
    assert not any("check" in str(line["route"]) for line in lines)  # answered before the log
    assert not any("q=" in str(line) or line.get("q") == "x" for line in lines)  # no query string
