"""Reading an uploaded file's rows: CSV (with a header) or JSON (a list of objects, or {"rows": [...]}). Every
problem names the row (1 = the first data row) and the column (`RowError`); the first problem rejects the whole
file."""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime
from itertools import accumulate, chain, repeat
from operator import itemgetter
from typing import Any, BinaryIO, Literal

import ijson  # type: ignore[import-untyped]

from fangkong.bounds import FIRST_DAY, holds_nul
from fangkong.errors import InvalidInput, RowError
from fangkong.rules.ct import CT_MAX
from fangkong.services.calendar import assume_local
from fangkong.services.file_imports.body import BOM, FileBody, check_text, unmarked_chunks

__all__ = [
    "MAX_ROWS",
    "Format",
    "Record",
    "ct_of",
    "decoded",
    "format_of",
    "instant_of",
    "json_rows",
    "json_rows_streamed",
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


# Where ijson (yajl) and json.loads could read the same bytes differently: a NUL or a surrogate written as an
# escape (yajl gives "?" for a lone one), a vertical tab or form feed (whitespace to yajl, refused by json).
_NOT_STREAMED = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])|[\x0b\x0c]")
_MAX_STREAMED_DEPTH = 64  # deeper: read whole, refused past json.loads' nesting (and no prefix grows long)
_DEPTH = {"start_map": 1, "start_array": 1, "end_map": -1, "end_array": -1}


def json_rows_streamed(body: FileBody) -> Iterator[Any]:
    """A JSON file's rows one by one, read from the binary stream by ijson, never the whole document nor its
    text held at once: the same rows, and the same refusals, as `json_rows` on the whole text. The document is
    first checked whole as a stream (its syntax and nesting, and for {"rows": [...]} its keys), so every
    refusal of the document comes before the first row, as it does reading it whole. A document the stream
    might read otherwise than json.loads — one yajl refuses (malformed, NaN, an integer past 64 bits), one
    nested deeper than `_MAX_STREAMED_DEPTH`, one with a NUL or surrogate escape or a vertical tab or form feed,
    {"rows": ...} given twice or not a list — is read whole by `json_rows`, which gives json.loads' rows or its
    refusal word for word."""
    prefix = _streamed_prefix(body)
    if prefix is None:
        return iter(json_rows(body.text()))
    return _items(body, prefix)


def _streamed_prefix(body: FileBody) -> str | None:
    """ "item" or "rows.item" where the rows can be streamed as json.loads would read them, else None."""
    tail = b""
    for chunk in unmarked_chunks(body):
        if _NOT_STREAMED.search(tail + chunk[:8]) or _NOT_STREAMED.search(chunk):
            return None
        tail = chunk[-8:]
    try:
        with closing(_unmarked(body)) as f:
            events = map(itemgetter(0), ijson.basic_parse(f, use_float=True))  # in C, event by event
            first = next(events, None)
            if max(accumulate(map(_DEPTH.get, chain([first], events), repeat(0)))) > _MAX_STREAMED_DEPTH:
                return None
        if first == "start_array":
            return "item"
        if first != "start_map":
            return None  # not a list of rows: refused by json_rows
        with closing(_unmarked(body)) as f:
            keys: list[str] = []
            rows_start: str | None = None
            for path, event, value in ijson.parse(f, use_float=True):
                if path == "" and event == "map_key":
                    keys.append(value)
                elif path == "rows" and rows_start is None:
                    rows_start = event
    except (ijson.JSONError, ValueError):
        return None
    if keys.count("rows") != 1 or rows_start != "start_array" or any(k.startswith("rows.") for k in keys):
        return None
    return "rows.item"


def _unmarked(body: FileBody) -> BinaryIO:
    """The bytes as a binary stream, a leading byte-order mark skipped."""
    f = body.open()
    if f.read(len(BOM)) != BOM:
        f.seek(0)
    return f


def _items(body: FileBody, prefix: str) -> Iterator[Any]:
    with closing(_unmarked(body)) as f:
        yield from ijson.items(f, prefix, use_float=True)


def records(data: bytes | FileBody, fmt: Format, columns: tuple[str, ...]) -> Iterator[Record]:
    """The file's rows one by one, numbered from 1; a CSV header must name every one of `columns`. The file is
    checked a chunk at a time (`check_text`) and read as a stream, never whole (a JSON file's rows by
    `json_rows_streamed`)."""
    body = FileBody.of(data)
    check_text(body)
    if fmt == "json":
        for n, raw in enumerate(json_rows_streamed(body), start=1):
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
