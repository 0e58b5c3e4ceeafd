"""No answer reveals what the caller may not read (issue 17): a health code's token from outside the caller's
jurisdiction is answered as an unknown token (not with its person's id), and a lab cannot tell from the answer to
a samples file whether a document number is registered — in its jurisdiction or anywhere."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.services.audit.models import AuditEntry
from fangkong.services.health_codes.models import HealthCode
from tests.api.helpers import Api, Clock, register, resident_id
from tests.api.test_lab_imports import AT7, SAMPLES_HEADER, engine_of, start_day, upload

A = "110105001001"  # Chaoyang, Community A
C = "110106001001"  # Fengtai, Community C


def token_of(api: Api, person_id: int) -> str:
    with Session(engine_of(api)) as s:
        token = s.scalar(select(HealthCode.token).where(HealthCode.person_id == person_id))
    assert token is not None
    return str(token)


def test_an_out_of_scope_token_is_answered_as_an_unknown_one(api: Api, clock: Clock) -> None:
    person = register(api, "worker_a", name="Zhang San", community=A)
    token = token_of(api, person["id"])
    unknown = ("Z" if token[0] != "Z" else "Y") + token[1:]  # well formed, held by nobody
    mine = api.client.get(f"/api/health-codes/token/{token}", headers=api.as_("worker_a"))
    assert mine.status_code == 200 and mine.json()["person_id"] == person["id"]
    theirs = api.client.get(f"/api/health-codes/token/{token}", headers=api.as_("worker_c"))
    nobody = api.client.get(f"/api/health-codes/token/{unknown}", headers=api.as_("worker_c"))
    assert (theirs.status_code, nobody.status_code) == (404, 404)
    assert theirs.json() == nobody.json()
    assert str(person["id"]) not in theirs.text


def test_a_lab_cannot_tell_a_registered_number_from_an_unknown_one(api: Api, clock: Clock) -> None:
    """A one-tube file naming someone registered in the lab's county, someone registered in another county and
    nobody at all is stored and answered alike; who was not matched is for the supervisors, in the import's
    audit entry."""
    start_day(api, clock)
    here = register(api, "worker_a", name="Li Si", community=A, seq="201")
    there = register(api, "worker_c", name="Wang Wu", community=C, seq="202")
    nobody = resident_id("110105", "19850101", "998")
    answers: list[dict[str, Any]] = []
    for n, doc in enumerate((here["document_number"], there["document_number"], nobody)):
        answers.append(upload(api, "lab", "/api/lab/samples", SAMPLES_HEADER + f"S-{n},1,Point 1,{AT7},{doc}\n"))
    assert len({tuple(sorted((k, str(v)) for k, v in a.items() if k != "import_id")) for a in answers}) == 1
    with Session(engine_of(api)) as s:
        entries = s.scalars(
            select(AuditEntry).where(AuditEntry.entity == "lab_import", AuditEntry.action == "import")
        ).all()
    unmatched = {e.entity_id: e.detail.get("unmatched", []) for e in entries}
    assert [unmatched[str(a["import_id"])] for a in answers] == [[], [there["document_number"]], [nobody]]
