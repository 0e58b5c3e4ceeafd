"""The console's words for the services to people under closure (measure 17: 需求清单、首诊负责制), in Simplified
Chinese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "needs_open": {"zh": "封控人员待办需求", "en": "Open needs of people under closure"},
    "need_kind": {"zh": "需求", "en": "Need"},
    "need_urgency": {"zh": "紧急程度", "en": "Urgency"},
    "need_deadline": {"zh": "办理时限", "en": "Deadline"},
    "need_state": {"zh": "办理情况", "en": "State"},
    "need_overdue": {"zh": "已超时", "en": "Overdue"},
    "need_in_time": {"zh": "未超时", "en": "In time"},
    "need_escalated": {"zh": "已上报 {n} 级", "en": "escalated {n} level(s) up"},
    "need_assignee": {"zh": "承办人", "en": "Assigned to"},
    "need_unassigned": {"zh": "未分派", "en": "Not assigned"},
    "need_kind_medicine": {"zh": "购药", "en": "Medicine"},
    "need_kind_dialysis": {"zh": "血液透析", "en": "Hemodialysis"},
    "need_kind_chemotherapy": {"zh": "放化疗", "en": "Chemotherapy or radiotherapy"},
    "need_kind_prenatal_check": {"zh": "孕产检", "en": "Prenatal check"},
    "need_kind_emergency": {"zh": "急危重症就医", "en": "Emergency care"},
    "need_kind_food": {"zh": "生活物资", "en": "Food and daily necessities"},
    "need_kind_counselling": {"zh": "心理疏导", "en": "Psychological counselling"},
    "need_kind_other": {"zh": "其他", "en": "Other"},
    "need_urgency_emergency": {"zh": "紧急（数小时内）", "en": "Emergency (within hours)"},
    "need_urgency_urgent": {"zh": "急需（一天内）", "en": "Urgent (within a day)"},
    "need_urgency_routine": {"zh": "一般", "en": "Routine"},
}
