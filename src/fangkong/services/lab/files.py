"""Reading sample and result files from sampling points and labs: CSV (with a header) or JSON (a list of
objects, or {"rows": [...]}). Every problem names the row (1 = the first data row) and the column; the first
problem rejects the whole file."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from fangkong.errors import InvalidInput
from fangkong.rules.ct import CT_MAX
from fangkong.services.settings import JURISDICTION_ZONE

Format = Literal["csv", "json"]

SAMPLE_COLUMNS = ("barcode", "pool_size", "sampling_point", "collected_at", "members")
RESULT_COLUMNS = ("barcode", "lab", "reported_at", "ct_orf1ab", "ct_n")
MAX_ROWS = 5_000_000


class RowError(InvalidInput):
    """A bad row: the file is refused and nothing from it is written."""

    def __init__(self, row: int, column: str, message: str) -> None:
        super().__init__(column, f"row {row}: {message}")
        self.row = row


@dataclass(frozen=True, slots=True)
class SampleRow:
    row: int
    barcode: str
    pool_size: int
    sampling_point: str
    collected_at: datetime
    members: tuple[str, ...]  # document numbers, upper case


@dataclass(frozen=True, slots=True)
class ResultRow:
    row: int
    barcode: str
    lab: str
    reported_at: datetime
    ct_orf1ab: float | None
    ct_n: float | None


def format_of(filename: str | None, content_type: str | None = None) -> Format:
    """The format from a file name or a content type."""
    probe = f"{filename or ''} {content_type or ''}".lower()
    if "json" in probe:
        return "json"
    if "csv" in probe:
        return "csv"
    raise InvalidInput("format", "give a .csv or .json file (or the text/csv or application/json content type)")


def _records(data: bytes, fmt: Format, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("file", f"not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    if fmt == "json":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput("file", f"not JSON: {exc.msg} (line {exc.lineno})") from None
        rows = doc.get("rows") if isinstance(doc, dict) else doc
        if not isinstance(rows, list):
            raise InvalidInput("file", 'expected a list of rows or {"rows": [...]}')
        for n, raw in enumerate(rows, start=1):
            if not isinstance(raw, dict):
                raise RowError(n, "file", "expected an object")
            yield n, raw
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = tuple(reader.fieldnames or ())
    missing = [c for c in columns if c not in header]
    if missing:
        raise InvalidInput("file", f"missing column(s): {', '.join(missing)}; expected {', '.join(columns)}")
    for n, raw in enumerate(reader, start=1):
        if None in raw:
            raise RowError(n, "file", "more values than columns")
        yield n, raw


def _text(n: int, raw: dict[str, Any], column: str, *, max_len: int) -> str:
    value = raw.get(column)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RowError(n, column, "missing")
    text = str(value).strip()
    if len(text) > max_len:
        raise RowError(n, column, f"longer than {max_len} characters")
    return text


def _instant(n: int, raw: dict[str, Any], column: str, now: datetime) -> datetime:
    text = _text(n, raw, column, max_len=40)
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise RowError(n, column, f"{text!r} is not an ISO 8601 date-time") from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=JURISDICTION_ZONE)  # a lab's local clock
    if at > now:
        raise RowError(n, column, f"{text} is in the future")
    return at


def _ct(n: int, raw: dict[str, Any], column: str) -> float | None:
    value = raw.get(column)
    if value is None or (isinstance(value, str) and value.strip() in ("", "-", "ND", "nd")):
        return None  # not detected
    if isinstance(value, bool):  # JSON true/false would read as 1/0
        raise RowError(n, column, f"{value!r} is not a number")
    try:
        ct = float(value)
    except (TypeError, ValueError):
        raise RowError(n, column, f"{value!r} is not a number") from None
    if not math.isfinite(ct) or not 0 < ct <= CT_MAX:
        raise RowError(n, column, f"Ct {value} is out of range (above 0, at most {CT_MAX:g}; empty = not detected)")
    return ct


def _limited(records: Iterator[tuple[int, dict[str, Any]]]) -> Iterator[tuple[int, dict[str, Any]]]:
    for n, raw in records:
        if n > MAX_ROWS:
            raise InvalidInput("file", f"more than {MAX_ROWS} rows: split it")
        yield n, raw


def read_samples(
    data: bytes, fmt: Format, now: datetime, check_size: Callable[[int, datetime], None]
) -> list[SampleRow]:
    """Sample registrations; `check_size` refuses pool sizes the rules do not validate on that day."""
    rows: list[SampleRow] = []
    seen: dict[str, int] = {}
    for n, raw in _limited(_records(data, fmt, SAMPLE_COLUMNS)):
        barcode = _text(n, raw, "barcode", max_len=64)
        if barcode in seen:
            raise RowError(n, "barcode", f"{barcode} repeats row {seen[barcode]}")
        seen[barcode] = n
        size_text = _text(n, raw, "pool_size", max_len=4)
        try:
            size = int(size_text)
        except ValueError:
            raise RowError(n, "pool_size", f"{size_text!r} is not a whole number") from None
        collected_at = _instant(n, raw, "collected_at", now)
        try:
            check_size(size, collected_at)
        except InvalidInput as exc:
            raise RowError(n, "pool_size", exc.message) from None
        members_raw = raw.get("members")
        if isinstance(members_raw, list):
            members = tuple(str(m).strip().upper() for m in members_raw if str(m).strip())
        else:
            members = tuple(m.strip().upper() for m in str(members_raw or "").split(";") if m.strip())
        if len(members) != size:
            raise RowError(n, "members", f"{len(members)} member(s) in a sample of {size}")
        if len(set(members)) != len(members):
            raise RowError(n, "members", "a person is in the tube twice")
        rows.append(SampleRow(n, barcode, size, _text(n, raw, "sampling_point", max_len=200), collected_at, members))
    if not rows:
        raise InvalidInput("file", "no rows")
    return rows


def read_results(data: bytes, fmt: Format, now: datetime) -> list[ResultRow]:
    rows: list[ResultRow] = []
    seen: dict[str, int] = {}
    for n, raw in _limited(_records(data, fmt, RESULT_COLUMNS)):
        barcode = _text(n, raw, "barcode", max_len=64)
        if barcode in seen:
            raise RowError(n, "barcode", f"{barcode} repeats row {seen[barcode]}")
        seen[barcode] = n
        rows.append(
            ResultRow(
                n,
                barcode,
                _text(n, raw, "lab", max_len=200),
                _instant(n, raw, "reported_at", now),
                _ct(n, raw, "ct_orf1ab"),
                _ct(n, raw, "ct_n"),
            )
        )
    if not rows:
        raise InvalidInput("file", "no rows")
    return rows
