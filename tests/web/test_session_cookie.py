"""The session cookie is `Secure` when the console is reached over HTTPS — directly, or behind a proxy the server
was told of (`fangkong serve --behind-https-proxy` sets FANGKONG_SECURE_COOKIES) — and not over plain HTTP,
where a browser would then never send it back (issue 17)."""

from __future__ import annotations

import pytest

from fangkong.services.demo import DEMO_PASSWORD
from fangkong.web import csrf
from fangkong.web.app import create_console
from tests.api.helpers import Clock
from tests.web.helpers import DRILL_DAY, ConsoleClient, demo_store


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("cookie"), persons=5)


def cookies_set(url: str, base: str) -> dict[str, str]:
    """The Set-Cookie lines of a login at `base`, by cookie name. (The test client, unlike a browser behind a TLS
    proxy, sees the plain-HTTP address and keeps a `Secure` cookie to itself: the login's `fk_csrf` is then the
    one ConsoleClient sets.)"""
    app = create_console(url, clock=Clock(DRILL_DAY))
    with ConsoleClient(app, base_url=base, follow_redirects=False) as client:
        page = client.get("/login")
        client.cookies.clear()
        r = client.post("/login", data={"username": "worker1", "password": DEMO_PASSWORD, "next": "/"})
    app.state.engine.dispose()
    assert r.status_code == 303, r.text
    lines = r.headers.get_list("set-cookie") + page.headers.get_list("set-cookie")
    return {line.split("=", 1)[0]: line for line in lines}


def test_over_https_the_cookies_are_secure(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(csrf.SECURE_ENV, raising=False)
    lines = cookies_set(url, "https://testserver")
    assert "; secure" in lines["fk_token"].lower() and "; secure" in lines[csrf.COOKIE].lower()  # the page's
    assert "httponly" in lines["fk_token"].lower()


def test_over_plain_http_they_are_not_unless_the_server_is_told_it_is_behind_https(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(csrf.SECURE_ENV, raising=False)
    assert "; secure" not in cookies_set(url, "http://testserver")["fk_token"].lower()
    monkeypatch.setenv(csrf.SECURE_ENV, "1")
    assert "; secure" in cookies_set(url, "http://testserver")["fk_token"].lower()
