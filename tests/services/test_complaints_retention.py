"""Who complained is personal data (PIPL art. 47): once a complaint has been closed, with feedback, for the period a
person's data is kept, the daily retention job blanks the complainant's name, phone and ID number — each complaint
audited, what happened and how it was rectified kept — and a second run changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy import load_policy
from fangkong.services.access import Actor, Role
from fangkong.services.audit.models import AuditEntry
from fangkong.services.calendar import JURISDICTION_ZONE
from fangkong.services.complaints.models import Complaint
from fangkong.services.complaints.service import (
    ComplaintAnswer,
    ComplaintClose,
    ComplaintCreate,
    answer_complaint,
    close_complaint,
    receive_complaint,
)
from fangkong.services.retention.service import RETENTION, run_retention
from fangkong.services.store import make_engine, session_factory

POLICY = load_policy()
COMMUNITY = "110105001001"
DAY = date(2022, 11, 20)
WORKER = Actor("worker_a", Role.community_worker, f"/11/1101/110105/110105001/{COMMUNITY}/")
ADMIN = Actor("admin", Role.admin, "/")


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


def _complaint(session: Session, text: str, *, close: bool) -> Complaint:
    at = datetime.combine(DAY, time(9), JURISDICTION_ZONE)
    call = ComplaintCreate(
        content=text,
        complainant_name="Zhou",
        complainant_phone="13800002222",
        complainant_id_number="110101199001011234",
        jurisdiction_code=COMMUNITY,
    )
    c = receive_complaint(session, WORKER, call, now=at, policy=POLICY)
    if close:
        answer_complaint(session, WORKER, c.id, ComplaintAnswer(answer="Answered."), now=at + timedelta(hours=1))
        close_complaint(session, WORKER, c.id, ComplaintClose(feedback="Told by phone."), now=at + timedelta(hours=2))
    return c


def test_a_closed_complaint_forgets_who_complained_after_the_period(session: Session) -> None:
    days = POLICY.at(DAY).integer(RETENTION).value
    assert days is not None
    closed = _complaint(session, "The site's hours are wrong", close=True)
    still_open = _complaint(session, "Nobody answers", close=False)

    within = run_retention(session, ADMIN, POLICY, today=DAY + timedelta(days=days - 1))
    assert within.complaints_anonymised == 0 and closed.complainant_name == "Zhou"
    dry = run_retention(session, ADMIN, POLICY, today=DAY + timedelta(days=days), dry_run=True)
    assert dry.complaints_anonymised == 1 and closed.complainant_phone == "13800002222"

    done = run_retention(session, ADMIN, POLICY, today=DAY + timedelta(days=days))
    assert done.complaints_anonymised == 1
    who = ("complainant_name", "complainant_phone", "complainant_id_number")
    assert [getattr(closed, column) for column in who] == [None, None, None]
    assert closed.content == "The site's hours are wrong" and closed.feedback == "Told by phone."
    assert still_open.complainant_name == "Zhou"  # its purpose, an answer, is not achieved
    audited = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "complaint", AuditEntry.action == "anonymise")
    ).all()
    assert [a.entity_id for a in audited] == [str(closed.id)]
    assert run_retention(session, ADMIN, POLICY, today=DAY + timedelta(days=days + 1)).complaints_anonymised == 0
