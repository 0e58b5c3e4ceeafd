"""The console's words for vaccination (新冠病毒疫苗接种, measure 12), in Simplified Chinese and English: the coverage
board, its age bands, charts and community rows, the outreach list of the elderly, its statuses and the outcomes of
asking."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "vax_nav": {"zh": "疫苗接种", "en": "Vaccination"},
    "vax_title": {"zh": "疫苗接种率", "en": "Vaccination coverage"},
    "vax_intro": {
        "zh": "按年龄组统计接种一剂及以上、完成全程接种和完成加强免疫的比例，重点提高老年人接种率（二十条第12条）。",
        "en": "Coverage by age band with at least one dose, the full course and a booster; the elderly first "
        "(20 measures, no. 12).",
    },
    "vax_of": {"zh": "辖区", "en": "Jurisdiction"},
    "vax_on": {"zh": "日期", "en": "Day"},
    "vax_age_band": {"zh": "年龄组", "en": "Age band"},
    "vax_band": {"zh": "{a}–{b}岁", "en": "{a}–{b}"},
    "vax_band_open": {"zh": "{a}岁及以上", "en": "{a} and over"},
    "vax_persons": {"zh": "人数", "en": "People"},
    "vax_any_dose": {"zh": "接种一剂及以上", "en": "At least one dose"},
    "vax_full_course": {"zh": "完成全程接种", "en": "Full course"},
    "vax_boosted": {"zh": "完成加强免疫", "en": "Booster"},
    "vax_percent": {"zh": "接种率（%）", "en": "Coverage (%)"},
    "vax_by_band": {"zh": "按年龄组", "en": "By age band"},
    "vax_by_community": {"zh": "按社区", "en": "By community"},
    "vax_community": {"zh": "社区", "en": "Community"},
    "vax_count_share": {"zh": "{n} 人（{p}%）", "en": "{n} ({p}%)"},
    "vax_none": {"zh": "该辖区当日没有可统计的人员。", "en": "Nobody to count in this jurisdiction on this day."},
    "vax_chart_title": {"zh": "各年龄组接种率", "en": "Coverage by age band"},
    "vax_trend_title": {"zh": "60岁及以上人群接种率（近8周）", "en": "People 60 and over: coverage, last 8 weeks"},
    "vax_no_chart": {
        "zh": "图表未能显示，数据见下表。",
        "en": "The chart could not be drawn; the table holds the figures.",
    },
    "vax_outreach_link": {"zh": "待动员接种的老年人名单", "en": "Elderly people to ask to be vaccinated"},
    "vax_outreach_title": {"zh": "老年人接种动员名单", "en": "Vaccination outreach: the elderly"},
    "vax_outreach_intro": {
        "zh": "未接种或应接种加强针的老年人，年龄大者优先；"
        "已登记接种禁忌、近期拒绝或约定日后接种的不再列出（二十条第12条）。",
        "en": "Elderly people not vaccinated or due a booster, the oldest first; a contraindication, a recent refusal "
        "or a later day agreed leaves a person off (20 measures, no. 12).",
    },
    "vax_outreach_count": {"zh": "共 {n} 人", "en": "{n} people"},
    "vax_outreach_none": {"zh": "没有待动员的人员。", "en": "Nobody to ask."},
    "vax_export_csv": {"zh": "导出 CSV", "en": "Export CSV"},
    "vax_print": {"zh": "打印本页即为入户动员清单。", "en": "Print this page for the round."},
    "vax_name": {"zh": "姓名", "en": "Name"},
    "vax_place": {"zh": "所在地", "en": "Place"},
    "vax_age": {"zh": "年龄", "en": "Age"},
    "vax_age_n": {"zh": "{n}岁", "en": "{n}"},
    "vax_status": {"zh": "接种状态", "en": "Status"},
    "vax_booster_due": {"zh": "加强针应种日期", "en": "Booster due from"},
    "vax_status_unvaccinated": {"zh": "未接种", "en": "Not vaccinated"},
    "vax_status_partial": {"zh": "未完成全程接种", "en": "Course begun"},
    "vax_status_full_course": {"zh": "完成全程接种", "en": "Full course"},
    "vax_status_boosted": {"zh": "完成加强免疫", "en": "Boosted"},
    "vax_record": {"zh": "登记动员结果", "en": "Record the outcome"},
    "vax_outcome": {"zh": "结果", "en": "Outcome"},
    "vax_outcome_contraindication": {"zh": "接种禁忌", "en": "Contraindication"},
    "vax_outcome_refusal": {"zh": "拒绝接种", "en": "Refusal"},
    "vax_outcome_later_date": {"zh": "约定日后接种", "en": "Later day agreed"},
    "vax_asked_on": {"zh": "动员日期", "en": "Day asked"},
    "vax_reason": {"zh": "禁忌原因", "en": "Reason (contraindication)"},
    "vax_later_on": {"zh": "约定接种日期", "en": "Day agreed"},
    "vax_save": {"zh": "保存", "en": "Save"},
    "vax_saved": {"zh": "已登记：{outcome}。", "en": "Recorded: {outcome}."},
    "vax_prev": {"zh": "上一页", "en": "Previous"},
    "vax_next": {"zh": "下一页", "en": "Next"},
    "vax_board_link": {"zh": "返回接种率", "en": "Back to coverage"},
    # the outreach form's fields as a refusal names them (`error_words.field_words`)
    "error_field_asked_on": {"zh": "动员日期", "en": "Day asked"},
    "error_field_later_on": {"zh": "约定接种日期", "en": "Day agreed"},
    "error_field_reason": {"zh": "原因", "en": "Reason"},
}
