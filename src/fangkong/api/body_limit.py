"""A size limit on every request body, enforced before the body is read (issue 17: a 50 MB password was parsed and
hashed, a 70 MB JSON file grew the server by 450 MB before its first row was refused).

A pure ASGI middleware: a `Content-Length` over the limit is answered 413 at once, without reading a byte; a body
sent without one (chunked) is counted as it arrives and refused as soon as it passes the limit, so at most the
limit is ever held. JSON and forms may carry `LIMIT` bytes; the file uploads (lab samples and results, venue
scans: the routes that take the raw body) `UPLOAD_LIMIT`."""

from __future__ import annotations

import json

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LIMIT = 1024 * 1024  # 1 MiB: far above any form or JSON request of the API or the console
UPLOAD_LIMIT = 64 * 1024 * 1024  # 64 MiB: a city's day of lab results as CSV


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body too large: at most {limit} bytes")


class BodyLimit:
    def __init__(self, app: ASGIApp, *, uploads: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.uploads = uploads  # the paths that take a file: the larger limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = UPLOAD_LIMIT if scope["path"] in self.uploads else LIMIT
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await _refuse(send, limit)
                    return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)  # answered by the app's handler with the one error body
            return message

        await self.app(scope, counted, send)


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps(
        {"error": {"field": None, "message": f"request body too large: at most {limit} bytes", "clause": None}}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
