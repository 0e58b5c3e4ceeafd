"""The demo county's complaints (接诉即办, measure 18; clues, measure 16): a hotline call about a building sealed
without a risk area this morning (a clue: a finding on the supervisor's over-reach page), a question about testing
hours left unanswered past its deadline and escalated, a teacher's clue of a school closed four days ago, answered,
closed with feedback and published as a typical case, and an enterprise's question answered and awaiting feedback.
`demo_complaints` is called once from services/demo.py; a second call changes nothing."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy import Policy, load_policy
from fangkong.services.access import Actor
from fangkong.services.calendar import local_instant
from fangkong.services.jurisdictions.models import Jurisdiction

from .models import Complaint
from .service import (
    CaseCreate,
    ComplaintAnswer,
    ComplaintClose,
    ComplaintCreate,
    answer_complaint,
    close_complaint,
    escalate_late,
    publish_case,
    receive_complaint,
)


def demo_complaints(session: Session, actor: Actor, today: date, county: str, *, policy: Policy | None = None) -> int:
    """Receive the demo's complaints in the county's second street (outside the demo's high-risk areas); returns how
    many were received (0 when already there)."""
    root = session.get(Jurisdiction, county)
    street = session.get(Jurisdiction, f"{county}002")
    if root is None or street is None:
        return 0
    there = session.scalar(select(Complaint.id).where(Complaint.jurisdiction_path.startswith(root.path)).limit(1))
    if there is not None:
        return 0
    policy = policy or load_policy()
    community = f"{county}002001"
    school_place = f"{county}002002"
    week_ago = today - timedelta(days=4)  # under the 20 measures (in force from 11 Nov)
    # a teacher's clue last week: the school closed, answered, closed with feedback, published as a typical case
    school = receive_complaint(
        session,
        actor,
        ComplaintCreate(
            channel="platform",
            complainant_kind="teacher",
            complainant_name="赵老师",
            complainant_phone="13700001234",
            category="closed_school",
            content="第二中学无疫情却通知全校停课一周 The secondary school was told to suspend classes with no case.",
            place="示范区第二中学 Demo No. 2 Secondary School",
            affected="全校 1,200 名学生 1,200 students",
            jurisdiction_code=school_place,
        ),
        now=local_instant(week_ago, time(10)),
        policy=policy,
    )
    answer_complaint(
        session,
        actor,
        school.id,
        ComplaintAnswer(
            answer="核实：街道未经批准通知停课，已撤回 The street's order was not approved and was withdrawn."
        ),
        now=local_instant(week_ago, time(16)),
    )
    close_complaint(
        session,
        actor,
        school.id,
        ComplaintClose(
            feedback="已电话告知投诉人，次日恢复线下教学 Told by phone: classes resumed the next day.",
            rectification="撤回停课通知，恢复线下教学，街道作出书面检查 Order withdrawn, classes resumed, the street "
            "office made a written self-criticism.",
        ),
        now=local_instant(week_ago + timedelta(days=1), time(9)),
    )
    publish_case(
        session,
        actor,
        school.id,
        CaseCreate(
            title="无疫情学校被要求停课 A school without cases told to suspend classes",
            summary="某街道未经批准通知辖区一所中学停课一周 A street office told a secondary school to suspend classes "
            "for a week without approval.",
        ),
        now=local_instant(week_ago + timedelta(days=1), time(10)),
        policy=policy,
    )
    # two days ago: a question about testing hours, urgent, unanswered: late and escalated
    receive_complaint(
        session,
        actor,
        ComplaintCreate(
            complainant_kind="resident",
            complainant_name="钱先生",
            complainant_phone="13600005678",
            content="核酸采样点开放时间一直没人答复 Nobody answers about the testing site's hours.",
            place="第2街道第1社区采样点 Street 2 community 1 testing site",
            jurisdiction_code=community,
            urgency="urgent",
        ),
        now=local_instant(today - timedelta(days=2), time(10)),
        policy=policy,
    )
    # an enterprise's question yesterday, answered, feedback still owed
    firm = receive_complaint(
        session,
        actor,
        ComplaintCreate(
            channel="hotline",
            complainant_kind="enterprise",
            complainant_name="孙经理",
            complainant_phone="13500009876",
            content="返岗员工需要几次核酸 How many tests do returning workers need?",
            jurisdiction_code=community,
        ),
        now=local_instant(today - timedelta(days=1), time(14)),
        policy=policy,
    )
    answer_complaint(
        session,
        actor,
        firm.id,
        ComplaintAnswer(answer="按国家规定执行，不得加码 The national rules apply, nothing added."),
        now=local_instant(today - timedelta(days=1), time(17)),
    )
    # this morning: a hotline call about a building sealed without a risk area (a clue for the supervisor)
    receive_complaint(
        session,
        actor,
        ComplaintCreate(
            channel="hotline",
            complainant_kind="resident",
            complainant_name="李女士",
            complainant_phone="13900002222",
            category="sealed_building",
            content="3号楼单元门被铁丝封住，楼内没有感染者 "
            "The door of building 3 was wired shut; nobody in it is infected.",
            place="第2街道第1社区 3号楼 Building 3, street 2 community 1",
            affected="约 60 户 about 60 households",
            jurisdiction_code=community,
        ),
        now=local_instant(today, time(8)),
        policy=policy,
    )
    escalate_late(session, actor, now=local_instant(today, time(8, 30)), policy=policy)
    return 4
