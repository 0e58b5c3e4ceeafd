"""Structured logs: one JSON object a line for each import, daily job and request — who did what, how much, how
long — and never a person's data. A line names accounts, counts, ids of records and durations; names, document
numbers, phones, addresses and health status stay in the store, behind its audit log (DESIGN.md section 8).

`event(...)` and `timed(...)` take keyword fields; a field whose name says it holds personal data is refused
(`PersonalDataInLog`), so a careless call fails in the tests instead of leaking in production.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

LOGGER = "fangkong"
# Names of fields that would carry a person's data into a log line.
PERSONAL = frozenset(
    {"name", "document_number", "document", "phone", "address", "birth_date", "sex", "members", "person", "colour"}
)


class PersonalDataInLog(ValueError):
    """A log call tried to write a field that holds personal data."""


class JsonLines(logging.Formatter):
    """A record as one JSON object: time, level, event and the call's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__
        return json.dumps(line, ensure_ascii=False, default=str)


def configure(level: str = "INFO") -> None:
    """Send fangkong's log lines to standard error as JSON, once per process (the CLI and the server call it)."""
    logger = logging.getLogger(LOGGER)
    if any(isinstance(h.formatter, JsonLines) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def _checked(fields: dict[str, Any]) -> dict[str, Any]:
    personal = PERSONAL.intersection(fields)
    if personal:
        raise PersonalDataInLog(f"personal data may not be logged: {', '.join(sorted(personal))}")
    return fields


def event(what: str, *, level: int = logging.INFO, **fields: object) -> None:
    """One line: `what` happened, with its fields (who, counts, ids)."""
    logging.getLogger(LOGGER).log(level, what, extra={"fields": _checked(fields)})


@contextmanager
def timed(what: str, **fields: Any) -> Iterator[dict[str, Any]]:
    """Log `what` with its duration when the block ends, and whether it failed; the block may add fields (counts)
    to the dict it is given."""
    extra = dict(_checked(fields))
    start = time.perf_counter()
    try:
        yield extra
    except BaseException as exc:
        extra |= {"ms": round((time.perf_counter() - start) * 1000, 1), "failed": type(exc).__name__}
        event(what, level=logging.WARNING, **extra)  # event() checks the fields the block added
        raise
    extra["ms"] = round((time.perf_counter() - start) * 1000, 1)
    event(what, **extra)
