"""JSON lab files streamed by ijson (`json_rows_streamed`): the rows, and every refusal, are those of reading the
whole document with json.loads (`json_rows`), in both shapes; a results file read streamed gives the same
columns as the whole-document parse."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.errors import InvalidInput
from fangkong.services.file_imports.body import BOM, FileBody
from fangkong.services.file_imports.rows import json_rows, json_rows_streamed
from fangkong.services.lab import files as lab_files

NOW_TEXT = "2022-11-20T12:00:00+08:00"


def _read(data: bytes, *, streamed: bool) -> Any:
    """The rows one reading gives, or its refusal's field and message."""
    body = FileBody.of(data)
    try:
        return list(json_rows_streamed(body)) if streamed else json_rows(body.text())
    except InvalidInput as exc:
        return (exc.field, exc.message)


def _both(data: bytes) -> tuple[Any, Any]:
    return _read(data, streamed=False), _read(data, streamed=True)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=8),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)
cts = st.one_of(scalars, st.floats(min_value=1, max_value=40), st.sampled_from(["ND", "-", "31.5", "abc"]))
rows = st.lists(
    st.one_of(
        st.fixed_dictionaries(
            {
                "barcode": st.one_of(st.text(max_size=6), st.from_regex(r"B[0-9]{3}", fullmatch=True)),
                "lab": st.sampled_from(["Lab A", " Lab B", ""]),
                "reported_at": st.sampled_from(["2022-11-20T10:00:00", "2022-11-20T10:00:00+08:00", "x", ""]),
                "ct_n": cts,
            },
            optional={"ct_orf1ab": cts, "x": values},
        ),
        values,
    ),
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(rows=rows, wrapped=st.booleans(), bom=st.booleans(), indent=st.sampled_from([None, 1]))
def test_streamed_rows_are_json_loads_rows(rows: list[Any], wrapped: bool, bom: bool, indent: int | None) -> None:
    doc = {"lab": "L", "rows": rows} if wrapped else rows
    data = (BOM if bom else b"") + json.dumps(doc, indent=indent).encode()
    whole, streamed = _both(data)
    assert streamed == whole
    assert [type(v) for v in streamed] == [type(v) for v in whole]  # floats and ints, never Decimal


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet='[]{}",:0123456789.eE-+ntrufalsNI\\\n u\x00\x0c', max_size=24))
def test_any_text_is_read_or_refused_alike(text: str) -> None:
    whole, streamed = _both(text.encode())
    assert streamed == whole
    if isinstance(whole, tuple):
        assert whole[0] == "file"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[1, 2", "not JSON: Expecting ',' delimiter (line 1)"),
        (b'{"rows": [\n{"barcode": "B1"},\n{"barcode": }]}', "not JSON: Expecting value (line 3)"),
        (b"[1]\n]", "not JSON: Extra data (line 2)"),
        (b"[1]\x0c", "not JSON: Extra data (line 1)"),
        (b'[{"barcode": "B\\u0000"}]', "a NUL character is not text"),
        (b'{"rows": [{"barcode": "\\u0000"}]}', "a NUL character is not text"),
        (b'{"rows": 5}', 'expected a list of rows or {"rows": [...]}'),
        (b'"rows"', 'expected a list of rows or {"rows": [...]}'),
        (b"[" * 100_000, "not JSON fangkong reads: nested too deeply"),
        (b"[" + b"1" * 5000 + b"]", "not JSON fangkong reads: Exceeds the limit (4300 digits) for integer string"),
    ],
)
def test_refusals_name_the_file(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        list(json_rows_streamed(FileBody.of(data)))
    assert (caught.value.field, caught.value.message[: len(message)]) == ("file", message)


def _results_doc(n: int) -> list[dict[str, Any]]:
    return [
        {
            "barcode": f"B{i}",
            "lab": "Lab A",
            "reported_at": "2022-11-20T10:00:00",
            "ct_orf1ab": 30.5 if i % 3 else None,
            "ct_n": "ND",
        }
        for i in range(1, n + 1)
    ]


@pytest.mark.parametrize("wrapped", [False, True])
def test_results_streamed_match_the_whole_parse(wrapped: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime

    now = datetime.fromisoformat(NOW_TEXT)
    rows = _results_doc(50)
    data = json.dumps({"rows": rows} if wrapped else rows).encode()
    streamed = lab_files.results_by_rows(data, "json", now)
    monkeypatch.setattr(lab_files, "json_rows_streamed", lambda body: iter(json_rows(body.text())))
    whole = lab_files.results_by_rows(data, "json", now)
    assert streamed.equals(whole)
    assert streamed.height == 50


def test_a_row_that_is_no_object_stops_the_file_after_the_document_is_checked() -> None:
    from datetime import datetime

    now = datetime.fromisoformat(NOW_TEXT)
    good = json.dumps(_results_doc(2))[:-1]
    with pytest.raises(InvalidInput, match=r"expected an object"):
        lab_files.results_by_rows(f"{good}, 5]".encode(), "json", now)
    with pytest.raises(InvalidInput, match=r"not JSON: Expecting value \(line 1\)"):  # the document comes first
        lab_files.results_by_rows(f"{good}, 5, ]".encode(), "json", now)


def _outcome(data: bytes, now: Any) -> Any:
    try:
        return lab_files.results_by_rows(data, "json", now).to_dicts()
    except InvalidInput as exc:
        return (type(exc).__name__, exc.field, exc.message)


@settings(max_examples=100, deadline=None)
@given(rows=rows, wrapped=st.booleans())
def test_results_columns_streamed_are_those_of_the_whole_parse(rows: list[Any], wrapped: bool) -> None:
    from datetime import datetime

    now = datetime.fromisoformat(NOW_TEXT)
    data = json.dumps({"rows": rows} if wrapped else rows).encode()
    streamed = _outcome(data, now)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(lab_files, "json_rows_streamed", lambda body: iter(json_rows(body.text())))
        whole = _outcome(data, now)
    assert streamed == whole
