"""Security headers on every answer (issue 17): console and API, HTML and JSON, static files, errors and a 500;
a policy without inline script, which the console's templates honour; /docs runs under its own policy."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from importlib import resources

import pytest
from fastapi.testclient import TestClient

from fangkong.api.security_headers import POLICY
from fangkong.web.app import create_console
from tests.api.helpers import Clock
from tests.web.helpers import DRILL_DAY, ConsoleClient, console, demo_store, login

WANTED = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("headers"), persons=10)


@pytest.fixture
def client(url: str) -> Iterator[ConsoleClient]:
    with console(url) as c:
        yield c


def assert_guarded(r: object, csp: str = POLICY) -> None:
    headers = r.headers  # type: ignore[attr-defined]
    assert {k: headers.get(k) for k in WANTED} == WANTED, r
    assert headers.get("content-security-policy") == csp


def test_every_kind_of_answer_carries_the_headers(client: ConsoleClient) -> None:
    answers = [
        client.get("/login"),  # console page, no session
        client.get("/persons"),  # redirect to the login
        client.get("/no-such-page"),  # console 404
        client.get("/api/health"),  # JSON
        client.get("/api/persons"),  # API 401
        client.get("/api/no-such-thing"),  # API 404
        client.get("/openapi.json"),
        client.get("/console-static/console.css"),
        client.get("/static/swagger/swagger-ui.css"),
        client.get("/api/health-codes/check/" + "A" * 43),  # the venue check, answered before the router
        client.post_without_token("/logout"),  # a refused form
    ]
    login(client, "worker1")
    answers += [client.get("/"), client.get("/worklists")]
    for r in answers:
        assert_guarded(r)


def test_a_server_error_carries_them_too(url: str) -> None:
    app = create_console(url, clock=Clock(DRILL_DAY))

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/boom")
    app.state.engine.dispose()
    assert r.status_code == 500
    assert_guarded(r)


def test_the_policy_allows_no_inline_script_or_style_and_no_framing() -> None:
    directives = dict(d.strip().split(" ", 1) for d in POLICY.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe" not in POLICY


def test_no_template_has_inline_script_handlers_or_styles() -> None:
    folder = resources.files("fangkong.web").joinpath("templates")
    found = []
    for template in folder.iterdir():
        text = template.read_text(encoding="utf-8")
        found += [f"{template.name}: {m.group(0)}" for m in re.finditer(r"<script>|<style|\son[a-z]+=|\sstyle=", text)]
    assert found == []


def test_docs_runs_its_own_start_up_script_by_its_hash_and_nothing_else(client: ConsoleClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    [script] = re.findall(r"<script>(.*?)</script>", r.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    csp = r.headers["content-security-policy"]
    assert (
        f"script-src 'self' 'sha256-{digest}';" in csp
        and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert {k: r.headers.get(k) for k in WANTED} == WANTED
