"""The console's words for retention and a person's rights under the Personal Information Protection Law (个人信息
保护法): the administrator's retention page (the period, the dry run, the job) and the person page's copy of
everything held about them, in Simplified Chinese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    # ---- the retention page (art. 19, 47, 73(4)) ----
    "retention_nav": {"zh": "个人信息保留", "en": "Retention"},
    "retention_title": {"zh": "个人信息保留与匿名化", "en": "Retention and anonymisation of personal data"},
    "retention_intro": {
        "zh": "管控结束超过保留期限的人员，其个人信息每日匿名化（不删除，统计数字不变）。",
        "en": "The personal data of people whose management ended more than the retention period ago is anonymised "
        "daily (not deleted: the counts stay the same).",
    },
    "retention_period": {"zh": "保留期限", "en": "Retention period"},
    "retention_period_days": {"zh": "管控结束后 {n} 天", "en": "{n} days after management ends"},
    "retention_law": {
        "zh": "依据《个人信息保护法》第十九条、第四十七条",
        "en": "Under the Personal Information Protection Law, art. 19 and 47",
    },
    "retention_scope": {"zh": "范围", "en": "Scope"},
    "retention_cutoff": {
        "zh": "今天（{today}）：匿名化管控于 {cutoff} 或之前结束的人员",
        "en": "Today ({today}): people whose management ended on or before {cutoff} are anonymised",
    },
    "retention_preview": {"zh": "预览（不做任何更改）", "en": "Preview (nothing is changed)"},
    "retention_due": {"zh": "今天将匿名化 {n} 人", "en": "People who would be anonymised today: {n}"},
    "retention_kept": {"zh": "保留的人员（按原因）", "en": "People kept, by reason"},
    "retention_reason": {"zh": "原因", "en": "Reason"},
    "retention_count": {"zh": "人数", "en": "People"},
    "retention_none_kept": {"zh": "无保留人员。", "en": "Nobody is kept."},
    "retention_kept_open_order": {"zh": "仍在管控中", "en": "Still under management"},
    "retention_kept_infection": {"zh": "感染者尚未出院", "en": "An infection not yet discharged"},
    "retention_kept_pool_hold": {"zh": "混管阳性后仍在临时管控", "en": "Still held after a positive pool"},
    "retention_kept_contact_proposal": {"zh": "密接建议尚未处理", "en": "A contact proposal not yet decided"},
    "retention_kept_open_appeal": {"zh": "申诉尚未答复", "en": "An appeal not yet answered"},
    "retention_kept_stranded": {"zh": "滞留人员申请尚在等待", "en": "A stranded person's request still waiting"},
    "retention_kept_open_need": {"zh": "封控期间需求尚未办结", "en": "A need during closure not yet met"},
    "retention_kept_key_population": {"zh": "仍在重点人群名册中", "en": "Still on the key-population registry"},
    "retention_kept_within_period": {"zh": "管控结束未满保留期限", "en": "Management ended within the period"},
    "retention_run": {"zh": "立即执行匿名化", "en": "Anonymise now"},
    "retention_run_warning": {
        "zh": "匿名化不可撤销：姓名、证件号码、电话、地址等将被替换或清除，每人记入查阅记录。",
        "en": "Anonymisation cannot be undone: names, document numbers, phones and addresses are replaced or "
        "blanked, and each person is an entry in the audit log.",
    },
    "retention_done": {
        "zh": "已匿名化 {n} 人（{today}）。",
        "en": "People anonymised: {n} ({today}).",
    },
    # ---- the person page: a copy of everything held (art. 45) ----
    "rights_export_title": {"zh": "个人信息副本", "en": "A copy of the person's data"},
    "rights_export_intro": {
        "zh": "下载本系统保存的有关此人的全部信息（JSON，不打码），供本人查阅、复制。导出将记入查阅记录。",
        "en": "Download everything held about this person (JSON, unmasked) for them to see and copy. The export is "
        "kept in the audit log.",
    },
    "rights_export_reason": {"zh": "导出理由", "en": "Why the copy is made"},
    "rights_export_button": {"zh": "下载全部信息", "en": "Download everything held about this person"},
}
