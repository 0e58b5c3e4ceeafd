"""The console's words for the lists' last gaps (issue 16): the work list's search, sort and pages, the exports of
the infections, contacts and risk areas, and one test recorded by hand; Simplified Chinese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    # ---- the work list (/worklists) ----
    "wl_search": {"zh": "姓名或地址", "en": "Name or address contains"},
    "wl_sort": {"zh": "排序", "en": "Sort by"},
    "wl_sort_address": {"zh": "地址", "en": "Address"},
    "wl_sort_name": {"zh": "姓名", "en": "Name"},
    "wl_sort_category": {"zh": "人员类别", "en": "Category"},
    "wl_sort_place": {"zh": "社区", "en": "Community"},
    "wl_reversed": {"zh": "倒序", "en": "reversed"},
    # ---- the orders list's filter behind the dashboard's "under management" tile ----
    "list_managed_today": {"zh": "今日在管（管控期覆盖今天）", "en": "Under management today"},
    # ---- one test recorded by hand (the person page) ----
    "sample_day": {"zh": "采样日期", "en": "Day the sample was taken"},
    "sample_record": {"zh": "记录一次采样", "en": "Record this test"},
    "sample_recorded": {"zh": "已记录 {day} 的采样", "en": "Sample of {day} recorded"},
}
