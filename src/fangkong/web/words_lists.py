"""The console's words for lists' pages (the orders, the audit log, the shared pager and sortable headers), in
Simplified Chinese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    # ---- the shared pager and headers (_list.html) ----
    "list_range": {"zh": "第 {first}–{last} 条，共 {total} 条", "en": "{first}–{last} of {total}"},
    "list_none": {"zh": "没有符合条件的记录", "en": "Nothing matches these filters"},
    "list_any": {"zh": "全部", "en": "All"},
    "list_sorted_by": {"zh": "按此列排序", "en": "Sort by this column"},
    "list_export_xlsx": {"zh": "导出 Excel", "en": "Export XLSX"},
    "list_date_from": {"zh": "起始日期", "en": "From"},
    "list_date_to": {"zh": "截止日期", "en": "To"},
    # ---- the orders (/orders) ----
    "list_orders_title": {"zh": "管控令一览", "en": "Management orders"},
    "list_name_search": {"zh": "姓名", "en": "Name contains"},
    "list_place": {"zh": "辖区或社区", "en": "Jurisdiction or community"},
    "list_start_from": {"zh": "开始日期自", "en": "Plan starts from"},
    "list_start_to": {"zh": "开始日期至", "en": "Plan starts until"},
    "list_start": {"zh": "开始日期", "en": "Plan start"},
    "list_end": {"zh": "结束日期", "en": "Plan end"},
    "list_release_due": {"zh": "应解除（管控期已满）", "en": "Release due (plan has ended)"},
    "list_release_selected": {"zh": "解除所选人员的管理", "en": "Release the selected"},
    "list_release_hint": {
        "zh": "可勾选管控期已于今日或之前结束的人员，一次解除；任一人不符合条件则全部不执行。",
        "en": "Tick people whose plan ended today or earlier and release them at once; if any one may not be "
        "released, none is.",
    },
    "list_release_one": {"zh": "解除管理：{name}", "en": "Release: {name}"},
    "list_notice_released": {"zh": "已解除 {n} 人的管理", "en": "{n} released"},
    # ---- the audit log (/audit) ----
    "list_audit_title": {"zh": "审计日志", "en": "Audit log"},
    "list_user": {"zh": "用户", "en": "User"},
    "list_role": {"zh": "角色", "en": "Role"},
    "list_when": {"zh": "时间", "en": "When"},
    "list_action": {"zh": "操作", "en": "Action"},
    "list_what": {"zh": "对象", "en": "Record"},
    "list_entity": {"zh": "对象类型", "en": "Kind of record"},
    "list_system": {"zh": "系统", "en": "System"},
    "list_entity_person": {"zh": "人员", "en": "Person"},
    "list_entity_worklist": {"zh": "工作清单", "en": "Work list"},
    "list_entity_orders": {"zh": "管控令清单", "en": "Orders list"},
    "list_entity_audit_log": {"zh": "审计日志", "en": "Audit log"},
    "list_entity_risk_area": {"zh": "风险区", "en": "Risk area"},
    "list_entity_risk_areas": {"zh": "风险区清单", "en": "Risk areas list"},
    "list_entity_areas": {"zh": "辖区边界", "en": "Area shapes"},
    "list_entity_testing_campaign": {"zh": "区域核酸筛查", "en": "Testing campaign"},
    "list_entity_lab_import": {"zh": "检测数据导入", "en": "Lab import"},
    "list_entity_bulk_tables": {"zh": "批量数据表", "en": "Bulk tables"},
    # the reads audited since issue 17 (`services.audit.reads`): one entry a request, and the refused ones
    "action_refused": {"zh": "被拒绝的查看", "en": "refused"},
    "action_anonymise": {"zh": "匿名化", "en": "anonymised"},
    "list_entity_route": {"zh": "访问地址", "en": "Address asked"},
    "list_entity_order_events": {"zh": "管控令经过", "en": "Order history"},
    "list_entity_retests": {"zh": "待复核单管", "en": "Retests owed"},
    "list_entity_infections": {"zh": "感染者清单", "en": "Infections list"},
    "list_entity_chain": {"zh": "传播链", "en": "Transmission chain"},
    "list_entity_contact_candidates": {"zh": "密接候选", "en": "Contact candidates"},
    "list_entity_timeliness": {"zh": "流调时效", "en": "Tracing timeliness"},
    "list_entity_health_code_changes": {"zh": "健康码变更", "en": "Health code changes"},
    "list_entity_audit_trail": {"zh": "人员审计记录", "en": "A person's audit trail"},
    "list_entity_appeals": {"zh": "诉求清单", "en": "Appeals list"},
    "list_entity_stranded": {"zh": "滞留人员清单", "en": "Stranded persons list"},
    "list_entity_campaign_sampling": {"zh": "筛查采样名单", "en": "Campaign sampling list"},
    "list_entity_transition_preview": {"zh": "政策切换预览", "en": "Policy transition preview"},
    "list_entity_worklist_export": {"zh": "工作清单导出", "en": "Work list export"},
    "list_n_rows": {"zh": "{n} 条", "en": "{n} rows"},
}
