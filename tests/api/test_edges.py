"""Input at the edges (issue 17): numbers the store cannot hold, days out of range or written as numbers, `%` and
`_` in searches, bodies over the size limit, malformed JSON, and the one error body for every status, each
answered 4xx naming the field and changing nothing; every status documented, the bearer scheme declared."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fangkong.api.body_limit import LIMIT
from fangkong.api.errors import install
from tests.api.helpers import Api, Demo, error, register

TOO_BIG = 2**31  # one past an INTEGER column (PostgreSQL); SQLite's limit is 2**63


def refused(r: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = error(r)
    if field is not None:
        assert body["field"] == field, body
    return body


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"/api/persons/{TOO_BIG}", "person_id"),
        (f"/api/orders/{TOO_BIG}", "order_id"),
        (f"/api/orders/{TOO_BIG}/events", "order_id"),
        (f"/api/infections/{TOO_BIG}", "infection_id"),
        (f"/api/health-codes/person/{TOO_BIG}", "person_id"),
        (f"/api/campaigns/{2**63}", "campaign_id"),
        ("/api/orders/0", "order_id"),
    ],
)
def test_an_id_beyond_the_store_is_a_422_naming_it(demo: Demo, url: str, field: str) -> None:
    """An id of 2**31 or more was a 500 on PostgreSQL (2**63 on SQLite): the store could not bind it."""
    refused(demo.client.get(url, headers=demo.as_("command")), 422, field)


def test_ids_in_queries_and_bodies_are_bounded_too(demo: Demo) -> None:
    r = demo.client.get("/api/orders", params={"person_id": TOO_BIG}, headers=demo.as_("command"))
    refused(r, 422, "person_id")
    r = demo.client.get("/api/orders", params={"offset": 2**63}, headers=demo.as_("command"))
    refused(r, 422, "offset")
    body = {"person_id": TOO_BIG, "category": "close_contact", "anchor_date": "2022-11-15"}
    refused(demo.client.post("/api/orders", json=body, headers=demo.as_("command")), 422, "person_id")


def test_days_are_within_a_sane_range(demo: Demo) -> None:
    body = {"person_id": 1, "category": "close_contact", "start": "9999-12-31"}
    refused(demo.client.post("/api/orders", json=body, headers=demo.as_("command")), 422, "start")
    r = demo.client.get("/api/orders", params={"under_management_on": "9999-12-31"}, headers=demo.as_("command"))
    refused(r, 422, "under_management_on")
    r = demo.client.get("/api/infections", params={"confirmed_from": "0001-01-01"}, headers=demo.as_("command"))
    refused(r, 422, "confirmed_from")


@pytest.mark.parametrize("on", [0, 1668556800, 1.5, True, "1668556800", "2022/11/16"])
def test_a_day_is_never_a_number(demo: Demo, on: object) -> None:
    """`{"on": 0}` was read as 1970-01-01 (seconds since the epoch)."""
    r = demo.client.post("/api/risk-areas/1/screenings", json={"on": on}, headers=demo.as_("command"))
    assert "a day is written YYYY-MM-DD" in refused(r, 422, "on")["message"]


def test_like_wildcards_in_a_search_are_letters(api: Api) -> None:
    register(api, "worker_a", name="张三", community="110105001001", seq="101")
    register(api, "worker_a", name="李%四", community="110105001001", seq="102")
    for name, expected in (("%", 1), ("_", 0), ("张", 1), ("%四", 1), ("李_四", 0)):
        r = api.client.get("/api/persons", params={"name": name}, headers=api.as_("worker_a"))
        assert r.status_code == 200, r.text
        assert r.json()["total"] == expected, (name, r.json())
    r = api.client.get("/api/sites", params={"name": "%"}, headers=api.as_("cc"))
    assert r.status_code == 200 and r.json()["total"] == 0, r.text


def test_a_body_over_the_limit_is_refused_before_it_is_read(demo: Demo) -> None:
    big = b'{"username": "command", "password": "' + b"x" * LIMIT + b'"}'
    r = demo.client.post("/api/auth/token", content=big, headers={"Content-Type": "application/json"})
    assert "too large" in refused(r, 413)["message"]

    def chunked() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"username": "command", "password": "'
        for _ in range(LIMIT // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    r = demo.client.post("/api/auth/token", content=chunked(), headers={"Content-Type": "application/json"})
    refused(r, 413)
    # a lab file may be larger than a form (and is still read)
    rows = b"barcode,pool_size,sampling_point,collected_at,members\n" + b"x,\n" * LIMIT
    r = demo.client.post("/api/lab/samples", content=rows, headers={**demo.as_("lab"), "Content-Type": "text/csv"})
    assert r.status_code == 422, r.text


def test_malformed_json_is_reported_by_line_and_column(demo: Demo) -> None:
    r = demo.client.post(
        "/api/auth/token",
        content=b'{"username": "command",\n "password": }',
        headers={"Content-Type": "application/json"},
    )
    assert refused(r, 422, "body")["message"].startswith("malformed JSON at line 2, column 14")


def test_an_unknown_query_parameter_is_refused(demo: Demo) -> None:
    r = demo.client.get("/api/persons", params={"nmae": "张"}, headers=demo.as_("command"))
    refused(r, 422, "nmae")
    refused(demo.client.get("/api/persons", params={"nmae": "张"}), 401)  # the token is checked first


def test_one_error_body_for_every_status(demo: Demo) -> None:
    c = demo.client
    refused(c.get("/api/no-such-thing"), 404)
    refused(c.delete("/api/persons"), 405)
    refused(c.get("/api/persons"), 401)
    refused(c.get("/api/persons", headers={"Authorization": "Basic eDp5"}), 401)
    refused(c.post("/api/persons", content=b"\xff\xfe", headers={**demo.as_("command")}), 422)
    app = FastAPI()
    install(app)

    @app.get("/crash")
    def crash() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        assert refused(client.get("/crash"), 500)["message"] == "server error"


def test_every_status_is_documented_and_the_bearer_scheme_declared(demo: Demo) -> None:
    spec = demo.client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "a token from POST /api/auth/token",
    }
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            documented = set(operation["responses"])
            assert "500" in documented, (method, path)
            if path != "/api/health":  # takes nothing, needs nothing
                assert {"400", "404", "422"} <= documented, (method, path)
            if operation.get("security"):
                assert {"401", "403"} <= documented, (method, path)
            if method != "get":
                assert {"409", "413", "415"} <= documented, (method, path)
            for status, answer in operation["responses"].items():
                if status.startswith(("4", "5")):
                    ref = answer["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/ErrorBody", (method, path, status)
    # the token is asked for by the security scheme, not as a header parameter
    assert all(
        p["name"].lower() != "authorization"
        for methods in spec["paths"].values()
        for operation in methods.values()
        for p in operation.get("parameters", [])
    )


@pytest.mark.parametrize("collected_at", ["0001-01-01T00:00", "1999-12-31T23:59"])
def test_a_lab_file_dated_before_the_records_is_refused_at_its_row(demo: Demo, collected_at: str) -> None:
    """Refused as the row's `collected_at` (it was refused as "policy version", later than the row's own date, and
    an order anchored on such a day could not be stored under fangkong.bounds)."""
    rows = f"barcode,pool_size,sampling_point,collected_at,members\nT-1,1,demo,{collected_at},110199194001010016\n"
    r = demo.client.post(
        "/api/lab/samples", content=rows.encode(), headers={**demo.as_("lab"), "Content-Type": "text/csv"}
    )
    body = refused(r, 422, "collected_at")
    assert body["row"] == 1 and "before 2000-01-01" in body["message"], body


def test_a_nul_character_is_refused_wherever_it_is_sent(demo: Demo) -> None:
    """PostgreSQL's text cannot hold one: a NUL in a query, a path or a body was a 500 there."""
    c, headers = demo.client, demo.as_("command")
    refused(c.get("/api/persons", params={"jurisdiction_code": "11\x00"}, headers=headers), 422, "jurisdiction_code")
    refused(c.get("/api/health-codes/token/ab%00cd", headers=headers), 422, "token")
    refused(c.post("/api/auth/token", json={"username": "command\x00", "password": "x"}), 422, "body")
    rows = b"barcode,pool_size,sampling_point,collected_at,members\nT\x00,1,a,2022-11-15T08:00,x\n"
    r = c.post("/api/lab/samples", content=rows, headers={**demo.as_("lab"), "Content-Type": "text/csv"})
    refused(r, 422, "file")  # a file sent whole is its parser's to refuse, naming the file and the line
    assert "line 2" in r.json()["error"]["message"]
    escaped = b'[{"barcode": "T\\u0000", "pool_size": 1, "sampling_point": "a", "collected_at": "2022-11-15T08:00"}]'
    r = c.post("/api/lab/samples", content=escaped, headers={**demo.as_("lab"), "Content-Type": "application/json"})
    refused(r, 422, "file")
    overlay = 'overlay:\n  jurisdiction: "11"\n  name: "a\\0b"\n  effective: 2022-11-20\nparameters: {}\n'
    headers = {**headers, "Content-Type": "application/yaml"}
    refused(c.post("/api/overlays/check", content=overlay.encode(), headers=headers), 422, "file")


@pytest.mark.parametrize("due_only", ["f", "yes", 0, 1])
def test_a_yes_or_no_in_a_body_is_true_or_false(demo: Demo, due_only: object) -> None:
    """`{"due_only": "f"}` was read as false."""
    r = demo.client.post("/api/health-codes/recompute", json={"due_only": due_only}, headers=demo.as_("command"))
    refused(r, 422, "due_only")


def test_the_checks_at_the_edges_are_added_once_however_many_apps_are_made(tmp_path: Any) -> None:
    """The routers are module globals: every app made in a process (a test's, a worker's) used to add its checks
    again, so the nth app's requests ran them n times (the test suite slowed to a crawl)."""
    from fastapi.routing import APIRoute

    from fangkong.api import routes_persons
    from fangkong.api.app import create_app

    url = f"sqlite:///{tmp_path / 'edges.sqlite3'}"

    def counts() -> list[int]:
        return [len(r.dependencies) for r in routes_persons.router.routes if isinstance(r, APIRoute)]

    create_app(url).state.engine.dispose()
    once = counts()
    create_app(url).state.engine.dispose()
    assert counts() == once and min(once) >= 1


def test_a_request_that_waits_past_the_pool_for_a_connection_is_told_the_server_is_busy() -> None:
    """A burst of requests on one record (the race tests, on a loaded machine) held every pooled connection longer
    than the pool waits: those requests were 500s; they did nothing and may be sent again, so 503 + Retry-After."""
    import sqlalchemy.exc

    app = FastAPI()
    install(app)

    @app.get("/busy")
    def busy() -> None:
        raise sqlalchemy.exc.TimeoutError("QueuePool limit of size 10 overflow 30 reached")

    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/busy")
    assert "busy" in refused(r, 503)["message"]
    assert int(r.headers["Retry-After"]) > 0
