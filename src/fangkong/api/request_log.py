"""One log line per API or console request: method, route, status, duration and the account that made it — not the
query string, the body or the answer, which may hold a person's data. The venue check is answered before this
(routes_check.CheckFastPath): at a city's scan rate its lines would be the busiest thing the server writes, and a
log of who was checked where."""

from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fangkong.services import logs


class RequestLog:
    """ASGI middleware that logs each HTTP request as its response ends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        logged = False

        def log() -> None:
            nonlocal logged
            logged = True
            route: Any = scope.get("route")
            actor: Any = scope.get("state", {}).get("actor")
            logs.event(
                "request",
                method=scope["method"],
                route=getattr(route, "path", scope["path"]),
                status=status,
                ms=round((time.perf_counter() - start) * 1000, 1),
                who=getattr(actor, "username", None),
            )

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                log()  # before the last byte leaves: a client that has its answer finds the line written
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if not logged:  # no answer was sent (the app failed before one)
                log()
