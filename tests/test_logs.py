"""Structured logs: one JSON line per event with who, what and how long, and no field that holds personal data."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from fangkong.services import logs


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    formatter = logs.JsonLines()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == logs.LOGGER]


def test_a_timed_job_logs_its_fields_and_duration(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger=logs.LOGGER), logs.timed("areas.advance", who="command") as line:
        line["changed"] = 2
    (entry,) = _lines(caplog)
    assert entry["event"] == "areas.advance" and entry["who"] == "command" and entry["changed"] == 2
    assert isinstance(entry["ms"], float) and entry["level"] == "info"


def test_a_failed_job_logs_a_warning_with_the_error(caplog: pytest.LogCaptureFixture) -> None:
    with (
        caplog.at_level(logging.INFO, logger=logs.LOGGER),
        pytest.raises(KeyError),
        logs.timed("lab.results", who="lab"),
    ):
        raise KeyError("x")
    (entry,) = _lines(caplog)
    assert entry["level"] == "warning" and entry["failed"] == "KeyError"


@pytest.mark.parametrize("field", ["name", "document_number", "phone", "address", "members"])
def test_personal_data_is_refused(field: str) -> None:
    with pytest.raises(logs.PersonalDataInLog):
        log: Any = logs.event  # the field's name is the parameter of the test
        log("persons.import", **{field: "x"})
