"""Records stored while answering a request are dated by the application's clock (`services.store.utcnow`): under
a drill (`fangkong serve --today 2022-11-16`) an order placed, a proposal confirmed or an event recorded shows the
drill's day, not the machine's, so a drill reads as one day throughout."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from fangkong.services.calendar import Clock
from fangkong.services.store import events_dated_by


class EventClock:
    """ASGI middleware: inside each request, stored instants come from `clock`."""

    def __init__(self, app: ASGIApp, clock: Clock) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with events_dated_by(self.clock):
            await self.app(scope, receive, send)
