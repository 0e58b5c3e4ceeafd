"""The console's words for the trend charts's pages, in Simplified Chinese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "trend_title": {"zh": "趋势", "en": "Trends"},
    "trend_intro": {
        "zh": "每天一个数字，按当天的情况统计（此后解除或终止的管控仍计入其结束前的日子）。"
        "每张图下的表格列出同样的数字。",
        "en": "One number a day, as the day stood (an order released or ended since still counts on the days before "
        "it ended). The table under each chart holds the same numbers.",
    },
    "trend_days": {"zh": "天数", "en": "Days"},
    "trend_days_hint": {"zh": "7 至 90 天，截至今天", "en": "7 to 90 days, up to today"},
    "trend_bad_days": {"zh": "须为 7 至 90 之间的整数", "en": "must be a whole number from 7 to 90"},
    "trend_table": {"zh": "数据表", "en": "The numbers"},
    "trend_infections": {"zh": "新增感染者（按确诊日）", "en": "New infections (by day confirmed)"},
    "trend_new_infections": {"zh": "新增感染者", "en": "New infections"},
    "trend_management": {"zh": "在管人员（按类别）", "en": "People under management (by category)"},
    "trend_tests": {"zh": "核酸检测：应检与已采样", "en": "Tests: owed and done"},
    "trend_tests_owed": {"zh": "应检", "en": "Owed"},
    "trend_tests_done": {"zh": "已采样", "en": "Done (sampled)"},
    "trend_rooms": {"zh": "集中隔离房间：在住与总数", "en": "Isolation rooms: occupied and all"},
    "trend_rooms_occupied": {"zh": "在住", "en": "Occupied"},
    "trend_rooms_total": {"zh": "房间总数", "en": "All rooms"},
    "trend_areas": {"zh": "风险区（每日生效中）", "en": "Risk areas (in force each day)"},
    "trend_level_high": {"zh": "高风险区", "en": "High-risk"},
    "trend_level_medium": {"zh": "中风险区", "en": "Medium-risk"},
    "trend_level_low": {"zh": "低风险区", "en": "Low-risk"},
    "trend_level_none": {"zh": "已解除", "en": "Lifted"},
    "trend_axis_people": {"zh": "人数", "en": "People"},
    "trend_axis_tests": {"zh": "人次", "en": "Tests"},
    "trend_axis_rooms": {"zh": "房间数", "en": "Rooms"},
    "trend_axis_areas": {"zh": "区域数", "en": "Areas"},
    "trend_no_chart": {
        "zh": "图表未能加载；下表列出同样的数字。",
        "en": "The chart could not be loaded; the table below holds the same numbers.",
    },
    "trend_rooms_link": {"zh": "房间占用趋势", "en": "Rooms over time"},
}
