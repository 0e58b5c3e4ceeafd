"""Reading an uploaded file's rows: CSV (with a header) or JSON (a list of objects, or {"rows": [...]}). Every
problem names the row (1 = the first data row) and the column (`RowError`); the first problem rejects the whole
file."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal

from fangkong.bounds import FIRST_DAY, holds_nul
from fangkong.errors import InvalidInput, RowError
from fangkong.rules.ct import CT_MAX
from fangkong.services.calendar import assume_local
from fangkong.services.file_imports.body import FileBody, check_text

__all__ = [
    "MAX_ROWS",
    "Format",
    "Record",
    "ct_of",
    "decoded",
    "format_of",
    "instant_of",
    "json_rows",
    "limited",
    "records",
    "text_of",
]

Format = Literal["csv", "json"]
Record = tuple[int, dict[str, Any]]  # (row number from 1, the row's values by column)
MAX_ROWS = 5_000_000
NEWLINE = "\n"


def format_of(filename: str | None, content_type: str | None = None) -> Format:
    """The format from a file name or a content type."""
    probe = f"{filename or ''} {content_type or ''}".lower()
    if "json" in probe:
        return "json"
    if "csv" in probe:
        return "csv"
    raise InvalidInput("format", "give a .csv or .json file (or the text/csv or application/json content type)")


def decoded(data: bytes) -> str:
    """The file as text (UTF-8, a byte-order mark dropped), or the byte that is not; a NUL is not text. (The
    readers check a file a chunk at a time, `body.check_text`, with the same messages; this is the whole-bytes
    reference.)"""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("file", f"not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    nul = text.find("\x00")
    if nul >= 0:
        raise InvalidInput("file", f"a NUL character is not text (line {text.count(NEWLINE, 0, nul) + 1})")
    return text


def json_rows(text: str) -> list[Any]:
    """A JSON file's rows: a list, or {"rows": [...]}."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput("file", f"not JSON: {exc.msg} (line {exc.lineno})") from None
    except ValueError as exc:  # a number past Python's digits limit for an int
        raise InvalidInput("file", f"not JSON fangkong reads: {exc}") from None
    except RecursionError:
        raise InvalidInput("file", "not JSON fangkong reads: nested too deeply") from None
    rows = doc.get("rows") if isinstance(doc, dict) else doc
    if not isinstance(rows, list):
        raise InvalidInput("file", 'expected a list of rows or {"rows": [...]}')
    if "\\u0000" in text and holds_nul(rows):  # a NUL written as a JSON escape
        raise InvalidInput("file", "a NUL character is not text")
    return rows


def records(data: bytes | FileBody, fmt: Format, columns: tuple[str, ...]) -> Iterator[Record]:
    """The file's rows one by one, numbered from 1; a CSV header must name every one of `columns`. The file is
    checked a chunk at a time (`check_text`) and a CSV file read as a stream, never whole."""
    body = FileBody.of(data)
    check_text(body)
    if fmt == "json":
        for n, raw in enumerate(json_rows(body.text()), start=1):
            if not isinstance(raw, dict):
                raise RowError(n, "file", "expected an object")
            yield n, raw
        return
    with body.text_stream() as stream:
        yield from _csv_records(csv.DictReader(stream), columns)


def _csv_records(reader: csv.DictReader[str], columns: tuple[str, ...]) -> Iterator[Record]:
    try:
        header = tuple(reader.fieldnames or ())
    except csv.Error as exc:  # a value past the csv module's field limit (128 KiB)
        raise InvalidInput("file", f"the header is not CSV fangkong reads: {exc}") from None
    missing = [c for c in columns if c not in header]
    if missing:
        raise InvalidInput("file", f"missing column(s): {', '.join(missing)}; expected {', '.join(columns)}")
    n = 0
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise RowError(n + 1, "file", f"not CSV fangkong reads: {exc}") from None
        n += 1
        if None in raw:
            raise RowError(n, "file", "more values than columns")
        yield n, raw


def limited(rows: Iterator[Record]) -> Iterator[Record]:
    """The rows, refusing the file at row `MAX_ROWS` + 1."""
    for n, raw in rows:
        if n > MAX_ROWS:
            raise InvalidInput("file", f"more than {MAX_ROWS} rows: split it")
        yield n, raw


def text_of(n: int, raw: dict[str, Any], column: str, *, max_len: int) -> str:
    """A value that must be there, stripped, at most `max_len` characters."""
    value = raw.get(column)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RowError(n, column, "missing")
    text = str(value).strip()
    if len(text) > max_len:
        raise RowError(n, column, f"longer than {max_len} characters")
    return text


def instant_of(n: int, raw: dict[str, Any], column: str, now: datetime) -> datetime:
    """An ISO 8601 date-time, not in the future; one without an offset is the jurisdiction's wall clock."""
    text = text_of(n, raw, column, max_len=40)
    try:
        at = assume_local(datetime.fromisoformat(text))  # a lab's local clock
    except ValueError:
        raise RowError(n, column, f"{text!r} is not an ISO 8601 date-time") from None
    if at.date() < FIRST_DAY:  # an order anchored on it could not be stored (fangkong.bounds), year 1 overflows
        raise RowError(n, column, f"{text} is before {FIRST_DAY}")
    if at > now:
        raise RowError(n, column, f"{text} is in the future")
    return at


def ct_of(n: int, raw: dict[str, Any], column: str) -> float | None:
    """A Ct value above 0 and at most `CT_MAX`; empty, "-" or "ND" is not detected (None)."""
    value = raw.get(column)
    if value is None or (isinstance(value, str) and value.strip() in ("", "-", "ND", "nd")):
        return None  # not detected
    if isinstance(value, bool):  # JSON true/false would read as 1/0
        raise RowError(n, column, f"{value!r} is not a number")
    try:
        ct = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: a JSON integer too large for a float
        raise RowError(n, column, f"{value!r} is not a number") from None
    if not math.isfinite(ct) or not 0 < ct <= CT_MAX:
        raise RowError(n, column, f"Ct {value} is out of range (above 0, at most {CT_MAX:g}; empty = not detected)")
    return ct
