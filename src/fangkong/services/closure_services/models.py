"""The needs list of people under closure, its escalations, the fixed receiving points and the hotline records
(measure 17: 建立需求清单; 划定社区固定接收点; 建立社区与医疗机构、药店的直通热线)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fangkong.services.persons.models import Person
from fangkong.services.store import Base, UtcDateTime, utcnow


class ClosureNeed(Base):
    """One need of a person (or their household, at `address`) under closure: a task with a deadline by urgency
    (rules.closure_needs), an assignee, and escalation when late."""

    __tablename__ = "closure_need"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    # the person's jurisdiction when raised: who may see the need, and where escalation climbs from
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    jurisdiction_path: Mapped[str] = mapped_column(String(400), index=True)
    address: Mapped[str] = mapped_column(String(400))  # where to deliver: the household's address
    kind: Mapped[str] = mapped_column(String(24))  # a NeedKind
    urgency: Mapped[str] = mapped_column(String(16))  # an Urgency
    detail: Mapped[str | None] = mapped_column(Text)
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    raised_by: Mapped[str] = mapped_column(String(100))
    deadline: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # why this urgency and deadline
    status: Mapped[str] = mapped_column(String(16), index=True)  # a NeedStatus
    assignee: Mapped[str | None] = mapped_column(String(100))
    assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_note: Mapped[str | None] = mapped_column(Text)
    refusal_ground: Mapped[str | None] = mapped_column(String(24))  # a RefusalGround: the last refusal
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    refused_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    refused_by: Mapped[str | None] = mapped_column(String(100))
    refusals: Mapped[int] = mapped_column(Integer, default=0)  # a medical need may be refused, and re-routed, again
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)  # the highest level escalated to

    person: Mapped[Person] = relationship(lazy="joined")


class NeedEscalation(Base):
    """A late need escalated one level further up the jurisdiction tree (closure-escalation); each level once."""

    __tablename__ = "need_escalation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("closure_need.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    to_jurisdiction_code: Mapped[str] = mapped_column(String(32), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    by: Mapped[str] = mapped_column(String(100))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class ReceivingPoint(Base):
    """A community's fixed receiving point for deliveries (划定社区固定接收点: the "last metre")."""

    __tablename__ = "receiving_point"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(400))
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    hours: Mapped[str] = mapped_column(String(100))  # when it receives, as said locally ("08:00-20:00")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class HotlineRecord(Base):
    """A call to the community's hotline (直通热线), and the need it raised if any."""

    __tablename__ = "hotline_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jurisdiction_code: Mapped[str] = mapped_column(ForeignKey("jurisdiction.code"), index=True)
    caller_phone: Mapped[str] = mapped_column(String(32))
    called_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    summary: Mapped[str] = mapped_column(Text)
    need_id: Mapped[int | None] = mapped_column(ForeignKey("closure_need.id"), index=True)
    recorded_by: Mapped[str] = mapped_column(String(100))
