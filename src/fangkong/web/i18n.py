"""The console's words in Simplified Chinese and English. A missing key shows itself (never a blank)."""

from __future__ import annotations

LANGUAGES = ("zh", "en")
DEFAULT = "zh"

MESSAGES: dict[str, dict[str, str]] = {
    "title": {"zh": "防控 · 指挥台", "en": "fangkong · console"},
    "login": {"zh": "登录", "en": "Log in"},
    "logout": {"zh": "退出", "en": "Log out"},
    "username": {"zh": "用户名", "en": "Username"},
    "password": {"zh": "密码", "en": "Password"},
    "bad_login": {"zh": "用户名或密码错误", "en": "Unknown user or wrong password"},
    "dashboard": {"zh": "今日概况", "en": "Today"},
    "worklists": {"zh": "今日工作", "en": "Work lists"},
    "self_check": {"zh": "政策自查", "en": "Self-check"},
    "under_management": {"zh": "在管人员", "en": "Under management"},
    "by_category": {"zh": "按类别", "en": "By category"},
    "by_phase": {"zh": "按阶段", "en": "By phase"},
    "tests_due": {"zh": "今日应检", "en": "Tests due today"},
    "tests_done": {"zh": "已采样", "en": "Sampled"},
    "releases": {"zh": "今日解除", "en": "Released today"},
    "phase_changes": {"zh": "阶段转换", "en": "Phase changes"},
    "overdue_tests": {"zh": "逾期未检", "en": "Overdue tests"},
    "retests_due": {"zh": "待复核", "en": "Retests due"},
    "new_infections": {"zh": "今日新增感染者", "en": "New infections today"},
    "high_risk_areas": {"zh": "高风险区", "en": "High-risk areas"},
    "sites": {"zh": "集中隔离点", "en": "Isolation sites"},
    "rooms_free": {"zh": "空余房间", "en": "Free rooms"},
    "occupied": {"zh": "在住", "en": "Occupied"},
    "day": {"zh": "日期", "en": "Day"},
    "name": {"zh": "姓名", "en": "Name"},
    "address": {"zh": "地址", "en": "Address"},
    "category": {"zh": "类别", "en": "Category"},
    "phase": {"zh": "阶段", "en": "Phase"},
    "where": {"zh": "地点", "en": "Where"},
    "detail": {"zh": "说明", "en": "Detail"},
    "export_csv": {"zh": "导出 CSV", "en": "Export CSV"},
    "print": {"zh": "打印", "en": "Print"},
    "show": {"zh": "查看", "en": "Show"},
    "jurisdiction": {"zh": "辖区", "en": "Jurisdiction"},
    "person": {"zh": "人员", "en": "Person"},
    "document": {"zh": "证件", "en": "Document"},
    "phone": {"zh": "电话", "en": "Phone"},
    "orders": {"zh": "管控措施", "en": "Management orders"},
    "timeline": {"zh": "管控时间线", "en": "Timeline"},
    "test_days": {"zh": "检测日", "en": "Test days"},
    "reasons": {"zh": "依据", "en": "Reasons"},
    "history": {"zh": "记录", "en": "History"},
    "audit": {"zh": "查阅记录", "en": "Who looked"},
    "status": {"zh": "状态", "en": "Status"},
    "nothing": {"zh": "无", "en": "None"},
    "question_category": {"zh": "您的情况", "en": "Your situation"},
    "question_date": {
        "zh": "相关日期（末次接触、入境或离开日期）",
        "en": "The date (last exposure, entry, or leaving)",
    },
    "your_plan": {"zh": "适用于您的管控措施", "en": "The plan that applies to you"},
    "released_on": {"zh": "解除日期", "en": "Released on"},
    "language": {"zh": "English", "en": "中文"},
    "centralized_isolation": {"zh": "集中隔离", "en": "Centralized isolation"},
    "home_isolation": {"zh": "居家隔离", "en": "Home isolation"},
    "home_health_monitoring": {"zh": "居家健康监测", "en": "Home health monitoring"},
    "centralized_site": {"zh": "集中隔离点", "en": "Isolation site"},
    "home_visit": {"zh": "上门", "en": "Home visit"},
    "close_contact": {"zh": "密切接触者", "en": "Close contact"},
    "secondary_close_contact": {"zh": "密接的密接", "en": "Secondary close contact"},
    "entry_personnel": {"zh": "入境人员", "en": "Entry personnel"},
    "high_risk_spillover": {"zh": "高风险区外溢人员", "en": "Left a high-risk area"},
    "medium_risk_spillover": {"zh": "中风险区外溢人员", "en": "Left a medium-risk area"},
    "high_risk_post_worker": {"zh": "高风险岗位从业人员", "en": "High-risk post worker"},
    "past_infection_ct35_40": {"zh": "既往感染（Ct 35–40）", "en": "Past infection (Ct 35–40)"},
    "not_found": {"zh": "未找到", "en": "Not found"},
    "forbidden": {"zh": "无权查看", "en": "Not permitted"},
}


def translate(key: str, lang: str) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry[DEFAULT]
