"""A file sent whole as the request body (a lab's CSV or JSON, an overlay's YAML, areas' GeoJSON): the route
takes its bytes and hands them to the file's parser, which refuses what it cannot read naming the `file`.

The lab's files (samples and results, up to `body_limit.UPLOAD_LIMIT`) are not taken as bytes: `streamed_body`
writes the body to a temporary file as it arrives (a small one stays in memory), hashing it on the way, and the
readers parse the file (issue 17: a 63 MB results file held as bytes, then as text, grew the server by 430 MiB)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Query, Request

from fangkong.api import body_limit
from fangkong.services.file_imports.body import FileBody, Spool


async def raw_body(request: Request) -> bytes:
    return await request.body()


async def streamed_body(request: Request) -> AsyncIterator[FileBody]:
    """The body, streamed to a temporary file (removed once the request is answered) and hashed as it arrives;
    refused (413) as soon as it passes the upload limit — the limit `BodyLimit` enforces too, counted here
    again so that the file never grows past it."""
    limit = body_limit.UPLOAD_LIMIT
    with Spool() as spool:
        async for chunk in request.stream():
            if spool.size + len(chunk) > limit:
                raise body_limit.BodyTooLarge(limit)
            spool.write(chunk)
        yield spool.body()


RawBody = Annotated[bytes, Depends(raw_body)]
StreamedBody = Annotated[FileBody, Depends(streamed_body)]
Filename = Annotated[str | None, Query(description="the uploaded file's name (kept with the import)")]
ContentType = Annotated[str | None, Header(description="text/csv or application/json")]

FILE_BODIES = frozenset({raw_body, streamed_body})  # the dependencies that take a file sent whole
# the OpenAPI of a route taking a CSV or JSON file as its body (the lab's files, facilities)
FILE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
        },
    }
}
