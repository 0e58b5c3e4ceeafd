"""Sample and result files through the API, on SQLite and PostgreSQL: the first bad row refuses the whole file
(with its row and column) and writes nothing; the same file twice is a no-op, a repeated row is skipped and a
contradicting one refused; JSON reads like CSV; a file killed half-way leaves nothing behind; a positive that
arrives twice makes one case; labs act only in their jurisdiction; and the entrant's Ct 35–40 retest flow.

16 Nov 2022 (the API clock at 09:00 Beijing time): tubes are collected at 07:00 and resulted at 08:00.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

import fangkong.services.infection_follow_up as infection_follow_up
import fangkong.services.lab.consequences as consequences_module
import fangkong.services.lab.imports as imports_module
from fangkong.services.file_imports import bulk
from fangkong.services.store import unit_of_work
from fangkong.services.users.service import create_user
from tests.api.helpers import Api, Clock, resident_id
from tests.stores import PASSWORD

A = "110105001001"
C = "110106001001"
DAY = date(2022, 11, 16)
TABLES = (
    "sample",
    "sample_member",
    "lab_result",
    "lab_import",
    "retest",
    "temporary_control",
    "infection",
    "contact_candidate",
    "management_order",
    "order_event",
    "audit_log",
)
SAMPLES_HEADER = "barcode,pool_size,sampling_point,collected_at,members\n"
RESULTS_HEADER = "barcode,lab,reported_at,ct_orf1ab,ct_n\n"
AT7 = "2022-11-16T07:00:00+08:00"
AT8 = "2022-11-16T08:00:00+08:00"
UNREGISTERED = resident_id("110105", "19850101", "999")


# --- helpers -------------------------------------------------------------------------------------------------


def app_of(api: Api) -> FastAPI:
    return cast(FastAPI, api.client.app)


def engine_of(api: Api) -> Engine:
    engine: Engine = app_of(api).state.engine
    return engine


def add_lab_user(api: Api, username: str = "lab", county: str = "110105") -> None:
    with unit_of_work(app_of(api).state.sessions) as session:
        create_user(session, None, username=username, password=PASSWORD, role="lab", jurisdiction_code=county)


def person(api: Api, name: str, seq: str, *, community: str = A, who: str = "epi") -> dict[str, Any]:
    division = community[:6]
    body = {
        "name": name,
        "document_type": "resident_id",
        "document_number": resident_id(division, "19850101", seq),
        "address": f"Road {seq}",
        "building": seq,
        "unit": "1",
        "jurisdiction_code": community,
    }
    r = api.client.post("/api/persons", json=body, headers=api.as_(who))
    assert r.status_code == 201, r.text
    return dict(r.json())


def people(api: Api, n: int, *, start: int = 100) -> list[dict[str, Any]]:
    return [person(api, f"Resident {i}", f"{start + i:03d}") for i in range(n)]


def docs(group: list[dict[str, Any]]) -> str:
    return ";".join(p["document_number"] for p in group)


def post(
    api: Api, who: str, url: str, body: str | bytes, *, ctype: str = "text/csv", name: str | None = "upload.csv"
) -> Any:
    params = {"filename": name} if name is not None else {}
    data = body.encode() if isinstance(body, str) else body
    return api.client.post(url, content=data, params=params, headers={**api.as_(who), "content-type": ctype})


def upload(
    api: Api, who: str, url: str, body: str | bytes, *, ctype: str = "text/csv", name: str | None = "upload.csv"
) -> dict[str, Any]:
    r = post(api, who, url, body, ctype=ctype, name=name)
    assert r.status_code == 200, r.text
    return dict(r.json())


def get(api: Api, who: str, url: str, **params: Any) -> Any:
    r = api.client.get(url, params=params, headers=api.as_(who))
    assert r.status_code == 200, r.text
    return r.json()


def snapshot(api: Api) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the lab path's tables and of what its consequences touch."""
    with engine_of(api).connect() as conn:
        return {t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY id"))] for t in TABLES}


def counts(api: Api) -> dict[str, int]:
    with engine_of(api).connect() as conn:
        return {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in TABLES}


@contextmanager
def unchanged(api: Api) -> Iterator[None]:
    before = snapshot(api)
    before_counts = counts(api)
    yield
    assert counts(api) == before_counts
    assert snapshot(api) == before


def rejected(
    api: Api,
    who: str,
    url: str,
    body: str | bytes,
    *,
    field: str,
    row: int | None,
    contains: str,
    ctype: str = "text/csv",
) -> dict[str, Any]:
    with unchanged(api):
        r = post(api, who, url, body, ctype=ctype)
        assert r.status_code == 422, r.text
    error = dict(r.json()["error"])
    assert error["field"] == field, error
    if row is None:
        assert "row" not in error, error
    else:
        assert error["row"] == row, error
        assert error["message"].startswith(f"row {row}: "), error
    assert contains in error["message"], error
    return error


def start_day(api: Api, clock: Clock) -> None:
    add_lab_user(api)
    clock.today = DAY


def entry_order(api: Api, p: dict[str, Any], clock: Clock) -> dict[str, Any]:
    """An entrant who arrived on the 13th: centralized isolation 14–18 (tests 14, 15, 16, 18)."""
    today = clock.today
    clock.today = date(2022, 11, 14)
    r = api.client.post(
        "/api/orders",
        json={"person_id": p["id"], "category": "entry_personnel", "anchor_date": "2022-11-13"},
        headers=api.as_("epi"),
    )
    clock.today = today
    assert r.status_code == 201, r.text
    return dict(r.json())


# --- a bad row refuses the whole file ------------------------------------------------------------------------


BAD_RESULT_ROWS = [
    pytest.param(f"S-9,City lab,{AT8},,", "barcode", "no sample S-9 is registered", id="unknown-barcode"),
    pytest.param(f"S-3,City lab,{AT8},55,30", "ct_orf1ab", "Ct 55 is out of range", id="ct-55"),
    pytest.param(f"S-3,City lab,{AT8},30,abc", "ct_n", "'abc' is not a number", id="ct-abc"),
    pytest.param(f"S-3,City lab,{AT8},0,30", "ct_orf1ab", "out of range", id="ct-zero"),
    pytest.param(f"S-3,City lab,{AT8},nan,30", "ct_orf1ab", "out of range", id="ct-nan"),
    pytest.param(f"S-1,City lab,{AT8},,", "barcode", "S-1 repeats row 2", id="repeated-barcode"),
    pytest.param("S-3,City lab,2022-11-16T06:00:00+08:00,,", "reported_at", "before the sample", id="before-sample"),
    pytest.param("S-3,City lab,2022-11-16T10:00:00+08:00,,", "reported_at", "in the future", id="future"),
    pytest.param("S-3,City lab,16/11/2022 08:00,,", "reported_at", "not an ISO 8601", id="bad-instant"),
    pytest.param(f"S-3,,{AT8},,", "lab", "missing", id="no-lab"),
    pytest.param(f"S-3,City lab,{AT8},,,extra", "file", "more values than columns", id="extra-value"),
]


@pytest.mark.parametrize(("last", "field", "message"), BAD_RESULT_ROWS)
def test_a_results_file_with_a_bad_last_row_writes_nothing(
    api: Api, clock: Clock, last: str, field: str, message: str
) -> None:
    start_day(api, clock)
    pool = people(api, 5)
    single = person(api, "Single", "301")
    other = person(api, "Other", "302")
    upload(
        api,
        "lab",
        "/api/lab/samples",
        SAMPLES_HEADER
        + f"P-1,5,Point 3,{AT7},{docs(pool)}\nS-1,1,Point 3,{AT7},{single['document_number']}\n"
        + f"S-3,1,Point 3,{AT7},{other['document_number']}\n",
    )
    # the good rows would hold five people and make a case: none of it happens
    body = RESULTS_HEADER + f"P-1,City lab,{AT8},30,31\nS-1,City lab,{AT8},25,26\n{last}\n"
    rejected(api, "lab", "/api/lab/results", body, field=field, row=3, contains=message)
    assert get(api, "epi", "/api/lab/retests")["total"] == 0
    assert get(api, "epi", "/api/infections")["total"] == 0


BAD_SAMPLE_ROWS = [
    pytest.param("P-30,30,Point 3,{at},{one}", "pool_size", "a pool of 30 is not a validated size", id="pool-30"),
    pytest.param("S-3,1.5,Point 3,{at},{one}", "pool_size", "'1.5' is not a whole number", id="pool-size-1.5"),
    pytest.param("P-4,5,Point 3,{at},{four}", "members", "4 member(s) in a sample of 5", id="4-in-a-5-pool"),
    pytest.param("S-3,1,Point 3,{at},{four}", "members", "4 member(s) in a sample of 1", id="4-in-a-single"),
    pytest.param("P-D,5,Point 3,{at},{twice}", "members", "a person is in the tube twice", id="person-twice"),
    pytest.param("S-3,1,Point 3,2022-11-16T09:30:00+08:00,{one}", "collected_at", "in the future", id="future"),
    pytest.param("S-3,1,Point 3,2022-11-16T09:30:00,{one}", "collected_at", "in the future", id="naive-is-local"),
    pytest.param("S-1,1,Point 3,{at},{one}", "barcode", "S-1 repeats row 1", id="repeated-barcode"),
    pytest.param("S-3,1,,{at},{one}", "sampling_point", "missing", id="no-sampling-point"),
    pytest.param("S-3,1,Point 3,{at},", "members", "0 member(s) in a sample of 1", id="no-members"),
]


@pytest.mark.parametrize(("last", "field", "message"), BAD_SAMPLE_ROWS)
def test_a_samples_file_with_a_bad_last_row_writes_nothing(
    api: Api, clock: Clock, last: str, field: str, message: str
) -> None:
    start_day(api, clock)
    group = people(api, 6)
    line = last.format(
        at=AT7,
        unknown=UNREGISTERED,
        one=group[5]["document_number"],
        four=docs(group[:4]),
        twice=docs([*group[:4], group[0]]),
    )
    body = SAMPLES_HEADER + f"S-1,1,Point 3,{AT7},{group[5]['document_number']}\n"
    body += f"P-1,5,Point 3,{AT7},{docs(group[:5])}\n{line}\n"
    error = rejected(api, "lab", "/api/lab/samples", body, field=field, row=3, contains=message)
    if field == "pool_size" and "30" in message:
        # the clause that validates pool sizes on the 16th, as a field of its own (not flattened into the message)
        assert error["clause"] == "v9.testing"
        assert "v9.testing" not in error["message"]


def test_a_pool_of_30_names_the_newer_clause_after_21_november(api: Api, clock: Clock) -> None:
    start_day(api, clock)
    one = person(api, "One", "301")
    clock.today = date(2022, 11, 22)
    body = SAMPLES_HEADER + f"P-30,30,Point 3,2022-11-22T07:00:00+08:00,{one['document_number']}\n"
    error = rejected(api, "lab", "/api/lab/samples", body, field="pool_size", row=1, contains="a pool of 30")
    assert error["clause"] == "m20-docs.testing"


@pytest.mark.parametrize(
    ("url", "header", "missing"),
    [
        ("/api/lab/samples", "barcode,pool_size,sampling_point,collected_at\n", "members"),
        ("/api/lab/results", "barcode,lab,reported_at,ct_orf1ab\n", "ct_n"),
        ("/api/lab/results", "barcode;lab;reported_at;ct_orf1ab;ct_n\n", "barcode, lab, reported_at"),
    ],
)
def test_a_file_missing_a_column_is_refused_before_any_row(
    api: Api, clock: Clock, url: str, header: str, missing: str
) -> None:
    start_day(api, clock)
    body = header + "X-1,1,Point 3,2022-11-16T07:00:00+08:00\n"
    rejected(api, "lab", url, body, field="file", row=None, contains=f"missing column(s): {missing}")


def test_empty_unreadable_and_unnamed_files_are_refused(api: Api, clock: Clock) -> None:
    start_day(api, clock)
    rejected(api, "lab", "/api/lab/samples", SAMPLES_HEADER, field="file", row=None, contains="no rows")
    rejected(api, "lab", "/api/lab/results", b"\xff\xfe\x00", field="file", row=None, contains="not UTF-8")
    rejected(api, "lab", "/api/lab/results", "[1, 2", field="file", row=None, contains="not JSON", ctype="text/json")
    with unchanged(api):
        r = post(api, "lab", "/api/lab/samples", "x", ctype="application/octet-stream", name="upload.txt")
        assert r.status_code == 422 and r.json()["error"]["field"] == "format", r.text


# --- the same file again, repeated rows, contradicting rows ---------------------------------------------------


def test_the_same_file_twice_is_a_no_op(api: Api, clock: Clock) -> None:
    start_day(api, clock)
    pool = people(api, 5)
    samples = SAMPLES_HEADER + f"P-1,5,Point 3,{AT7},{docs(pool)}\n"
    first = upload(api, "lab", "/api/lab/samples", samples, name="samples.csv")
    assert (first["rows"], first["added"], first["already_imported"]) == (1, 1, False)
    with unchanged(api):
        again = upload(api, "lab", "/api/lab/samples", samples, name="samples-copy.csv")
    assert again == {**first, "already_imported": True, "added": 0}

    results = RESULTS_HEADER + f"P-1,City lab,{AT8},30,31\n"
    day = upload(api, "lab", "/api/lab/results", results, name="results.csv")
    assert day["outcomes"] == {"pool_positive": 1}
    assert day["consequences"] == {"held": 5, "retests_ordered": 5}
    with unchanged(api):
        again = upload(api, "lab", "/api/lab/results", results, name="results.csv")
    assert again["already_imported"] and again["import_id"] == day["import_id"]
    assert (again["outcomes"], again["consequences"], again["added"]) == (day["outcomes"], day["consequences"], 0)

    # a results file uploaded as samples is named for what it was
    rejected(api, "lab", "/api/lab/samples", results, field="file", row=None, contains="imported as results")


def test_a_repeated_row_is_skipped_and_a_contradicting_one_refused(api: Api, clock: Clock) -> None:
    start_day(api, clock)
    group = people(api, 7)
    samples1 = SAMPLES_HEADER + f"P-1,5,Point 3,{AT7},{docs(group[:5])}\n"
    upload(api, "lab", "/api/lab/samples", samples1)
    # the same row (members in another order, the same instant written in UTC) and a new one
    reordered = ";".join(reversed([p["document_number"] for p in group[:5]]))
    samples2 = (
        SAMPLES_HEADER
        + f"S-6,1,Point 4,{AT7},{group[5]['document_number']}\n"
        + f"P-1,5,Point 3,2022-11-15T23:00:00+00:00,{reordered}\n"
    )
    second = upload(api, "lab", "/api/lab/samples", samples2)
    assert (second["rows"], second["added"], second["already_imported"]) == (2, 1, False)
    assert counts(api)["sample"] == 2 and counts(api)["sample_member"] == 6

    # the same barcode with another member, or collected at another time: refused, naming the row
    other_member = docs([*group[:4], group[6]])
    contradicting = SAMPLES_HEADER + f"S-7,1,Point 4,{AT7},{group[6]['document_number']}\n"
    rejected(
        api,
        "lab",
        "/api/lab/samples",
        contradicting + f"P-1,5,Point 3,{AT7},{other_member}\n",
        field="barcode",
        row=2,
        contains="sample P-1 is registered with other members or times",
    )
    rejected(
        api,
        "lab",
        "/api/lab/samples",
        contradicting + f"P-1,5,Point 3,2022-11-16T07:01:00+08:00,{docs(group[:5])}\n",
        field="barcode",
        row=2,
        contains="sample P-1 is registered with other members or times",
    )

    results1 = RESULTS_HEADER + f"P-1,City lab,{AT8},,\n"
    upload(api, "lab", "/api/lab/results", results1)
    results2 = RESULTS_HEADER + f"S-6,City lab,{AT8},ND,-\nP-1,City lab,{AT8},,\n"
    repeated = upload(api, "lab", "/api/lab/results", results2)
    assert (repeated["rows"], repeated["added"]) == (2, 1)
    assert repeated["outcomes"] == {"negative": 1}  # the repeated pool result is not judged again
    assert counts(api)["lab_result"] == 2

    # a different result for a resulted sample is refused: a correction is an amendment, not an upload
    error = rejected(
        api,
        "lab",
        "/api/lab/results",
        RESULTS_HEADER + f"P-1,City lab,{AT8},,\nS-6,City lab,{AT8},,30\n",
        field="barcode",
        row=2,
        contains="sample S-6 already has a different result",
    )
    assert f"(import {repeated['import_id']})" in error["message"]
    rejected(
        api,
        "lab",
        "/api/lab/results",
        RESULTS_HEADER + f"P-1,Other lab,{AT8},,\n",
        field="barcode",
        row=1,
        contains="sample P-1 already has a different result",
    )


# --- JSON reads like CSV ----------------------------------------------------------------------------------------


# the store after the scenario's two files (`_scenario_files`): what each way of sending them must leave
SCENARIO_COUNTS = {
    "sample": 3,
    "sample_member": 11,
    "lab_result": 3,
    "lab_import": 2,
    "retest": 5,
    "temporary_control": 5,
    "infection": 1,
    "contact_candidate": 0,
    "management_order": 0,
    "order_event": 0,
    "audit_log": 0,
}


def _scenario_files(group: list[dict[str, Any]], fmt: str) -> tuple[bytes, bytes]:
    samples: list[dict[str, Any]] = [
        {"barcode": "P-1", "pool_size": 5, "sampling_point": "Point 3", "collected_at": AT7, "members": group[:5]},
        {"barcode": "P-2", "pool_size": 5, "sampling_point": "Point 3", "collected_at": AT7, "members": group[5:10]},
        {"barcode": "S-1", "pool_size": 1, "sampling_point": "Point 3", "collected_at": AT7, "members": group[10:11]},
    ]
    results: list[dict[str, Any]] = [
        {"barcode": "P-1", "lab": "City lab", "reported_at": AT8, "ct_orf1ab": 30, "ct_n": 31.5},
        {"barcode": "P-2", "lab": "City lab", "reported_at": AT8, "ct_orf1ab": None, "ct_n": None},
        {"barcode": "S-1", "lab": "City lab", "reported_at": AT8, "ct_orf1ab": 22.5, "ct_n": None},
    ]
    if fmt == "json":
        for s in samples:
            s["members"] = [p["document_number"] for p in s["members"]]
        return json.dumps(samples).encode(), json.dumps({"rows": results}).encode()
    sample_csv = SAMPLES_HEADER + "".join(
        f"{s['barcode']},{s['pool_size']},{s['sampling_point']},{s['collected_at']},{docs(s['members'])}\n"
        for s in samples
    )

    def ct(v: float | None) -> str:
        return "" if v is None else f"{v:g}"

    result_csv = RESULTS_HEADER + "".join(
        f"{r['barcode']},{r['lab']},{r['reported_at']},{ct(r['ct_orf1ab'])},{ct(r['ct_n'])}\n" for r in results
    )
    return sample_csv.encode(), result_csv.encode()


def test_barcodes_beyond_ascii_are_matched_as_written(api: Api, clock: Clock) -> None:
    """A barcode is any text: Chinese, an emoji (outside the BMP), a backslash, a quote inside a JSON string —
    the staged barcodes (a COPY on PostgreSQL, a JSON array on SQLite) match the registered ones exactly."""
    start_day(api, clock)
    a, b, c, d = people(api, 4)
    barcodes = ["样本-甲", "T-\U0001f9ea-2", "T\\3", 'T"4']
    members = [a, b, c, d]
    rows = [
        {
            "barcode": code,
            "pool_size": 1,
            "sampling_point": "Point 3",
            "collected_at": AT7,
            "members": [m["document_number"]],
        }
        for code, m in zip(barcodes, members, strict=True)
    ]
    upload(api, "lab", "/api/lab/samples", json.dumps(rows), ctype="application/json", name=None)
    results: list[dict[str, Any]] = [
        {"barcode": code, "lab": "City lab", "reported_at": AT8, "ct_orf1ab": None, "ct_n": None} for code in barcodes
    ]
    results[1]["ct_orf1ab"] = results[1]["ct_n"] = 25
    judged = upload(api, "lab", "/api/lab/results", json.dumps(results), ctype="application/json", name=None)
    assert judged["outcomes"] == {"negative": 3, "positive": 1}
    assert judged["consequences"]["infections"] == 1
    with engine_of(api).connect() as conn:
        stored: dict[str, str] = dict(
            conn.execute(
                text("SELECT s.barcode, r.outcome FROM lab_result r JOIN sample s ON s.id = r.sample_id")
            ).all()
        )
    assert stored == dict(zip(barcodes, ["negative", "positive", "negative", "negative"], strict=True))


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_json_files_give_the_same_outcomes_as_csv(api: Api, clock: Clock, fmt: str) -> None:
    start_day(api, clock)
    group = people(api, 11)
    samples, results = _scenario_files(group, fmt)
    ctype = "application/json" if fmt == "json" else "text/csv"
    registered = upload(api, "lab", "/api/lab/samples", samples, ctype=ctype, name=None)
    assert (registered["rows"], registered["added"]) == (3, 3)
    judged = upload(api, "lab", "/api/lab/results", results, ctype=ctype, name=None)
    assert judged["outcomes"] == {"pool_positive": 1, "pool_negative": 1, "positive": 1}
    assert judged["consequences"] == {"held": 5, "infections": 1, "retests_ordered": 5}
    assert counts(api) | {"audit_log": 0, "contact_candidate": 0} == SCENARIO_COUNTS
    again = upload(api, "lab", "/api/lab/results", results, ctype=ctype, name=None)
    assert again["already_imported"] and again["outcomes"] == judged["outcomes"]


def test_json_rows_are_checked_like_csv_rows(api: Api, clock: Clock) -> None:
    start_day(api, clock)
    group = people(api, 2)
    ok: dict[str, Any] = {
        "barcode": "S-1",
        "pool_size": 1,
        "sampling_point": "P",
        "collected_at": AT7,
        "members": [group[0]["document_number"]],
    }
    ctype = "application/json"
    for bad, field, message in [
        ({**ok, "barcode": "S-2", "pool_size": 30}, "pool_size", "a pool of 30 is not a validated size"),
        ({**ok, "barcode": "S-2", "members": []}, "members", "0 member(s) in a sample of 1"),
        ({k: v for k, v in ok.items() if k != "sampling_point"} | {"barcode": "S-2"}, "sampling_point", "missing"),
        ("S-2", "file", "expected an object"),
    ]:
        body = json.dumps([ok, bad]).encode()
        rejected(api, "lab", "/api/lab/samples", body, field=field, row=2, contains=message, ctype=ctype)
    rejected(
        api, "lab", "/api/lab/samples", b'{"data": []}', field="file", row=None, contains="expected a list", ctype=ctype
    )
    # members as a ;-separated string in JSON read as in CSV, and lower case document numbers are upper-cased
    as_text = {**ok, "members": group[1]["document_number"].lower(), "barcode": "S-2"}
    added = upload(api, "lab", "/api/lab/samples", json.dumps([ok, as_text]).encode(), ctype=ctype)
    assert added["added"] == 2

    result: dict[str, Any] = {"barcode": "S-1", "lab": "City lab", "reported_at": AT8, "ct_orf1ab": None, "ct_n": None}
    bad_results: list[tuple[dict[str, Any], str, str]] = [
        ({**result, "barcode": "S-2", "ct_n": 55}, "ct_n", "Ct 55 is out of range"),
        ({**result, "barcode": "S-2", "ct_n": "abc"}, "ct_n", "'abc' is not a number"),
        ({**result, "barcode": "S-9"}, "barcode", "no sample S-9"),
        (result, "barcode", "S-1 repeats row 1"),
    ]
    for bad, field, message in bad_results:
        body = json.dumps([result, bad]).encode()
        rejected(api, "lab", "/api/lab/results", body, field=field, row=2, contains=message, ctype=ctype)


def test_a_json_boolean_is_not_a_ct_value(api: Api, clock: Clock) -> None:
    start_day(api, clock)
    one = person(api, "One", "301")
    sample = {"barcode": "S-1", "pool_size": 1, "sampling_point": "P", "collected_at": AT7}
    upload(
        api,
        "lab",
        "/api/lab/samples",
        json.dumps([sample | {"members": [one["document_number"]]}]).encode(),
        ctype="application/json",
    )
    body = json.dumps([{"barcode": "S-1", "lab": "City lab", "reported_at": AT8, "ct_orf1ab": True, "ct_n": True}])
    rejected(
        api,
        "lab",
        "/api/lab/results",
        body.encode(),
        field="ct_orf1ab",
        row=1,
        contains="not a number",
        ctype="application/json",
    )


# --- a file killed half-way ------------------------------------------------------------------------------------


def test_a_results_file_killed_half_way_leaves_nothing_and_imports_afterwards(
    api: Api, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    start_day(api, clock)
    pool = people(api, 5)
    first, second = person(api, "First", "301"), person(api, "Second", "302")
    upload(
        api,
        "lab",
        "/api/lab/samples",
        SAMPLES_HEADER
        + f"P-1,5,Point 3,{AT7},{docs(pool)}\n"
        + f"S-1,1,Point 3,{AT7},{first['document_number']}\n"
        + f"S-2,1,Point 3,2022-11-16T07:10:00+08:00,{second['document_number']}\n",
    )
    results = RESULTS_HEADER + f"P-1,City lab,{AT8},30,31\nS-1,City lab,{AT8},25,26\nS-2,City lab,{AT8},24,25\n"

    # the first infection is written (with its audit entry and proposed contacts), then the process dies
    original = infection_follow_up.infection_from_result
    calls: list[int] = []

    def dies_on_the_second(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("killed half-way")
        return original(*args, **kwargs)

    monkeypatch.setattr(infection_follow_up, "infection_from_result", dies_on_the_second)
    crashing = TestClient(app_of(api), raise_server_exceptions=False)
    with unchanged(api):
        r = crashing.post(
            "/api/lab/results",
            content=results.encode(),
            params={"filename": "results.csv"},
            headers={**api.as_("lab"), "content-type": "text/csv"},
        )
        assert r.status_code == 500
    assert len(calls) == 2
    with pytest.raises(RuntimeError, match="killed half-way"), unchanged(api):
        calls.clear()
        post(api, "lab", "/api/lab/results", results)
    monkeypatch.undo()

    done = upload(api, "lab", "/api/lab/results", results)
    assert not done["already_imported"]
    assert done["outcomes"] == {"pool_positive": 1, "positive": 2}
    assert done["consequences"] == {"held": 5, "infections": 2, "retests_ordered": 5}
    assert counts(api)["infection"] == 2 and counts(api)["lab_import"] == 2


def test_consequences_failing_after_everything_is_applied_leave_nothing(
    api: Api, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    start_day(api, clock)
    pool = people(api, 5)
    upload(api, "lab", "/api/lab/samples", SAMPLES_HEADER + f"P-1,5,Point 3,{AT7},{docs(pool)}\n")
    results = RESULTS_HEADER + f"P-1,City lab,{AT8},30,31\n"
    original = consequences_module.apply_consequences

    def applies_then_dies(*args: Any, **kwargs: Any) -> dict[str, int]:
        original(*args, **kwargs)
        raise RuntimeError("killed after the consequences")

    monkeypatch.setattr(consequences_module, "apply_consequences", applies_then_dies)
    with pytest.raises(RuntimeError, match="killed after"), unchanged(api):
        post(api, "lab", "/api/lab/results", results)
    monkeypatch.undo()
    assert upload(api, "lab", "/api/lab/results", results)["consequences"] == {"held": 5, "retests_ordered": 5}


def test_a_samples_file_killed_between_tubes_and_members_leaves_nothing(
    api: Api, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    start_day(api, clock)
    pool = people(api, 5)
    samples = SAMPLES_HEADER + f"P-1,5,Point 3,{AT7},{docs(pool)}\n"
    original = bulk.copy_rows
    written: list[str] = []

    def dies_before_members(session: Any, table: Any, columns: Any, rows: Any) -> int:
        if table.name == "sample_member":
            raise RuntimeError("killed before the members")
        written.append(table.name)
        return original(session, table, columns, rows)

    monkeypatch.setattr(imports_module, "copy_rows", dies_before_members)
    with pytest.raises(RuntimeError, match="killed before"), unchanged(api):
        post(api, "lab", "/api/lab/samples", samples)
    assert written == ["sample"]
    monkeypatch.undo()
    done = upload(api, "lab", "/api/lab/samples", samples)
    assert (done["added"], done["already_imported"]) == (1, False)
    assert counts(api)["sample_member"] == 5


# --- one infection per person -----------------------------------------------------------------------------------


def test_a_positive_that_arrives_twice_makes_one_infection(api: Api, clock: Clock) -> None:
    start_day(api, clock)
    case = person(api, "Case", "301")
    doc = case["document_number"]
    upload(
        api,
        "lab",
        "/api/lab/samples",
        SAMPLES_HEADER
        + f"S-1,1,Point 3,{AT7},{doc}\nS-2,1,Hospital,2022-11-16T07:30:00+08:00,{doc}\n"
        + f"S-3,1,Hospital,2022-11-16T08:30:00+08:00,{doc}\n",
    )
    # two positive tubes of the same person in one file
    both = upload(
        api,
        "lab",
        "/api/lab/results",
        RESULTS_HEADER + f"S-1,City lab,{AT8},25,26\nS-2,Hospital lab,2022-11-16T08:20:00+08:00,27,28\n",
    )
    assert both["outcomes"] == {"positive": 2} and both["consequences"] == {"infections": 1}
    # and a third in another file, from another lab
    third = upload(api, "lab", "/api/lab/results", RESULTS_HEADER + "S-3,Other lab,2022-11-16T08:50:00+08:00,20,21\n")
    assert third["outcomes"] == {"positive": 1} and third.get("consequences", {}).get("infections", 0) == 0
    infections = get(api, "epi", "/api/infections")
    assert infections["total"] == 1 and infections["items"][0]["person_id"] == case["id"]
    assert counts(api)["infection"] == 1


def test_a_positive_after_the_discharge_is_a_re_positive_not_a_new_case(api: Api, clock: Clock) -> None:
    """The 21 Nov 2022 risk-area plan: a re-positive after discharge is not counted (m20-docs.risk_area); the lab
    path notes it on the infection it belongs to, once per sampling day, and makes no second case."""
    start_day(api, clock)
    case = person(api, "Case", "311")
    doc = case["document_number"]
    upload(api, "lab", "/api/lab/samples", SAMPLES_HEADER + f"S-1,1,Point 3,{AT7},{doc}\n")
    first = upload(api, "lab", "/api/lab/results", RESULTS_HEADER + f"S-1,City lab,{AT8},25,26\n")
    assert first["consequences"] == {"infections": 1}
    found = get(api, "epi", "/api/infections")["items"][0]
    r = api.client.patch(f"/api/infections/{found['id']}", json={"discharged_on": "2022-11-16"}, headers=api.as_("epi"))
    assert r.status_code == 200, r.text
    later = "2022-11-17T07:00:00+08:00"
    clock.today = DAY + timedelta(days=1)
    upload(
        api,
        "lab",
        "/api/lab/samples",
        SAMPLES_HEADER + f"S-2,1,Point 3,{later},{doc}\nS-3,1,Hospital,2022-11-17T07:30:00+08:00,{doc}\n",
    )
    again = upload(
        api,
        "lab",
        "/api/lab/results",
        RESULTS_HEADER + "S-2,City lab,2022-11-17T08:00:00+08:00,30,31\nS-3,City lab,2022-11-17T08:10:00+08:00,32,33\n",
    )
    assert again["outcomes"] == {"positive": 2}
    assert again["consequences"] == {"re_positives": 1}  # two tubes of one day: one note
    assert counts(api)["infection"] == 1
    notes = get(api, "epi", f"/api/infections/{found['id']}/re-positives")
    assert [(n["sampled_on"], n["result_id"] is not None) for n in notes["items"]] == [("2022-11-17", True)]


# --- who may upload, and what they see ----------------------------------------------------------------------------


def test_only_labs_upload_and_only_in_their_jurisdiction(api: Api, clock: Clock) -> None:
    start_day(api, clock)
    add_lab_user(api, "lab_fengtai", "110106")
    pool = people(api, 5)
    samples = SAMPLES_HEADER + f"P-1,5,Point 3,{AT7},{docs(pool)}\n"
    for who in ("worker_a", "epi", "viewer", "supervisor"):
        with unchanged(api):
            r = post(api, who, "/api/lab/samples", samples)
            assert r.status_code == 403, r.text
            assert r.json()["error"]["message"].endswith("may not import lab"), r.text
            assert post(api, who, "/api/lab/results", RESULTS_HEADER + f"P-1,L,{AT8},,\n").status_code == 403
    with unchanged(api):
        assert api.client.post("/api/lab/samples", content=samples.encode()).status_code == 401

    # a lab in Fengtai does not learn who is registered in Chaoyang, nor whether a number is registered at all
    # (issue 17): a tube naming a Chaoyang resident and one naming nobody are stored and answered alike
    fengtai = person(api, "Fengtai", "401", community=C, who="epi_fengtai")
    alike = [
        upload(api, "lab_fengtai", "/api/lab/samples", SAMPLES_HEADER + f"S-{n},1,Point 9,{AT7},{doc}\n")
        for n, doc in (("F1", pool[0]["document_number"]), ("F2", UNREGISTERED))
    ]
    assert [{k: v for k, v in a.items() if k != "import_id"} for a in alike] == [
        {"kind": "samples", "rows": 1, "added": 1, "already_imported": False, "outcomes": {}, "consequences": {}}
    ] * 2
    own = SAMPLES_HEADER + f"S-F,1,Point 9,{AT7},{fengtai['document_number']}\n"
    assert upload(api, "lab_fengtai", "/api/lab/samples", own)["added"] == 1

    # nor results for Chaoyang's tubes
    upload(api, "lab", "/api/lab/samples", samples)
    rejected(
        api,
        "lab_fengtai",
        "/api/lab/results",
        RESULTS_HEADER + f"S-F,Fengtai lab,{AT8},,\nP-1,Fengtai lab,{AT8},30,31\n",
        field="barcode",
        row=2,
        contains="no sample P-1 is registered",
    )


def test_imports_are_paged_and_labs_see_their_own(api: Api, clock: Clock) -> None:
    start_day(api, clock)
    add_lab_user(api, "lab2")
    group = people(api, 4)
    ids = []
    for i, p in enumerate(group[:3]):
        body = SAMPLES_HEADER + f"S-{i},1,Point 3,{AT7},{p['document_number']}\n"
        ids.append(upload(api, "lab", "/api/lab/samples", body, name=f"samples-{i}.csv")["import_id"])
    ids.append(
        upload(api, "lab", "/api/lab/results", RESULTS_HEADER + f"S-0,City lab,{AT8},,\n", name="r.csv")["import_id"]
    )
    theirs = upload(
        api, "lab2", "/api/lab/samples", SAMPLES_HEADER + f"S-9,1,Point 4,{AT7},{group[3]['document_number']}\n"
    )

    page1 = get(api, "lab", "/api/lab/imports", limit=3)
    page2 = get(api, "lab", "/api/lab/imports", limit=3, offset=3)
    assert (page1["total"], page2["total"], page1["limit"], page2["offset"]) == (4, 4, 3, 3)
    assert [i["id"] for i in page1["items"] + page2["items"]] == sorted(ids, reverse=True)
    newest = page1["items"][0]
    assert (newest["kind"], newest["filename"], newest["rows"], newest["added"], newest["imported_by"]) == (
        "results",
        "r.csv",
        1,
        1,
        "lab",
    )
    assert newest["summary"] == {"outcomes": {"negative": 1}, "consequences": {}}
    assert [i["filename"] for i in page2["items"]] == ["samples-0.csv"]
    only_samples = get(api, "lab", "/api/lab/imports", kind="samples")
    assert only_samples["total"] == 3 and {i["kind"] for i in only_samples["items"]} == {"samples"}
    assert [i["id"] for i in get(api, "lab2", "/api/lab/imports")["items"]] == [theirs["import_id"]]
    for who in ("supervisor", "cc"):
        assert get(api, who, "/api/lab/imports")["total"] == 5
    r = api.client.get("/api/lab/imports", params={"limit": 0}, headers=api.as_("lab"))
    assert r.status_code == 422 and r.json()["error"]["field"] == "limit"


def test_open_retests_list_pool_members_with_their_hold(api: Api, clock: Clock) -> None:
    start_day(api, clock)
    pool = people(api, 5)
    upload(api, "lab", "/api/lab/samples", SAMPLES_HEADER + f"P-1,5,Point 3,{AT7},{docs(pool)}\n")
    upload(api, "lab", "/api/lab/results", RESULTS_HEADER + f"P-1,City lab,{AT8},30,31\n")

    listed = get(api, "epi", "/api/lab/retests")
    assert listed["total"] == 5
    assert {(i["person_id"], i["person_name"], i["jurisdiction_code"]) for i in listed["items"]} == {
        (p["id"], p["name"], A) for p in pool
    }
    for item in listed["items"]:
        assert item["reason"] == "pool_positive" and item["cite"] == ["v9.testing"]
        assert item["due_at"].startswith("2022-11-16T00:00:00") and item["held_since"].startswith("2022-11-16T00:00:00")
    assert get(api, "worker_a", "/api/lab/retests")["total"] == 5
    assert get(api, "worker_c", "/api/lab/retests")["total"] == 0
    assert get(api, "epi", "/api/lab/retests", due_by="2022-11-15T00:00:00+08:00")["total"] == 0
    paged = get(api, "epi", "/api/lab/retests", limit=2, offset=4)
    assert (paged["total"], len(paged["items"])) == (5, 1)
    assert api.client.get("/api/lab/retests", headers=api.as_("lab")).status_code == 403

    # two members' single tubes come back negative: released and off the list
    clock.today = date(2022, 11, 17)
    upload(
        api,
        "lab",
        "/api/lab/samples",
        SAMPLES_HEADER
        + "".join(
            f"R-{i},1,Point 3,2022-11-17T07:00:00+08:00,{p['document_number']}\n" for i, p in enumerate(pool[:2])
        ),
    )
    done = upload(
        api,
        "lab",
        "/api/lab/results",
        RESULTS_HEADER + "".join(f"R-{i},City lab,2022-11-17T08:00:00+08:00,,\n" for i in range(2)),
    )
    assert done["consequences"] == {"released_from_hold": 2, "retests_done": 2}
    left = get(api, "epi", "/api/lab/retests")
    assert {i["person_id"] for i in left["items"]} == {p["id"] for p in pool[2:]}
    assert all(i["held_since"] is not None for i in left["items"])


def test_an_older_single_tube_does_not_clear_a_positive_pool(api: Api, clock: Clock) -> None:
    start_day(api, clock)
    pool = people(api, 5)
    upload(
        api,
        "lab",
        "/api/lab/samples",
        SAMPLES_HEADER
        + f"S-OLD,1,Point 3,2022-11-15T07:00:00+08:00,{pool[0]['document_number']}\n"
        + f"P-1,5,Point 3,{AT7},{docs(pool)}\n",
    )
    upload(api, "lab", "/api/lab/results", RESULTS_HEADER + f"P-1,City lab,{AT8},30,31\n")
    # the day-old single tube is resulted late: negative, but it says nothing about the pool
    late = upload(api, "lab", "/api/lab/results", RESULTS_HEADER + "S-OLD,City lab,2022-11-16T08:30:00+08:00,,\n")
    assert late["consequences"] == {}
    assert pool[0]["id"] in {i["person_id"] for i in get(api, "epi", "/api/lab/retests")["items"]}


# --- entrants: the Ct 35–40 band ------------------------------------------------------------------------------------


def _entrant(api: Api, clock: Clock) -> tuple[dict[str, Any], dict[str, Any]]:
    start_day(api, clock)
    traveller = person(api, "Traveller", "901")
    order = entry_order(api, traveller, clock)
    upload(
        api,
        "lab",
        "/api/lab/samples",
        SAMPLES_HEADER + f"T-1,1,Hotel A,2022-11-16T07:30:00+08:00,{traveller['document_number']}\n",
    )
    band = upload(api, "lab", "/api/lab/results", RESULTS_HEADER + f"T-1,City lab,{AT8},37,36.5\n")
    assert band["outcomes"] == {"retest_24h": 1} and band["consequences"] == {"retests_ordered": 1}
    (retest,) = get(api, "epi", "/api/lab/retests")["items"]
    assert (retest["person_id"], retest["reason"], retest["held_since"]) == (traveller["id"], "ct_band", None)
    assert retest["due_at"].startswith("2022-11-16T23:30:00")  # 24 h after collection (07:30 Beijing time)
    return traveller, order


def _retest(api: Api, traveller: dict[str, Any], barcode: str, collected: str, reported: str, ct: str) -> Any:
    upload(
        api,
        "lab",
        "/api/lab/samples",
        SAMPLES_HEADER + f"{barcode},1,Hotel A,{collected},{traveller['document_number']}\n",
    )
    return upload(api, "lab", "/api/lab/results", RESULTS_HEADER + f"{barcode},City lab,{reported},{ct}\n")


def test_an_entrant_retested_too_early_is_retested_again(api: Api, clock: Clock) -> None:
    traveller, _ = _entrant(api, clock)
    clock.today = date(2022, 11, 17)
    # 12.5 hours after the band result, Ct 38: too early to call a past infection
    early = _retest(api, traveller, "T-2", "2022-11-16T20:00:00+08:00", "2022-11-16T21:00:00+08:00", "38,38")
    assert early["outcomes"] == {"retest_24h": 1}
    # the first band result's retest stays owed, still due 24 h after that sample (not after this one)
    assert early["consequences"] == {}
    (retest,) = get(api, "epi", "/api/lab/retests")["items"]
    assert (retest["person_id"], retest["reason"]) == (traveller["id"], "ct_band")
    assert retest["due_at"].startswith("2022-11-16T23:30:00")
    orders = get(api, "epi", "/api/orders", person_id=traveller["id"], status="active")["items"]
    assert [o["category"] for o in orders] == ["entry_personnel"]
    assert get(api, "epi", "/api/infections")["total"] == 0


def test_an_entrant_retested_too_early_and_then_after_24_hours_in_one_file_is_a_past_infection(
    api: Api, clock: Clock
) -> None:
    traveller, _ = _entrant(api, clock)
    clock.today = date(2022, 11, 17)
    doc = traveller["document_number"]
    upload(
        api,
        "lab",
        "/api/lab/samples",
        SAMPLES_HEADER
        + f"T-2,1,Hotel A,2022-11-16T20:00:00+08:00,{doc}\nT-3,1,Hotel A,2022-11-17T08:00:00+08:00,{doc}\n",
    )
    both = upload(
        api,
        "lab",
        "/api/lab/results",
        RESULTS_HEADER + "T-2,City lab,2022-11-17T08:30:00+08:00,38,38\nT-3,City lab,2022-11-17T08:30:00+08:00,38,39\n",
    )
    assert both["outcomes"] == {"retest_24h": 1, "past_infection": 1}


def test_an_entrant_retested_too_early_and_then_after_24_hours_in_two_files_is_a_past_infection(
    api: Api, clock: Clock
) -> None:
    traveller, _ = _entrant(api, clock)
    clock.today = date(2022, 11, 17)
    _retest(api, traveller, "T-2", "2022-11-16T20:00:00+08:00", "2022-11-16T21:00:00+08:00", "38,38")
    # 24.5 h after the band result (12 h after the too-early retest)
    late = _retest(api, traveller, "T-3", "2022-11-17T08:00:00+08:00", "2022-11-17T08:30:00+08:00", "38,39")
    assert late["outcomes"] == {"past_infection": 1}


def test_an_entrant_retested_after_24_hours_in_the_band_is_a_past_infection(api: Api, clock: Clock) -> None:
    traveller, _ = _entrant(api, clock)
    clock.today = date(2022, 11, 17)
    late = _retest(api, traveller, "T-2", "2022-11-17T08:00:00+08:00", "2022-11-17T08:30:00+08:00", "38,39")
    assert late["outcomes"] == {"past_infection": 1}
    assert late["consequences"] == {"past_infections": 1, "retests_done": 1}
    orders = get(api, "epi", "/api/orders", person_id=traveller["id"], status="active")["items"]
    assert sorted(o["category"] for o in orders) == ["entry_personnel", "past_infection_ct35_40"]
    assert get(api, "epi", "/api/lab/retests")["total"] == 0


@pytest.mark.parametrize(
    ("collected", "label"),
    [("2022-11-17T08:00:00+08:00", "after 24 h"), ("2022-11-16T20:00:00+08:00", "too early: still positive")],
)
def test_an_entrant_retested_below_35_is_positive_and_transferred(
    api: Api, clock: Clock, collected: str, label: str
) -> None:
    traveller, entry = _entrant(api, clock)
    clock.today = date(2022, 11, 17)
    positive = _retest(api, traveller, "T-2", collected, "2022-11-17T08:30:00+08:00", "30,31")
    assert positive["outcomes"] == {"positive": 1}, label
    assert positive["consequences"] == {"infections": 1, "retests_done": 1, "transferred": 1}
    (infection,) = get(api, "epi", "/api/infections")["items"]
    assert infection["person_id"] == traveller["id"]
    order = get(api, "epi", f"/api/orders/{entry['id']}")
    assert order["status"] == "transferred"
    assert get(api, "epi", "/api/orders", person_id=traveller["id"], status="active")["total"] == 0
    assert get(api, "epi", "/api/lab/retests")["total"] == 0


def test_a_band_result_of_someone_not_entering_is_the_kits_cut_off(api: Api, clock: Clock) -> None:
    start_day(api, clock)
    resident = person(api, "Resident", "301")
    upload(api, "lab", "/api/lab/samples", SAMPLES_HEADER + f"S-1,1,Point 3,{AT7},{resident['document_number']}\n")
    judged = upload(api, "lab", "/api/lab/results", RESULTS_HEADER + f"S-1,City lab,{AT8},37,36.5\n")
    assert judged["outcomes"] == {"positive": 1}  # below the kit's 40; the 35–40 band is for entrants only
    assert judged["consequences"] == {"infections": 1}
