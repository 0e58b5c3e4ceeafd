"""Lab files streamed to a temporary file (issue 17): a results file sent in chunks, with no Content-Length, is
written to a file as it arrives and read from there, and imports as the same file sent whole (the same outcomes
and consequences, the same digest: either one after the other is `already_imported`); past the upload limit it is
answered 413 without the rest being read, and nothing is left on disk; a NUL or a byte that is not UTF-8 still
names the `file` and the line or byte, in samples and results alike."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import anyio
import pytest
from fastapi import FastAPI

import fangkong.services.lab.imports as imports_module
from fangkong.api import body_limit
from fangkong.services.file_imports import body as body_module
from fangkong.services.file_imports.body import FileBody
from tests.api.helpers import Api, Clock
from tests.api.test_lab_imports import (
    AT7,
    AT8,
    RESULTS_HEADER,
    SAMPLES_HEADER,
    SCENARIO_COUNTS,
    _scenario_files,
    app_of,
    counts,
    people,
    start_day,
    unchanged,
    upload,
)


def streamed(
    api: Api, who: str, url: str, chunks: Iterable[bytes], *, ctype: str = "text/csv", length: int | None = None
) -> tuple[int, dict[str, Any], int]:
    """POST `chunks` to the app as an ASGI server sends a chunked body (one message a chunk, no Content-Length
    unless `length`): the status, the JSON answer and how many chunks the app asked for."""
    app: FastAPI = app_of(api)
    pending: Iterator[bytes] = iter(chunks)
    asked = 0
    done = False
    started: dict[str, Any] = {}
    answer: list[bytes] = []
    headers = [(k.lower().encode(), v.encode()) for k, v in {**api.as_(who), "content-type": ctype}.items()]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": url,
        "raw_path": url.encode(),
        "query_string": urlencode({"filename": "upload"}).encode(),
        "root_path": "",
        "headers": headers,
        "client": ("testclient", 50000),
        "server": ("testserver", 80),
        "state": dict(getattr(api.client, "app_state", {})),
    }

    async def receive() -> dict[str, Any]:
        nonlocal asked, done
        if done:
            return {"type": "http.disconnect"}
        chunk = next(pending, None)
        if chunk is None:
            done = True
            return {"type": "http.request", "body": b"", "more_body": False}
        asked += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started.update(message)
        elif message["type"] == "http.response.body":
            answer.append(message.get("body", b""))

    async def call() -> None:
        await app(scope, receive, send)  # type: ignore[arg-type]

    anyio.run(call)
    return int(started["status"]), json.loads(b"".join(answer) or b"null"), asked


def pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


@pytest.fixture
def spooled(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[FileBody]:
    """Every upload past 16 bytes goes to a temporary file under `tmp_path`; the bodies the readers were given."""
    monkeypatch.setattr(body_module, "SPOOL_IN_MEMORY", 16)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen: list[FileBody] = []
    for name in ("read_results", "read_samples"):
        real = getattr(imports_module, name)

        def spy(data: Any, *args: Any, _real: Any = real, **kwargs: Any) -> Any:
            seen.append(data)
            return _real(data, *args, **kwargs)

        monkeypatch.setattr(imports_module, name, spy)
    return seen


def leftovers(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("fangkong-upload-"))


@pytest.mark.parametrize("first", ["streamed", "whole"])
def test_a_results_file_streamed_in_chunks_imports_as_the_file_sent_whole(
    api: Api, clock: Clock, spooled: list[FileBody], tmp_path: Path, first: str
) -> None:
    start_day(api, clock)
    samples, results = _scenario_files(people(api, 11), "csv")
    status, registered, asked = streamed(api, "lab", "/api/lab/samples", pieces(samples, 7))
    assert status == 200, registered
    assert (registered["rows"], registered["added"], asked) == (3, 3, len(pieces(samples, 7)))
    if first == "streamed":
        status, judged, _ = streamed(api, "lab", "/api/lab/results", pieces(results, 5))
        assert status == 200, judged
    else:
        judged = upload(api, "lab", "/api/lab/results", results, name="upload")
    # read from the temporary file it was streamed to (every body here is larger than the spool's memory)
    assert [b.path is not None for b in spooled] == [True, True]
    assert spooled[1].size == len(results)
    assert (judged["rows"], judged["added"], judged["already_imported"]) == (3, 3, False)
    assert judged["outcomes"] == {"pool_positive": 1, "pool_negative": 1, "positive": 1}
    assert judged["consequences"] == {"held": 5, "infections": 1, "retests_ordered": 5}
    assert counts(api) | {"audit_log": 0, "contact_candidate": 0} == SCENARIO_COUNTS
    # the digest taken while streaming is the digest of the bytes: the other way of sending them is a no-op
    with unchanged(api):
        if first == "streamed":
            again = upload(api, "lab", "/api/lab/results", results, name="upload")
        else:
            status, again, _ = streamed(api, "lab", "/api/lab/results", pieces(results, 3))
            assert status == 200, again
    assert again == {**judged, "already_imported": True, "added": 0}
    assert leftovers(tmp_path) == []  # the temporary files went with their requests


def test_an_upload_past_the_limit_is_refused_without_reading_the_rest(
    api: Api, clock: Clock, spooled: list[FileBody], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start_day(api, clock)
    monkeypatch.setattr(body_limit, "UPLOAD_LIMIT", 1024 * 1024)
    chunk = b"S-1,City lab,2022-11-16T08:00:00+08:00,,\n" * 1600  # 64,000 bytes
    endless = (RESULTS_HEADER.encode() if i == 0 else chunk for i in range(10_000))  # 640 MB if it were all read
    with unchanged(api):
        status, answer, asked = streamed(api, "lab", "/api/lab/results", endless)
    assert status == 413, answer
    assert answer["error"]["message"] == "request body too large: at most 1048576 bytes"
    assert asked <= 1024 * 1024 // len(chunk) + 2  # stopped at the limit
    assert spooled == []  # never handed to a reader
    assert leftovers(tmp_path) == []
    # a Content-Length over the limit: refused before a byte is read
    status, answer, asked = streamed(api, "lab", "/api/lab/samples", [b"x"], length=2 * 1024 * 1024)
    assert (status, asked) == (413, 0)


@pytest.mark.parametrize(
    ("url", "body", "message"),
    [
        ("/api/lab/results", RESULTS_HEADER + f"S-1,City lab,{AT8},,\nS-2,City\x00lab,{AT8},,\n", "(line 3)"),
        ("/api/lab/samples", SAMPLES_HEADER + f"S-1,1,Point 3,{AT7},X\n" * 3 + "S-9,\x00", "(line 5)"),
    ],
)
def test_a_nul_in_a_streamed_file_names_the_file_and_its_line(
    api: Api, clock: Clock, spooled: list[FileBody], url: str, body: str, message: str
) -> None:
    start_day(api, clock)
    data = body.encode()
    with unchanged(api):
        status, answer, _ = streamed(api, "lab", url, pieces(data, 4))
    assert status == 422, answer
    assert answer["error"]["field"] == "file"
    assert answer["error"]["message"] == f"a NUL character is not text {message}"
    assert spooled and spooled[0].path is not None


@pytest.mark.parametrize("url", ["/api/lab/results", "/api/lab/samples"])
def test_a_byte_that_is_not_utf8_in_a_streamed_file_is_named(
    api: Api, clock: Clock, spooled: list[FileBody], url: str
) -> None:
    start_day(api, clock)
    data = b"\xef\xbb\xbf" + RESULTS_HEADER.encode() + "S-1,市疾控,".encode() + b"\xe5\xb8\n"  # a character cut short
    with unchanged(api):
        status, answer, _ = streamed(api, "lab", url, pieces(data, 5))  # the cut straddles two chunks
    assert status == 422, answer
    at = len(RESULTS_HEADER.encode() + "S-1,市疾控,".encode())
    assert answer["error"] == {
        "field": "file",
        "message": f"not UTF-8 text: invalid continuation byte at byte {at}",
        "clause": None,
    }
