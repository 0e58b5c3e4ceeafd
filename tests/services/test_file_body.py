"""A file to import read a chunk at a time (issue 17: a large lab upload streamed to a temporary file): its digest
is the SHA-256 the import has always used (`batches.digest`), its UTF-8 and NUL checks give the messages decoding
it whole gave (`rows.decoded`) wherever the chunks are cut, its plain-CSV test the whole-bytes one, and a results
or samples file read from a path reads as the same bytes read in memory, first error included."""

from __future__ import annotations

import codecs
import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangkong.errors import InvalidInput
from fangkong.services.file_imports.batches import digest
from fangkong.services.file_imports.body import FileBody, Spool, check_text
from fangkong.services.file_imports.rows import decoded
from fangkong.services.lab import files
from fangkong.services.lab.files import read_results, read_samples
from tests.properties import test_result_file_reading as reading
from tests.properties.test_result_file_reading import result_files

NOW = datetime(2022, 11, 17, 0, 0, tzinfo=UTC)
BOM = codecs.BOM_UTF8
PIECES = [b"a", b"b,c", b"\n", b"\r\n", b"\r", b"\x00", b'"', BOM, b"\xef\xbb", b"\xc3", b"\xa9", b"\xe6\x9d\xa1"]
PIECES += [b"\xff", b"\xed\xa0\x80", b"\xf0\x9f\x98", b"\x80", "条码".encode(), b",", b"\n\n"]


def chunked_bytes() -> st.SearchStrategy[bytes]:
    return st.lists(st.sampled_from(PIECES), max_size=24).map(b"".join)


def outcome(read: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "ok", read()
    except InvalidInput as exc:
        return "refused", (exc.field, exc.message, getattr(exc, "row", None))


def whole_check(data: bytes) -> None:
    decoded(data)


def old_plain(data: bytes) -> bool:
    """The whole-bytes test `plain_frame` made before files were read a chunk at a time."""
    body = data[len(BOM) :] if data.startswith(BOM) else data
    return not (
        not body
        or b'"' in body
        or b"\x00" in body
        or b"\n\n" in body
        or b"\n\r\n" in body
        or body.startswith((b"\n", b"\r"))
        or body.count(b"\r") != body.count(b"\r\n")
    )


@settings(max_examples=400, deadline=None, database=None)
@given(data=chunked_bytes(), size=st.integers(1, 9))
def test_text_checked_a_chunk_at_a_time_says_what_decoding_it_whole_says(data: bytes, size: int) -> None:
    body = FileBody.of(data)
    assert outcome(lambda: check_text(body, chunk_size=size)) == outcome(lambda: whole_check(data))


@settings(max_examples=400, deadline=None, database=None)
@given(data=chunked_bytes(), size=st.integers(1, 9))
def test_plain_bytes_a_chunk_at_a_time_as_whole(data: bytes, size: int) -> None:
    assert files._plain_bytes(FileBody.of(data), size) == old_plain(data)


def test_the_messages_name_the_byte_and_the_line() -> None:
    cases = {
        b"ab\xff": "not UTF-8 text: invalid start byte at byte 2",
        BOM + b"ab\xff": "not UTF-8 text: invalid start byte at byte 2",  # counted after the mark, as before
        b"\xef\xbb": "not UTF-8 text: unexpected end of data at byte 0",
        b"a\nb\n\x00\xff": "not UTF-8 text: invalid start byte at byte 5",  # an encoding error first
        b"a\nb\nc\x00": "a NUL character is not text (line 3)",
    }
    for data, message in cases.items():
        for size in (1, 2, 3, 1024):
            with pytest.raises(InvalidInput) as caught:
                check_text(FileBody.of(data), chunk_size=size)
            assert (caught.value.field, caught.value.message) == ("file", message)


@settings(max_examples=50, deadline=None, database=None)
@given(data=st.binary(max_size=5000), cuts=st.lists(st.integers(0, 5000), max_size=8), in_memory=st.integers(0, 4000))
def test_a_body_received_in_chunks_has_the_digest_of_its_bytes(data: bytes, cuts: list[int], in_memory: int) -> None:
    bounds = sorted({0, len(data), *(c for c in cuts if c < len(data))})
    with Spool(in_memory=in_memory) as spool:
        for a, b in itertools.pairwise(bounds):
            spool.write(data[a:b])
        body = spool.body()
        assert (body.digest, body.size) == (digest(data), len(data))
        assert (body.path is not None) == (len(data) > in_memory)
        with body.open() as f:
            assert f.read() == data
        path = body.path
    assert path is None or not path.exists()  # closing the spool removes its file
    assert FileBody.of(data).digest == digest(data)


def test_a_file_on_disk_has_the_digest_of_its_bytes(tmp_path: Path) -> None:
    data = b"barcode,lab\n" * 100_000
    (tmp_path / "r[1].csv").write_bytes(data)  # a name Polars would take for a pattern
    body = FileBody.of_path(tmp_path / "r[1].csv")
    assert (body.digest, body.size) == (digest(data), len(data))


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=result_files())
def test_a_results_file_read_from_its_path_reads_as_its_bytes(data: bytes, tmp_path_factory: Any) -> None:
    path = tmp_path_factory.mktemp("results") / "r[1].csv"
    path.write_bytes(data)
    on_disk = FileBody.of_path(path)
    expected = outcome(lambda: read_results(data, "csv", NOW).rows())
    assert outcome(lambda: read_results(on_disk, "csv", NOW).rows()) == expected
    assert outcome(lambda: files.results_by_rows(on_disk, "csv", NOW).rows()) == expected


@settings(max_examples=300, deadline=None, database=None)
@given(data=result_files(), piece=st.integers(1, 80))
def test_a_plain_file_read_a_piece_at_a_time_reads_as_row_by_row(data: bytes, piece: int) -> None:
    """Pieces of a few bytes: every row its own piece, a row cut across chunks, an error in a later piece, a
    repeated barcode pieces apart, a row longer than the header part-way (the csv path then)."""
    expected = reading.outcome(reading.oracle, data)
    whole = reading.outcome(lambda d: _rows_of(files.plain_frame(d)), data)
    with patch.object(files, "_PIECE", piece):
        assert reading.outcome(lambda d: reading.as_rows(read_results(d, "csv", NOW)), data) == expected
        assert reading.outcome(lambda d: _rows_of(files.plain_frame(d)), data) == whole


def _rows_of(frame: Any) -> Any:
    return None if frame is None else frame.rows()


def test_json_and_samples_read_from_a_path_as_from_bytes(tmp_path: Path) -> None:
    rows = b'[{"barcode": "T1", "lab": "L", "reported_at": "2022-11-16T08:00", "ct_orf1ab": 30, "ct_n": null}]'
    (tmp_path / "r.json").write_bytes(rows)
    on_disk = FileBody.of_path(tmp_path / "r.json")
    assert read_results(on_disk, "json", NOW).rows() == read_results(rows, "json", NOW).rows()
    samples = BOM + b"barcode,pool_size,sampling_point,collected_at,members\r\nT1,1,a,2022-11-16T07:00,X1\r\n"
    (tmp_path / "s.csv").write_bytes(samples)

    def check(size: int, at: datetime) -> None:
        pass

    from_path = read_samples(FileBody.of_path(tmp_path / "s.csv"), "csv", NOW, check)
    assert from_path == read_samples(samples, "csv", NOW, check)
    assert from_path[0].members == ("X1",)
    bad = samples + b"T2,1,a,2022-11-16T07:00,X\x002\r\n"
    (tmp_path / "bad.csv").write_bytes(bad)
    with pytest.raises(InvalidInput, match=r"a NUL character is not text \(line 3\)"):
        read_samples(FileBody.of_path(tmp_path / "bad.csv"), "csv", NOW, check)
