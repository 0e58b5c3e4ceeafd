"""The security headers every answer carries — API and console, HTML and JSON, errors and static files alike
(issue 17: the console faces the public internet).

- `Content-Security-Policy`: scripts, styles, images and connections from this site only; no inline script and no
  inline style (the console's templates have none: behaviour lives in `/console-static/*.js`, looks in
  `console.css`), no plugins, forms post only here, and no page may be framed (`frame-ancestors 'none'`, with
  `X-Frame-Options: DENY` for browsers that predate it: a framed console invites clickjacking of its forms).
- `X-Content-Type-Options: nosniff`: an uploaded or JSON body is never run as a script or a page.
- `Referrer-Policy: same-origin`: a console address (filters, a person's id) never leaves for another site, while
  the console's own POSTs keep the `Referer` its Origin check may fall back on (web/csrf.py).

A response that sets one of these itself keeps its own (/docs gives its own CSP: api/app.py). The middleware is
wrapped around the whole application, outside Starlette's ServerErrorMiddleware, so a 500 carries them too.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import FastAPI
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)


class SecurityHeaders:
    """ASGI middleware adding `HEADERS` to each HTTP response that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {k.lower() for k, _ in headers}
                headers.extend(h for h in HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, sending)


def install(app: FastAPI) -> None:
    """Wrap `app`'s whole middleware stack, its error middleware included (`add_middleware` would put this inside
    it, and a 500 would go out bare)."""
    build = app.build_middleware_stack

    def built() -> ASGIApp:
        return SecurityHeaders(build())

    app.build_middleware_stack = built  # type: ignore[method-assign]


_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def hashed_inline_scripts(page: Response) -> Response:
    """`page` with a CSP of its own that lets only its own inline scripts run, by their SHA-256 (CSP level 2).

    For /docs: FastAPI's `get_swagger_ui_html` starts Swagger UI from an inline script, built from the app's
    settings; hashing what it emits keeps the page working as those settings change, without opening
    `'unsafe-inline'` (an injected script has another hash). Swagger UI's own React components set inline
    `style` attributes, so this page alone allows inline styles."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(bytes(page.body))
    )
    policy = POLICY.replace("script-src 'self'", f"script-src 'self' {hashes}").replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'"
    )
    page.headers["content-security-policy"] = policy
    return page
