"""Cross-site request forgery: no console form can be posted from another site (issue 17).

Every console POST must carry `csrf_token`, a token signed by the server: HMAC-SHA256, under a secret of the
server's, of the browser's `fk_csrf` cookie (random, set with the first page a browser gets, the login page
included, where no session exists yet) and of its session cookie (so each login gets its own token, and a
token taken before a login is worthless after it). Another site can make a browser send its cookies but cannot
read the page, so cannot know the token; and as the token is signed, a cookie planted from a sibling domain does
not help either. Every template gets its hidden field from one global, `{{ csrf_field() }}`
(pages.render passes it); every console router checks it (`checked`, installed for all of them in web/app.py).

The Origin check is a second wall: a POST whose `Origin` (or, without one, `Referer`) names another host than
the one asked is refused before its token is read. A POST with neither — not a browser's: browsers send Origin
on every POST — is judged by its token alone.

The API under /api is not concerned: it takes bearer tokens in a header, which a browser never adds by itself.

`FANGKONG_CSRF_SECRET` fixes the secret (`fangkong serve` sets one for its workers, which must agree); without
it each app draws its own, and forms open across a restart are refused once (the page then has a fresh token).
`FANGKONG_SECURE_COOKIES=1` (set by `fangkong serve --behind-https-proxy`) marks the console's cookies `Secure`;
they are anyway when the request came over HTTPS.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from markupsafe import Markup
from starlette.responses import Response

FIELD = "csrf_token"
COOKIE = "fk_csrf"
SESSION_COOKIE = "fk_token"  # pages.COOKIE (not imported: pages imports this module)
SECRET_ENV = "FANGKONG_CSRF_SECRET"
SECURE_ENV = "FANGKONG_SECURE_COOKIES"


class CsrfRefused(Exception):
    """A console POST without a valid token, or from another site: answered 403, nothing done."""


def app_secret() -> bytes:
    """The secret tokens are signed with: the environment's, else a fresh one for this app."""
    configured = os.environ.get(SECRET_ENV)
    return configured.encode() if configured else secrets.token_bytes(32)


def token_for(secret: bytes, browser: str, session: str | None) -> str:
    """The token of a browser (its `fk_csrf` cookie) in a session (its session cookie, if logged in)."""
    mac = hmac.new(secret, f"{browser}\n{session or ''}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def _browser(request: Request) -> str:
    """The request's `fk_csrf` value; a new one (set on the answer by `render`) when it came without."""
    known = getattr(request.state, "csrf_browser", None)
    if known is None:
        known = request.cookies.get(COOKIE) or secrets.token_urlsafe(32)
        request.state.csrf_browser = known
    return str(known)


def token_of(request: Request) -> str:
    return token_for(request.app.state.csrf_secret, _browser(request), request.cookies.get(SESSION_COOKIE))


def field_for(request: Request) -> Markup:
    """The hidden input every console form carries: `{{ csrf_field() }}`."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, token_of(request))


def secure_cookie(request: Request) -> bool:
    """Whether the console's cookies are marked `Secure`: over HTTPS (as uvicorn reports it: behind a proxy only
    when told to trust its X-Forwarded-Proto), or when the setting says the server is reached over HTTPS."""
    return request.url.scheme == "https" or os.environ.get(SECURE_ENV, "") not in ("", "0")


def keep_browser_cookie(request: Request, response: Response) -> None:
    """Set the `fk_csrf` cookie on `response` if this request drew it (the browser had none)."""
    drawn = getattr(request.state, "csrf_browser", None)
    if drawn is not None and request.cookies.get(COOKIE) != drawn:
        response.set_cookie(COOKIE, drawn, httponly=True, samesite="lax", secure=secure_cookie(request))


def _same_site(request: Request) -> bool:
    """The POST's Origin (or Referer) names the host it was sent to, or the request names neither."""
    stated = request.headers.get("origin") or request.headers.get("referer")
    if stated is None:
        return True
    host = request.headers.get("host", "")
    return stated != "null" and urlsplit(stated).netloc.lower() == host.lower()


async def checked(request: Request) -> None:
    """The dependency every console router has: a POST (or any other method that may change something) must come
    from this site with this session's token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if not _same_site(request):
        raise CsrfRefused
    sent = (await request.form()).get(FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent, token_of(request)):
        raise CsrfRefused


Checked = Annotated[None, Depends(checked)]
