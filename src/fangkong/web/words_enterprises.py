"""The console's words for enterprises and industrial parks (measure 19: 一企一策、一园一策, the white list of key
enterprises), in Simplified Chinese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    # the audit page's entity filter
    "list_entity_enterprise_parks": {"zh": "工业园区", "en": "Industrial parks"},
    "list_entity_enterprises": {"zh": "企业", "en": "Enterprises"},
    "list_entity_enterprise_plans": {"zh": "企业/园区防控方案", "en": "Enterprise and park plans"},
    "list_entity_enterprise_plan_checks": {"zh": "防控台账检查", "en": "Plan ledger checks"},
    "list_entity_enterprise_return_checks": {"zh": "返岗人员核验", "en": "Returning workers' checks"},
    "list_entity_enterprise_stop_orders": {"zh": "停产指令", "en": "Stop-production orders"},
    # the pages
    "ent_nav": {"zh": "企业园区", "en": "Enterprises"},
    "ent_title": {"zh": "企业和工业园区", "en": "Enterprises and industrial parks"},
    "ent_intro": {
        "zh": "摸清辖区内企业（含民营企业）和工业园区底数，"
        "一企一策、一园一策；建立从管理层到车间班组的防控责任链和防控台账；"
        "返岗人员返岗前核验风险区和管控状态；"
        "白名单内的重点企业不得要求停产，"
        "其他企业停产须经批准。",
        "en": "Every enterprise (private ones included) and industrial park of the jurisdiction, one plan each; "
        "a chain "
        "of responsibility from management to workshop team and a ledger of checks; returning workers checked "
        "against the risk areas and their management status before returning to work; key enterprises on the white "
        "list may not be told to stop production, and any other stop needs an approval.",
    },
    "ent_count": {"zh": "共 {n} 家企业", "en": "{n} enterprises"},
    "ent_none": {"zh": "没有企业。", "en": "No enterprises."},
    "ent_name": {"zh": "名称", "en": "Name"},
    "ent_place": {"zh": "辖区", "en": "Jurisdiction"},
    "ent_park": {"zh": "所在园区", "en": "Park"},
    "ent_no_park": {"zh": "不在园区", "en": "Not in a park"},
    "ent_ownership": {"zh": "所有制", "en": "Ownership"},
    "ent_ownership_private": {"zh": "民营", "en": "Private"},
    "ent_ownership_state": {"zh": "国有", "en": "State-owned"},
    "ent_ownership_collective": {"zh": "集体", "en": "Collective"},
    "ent_ownership_foreign": {"zh": "外资", "en": "Foreign-invested"},
    "ent_ownership_other": {"zh": "其他", "en": "Other"},
    "ent_workers": {"zh": "职工人数", "en": "Workers"},
    "ent_white_list": {"zh": "白名单", "en": "White list"},
    "ent_white_listed": {"zh": "重点企业（白名单）", "en": "Key enterprise (white list)"},
    "ent_not_white_listed": {"zh": "—", "en": "—"},
    "ent_key_chain": {"zh": "重点产业链/供应链", "en": "Key supply chain"},
    "ent_status": {"zh": "生产状态", "en": "Production"},
    "ent_producing": {"zh": "正常生产", "en": "Producing"},
    "ent_stopped": {"zh": "已停产（经批准）", "en": "Stopped (approved)"},
    "ent_plan": {"zh": "防控方案", "en": "Plan"},
    "ent_has_plan": {"zh": "已制定", "en": "Adopted"},
    "ent_no_plan": {"zh": "未制定", "en": "None yet"},
    "ent_filter": {"zh": "筛选", "en": "Filter"},
    "ent_any": {"zh": "全部", "en": "All"},
    "ent_only_white": {"zh": "仅白名单", "en": "White list only"},
    "ent_only_other": {"zh": "仅非白名单", "en": "Off the white list"},
    "ent_parks": {"zh": "工业园区", "en": "Industrial parks"},
    "ent_chain": {"zh": "防控责任链", "en": "Chain of responsibility"},
    "ent_level_management": {"zh": "管理层", "en": "Management"},
    "ent_level_workshop": {"zh": "车间", "en": "Workshop"},
    "ent_level_team": {"zh": "班组", "en": "Team"},
    "ent_ledger": {"zh": "防控台账", "en": "Ledger of checks"},
    "ent_checked_on": {"zh": "检查日期", "en": "Checked on"},
    "ent_checker": {"zh": "检查人", "en": "Checker"},
    "ent_passed": {"zh": "合格", "en": "Passed"},
    "ent_failed": {"zh": "需整改", "en": "To put right"},
    "ent_note": {"zh": "备注", "en": "Note"},
    "ent_returns": {"zh": "返岗人员核验", "en": "Returning workers"},
    "ent_cleared": {"zh": "可返岗", "en": "Cleared"},
    "ent_held": {"zh": "暂缓返岗", "en": "Held"},
    "ent_reasons": {"zh": "依据", "en": "Why"},
    "ent_stop": {"zh": "停产指令", "en": "Stop production"},
    "ent_stop_reason": {"zh": "停产原因", "en": "Why production stops"},
    "ent_approved_by": {"zh": "批准机关", "en": "Approved by"},
    "ent_approval_ref": {"zh": "批准文号", "en": "Approval reference"},
    "ent_stop_submit": {"zh": "提交停产指令（由防控规则审核）", "en": "Submit the stop order (judged by the guard)"},
    "ent_stop_done": {"zh": "停产指令已登记", "en": "Stop order recorded"},
    "ent_back": {"zh": "返回企业列表", "en": "Back to the enterprises"},
    "ent_person": {"zh": "返岗人员证件号码", "en": "Returning worker's ID number"},
    "ent_returning_from": {
        "zh": "返回前所在地（辖区代码，可不填）",
        "en": "Coming back from (jurisdiction code, optional)",
    },
    "ent_return_submit": {"zh": "返岗核验", "en": "Check before return to work"},
    # the plan, its ledger and the white list from the console
    "ent_adopt_plan": {"zh": "制定防控方案", "en": "Adopt its plan"},
    "ent_measures": {"zh": "防控措施", "en": "Measures"},
    "ent_adopt_submit": {"zh": "保存方案", "en": "Save the plan"},
    "ent_record_check": {"zh": "登记检查", "en": "Record a check"},
    "ent_check_level": {"zh": "检查层级", "en": "Level checked"},
    "ent_check_passed": {"zh": "结果", "en": "Result"},
    "ent_check_note": {"zh": "备注", "en": "Note"},
    "ent_check_submit": {"zh": "登记", "en": "Record"},
    "ent_white_on": {"zh": "列入白名单", "en": "Put on the white list"},
    "ent_white_off": {"zh": "移出白名单", "en": "Take off the white list"},
    "ent_saved_plan": {"zh": "防控方案已保存。", "en": "The plan is saved."},
    "ent_saved_checked": {"zh": "检查已登记。", "en": "The check is recorded."},
    "ent_saved_white_listed": {"zh": "白名单已更新。", "en": "The white list is updated."},
}
