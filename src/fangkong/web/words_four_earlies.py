"""The console's words for the four earlies report (四早, measure 15), in Simplified Chinese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "fe_nav": {"zh": "四早指标", "en": "Four earlies"},
    "fe_title": {"zh": "“四早”落实情况", "en": "The four earlies"},
    "fe_intro": {
        "zh": "早发现：发病至采样（天）；早报告：确诊至报告（小时）；早隔离：确诊至密切接触者全部纳入管控（小时）；"
        "早治疗：确诊至按病情分级收治（天）。无时限要求或不适用的不计入。",
        "en": "Early detection: onset to the sample that found it (days); early reporting: confirmation to report "
        "(hours); early isolation: confirmation until every close contact is under management (hours); early "
        "treatment: confirmation to admission at the level of care the severity asks (days). Steps without a "
        "deadline or that do not apply are not counted.",
    },
    "fe_since": {"zh": "确诊日期自", "en": "Confirmed from"},
    "fe_until": {"zh": "至", "en": "to"},
    "fe_infections": {"zh": "感染者 {n} 例", "en": "{n} infections"},
    "fe_overall": {"zh": "总体", "en": "Overall"},
    "fe_by_week": {"zh": "按辖区和周", "en": "By jurisdiction and week"},
    "fe_week_of": {"zh": "{day} 起一周", "en": "Week of {day}"},
    "fe_step": {"zh": "环节", "en": "Step"},
    "fe_step_detection": {"zh": "早发现", "en": "Early detection"},
    "fe_step_reporting": {"zh": "早报告", "en": "Early reporting"},
    "fe_step_isolation": {"zh": "早隔离", "en": "Early isolation"},
    "fe_step_treatment": {"zh": "早治疗", "en": "Early treatment"},
    "fe_measured": {"zh": "计入", "en": "Counted"},
    "fe_done": {"zh": "已完成", "en": "Done"},
    "fe_late": {"zh": "超时", "en": "Late"},
    "fe_pending": {"zh": "进行中", "en": "Pending"},
    "fe_median": {"zh": "中位数", "en": "Median"},
    "fe_p90": {"zh": "第 90 百分位", "en": "90th percentile"},
    "fe_on_time": {"zh": "按时比例", "en": "On time"},
    "fe_unit_hours": {"zh": "小时", "en": "hours"},
    "fe_unit_days": {"zh": "天", "en": "days"},
    "fe_deadline": {"zh": "时限", "en": "Deadline"},
    "fe_late_list": {"zh": "超时名单", "en": "The late ones"},
    "fe_none_late": {"zh": "没有超时的。", "en": "None late."},
    "fe_none": {"zh": "所选日期内没有确诊的感染者。", "en": "No infection confirmed in these days."},
    "fe_person": {"zh": "感染者", "en": "Infection"},
    "fe_confirmed": {"zh": "确诊时间", "en": "Confirmed"},
    "fe_took": {"zh": "用时", "en": "Took"},
    "fe_not_yet": {"zh": "尚未完成", "en": "not done yet"},
    "fe_jurisdiction": {"zh": "辖区", "en": "Jurisdiction"},
    "list_entity_four_earlies": {"zh": "“四早”超时名单", "en": "Four earlies: the late ones"},
}
