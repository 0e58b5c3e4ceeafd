"""One log line per API or console request: method, route, status, duration and the account that made it — not the
query string, the body or the answer, which may hold a person's data. The route is the matched route's template
(`/api/persons/{person_id}`), never the address asked; an address no route matched (a 404, a static file) is
logged with every segment that is not a word of the app's own routes replaced by `*` (issue 17: a mistyped
`/api/persons/<ID number>` or a health code's token in a wrong path must not land in the log).

The venue check is answered before this (routes_check.CheckFastPath): at a city's scan rate its lines would be the
busiest thing the server writes, and a log of who was checked where."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fangkong.services import logs

HIDDEN = "*"


def route_words(routes: Iterable[Any]) -> frozenset[str]:
    """The literal segments of the routes' paths (`persons`, `api`, `console-static`): words of the program, not of
    a person. An included router's routes are read through it (FastAPI includes routers lazily); a route whose path
    cannot be read adds nothing, so its words are hidden: a failure that hides more, never less."""
    words: set[str] = set()
    for route in routes:
        path = getattr(route, "path", None)
        if isinstance(path, str):
            words.update(s for s in path.split("/") if s and "{" not in s)
        included = getattr(route, "original_router", None)
        if included is not None:
            words |= route_words(getattr(included, "routes", ()))
    return frozenset(words)


def redacted(path: str, words: frozenset[str]) -> str:
    """`path` with each segment that is not one of `words` replaced by `*`."""
    return "/".join(s if s in words or not s else HIDDEN for s in path.split("/"))


class RequestLog:
    """ASGI middleware that logs each HTTP request as its response ends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._words: frozenset[str] | None = None  # the app's route words, read at the first unrouted request

    def _unrouted(self, scope: Scope) -> str:
        if self._words is None:
            self._words = route_words(getattr(scope.get("app"), "routes", ()))
        return redacted(scope["path"], self._words)

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
                route=route.path if isinstance(getattr(route, "path", None), str) else self._unrouted(scope),
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
