"""The console's words for early-warning alerts (多点触发预警, measure 15), in Simplified Chinese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "wa_nav": {"zh": "预警核实", "en": "Alerts"},
    "wa_title": {"zh": "多点触发预警", "en": "Early-warning alerts"},
    "wa_intro": {
        "zh": "同一辖区 3 天内两个以上渠道预警，或单一渠道强信号（达到预警上限 2 倍以上且不少于 10），即触发预警；"
        "须在 24 小时内核实：确认为聚集性疫情（关联相应感染者）或排除。",
        "en": "Two or more channels alarming in one jurisdiction within 3 days, or one channel alarming strongly (at "
        "least twice its upper bound and at least 10), raise an alert; it is verified within 24 hours: a confirmed "
        "cluster (linked to its infections) or a false alarm.",
    },
    "wa_count": {"zh": "共 {n} 条", "en": "{n} alerts"},
    "wa_none": {"zh": "没有预警。", "en": "No alerts."},
    "wa_place": {"zh": "辖区", "en": "Jurisdiction"},
    "wa_raised_on": {"zh": "预警日期", "en": "Day"},
    "wa_kind": {"zh": "类型", "en": "Kind"},
    "wa_kind_any": {"zh": "全部类型", "en": "Any kind"},
    "wa_kind_multi_channel": {"zh": "多渠道同时预警", "en": "Several channels"},
    "wa_kind_strong_signal": {"zh": "单一渠道强信号", "en": "One strong signal"},
    "wa_status": {"zh": "状态", "en": "Status"},
    "wa_status_any": {"zh": "全部状态", "en": "Any status"},
    "wa_status_open": {"zh": "待核实", "en": "To verify"},
    "wa_status_assigned": {"zh": "核实中", "en": "Being verified"},
    "wa_status_confirmed": {"zh": "确认为聚集性疫情", "en": "Confirmed cluster"},
    "wa_status_false_alarm": {"zh": "排除（误报）", "en": "False alarm"},
    "wa_verify_by": {"zh": "核实时限", "en": "Verify by"},
    "wa_overdue": {"zh": "已超时", "en": "Overdue"},
    "wa_in_time": {"zh": "未超时", "en": "In time"},
    "wa_overdue_only": {"zh": "只看超时的", "en": "Overdue only"},
    "wa_evidence": {"zh": "预警依据", "en": "Alarms"},
    "wa_channel": {"zh": "渠道", "en": "Channel"},
    "wa_day": {"zh": "日期", "en": "Day"},
    "wa_observed": {"zh": "计数", "en": "Count"},
    "wa_upper": {"zh": "预警上限", "en": "Upper bound"},
    "wa_why": {"zh": "依据", "en": "Why"},
    "wa_see_signals": {"zh": "查看监测信号", "en": "See the signals"},
    "wa_assignee": {"zh": "核实人", "en": "Verified by"},
    "wa_assign": {"zh": "指派核实", "en": "Assign"},
    "wa_assignee_hint": {"zh": "账号（如 worker1）", "en": "Username (e.g. worker1)"},
    "wa_outcome": {"zh": "核实结果", "en": "Outcome"},
    "wa_infections": {"zh": "关联感染者编号", "en": "Infection numbers"},
    "wa_infections_hint": {
        "zh": "确认为聚集性疫情时填写，多个用逗号分隔",
        "en": "For a confirmed cluster; separate with commas",
    },
    "wa_note": {"zh": "核实说明", "en": "Note"},
    "wa_verify": {"zh": "保存核实结果", "en": "Save the outcome"},
    "wa_decided": {"zh": "核实", "en": "Verified"},
    "wa_linked": {"zh": "关联感染者", "en": "Infections"},
    "wa_saved_assigned": {"zh": "已指派核实。", "en": "Verification assigned."},
    "wa_saved_verified": {"zh": "已保存核实结果。", "en": "Outcome saved."},
    "list_entity_warning_alert": {"zh": "预警", "en": "Early-warning alert"},
    "list_entity_warning_alerts": {"zh": "预警列表", "en": "Early-warning alerts"},
    "error_field_assignee": {"zh": "核实人", "en": "assignee"},
    "error_field_infection_ids": {"zh": "关联感染者", "en": "infections"},
}
