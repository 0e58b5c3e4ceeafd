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


ID_NUMBER = "110101199003074514"


def test_an_address_no_route_matched_is_logged_without_its_personal_data(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 17: the log holds route templates and the program's own words, never an ID number, phone, name or
    health-code token that a client put in an address."""
    asked = [
        f"/api/persons/by-document/{ID_NUMBER}",
        f"/api/health-codes/{ID_NUMBER}",
        f"/api/health-codes/check/{'T' * 43}/again",
        "/api/persons/13800001111/Zhang%20Wei",
        f"/static/{ID_NUMBER}.js",
        f"/api/persons?q={ID_NUMBER}",
    ]
    epi = api.as_("epi")
    with caplog.at_level(logging.INFO, logger=logs.LOGGER):
        for path in asked:
            api.client.get(path, headers=epi)
        api.client.post(f"/api/persons/{ID_NUMBER}", json={"name": "Zhang Wei"}, headers=epi)
    lines = [line for line in _lines(caplog) if line["event"] == "request"]
    assert len(lines) == len(asked) + 1
    text = json.dumps(lines, ensure_ascii=False)
    for secret in (ID_NUMBER, "13800001111", "Zhang", "T" * 43):
        assert secret not in text
    routes = [line["route"] for line in lines]
    assert "/api/persons/*/*" in routes and "/api/health-codes/check/*/*" in routes and "/api/persons" in routes
