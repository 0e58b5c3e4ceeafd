"""Reading sample and result files from sampling points and labs (`file_imports.rows` reads the rows: CSV with a
header, or JSON). Every problem names the row (1 = the first data row) and the column; the first problem rejects
the whole file."""

from __future__ import annotations

import contextlib
import csv
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

import polars as pl

from fangkong.errors import Inconsistent, InvalidInput, Refused, RowError
from fangkong.services.file_imports.body import CHUNK, FileBody, check_text, unmarked_chunks
from fangkong.services.file_imports.rows import (
    MAX_ROWS,
    Format,
    ct_of,
    instant_of,
    json_rows_streamed,
    limited,
    records,
    text_of,
)

__all__ = [
    "MAX_ROWS",
    "RESULT_COLUMNS",
    "SAMPLE_COLUMNS",
    "FileBody",
    "Format",
    "SampleRow",
    "plain_frame",
    "read_results",
    "read_samples",
    "results_by_rows",
]

SAMPLE_COLUMNS = ("barcode", "pool_size", "sampling_point", "collected_at", "members")
RESULT_COLUMNS = ("barcode", "lab", "reported_at", "ct_orf1ab", "ct_n")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
T = TypeVar("T")
_BLOCK = 65_536  # CSV rows read at a time


@dataclass(frozen=True, slots=True)
class SampleRow:
    row: int
    barcode: str
    pool_size: int
    sampling_point: str
    collected_at: datetime
    members: tuple[str, ...]  # document numbers, upper case


def read_samples(
    data: bytes | FileBody, fmt: Format, now: datetime, check_size: Callable[[int, datetime], None]
) -> list[SampleRow]:
    """Sample registrations; `check_size` refuses pool sizes the rules do not validate on that day."""
    rows: list[SampleRow] = []
    seen: dict[str, int] = {}
    for n, raw in limited(records(data, fmt, SAMPLE_COLUMNS)):
        barcode = text_of(n, raw, "barcode", max_len=64)
        if barcode in seen:
            raise RowError(n, "barcode", f"{barcode} repeats row {seen[barcode]}")
        seen[barcode] = n
        size_text = text_of(n, raw, "pool_size", max_len=4)
        try:
            size = int(size_text)
        except ValueError:
            raise RowError(n, "pool_size", f"{size_text!r} is not a whole number") from None
        collected_at = instant_of(n, raw, "collected_at", now)
        try:
            check_size(size, collected_at)
        except Refused as exc:
            raise RowError(n, "pool_size", exc.message, clause=exc.clause) from None
        members_raw = raw.get("members")
        if isinstance(members_raw, list):
            members = tuple(str(m).strip().upper() for m in members_raw if str(m).strip())
        else:
            members = tuple(m.strip().upper() for m in str(members_raw or "").split(";") if m.strip())
        if len(members) != size:
            raise RowError(n, "members", f"{len(members)} member(s) in a sample of {size}")
        if len(set(members)) != len(members):
            raise RowError(n, "members", "a person is in the tube twice")
        rows.append(SampleRow(n, barcode, size, text_of(n, raw, "sampling_point", max_len=200), collected_at, members))
    if not rows:
        raise InvalidInput("file", "no rows")
    return rows


def read_results(data: bytes | FileBody, fmt: Format, now: datetime) -> pl.DataFrame:
    """A lab's results as columns — `row` (1 = the first data row), `barcode`, `lab`, `reported_at` (UTC),
    `ct_orf1ab`, `ct_n` (null = not detected) — checked whole, with the same messages and the same first bad
    row as reading it row by row: each distinct value is checked once (a day's file repeats its labs, its
    report times and its Ct values), then the values are mapped back onto the rows.

    A plain CSV file — no quotes, no blank lines, no lone carriage returns, a header of distinct names, no row
    with more values than the header: what a lab's system writes — is parsed and checked by Polars
    (`_plain_results`, a few MiB of the file at a time); any other file by Python's csv module (or json), row by
    row into columns.

    `data` is bytes or a `FileBody` (an upload streamed to a temporary file): checked a chunk at a time, given to
    Polars a piece at a time, to the csv module as a text stream — never held whole, nor decoded whole (a JSON
    file's rows streamed by ijson, `json_rows_streamed`)."""
    body = FileBody.of(data)
    check_text(body)
    if fmt == "csv" and (pieces := _plain_pieces(body)) is not None:
        try:
            return _plain_results(pieces, now)
        except _NotPlain:  # a row longer than the header, part-way: the csv path names it
            pass
    return results_by_rows(body, fmt, now, checked=True)


def results_by_rows(data: bytes | FileBody, fmt: Format, now: datetime, *, checked: bool = False) -> pl.DataFrame:
    """`read_results` for any file (`checked`: its text already checked, `check_text`): its rows read by Python
    into columns, then checked as columns."""
    body = FileBody.of(data)
    if not checked:
        check_text(body)
    rows, columns, stop = _result_columns(body, fmt)
    n = len(rows) if stop is None else stop[0] - 1  # rows checked before the first one that cannot be read
    first: list[tuple[int, int, RowError]] = []  # (row, column order, error)
    barcodes, bad = _texts(columns["barcode"][:n], "barcode", 64)
    if bad is not None:
        first.append((bad[0], 0, bad[1]))
    if len(set(barcodes)) != len(barcodes):  # a repeat before the first bad barcode comes first
        seen: dict[str, int] = {}
        for i, barcode in enumerate(barcodes, start=1):
            if barcode in seen:
                first.append((i, 1, RowError(i, "barcode", f"{barcode} repeats row {seen[barcode]}")))
                break
            seen[barcode] = i
    labs, bad = _texts(columns["lab"][:n], "lab", 200)
    if bad is not None:
        first.append((bad[0], 2, bad[1]))
    reported, bad = _distinct(columns["reported_at"][:n], partial(_reported_us, now))
    if bad is not None:
        first.append((bad[0], 3, bad[1]))
    cts: list[list[float | None]] = []
    for order, column in ((4, "ct_orf1ab"), (5, "ct_n")):
        values, bad = _distinct(columns[column][:n], partial(_ct_value, column))
        if bad is not None:
            first.append((bad[0], order, bad[1]))
        cts.append(values)
    _refuse_first(first, stop, empty=not rows)
    return pl.DataFrame(
        {
            "row": pl.Series(rows, dtype=pl.Int64),
            "barcode": pl.Series(barcodes, dtype=pl.String),
            "lab": pl.Series(labs, dtype=pl.String),
            "reported_at": pl.Series(reported, dtype=pl.Int64).cast(pl.Datetime("us", "UTC")),
            "ct_orf1ab": pl.Series(cts[0], dtype=pl.Float64),
            "ct_n": pl.Series(cts[1], dtype=pl.Float64),
        }
    )


def _result_columns(
    body: FileBody, fmt: Format
) -> tuple[list[int], dict[str, list[Any]], tuple[int, InvalidInput] | None]:
    """Row numbers, the raw value of each result column per row, and the first row that cannot be read at all
    (an extra value, a JSON row that is no object, one row too many) with its error."""
    stop: tuple[int, InvalidInput] | None = None
    columns: dict[str, list[Any]]
    if fmt == "json":
        columns, count, stop = _json_columns(body)
    else:  # read as a stream, a block at a time
        columns, count, stop = _csv_columns(body)
    if count > MAX_ROWS and (stop is None or stop[0] > MAX_ROWS + 1):
        stop = (MAX_ROWS + 1, InvalidInput("file", f"more than {MAX_ROWS} rows: split it"))
        columns = {c: v[:MAX_ROWS] for c, v in columns.items()}
        count = MAX_ROWS
    return list(range(1, count + 1)), columns, stop


def _json_columns(body: FileBody) -> tuple[dict[str, list[Any]], int, tuple[int, InvalidInput] | None]:
    """The result columns of a JSON file, its rows streamed one by one (`json_rows_streamed`: the document is
    refused, if it is, before the first row) into the columns, a repeated text value held once; reading stops
    at the first row that is no object, or one row past `MAX_ROWS`."""
    columns: dict[str, list[Any]] = {c: [] for c in RESULT_COLUMNS}
    appends = [(c, columns[c].append) for c in RESULT_COLUMNS]
    shared: dict[Any, Any] = {}
    count = 0
    for raw in json_rows_streamed(body):
        if not isinstance(raw, dict):
            n = count + 1
            return columns, count, (n, RowError(n, "file", "expected an object"))
        for c, append in appends:
            value = raw.get(c)
            append(shared.setdefault(value, value) if type(value) is str and c != "barcode" else value)
        count += 1
        if count > MAX_ROWS:
            break
    return columns, count, None


def _csv_columns(body: FileBody) -> tuple[dict[str, list[Any]], int, tuple[int, InvalidInput] | None]:
    """The result columns of a CSV file, read a block of rows at a time (the rows themselves never all held at
    once; a value repeated down a column — the lab, a report time, a Ct — held once)."""
    with body.text_stream() as stream:
        return _csv_columns_of(csv.reader(stream))


def _csv_columns_of(reader: Iterator[list[str]]) -> tuple[dict[str, list[Any]], int, tuple[int, InvalidInput] | None]:
    header = next(reader, [])
    where = {name: i for i, name in enumerate(header)}  # a repeated name: the last one, as csv.DictReader
    missing = [c for c in RESULT_COLUMNS if c not in where]
    if missing:
        raise InvalidInput("file", f"missing column(s): {', '.join(missing)}; expected {', '.join(RESULT_COLUMNS)}")
    width = len(header)
    columns: dict[str, list[Any]] = {c: [] for c in RESULT_COLUMNS}
    shared: dict[str, dict[str, str]] = {c: {} for c in RESULT_COLUMNS if c != "barcode"}
    count = 0
    stop: tuple[int, InvalidInput] | None = None
    while stop is None and count <= MAX_ROWS:
        block = [r for r in itertools.islice(reader, _BLOCK) if r]  # csv.DictReader skips blank lines, unnumbered
        if not block:
            break
        for n, r in enumerate(block, start=count + 1):
            if len(r) > width:
                stop = (n, RowError(n, "file", "more values than columns"))
                block = block[: n - count - 1]
                break
        whole = all(len(r) == width for r in block)
        for c in RESULT_COLUMNS:
            i = where[c]
            # a short row's missing values are None, as csv.DictReader gives them
            values = [r[i] for r in block] if whole else [r[i] if i < len(r) else None for r in block]
            if c in shared:
                once = shared[c]
                values = [v if v is None else once.setdefault(v, v) for v in values]
            columns[c].extend(values)
        count += len(block)
    return columns, count, stop


def _texts(values: list[Any], column: str, max_len: int) -> tuple[list[str], tuple[int, RowError] | None]:
    """Stripped text values; the first missing or too long one as (row, error), like `text_of` row by row."""
    if all(type(v) is str for v in values):
        stripped = list(map(str.strip, values))
        lengths = list(map(len, stripped))
        if not lengths or (min(lengths) > 0 and max(lengths) <= max_len):
            return stripped, None
    out: list[str] = []
    for i, v in enumerate(values, start=1):
        try:
            out.append(text_of(i, {column: v}, column, max_len=max_len))
        except RowError as exc:
            return out, (i, exc)
    return out, None


def _distinct(values: list[Any], check: Callable[[int, Any], T]) -> tuple[list[T], tuple[int, RowError] | None]:
    """`check(row, value)` once per distinct value, mapped back onto the rows; the first row whose value
    fails, with the error `check` raises for that row."""
    try:
        distinct = set(values)
    except TypeError:  # a JSON list or object in a cell: check row by row
        distinct = None
    if distinct is not None:
        done: dict[Any, T] = {}
        failing: set[Any] = set()
        for v in distinct:
            try:
                done[v] = check(0, v)
            except RowError:
                failing.add(v)
        if not failing:
            return list(map(done.__getitem__, values)), None
    out: list[T] = []
    for i, v in enumerate(values, start=1):
        try:
            out.append(check(i, v))
        except RowError as exc:
            return out, (i, exc)
    return out, None


def _refuse_first(
    first: list[tuple[int, int, RowError]], stop: tuple[int, InvalidInput] | None, *, empty: bool
) -> None:
    """Raise the first problem a row-by-row reading would meet: the earliest bad value (by row, then column
    order), else the row that could not be read at all, else an empty file."""
    if first:
        raise min(first, key=lambda f: (f[0], f[1]))[2]
    if stop is not None:
        raise stop[1]
    if empty:
        raise InvalidInput("file", "no rows")


def _reported_us(now: datetime, n: int, value: Any) -> int:
    return _epoch_us(instant_of(n, {"reported_at": value}, "reported_at", now))


def _ct_value(column: str, n: int, value: Any) -> float | None:
    return ct_of(n, {column: value}, column)


def _epoch_us(at: datetime) -> int:
    delta = at - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


# --- plain CSV files, parsed and checked by Polars -----------------------------------------------------------------

# a value that Python's str.strip leaves as it is: it starts and ends with a visible ASCII character (anything
# else — other whitespace, a control character, a letter beyond ASCII at either end — goes through `text_of`)
_PLAIN_VALUE = r"^[!-~](?:.*[!-~])?$"


_PIECE = 4 * 1024 * 1024  # bytes of a plain file parsed at a time (whole lines)


class _NotPlain(Exception):
    """A row with more values than the header, found by Polars part-way: the csv path reads the file."""


def plain_frame(data: bytes | FileBody) -> pl.DataFrame | None:
    """The file as text columns, or None when it is not plain CSV (so that Polars and the csv module could
    disagree on its rows): a quote, a blank line (the csv module skips it unnumbered, Polars reads a row of
    nulls), a carriage return outside a CRLF, a NUL, a repeated or empty column name, a row with more values
    than the header. Refuses a header missing a result column, as the csv path does."""
    pieces = _plain_pieces(FileBody.of(data))
    if pieces is None:
        return None
    try:
        return pl.concat(list(pieces), rechunk=False)
    except _NotPlain:
        return None


def _plain_pieces(body: FileBody) -> Iterator[pl.DataFrame] | None:
    """The result columns of a plain file as text, a piece of about `_PIECE` bytes (whole lines) at a time; None
    when the file is not plain by its bytes or its header (`plain_frame`); `_NotPlain` raised by the iterator at
    the first piece holding a row longer than the header. A piece at a time: Polars' working memory for parsing
    is a piece's, not the file's (issue 17)."""
    if not _plain_bytes(body):
        return None
    with body.text_stream() as stream:
        first = stream.readline()  # up to the first "\n" (no other line ending in a plain file but CRLF)
    header = first.removesuffix("\n").removesuffix("\r").split(",")
    if "" in header or len(set(header)) != len(header):
        return None
    missing = [c for c in RESULT_COLUMNS if c not in header]
    if missing:
        raise InvalidInput("file", f"missing column(s): {', '.join(missing)}; expected {', '.join(RESULT_COLUMNS)}")
    return _parsed_pieces(body, dict.fromkeys(header, pl.String), first.encode())


def _parsed_pieces(body: FileBody, schema: dict[str, Any], header: bytes) -> Iterator[pl.DataFrame]:
    """Each piece parsed with the header line before it (Polars counts a file's columns by its first line)."""
    skip = len(header)

    def parsed(piece: bytes) -> pl.DataFrame:
        try:
            # every column read, not only the result columns: Polars checks a row's length only against the
            # columns it reads, and a row longer than the header must fall back to the csv path, which names it
            frame = pl.read_csv(
                header + piece,
                has_header=True,
                schema_overrides=schema,
                infer_schema=False,
                quote_char=None,
                raise_if_empty=False,
            )
        except pl.exceptions.PolarsError:
            raise _NotPlain from None
        return frame.select(RESULT_COLUMNS)

    rest = b""
    skipped = 0
    empty = True
    for chunk in unmarked_chunks(body, _PIECE):
        if skipped < skip:  # the header line
            cut = min(skip - skipped, len(chunk))
            skipped += cut
            chunk = chunk[cut:]
        data = rest + chunk
        end = data.rfind(b"\n") + 1  # whole lines: a plain file has no line ending in a value
        rest = data[end:]
        if end:
            empty = False
            yield parsed(data[:end])
    if rest or empty:  # the last line without its line ending; or the header alone: no rows
        yield parsed(rest)


def _plain_bytes(body: FileBody, chunk_size: int = CHUNK) -> bool:
    """No quote, NUL, blank line or lone carriage return; not empty, not starting with a line ending (after a
    byte-order mark) — a chunk at a time, the last two bytes of one chunk kept to find what straddles the next."""
    carry = b""
    carriage_returns = crlfs = 0
    empty = True
    for chunk in unmarked_chunks(body, chunk_size):
        if empty and chunk.startswith((b"\n", b"\r")):
            return False
        empty = False
        window = carry + chunk
        if b'"' in chunk or b"\x00" in chunk or b"\n\n" in window or b"\n\r\n" in window:
            return False
        carriage_returns += chunk.count(b"\r")
        crlfs += (carry[-1:] + chunk).count(b"\r\n")
        carry = window[-2:]
    return not empty and carriage_returns == crlfs


def _plain_results(pieces: Iterator[pl.DataFrame], now: datetime) -> pl.DataFrame:
    """`read_results` of a plain CSV file, a piece at a time (`_plain_pieces`): each piece's values are checked and
    made the result's columns (a piece of text columns is dropped once checked); the reading stops at the first
    piece with a bad value or past `MAX_ROWS` (no later row can come first), and the repeated barcodes are found
    over every piece read. Empty and missing values are both null here (the csv path has "" and None); every
    check treats them alike."""
    stop: tuple[int, InvalidInput] | None = None
    first: list[tuple[int, int, RowError]] = []  # (row, column order, error)
    parts: list[pl.DataFrame] = []
    rows = 0  # rows before the piece
    for frame in pieces:
        if rows + frame.height > MAX_ROWS:
            stop = (MAX_ROWS + 1, InvalidInput("file", f"more than {MAX_ROWS} rows: split it"))
            frame = frame.head(MAX_ROWS - rows)
        barcodes, bad = _text_column(frame["barcode"], "barcode", 64, rows)
        if bad is not None:
            first.append((bad[0], 0, bad[1]))
        labs, bad = _text_column(frame["lab"], "lab", 200, rows)
        if bad is not None:
            first.append((bad[0], 2, bad[1]))
        reported, bad = _distinct_column(frame["reported_at"], partial(_reported_us, now), pl.Int64, rows)
        if bad is not None:
            first.append((bad[0], 3, bad[1]))
        cts: list[pl.Series] = []
        for order, column in ((4, "ct_orf1ab"), (5, "ct_n")):
            values, bad = _distinct_column(frame[column], partial(_ct_value, column), pl.Float64, rows)
            if bad is not None:
                first.append((bad[0], order, bad[1]))
            cts.append(values.rename(column))
        parts.append(
            pl.DataFrame([barcodes, labs, reported.rename("reported_at").cast(pl.Datetime("us", "UTC")), *cts])
        )
        rows += frame.height
        del frame
        if first or stop is not None:
            break
    barcodes = pl.concat([p["barcode"] for p in parts]) if parts else pl.Series("barcode", [], pl.String)
    bad_barcode = min((f[0] for f in first if f[1] == 0), default=None)
    before = barcodes.head(bad_barcode - 1) if bad_barcode is not None else barcodes
    repeats = (~before.is_first_distinct()).arg_true()
    if repeats.len():
        i = int(repeats[0])
        earlier = int((before == before[i]).arg_true()[0]) + 1
        first.append((i + 1, 1, RowError(i + 1, "barcode", f"{before[i]} repeats row {earlier}")))
    del barcodes, before
    _refuse_first(first, stop, empty=rows == 0)
    result = pl.concat(parts, rechunk=False)
    return result.select(pl.int_range(1, rows + 1, dtype=pl.Int64).alias("row"), *RESULT_COLUMNS)


def _first_row(failing: pl.Series) -> int | None:
    """The row (1-based) of the first true value of a boolean column (null counts as false)."""
    hits = failing.fill_null(False).arg_true()
    return int(hits[0]) + 1 if hits.len() else None


def _text_column(
    values: pl.Series, column: str, max_len: int, offset: int = 0
) -> tuple[pl.Series, tuple[int, RowError] | None]:
    """`_texts` on a column: values already stripped kept as they are, the others (rare, and checked once each
    distinct value) through `text_of` itself; the first missing or too long one as (row, error), its row counted
    from `offset` + 1."""
    plain = values.str.contains(_PLAIN_VALUE)
    fixed: dict[str, str] = {}
    for value in values.filter(~plain.fill_null(False)).unique().to_list():
        with contextlib.suppress(RowError):  # a failing value stays null; its first row is found below
            fixed[value] = text_of(0, {column: value}, column, max_len=max_len)
    texts = pl.select(
        pl.when(plain).then(values).otherwise(values.replace_strict(fixed, default=None, return_dtype=pl.String))
    ).to_series()
    row = _first_row(texts.is_null() | (texts.str.len_chars() > max_len))
    if row is None:
        return texts.rename(column), None
    try:
        text_of(offset + row, {column: values[row - 1]}, column, max_len=max_len)
    except RowError as exc:
        return texts.rename(column), (offset + row, exc)
    raise AssertionError(f"{column} row {row} passed `text_of` but not its column check")


def _distinct_column(
    values: pl.Series, check: Callable[[int, Any], Any], dtype: pl.DataType | type[pl.DataType], offset: int = 0
) -> tuple[pl.Series, tuple[int, RowError] | None]:
    """`_distinct` on a column: `check(row, value)` once per distinct value (null as None), mapped back; the first
    row whose value fails (counted from `offset` + 1), with the error `check` raises for that row."""
    done: dict[Any, Any] = {}
    failing: list[Any] = []
    for value in values.unique().to_list():
        try:
            done[value] = check(0, value)
        except RowError:
            failing.append(value)
    mapped = values.replace_strict({k: v for k, v in done.items() if k is not None}, default=None, return_dtype=dtype)
    if None in done and done[None] is not None:
        mapped = pl.select(pl.when(values.is_null()).then(pl.lit(done[None], dtype)).otherwise(mapped)).to_series()
    if not failing:
        return mapped, None
    bad = values.is_in([v for v in failing if v is not None])
    row = _first_row(bad | values.is_null() if None in failing else bad)
    if row is None:
        raise Inconsistent("row is not None")
    try:
        check(offset + row, values[row - 1])
    except RowError as exc:
        return mapped, (offset + row, exc)
    raise AssertionError(f"row {row} passed its check once and failed it once")
