"""The console's words for arrivals from other provinces and the landing check (落地检, measure 15), in Simplified
Chinese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "arrival_nav": {"zh": "落地检", "en": "Arrivals"},
    "arrival_title": {"zh": "跨省抵达人员落地检", "en": "Arrivals from other provinces: test on arrival"},
    "arrival_intro": {
        "zh": "对跨省流动人员（务工人员优先）开展落地检：自愿、免费、即采即走、不限制流动。"
        "未按时检测的，在随访期内提醒。",
        "en": "People arriving from other provinces (migrant workers first) are offered a test on arrival: voluntary, "
        "free, sampled and gone, movement not restricted. Those who miss it are reminded while follow-up lasts.",
    },
    "arrival_today": {"zh": "今日待办", "en": "Today's list"},
    "arrival_today_hint": {
        "zh": "仍在检测时限内的，以及未按时检测、仍需提醒的。",
        "en": "Those still in time for the test, and those who missed it and are still to be reminded.",
    },
    "arrival_none_today": {"zh": "今日没有待办的落地检。", "en": "Nobody to test or remind today."},
    "arrival_all": {"zh": "抵达记录", "en": "All arrivals"},
    "arrival_count": {"zh": "共 {n} 人次", "en": "{n} arrivals"},
    "arrival_person": {"zh": "人员", "en": "Person"},
    "arrival_at": {"zh": "抵达时间", "en": "Arrived"},
    "arrival_from": {"zh": "来自", "en": "From"},
    "arrival_from_province": {"zh": "来源省份", "en": "Province left"},
    "arrival_from_place": {"zh": "来源地（市、县）", "en": "City or county left"},
    "arrival_migrant_worker": {"zh": "务工人员", "en": "Migrant worker"},
    "arrival_migrant_only": {"zh": "只看务工人员", "en": "Migrant workers only"},
    "arrival_employer": {"zh": "用工单位", "en": "Employer"},
    "arrival_state": {"zh": "落地检状态", "en": "Test on arrival"},
    "arrival_due_by": {"zh": "检测时限", "en": "Due by"},
    "arrival_tested_at": {"zh": "采样时间", "en": "Sampled"},
    "arrival_late": {"zh": "超时采样", "en": "sampled late"},
    "arrival_remind_until": {"zh": "提醒至", "en": "Remind until"},
    "arrival_reasons": {"zh": "依据", "en": "Why"},
    "arrival_status_any": {"zh": "全部状态", "en": "Any state"},
    "arrival_status_not_owed": {"zh": "无需落地检", "en": "No test owed"},
    "arrival_status_due": {"zh": "待检测", "en": "Due"},
    "arrival_status_tested": {"zh": "已检测", "en": "Tested"},
    "arrival_status_positive": {"zh": "检测阳性", "en": "Positive"},
    "arrival_status_missed": {"zh": "未按时检测", "en": "Missed"},
    "arrival_status_closed": {"zh": "随访结束", "en": "Follow-up ended"},
    "arrival_follow_up": {"zh": "登记随访", "en": "Record a follow-up"},
    "arrival_follow_ups": {"zh": "随访记录", "en": "Follow-ups"},
    "arrival_outcome": {"zh": "随访结果", "en": "Outcome"},
    "arrival_outcome_reminded": {"zh": "已提醒", "en": "Reminded"},
    "arrival_outcome_tested_elsewhere": {"zh": "已在别处检测", "en": "Tested elsewhere"},
    "arrival_outcome_left": {"zh": "已离开", "en": "Has left"},
    "arrival_outcome_unreachable": {"zh": "联系不上", "en": "Could not be reached"},
    "arrival_outcome_declined": {"zh": "本人不愿检测", "en": "Declined"},
    "arrival_follow_up_saved": {"zh": "已登记 {name} 的随访。", "en": "Follow-up of {name} recorded."},
    "arrival_register": {"zh": "登记抵达人员", "en": "Register an arrival"},
    "arrival_document": {"zh": "证件号码", "en": "Document number"},
    "arrival_document_hint": {
        "zh": "须为本辖区已登记人员；未登记的请先登记人员。",
        "en": "A person registered in your jurisdiction; register the person first if not.",
    },
    "arrival_note": {"zh": "备注", "en": "Note"},
    "arrival_save": {"zh": "保存", "en": "Save"},
    "arrival_saved": {"zh": "已登记 {name} 的抵达。", "en": "Arrival of {name} recorded."},
    "arrival_import": {"zh": "批量导入抵达名单", "en": "Import a list of arrivals"},
    "arrival_import_hint": {
        "zh": "CSV 或 JSON：document_number, arrived_at, from_province，可选 from_place, jurisdiction_code, "
        "migrant_worker, employer, note。全部成功或全部不导入；同一文件重复导入不会重复登记。",
        "en": "CSV or JSON: document_number, arrived_at, from_province, and optionally from_place, jurisdiction_code, "
        "migrant_worker, employer, note. All rows or none; the same file twice changes nothing.",
    },
    "arrival_imported": {
        "zh": "导入 {rows} 行：新增 {added} 人次，已登记 {already} 人次。",
        "en": "{rows} rows imported: {added} new, {already} already recorded.",
    },
    "arrival_already_imported": {
        "zh": "该文件已导入过，未作更改。",
        "en": "This file was imported before: nothing changed.",
    },
    "arrival_section": {"zh": "跨省抵达与落地检", "en": "Arrivals from other provinces"},
    "arrival_from_date": {"zh": "抵达日期自", "en": "Arrived from"},
    "arrival_to_date": {"zh": "至", "en": "to"},
    "list_entity_arrivals": {"zh": "跨省抵达人员", "en": "Arrivals from other provinces"},
    "error_field_from_province": {"zh": "来源省份", "en": "province left"},
    "error_field_arrived_at": {"zh": "抵达时间", "en": "arrival time"},
    "error_field_from_place": {"zh": "来源地", "en": "place left"},
    "error_field_migrant_worker": {"zh": "务工人员", "en": "migrant worker"},
    "error_field_employer": {"zh": "用工单位", "en": "employer"},
    "error_field_arrival_id": {"zh": "抵达记录", "en": "arrival"},
    "error_field_document_number": {"zh": "证件号码", "en": "document number"},
}
