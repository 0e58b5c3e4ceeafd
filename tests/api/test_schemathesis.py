"""Schemathesis over every operation of the served API, authenticated and not, on each store (issue 17, "input at
the edges"): no server error, no status the OpenAPI does not document, no response outside its schema or content
type, no invalid request accepted. A bounded, derandomized run (a few examples per operation and mode) so that it
fits the normal test run; nothing is excluded.

Run with `-s` to see every failure, grouped as schemathesis words them (the issue's figures were counted so)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from fangkong.api.app import create_app
from fangkong.services.demo import DEMO_PASSWORD
from tests.api.helpers import Clock
from tests.stores import BACKENDS, Templates

# examples per operation, generation mode and caller: 81 operations x 2 modes x 2 callers stay within the budget
EXAMPLES = int(os.environ.get("FANGKONG_SCHEMATHESIS_EXAMPLES", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@dataclass
class Findings:
    """What a run found: each distinct failure (operation, check, what) once, and every 5xx answer."""

    distinct: set[tuple[str, str, str]] = field(default_factory=set)
    examples: dict[tuple[str, str, str], str] = field(default_factory=dict)  # a request that shows each
    server_errors: int = 0
    requests: int = 0
    operations: set[str] = field(default_factory=set)  # every operation a request was sent to

    def by_check(self) -> Counter[str]:
        return Counter(check for _, check, _ in self.distinct)


@pytest.fixture(params=BACKENDS)
def served(
    request: pytest.FixtureRequest, tmp_path: Path, store_templates: Templates, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The demo county served over HTTP on a free port (uvicorn in a thread), as an attacker would meet it. Its
    comparisons may ask for at most 5 million person-days (a deployment's setting): a generated request at the
    console's limits would otherwise run for half a minute; a larger one is refused, which is checked as well."""
    with store_templates.store(request.param, "demo_20", tmp_path) as url:
        monkeypatch.setenv("FANGKONG_SIM_MAX_PERSON_DAYS", "5000000")  # after the demo's own comparison is saved
        app = create_app(url, clock=Clock(date(2022, 11, 16)))
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.02)
        try:
            yield f"http://127.0.0.1:{sock.getsockname()[1]}"
        finally:
            server.should_exit = True
            thread.join()
            sock.close()
            app.state.engine.dispose()


def _token(base: str, username: str) -> str:
    r = requests.post(f"{base}/api/auth/token", json={"username": username, "password": DEMO_PASSWORD}, timeout=30)
    assert r.status_code == 200, r.text
    token: str = r.json()["access_token"]
    return token


def _caller(path: str) -> str:
    """The demo account an operation is meant for: the lab's routes take the lab, the rest the command centre."""
    return "lab" if path.startswith("/api/lab") else "command"


def fuzz(base: str, *, examples: int = EXAMPLES) -> Findings:
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    findings = Findings()
    session = requests.Session()
    # one login per account for the whole run (a login rate limit must not turn the run into 429s)
    tokens = {username: _token(base, username) for username in ("command", "lab")}
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # the schema holds no operation schemathesis cannot read
        operation = result.ok()
        for token in (tokens[_caller(operation.path)], None):
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _fuzz_one(base, session, operation, token, mode, examples, findings)
    return findings


def _fuzz_one(
    base: str,
    session: requests.Session,
    operation: Any,
    token: str | None,
    mode: GenerationMode,
    examples: int,
    findings: Findings,
) -> None:
    logout = operation.path == "/api/auth/logout"
    # the token is given to the generation, so that a negative case never "invalidates" it (a missing or wrong
    # token is the unauthenticated run's); logging out ends it: that operation gets a fresh one each time
    fixed = {"Authorization": f"Bearer {token}"} if token is not None and not logout else None

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, headers=fixed))
    def run(case: Any) -> None:
        headers = {}
        if token is not None and logout:
            headers["Authorization"] = f"Bearer {_token(base, 'command')}"
        response = case.call(base_url=base, session=session, headers=headers)
        findings.requests += 1
        findings.operations.add(f"{operation.method.upper()} {operation.path}")
        if response.status_code >= 500:
            findings.server_errors += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, BaseExceptionGroup) as exc:  # one failure, or a group of them
            failures = getattr(exc, "exceptions", (exc,))
            for failure in failures:
                what = getattr(failure, "title", type(failure).__name__)
                detail = str(getattr(failure, "message", "") or failure).splitlines()[:1]
                key = f"{what}: {detail[0] if detail else ''} [{response.status_code}]"
                found = (f"{operation.method.upper()} {operation.path}", what, key)
                findings.distinct.add(found)
                findings.examples.setdefault(found, case.as_curl_command(headers={}))

    try:
        run()
    except Unsatisfiable:  # an operation that takes nothing has no invalid request to send
        assert mode is GenerationMode.NEGATIVE


def _documented_operations(base: str) -> set[str]:
    spec = requests.get(f"{base}/openapi.json", timeout=30).json()
    methods = {"get", "put", "post", "delete", "patch", "head", "options"}
    return {f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item if method in methods}


def test_every_operation_holds_under_schemathesis(served: str) -> None:
    findings = fuzz(served)
    documented = _documented_operations(served)
    # nothing is excluded: a request reached every operation of the OpenAPI (an operation schemathesis skipped,
    # or one it could not build a request for, would hide its failures)
    assert findings.operations == documented, sorted(documented ^ findings.operations)
    for found in sorted(findings.distinct):
        print(found[0], "|", found[2], "|", findings.examples[found][:300])
    print(
        f"{len(findings.operations)} operations, {findings.requests} requests, {findings.server_errors} answered 5xx, "
        f"{len(findings.distinct)} distinct failures: {dict(findings.by_check())}"
    )
    assert findings.server_errors == 0
    assert not findings.distinct
