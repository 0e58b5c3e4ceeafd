"""A file to import, whole in memory (the CLI's, the console's, a test's bytes) or on disk (an upload streamed to a
temporary file, issue 17): its SHA-256 (the import's identity, `batches.digest`), its size, and its bytes read a
chunk at a time. The readers (`rows`, `lab.files`) take either: they check it chunkwise (`check_text`), give
Polars a few MiB of it at a time and the csv module a text stream, so a large upload is never held whole, nor
decoded whole (JSON excepted: it is parsed whole)."""

from __future__ import annotations

import codecs
import hashlib
import io
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO

from fangkong.errors import InvalidInput

__all__ = ["BOM", "CHUNK", "FileBody", "Spool", "check_text", "unmarked_chunks"]

CHUNK = 1024 * 1024  # bytes read at a time
BOM = codecs.BOM_UTF8
SPOOL_IN_MEMORY = 1024 * 1024  # an upload up to this size stays in memory; a larger one goes to a temporary file


class FileBody:
    """The bytes of a file: `data` in memory, or the file at `path` (which the body does not own)."""

    __slots__ = ("_data", "digest", "path", "size")

    def __init__(self, *, digest: str, size: int, data: bytes | None = None, path: Path | None = None) -> None:
        if (data is None) == (path is None):
            raise ValueError("a file body is bytes or a path, one of them")
        self._data = data
        self.path = path
        self.digest = digest
        self.size = size

    @classmethod
    def of(cls, data: bytes | bytearray | memoryview | FileBody) -> FileBody:
        """The body of bytes (a body as it is)."""
        if isinstance(data, FileBody):
            return data
        whole = bytes(data)
        return cls(data=whole, digest=hashlib.sha256(whole).hexdigest(), size=len(whole))

    @classmethod
    def of_path(cls, path: Path | str) -> FileBody:
        """The body of a file on disk, hashed a chunk at a time."""
        path = Path(path)
        sha, size = hashlib.sha256(), 0
        with path.open("rb") as f:
            while chunk := f.read(CHUNK):
                sha.update(chunk)
                size += len(chunk)
        return cls(path=path, digest=sha.hexdigest(), size=size)

    def open(self) -> BinaryIO:
        """The bytes as a binary stream, from the start."""
        if self._data is not None:
            return io.BytesIO(self._data)  # shares the bytes until written to
        assert self.path is not None
        return self.path.open("rb")

    def text_stream(self) -> IO[str]:
        """The text (UTF-8, a byte-order mark dropped), line endings untranslated: for the csv module."""
        return io.TextIOWrapper(self.open(), encoding="utf-8-sig", newline="")

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        if self._data is not None:
            view = memoryview(self._data)
            for start in range(0, len(view), size):
                yield bytes(view[start : start + size])
            return
        with self.open() as f:
            while chunk := f.read(size):
                yield chunk

    def text(self) -> str:
        """The whole text (a JSON document that ijson might read otherwise than json.loads is read whole:
        `rows.json_rows_streamed`)."""
        if self._data is not None:
            return self._data.decode("utf-8-sig")
        with self.text_stream() as stream:
            return stream.read()


def unmarked_chunks(body: FileBody, size: int = CHUNK) -> Iterator[bytes]:
    """The bytes a chunk at a time, a leading byte-order mark dropped (as the `utf-8-sig` codec drops it)."""
    head = b""
    chunks = body.chunks(size)
    for chunk in chunks:
        head += chunk
        if len(head) >= len(BOM) or not BOM.startswith(head):
            break
    else:  # the whole file is shorter than a byte-order mark and starts as one (or is empty)
        if head:
            yield head
        return
    head = head[len(BOM) :] if head.startswith(BOM) else head
    if head:
        yield head
    yield from chunks


def check_text(body: FileBody, *, chunk_size: int = CHUNK) -> None:
    """Refuse a file that is not UTF-8 text (naming the first bad byte, counted after a byte-order mark) or that
    holds a NUL (naming its line), a chunk at a time: the same messages as decoding the bytes whole
    (`rows.decoded`), an encoding error before a NUL wherever they are."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    fed = 0  # bytes given to the decoder (after the byte-order mark)
    lines = 0  # newlines before the current chunk
    nul_line: int | None = None
    for chunk in unmarked_chunks(body, chunk_size):
        _decode(decoder, chunk, fed, final=False)
        fed += len(chunk)
        if nul_line is None and (nul := chunk.find(b"\x00")) >= 0:
            nul_line = lines + chunk.count(b"\n", 0, nul) + 1
        lines += chunk.count(b"\n")
    _decode(decoder, b"", fed, final=True)
    if nul_line is not None:
        raise InvalidInput("file", f"a NUL character is not text (line {nul_line})")


def _decode(decoder: codecs.IncrementalDecoder, chunk: bytes, fed: int, *, final: bool) -> None:
    pending = len(decoder.getstate()[0])  # the bytes of a character cut by the previous chunk, kept for this one
    try:
        decoder.decode(chunk, final)
    except UnicodeDecodeError as exc:
        at = fed - pending + exc.start
        raise InvalidInput("file", f"not UTF-8 text: {exc.reason} at byte {at}") from None


class Spool:
    """Bytes received a chunk at a time (an upload's body): hashed as they come, kept in memory up to
    `in_memory` bytes and written to a temporary file beyond; `body()` the file they make. Closing removes the
    temporary file."""

    def __init__(self, *, in_memory: int | None = None, directory: str | None = None) -> None:
        self.in_memory = SPOOL_IN_MEMORY if in_memory is None else in_memory
        self.directory = directory
        self.size = 0
        self._sha = hashlib.sha256()
        self._parts: list[bytes] = []
        self._file: IO[bytes] | None = None

    def write(self, chunk: bytes) -> None:
        if not chunk:
            return
        self._sha.update(chunk)
        self.size += len(chunk)
        if self._file is None and self.size <= self.in_memory:
            self._parts.append(chunk)
            return
        if self._file is None:
            self._file = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed and removed by `close`)
                prefix="fangkong-upload-", dir=self.directory, delete=False
            )
            for part in self._parts:
                self._file.write(part)
            self._parts = []
        self._file.write(chunk)

    def body(self) -> FileBody:
        digest = self._sha.hexdigest()
        if self._file is None:
            return FileBody(data=b"".join(self._parts), digest=digest, size=self.size)
        self._file.flush()
        return FileBody(path=Path(self._file.name), digest=digest, size=self.size)

    def close(self) -> None:
        self._parts = []
        if self._file is not None:
            self._file.close()
            Path(self._file.name).unlink(missing_ok=True)
            self._file = None

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
