"""Reading a lab's results file as columns equals reading it row by row.

`read_results` parses a plain CSV file with Polars and checks each column whole, and any other file with the
csv module into columns; the oracle reads the file one row at a time through `records`, `text_of`, `instant_of` and
`ct_of` (the row-by-row reader the import had before, kept in `lab_oracle`). Random files — rows
short and long, blank, quoted, with CRLF or a BOM, values missing, padded, too long, repeated, non-ASCII, in the
future, out of range — must give the same rows, or the same first error (row, column and message), both ways.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.errors import InvalidInput
from fangkong.services.lab import files
from fangkong.services.lab.files import RESULT_COLUMNS, read_results
from tests.properties.lab_oracle import _read_results as read_row_by_row

NOW = datetime(2022, 11, 17, 0, 0, tzinfo=UTC)

BARCODES = ["T1", "T2", "T3", " T1", "T2 ", "", " ", "é9", "T\x1c", "\x1cT4", "x" * 64, "y" * 65, "条码5"]
LABS = ["City lab", "City lab", " City lab ", "市疾控", "", "L" * 201, "\x85Lab"]
INSTANTS = [
    "2022-11-16T20:00:00+08:00",
    "2022-11-16T20:00:00+08:00",
    "2022-11-16 09:30",
    " 2022-11-16T12:00:00Z",
    "2030-01-01T00:00:00+00:00",
    "yesterday",
    "",
]
CTS = ["", "", "", "ND", "nd", "-", "30.5", " 36 ", "40", "40.01", "0", "-3", "nan", "inf", "1e1", "abc"]


def cells(column: str) -> st.SearchStrategy[str]:
    pool = {"barcode": BARCODES, "lab": LABS, "reported_at": INSTANTS}.get(column, CTS)
    return st.sampled_from(pool)


@st.composite
def result_files(draw: st.DrawFn) -> bytes:
    """Mostly plain files (the Polars path), some with what only the csv module reads the same way."""
    header = list(RESULT_COLUMNS)
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.integers(0, 9)) == 0:
        header.append(draw(st.sampled_from(["note", "barcode", "", " lab"])))  # extra, repeated, empty, padded
    if draw(st.integers(0, 19)) == 0:
        header.remove(draw(st.sampled_from(list(RESULT_COLUMNS))))
    lines = [",".join(header)]
    for _ in range(draw(st.integers(0, 12))):
        row = [draw(cells(c)) for c in header]
        shape = draw(st.integers(0, 19))
        if shape == 0:
            row = row[: draw(st.integers(0, len(row) - 1))]  # a short row
        elif shape == 1:
            row.append("extra")  # more values than columns
        elif shape == 2:
            row[0] = f'"{row[0]},x"'  # a quoted value holding the separator
        line = ",".join(row)
        if draw(st.integers(0, 24)) == 0:
            lines.append("")  # a blank line
        lines.append(line)
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    if draw(st.integers(0, 9)) == 0:
        text = "\ufeff" + text
    return text.encode()


def outcome(read: Any, data: bytes) -> tuple[str, Any]:
    try:
        got = read(data)
    except InvalidInput as exc:
        return "error", (type(exc).__name__, exc.field, exc.message)
    return "rows", got


def as_rows(frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    return list(frame.iter_rows())


def oracle(data: bytes) -> list[tuple[Any, ...]]:
    rows = read_row_by_row(data, "csv", NOW)
    if not rows:
        raise InvalidInput("file", "no rows")
    return [(r.row, r.barcode, r.lab, r.reported_at, r.ct_orf1ab, r.ct_n) for r in rows]


@settings(max_examples=400, deadline=None, database=None)
@given(data=result_files())
def test_columns_equal_rows(data: bytes) -> None:
    expected = outcome(oracle, data)
    assert outcome(lambda d: as_rows(read_results(d, "csv", NOW)), data) == expected
    assert outcome(lambda d: as_rows(files.results_by_rows(d, "csv", NOW)), data) == expected


def test_a_labs_file_takes_the_polars_path() -> None:
    """What a lab's system writes (CRLF, a BOM, empty Ct cells) is plain; a quote or a blank line is not."""
    data = "\ufeffbarcode,lab,reported_at,ct_orf1ab,ct_n\r\nT1,City lab,2022-11-16T20:00:00+08:00,,\r\n".encode()
    assert files.plain_frame(data) is not None
    for odd in (data.replace(b"T1", b'"T1"'), data + b"\r\n", data.replace(b"\r\n", b"\r")):
        assert files.plain_frame(odd) is None
    assert as_rows(read_results(data, "csv", NOW)) == [
        (1, "T1", "City lab", datetime(2022, 11, 16, 12, 0, tzinfo=UTC), None, None)
    ]


def test_a_repeat_before_a_missing_barcode_is_the_first_error() -> None:
    row = ",L,2022-11-16T20:00:00+08:00,,\n"
    data = f"barcode,lab,reported_at,ct_orf1ab,ct_n\nT1{row}T1{row}{row}".encode()
    for read in (read_results, files.results_by_rows):
        assert outcome(lambda d, r=read: r(d, "csv", NOW), data) == (
            "error",
            ("RowError", "barcode", "row 2: T1 repeats row 1"),
        )


def test_a_row_longer_than_the_header_is_refused_beside_an_extra_column() -> None:
    """Found by the property above (one run in five): with a column the import does not read, Polars checked a row's
    length only against the columns it read and let a row longer than the header through."""
    data = b"barcode,lab,reported_at,ct_orf1ab,ct_n,note\nT1,City lab,2022-11-16T20:00:00+08:00,,,,extra"
    for read in (read_results, files.results_by_rows):
        assert outcome(lambda d, r=read: r(d, "csv", NOW), data) == outcome(oracle, data)
    assert outcome(oracle, data) == ("error", ("RowError", "file", "row 1: more values than columns"))
