"""Early-warning signals through the API (issue 20, measure 15): a file imported once (the same bytes again change
nothing, a bad row refused naming its field and row with nothing stored), the list paged and filtered and cut to the
reader's jurisdiction, one channel's series with every day (a gap null, not zero), positivity re-derived from lab
results, and the roles: the command centre imports and derives, the epidemiologist reads, a community worker
neither."""

from __future__ import annotations

from typing import Any

from tests.api.helpers import Api, error

A, B, C = "110105001001", "110105001002", "110106001001"
FILE = (
    "jurisdiction,channel,date,count,tests\n"
    f"{A},fever_clinic,2022-11-12,12,\n"
    f"{A},fever_clinic,2022-11-14,20,\n"
    f"{B},fever_clinic,2022-11-14,5,\n"
    f"{C},fever_clinic,2022-11-14,9,\n"
    f"{A},nucleic_acid_positivity,2022-11-13,3,400\n"
).encode()


def _import(api: Api, who: str, data: bytes, name: str = "signals.csv") -> Any:
    return api.client.post(
        "/api/signals/import",
        params={"filename": name},
        content=data,
        headers={**api.as_(who), "Content-Type": "text/csv"},
    )


def _get(api: Api, who: str, url: str, **params: Any) -> Any:
    r = api.client.get(url, params=params, headers=api.as_(who))
    assert r.status_code == 200, r.text
    return r.json()


def test_import_once_and_refuse_a_bad_file(api: Api) -> None:
    first = _import(api, "cc", FILE)
    assert first.status_code == 200 and first.json()["added"] == 5
    again = _import(api, "cc", FILE)
    assert again.json()["already_imported"] and again.json()["added"] == 0
    bad = _import(
        api, "cc", f"jurisdiction,channel,date,count\n{A},fever_clinic,2022-11-13,4\n{A},x,2022-11-13,1\n".encode()
    )
    assert bad.status_code == 422
    assert error(bad)["field"] == "channel" and "row 2" in error(bad)["message"]
    future = _import(api, "cc", f"jurisdiction,channel,date,count\n{A},fever_clinic,2022-11-15,4\n".encode())
    assert future.status_code == 422 and error(future)["field"] == "date"
    assert _get(api, "cc", "/api/signals")["total"] == 5


def test_the_list_is_paged_filtered_and_scoped(api: Api) -> None:
    _import(api, "cc", FILE)
    everything = _get(api, "cc", "/api/signals", limit=2)
    assert everything["total"] == 5 and len(everything["items"]) == 2
    seen = everything["items"] + _get(api, "cc", "/api/signals", offset=2, limit=3)["items"]
    assert len({(s["jurisdiction_code"], s["channel"], s["day"]) for s in seen}) == 5
    epi = _get(api, "epi", "/api/signals")
    assert epi["total"] == 4 and C not in {s["jurisdiction_code"] for s in epi["items"]}
    assert _get(api, "epi", "/api/signals", channel="fever_clinic", **{"from": "2022-11-13"})["total"] == 2
    assert _get(api, "epi", "/api/signals", jurisdiction=B)["total"] == 1
    outside = api.client.get("/api/signals", params={"jurisdiction": C}, headers=api.as_("epi"))
    assert outside.status_code == 404
    unknown = api.client.get("/api/signals", params={"channel": "rumours"}, headers=api.as_("epi"))
    assert unknown.status_code == 422 and error(unknown)["field"] == "channel"
    worker = api.client.get("/api/signals", headers=api.as_("worker_a"))
    assert worker.status_code == 403


def test_a_series_has_every_day(api: Api) -> None:
    _import(api, "cc", FILE)
    s = _get(api, "epi", "/api/signals/series", jurisdiction="110105", channel="fever_clinic", **{"from": "2022-11-11"})
    assert s["from"] == "2022-11-11" and s["to"] == "2022-11-14"
    assert s["counts"] == [None, 12, None, 25] and s["days"][1] == "2022-11-12"
    p = _get(
        api, "epi", "/api/signals/series", jurisdiction=A, channel="nucleic_acid_positivity", **{"from": "2022-11-13"}
    )
    assert p["counts"] == [3, None] and p["tests"] == [400, None]
    backwards = api.client.get(
        "/api/signals/series",
        params={"channel": "fever_clinic", "from": "2022-11-14", "to": "2022-11-01"},
        headers=api.as_("epi"),
    )
    assert backwards.status_code == 422 and error(backwards)["field"] == "to"


def test_derive_is_the_command_centres_and_idempotent(api: Api) -> None:
    body = {"from": "2022-11-10", "to": "2022-11-14"}
    r = api.client.post("/api/signals/derive", json=body, headers=api.as_("cc"))
    assert r.status_code == 200, r.text
    assert r.json()["channel"] == "nucleic_acid_positivity" and r.json()["written"] == 0
    assert api.client.post("/api/signals/derive", json=body, headers=api.as_("epi")).status_code == 403
    future = api.client.post(
        "/api/signals/derive", json={"from": "2022-11-14", "to": "2022-11-20"}, headers=api.as_("cc")
    )
    assert future.status_code == 422 and error(future)["field"] == "to"
    assert _import(api, "epi", FILE).status_code == 403
