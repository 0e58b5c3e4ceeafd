"""Early-warning alerts as tasks (measure 15), against the store on SQLite and PostgreSQL: assigned to a worker of
the alert's jurisdiction, closed as a confirmed cluster linked to its infections or as a false alarm, never twice;
bad input refused naming the field with nothing changed; listed earliest deadline first, overdue ones found; out of
scope not found; every step in the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import Conflict, InvalidInput, NotFound
from fangkong.services.access import SYSTEM, Actor, Role
from fangkong.services.audit.models import AuditEntry
from fangkong.services.infections.models import Infection
from fangkong.services.persons.schemas import PersonCreate
from fangkong.services.persons.service import create_person
from fangkong.services.store import make_engine, session_factory
from fangkong.services.warning_alerts.models import WarningAlert
from fangkong.services.warning_alerts.service import (
    AlertAssign,
    AlertVerify,
    assign_alert,
    is_overdue,
    list_alerts,
    read_alert,
    verify_alert,
)

NOW = datetime(2022, 11, 16, 2, tzinfo=UTC)
A, B = "110105001001", "110106001001"
EPI = Actor("epi_a", Role.epidemiologist, "/11/1101/110105/")
EPI_B = Actor("epi_b", Role.epidemiologist, "/11/1101/110106/")


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


def _alert(session: Session, code: str = A, raised: datetime = NOW, day: date = date(2022, 11, 16)) -> int:
    alert = WarningAlert(
        jurisdiction_code=code,
        raised_on=day,
        kind="multi_channel",
        method="ears-c2",
        channels=["antipyretic_sales", "fever_clinic"],
        evidence=[{"channel": "fever_clinic", "day": "2022-11-16", "count": 30, "upperbound": 12.5}],
        reasons=[{"clause": "m20.15", "text": "2 channels alarmed within 3 days: antipyretic sales, fever clinic"}],
        policy="m20",
        status="open",
        raised_at=raised,
        raised_by="system",
        verify_by=raised + timedelta(hours=24),
        infection_ids=[],
    )
    session.add(alert)
    session.flush()
    return alert.id


def _infection(session: Session, code: str, number: str) -> int:
    person = create_person(
        session,
        SYSTEM,
        PersonCreate(name="Wu", address="-", jurisdiction_code=code, document_type="passport", document_number=number),
        today=NOW.date(),
    )
    infection = Infection(
        person_id=person.id,
        kind="confirmed",
        sampled_on=NOW.date(),
        confirmed_at=NOW,
        found_in="community",
        jurisdiction_code=code,
        created_by="t",
    )
    session.add(infection)
    session.flush()
    return infection.id


def test_assigned_then_confirmed_with_its_infections(session: Session) -> None:
    aid = _alert(session)
    inf = _infection(session, A, "E000001")
    with pytest.raises(InvalidInput) as nobody:
        assign_alert(session, EPI, aid, AlertAssign(assignee="ghost"), now=NOW)
    assert nobody.value.field == "assignee"
    with pytest.raises(InvalidInput) as elsewhere:
        assign_alert(session, EPI, aid, AlertAssign(assignee="worker_c"), now=NOW)  # another district's worker
    assert elsewhere.value.field == "assignee"
    alert = assign_alert(session, EPI, aid, AlertAssign(assignee="worker_a"), now=NOW)
    assert (alert.status, alert.assignee) == ("assigned", "worker_a")
    for body, field in (
        (AlertVerify(outcome="maybe"), "outcome"),
        (AlertVerify(outcome="open"), "outcome"),
        (AlertVerify(outcome="confirmed"), "infection_ids"),
        (AlertVerify(outcome="false_alarm", infection_ids=[inf]), "infection_ids"),
        (AlertVerify(outcome="confirmed", infection_ids=[inf + 999]), "infection_ids"),
    ):
        with pytest.raises(InvalidInput) as refused:
            verify_alert(session, EPI, aid, body, now=NOW)
        assert refused.value.field == field
    assert session.get(WarningAlert, aid).status == "assigned"  # type: ignore[union-attr]
    done = verify_alert(session, EPI, aid, AlertVerify(outcome="confirmed", infection_ids=[inf, inf]), now=NOW)
    assert (done.status, done.infection_ids, done.decided_by) == ("confirmed", [inf], "epi_a")
    with pytest.raises(Conflict):
        verify_alert(session, EPI, aid, AlertVerify(outcome="false_alarm"), now=NOW)
    trail = session.scalars(select(AuditEntry).where(AuditEntry.entity == "warning_alert")).all()
    assert [e.detail.get("assignee") or e.detail.get("outcome") for e in trail] == ["worker_a", "confirmed"]
    read_alert(session, EPI, aid)
    reads = session.scalars(select(AuditEntry).where(AuditEntry.entity == "warning_alerts")).all()
    assert reads and reads[-1].detail["persons"]


def test_lists_deadlines_and_scope(session: Session) -> None:
    late = _alert(session, raised=NOW - timedelta(hours=30), day=date(2022, 11, 15))
    fresh = _alert(session)
    other = _alert(session, code=B)
    rows, total = list_alerts(session, EPI, now=NOW)
    assert total == 2 and [a.id for a in rows] == [late, fresh]
    assert is_overdue(rows[0], NOW) and not is_overdue(rows[1], NOW)
    overdue, n = list_alerts(session, EPI, now=NOW, overdue=True)
    assert n == 1 and overdue[0].id == late
    verify_alert(session, EPI, late, AlertVerify(outcome="false_alarm", note="a pharmacy promotion"), now=NOW)
    rows, _ = list_alerts(session, EPI, now=NOW)
    assert [a.id for a in rows] == [fresh, late]  # the verified one last
    assert list_alerts(session, EPI, now=NOW, status="false_alarm")[1] == 1
    with pytest.raises(InvalidInput) as refused:
        list_alerts(session, EPI, now=NOW, status="lost")
    assert refused.value.field == "status"
    with pytest.raises(NotFound):
        read_alert(session, EPI, other)
    with pytest.raises(NotFound):
        assign_alert(session, EPI_B, fresh, AlertAssign(assignee="worker_c"), now=NOW)
