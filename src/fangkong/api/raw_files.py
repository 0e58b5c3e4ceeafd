"""A file sent whole as the request body (a lab's CSV or JSON, an overlay's YAML, areas' GeoJSON): the route
takes its bytes and hands them to the file's parser, which refuses what it cannot read naming the `file`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query, Request


async def raw_body(request: Request) -> bytes:
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]
Filename = Annotated[str | None, Query(description="the uploaded file's name (kept with the import)")]
ContentType = Annotated[str | None, Header(description="text/csv or application/json")]
