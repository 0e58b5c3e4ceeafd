"""The console's words for the early-warning signals (多渠道监测预警, measure 15), in Simplified Chinese and English:
the channels, the signals board, its filter, charts and tables, and the import form."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "sig_nav": {"zh": "监测预警", "en": "Early warning"},
    "sig_title": {"zh": "多渠道监测信号", "en": "Multi-channel signals"},
    "sig_intro": {
        "zh": "各渠道每日计数：发热门诊、药店售药、核酸检测阳性、哨点医院流感样病例、缺勤和跨省流入人员，"
        "以便早发现、早报告（二十条第15条）。无数据的日期显示为“无数据”，不按零计。",
        "en": "Daily counts per channel: fever clinics, pharmacy sales, nucleic-acid positivity, sentinel "
        "influenza-like illness, absences and arrivals from other provinces, for early detection and reporting "
        "(20 measures, no. 15). A day with no count shows as “no count”, never as zero.",
    },
    "sig_of": {"zh": "辖区", "en": "Jurisdiction"},
    "sig_channel": {"zh": "渠道", "en": "Channel"},
    "sig_all_channels": {"zh": "全部渠道", "en": "All channels"},
    "sig_from": {"zh": "起始日期", "en": "From"},
    "sig_to": {"zh": "截止日期", "en": "To"},
    "sig_day": {"zh": "日期", "en": "Day"},
    "sig_count": {"zh": "计数", "en": "Count"},
    "sig_positives": {"zh": "阳性数", "en": "Positives"},
    "sig_tests": {"zh": "检测数", "en": "Tests"},
    "sig_rate": {"zh": "阳性率（%）", "en": "Positivity (%)"},
    "sig_missing": {"zh": "无数据", "en": "no count"},
    "sig_days_counted": {"zh": "有数据 {n} 天，共 {of} 天", "en": "{n} of {of} days counted"},
    "sig_table": {"zh": "逐日数据", "en": "Day by day"},
    "sig_upperbound": {"zh": "预警阈值", "en": "Upper bound"},
    "sig_alarm": {"zh": "预警", "en": "Alarm"},
    "sig_no_alarm": {"zh": "正常", "en": "none"},
    "sig_method_ears-c1": {"zh": "预警上限按 EARS C1 法计算", "en": "upper bound by EARS C1"},
    "sig_method_ears-c2": {"zh": "预警上限按 EARS C2 法计算", "en": "upper bound by EARS C2"},
    "sig_method_ears-c3": {"zh": "预警上限按 EARS C3 法计算", "en": "upper bound by EARS C3"},
    "sig_method_farrington": {
        "zh": "预警上限按改进 Farrington 法计算",
        "en": "upper bound by the improved Farrington method",
    },
    "sig_x_axis": {"zh": "日期", "en": "Day"},
    "sig_y_axis": {"zh": "每日计数", "en": "Daily count"},
    "sig_no_chart": {
        "zh": "图表未能显示，数据见下表。",
        "en": "The chart could not be drawn; the table holds the figures.",
    },
    "sig_none": {
        "zh": "所选辖区和日期内没有任何渠道的数据。",
        "en": "No channel has a count in this jurisdiction over these days.",
    },
    "sig_import_title": {"zh": "导入监测数据", "en": "Import signals"},
    "sig_import_help": {
        "zh": "CSV 或 JSON 文件，列为：辖区代码、渠道、日期、计数（核酸检测阳性另填检测数）。"
        "任一行有误则整个文件不导入；同一文件重复导入不会改变数据。",
        "en": "A CSV or JSON file with the columns jurisdiction, channel, date, count (and tests for nucleic-acid "
        "positivity). A bad row refuses the whole file; the same file twice changes nothing.",
    },
    "sig_imported": {"zh": "已导入：{rows} 行，新增 {added} 行", "en": "Imported: {rows} rows, {added} new"},
    "sig_already": {"zh": "该文件已导入过，数据未改变", "en": "This file was imported before: nothing changed"},
    "sig_file": {"zh": "文件", "en": "File"},
    "sig_import": {"zh": "导入", "en": "Import"},
    "sig_source_import": {"zh": "导入", "en": "imported"},
    "sig_source_derived": {"zh": "由检测结果汇总", "en": "derived from test results"},
    "list_entity_signals": {"zh": "监测信号", "en": "Signals"},
    # the fields a refused file or filter names (error_words.field_words)
    "error_field_channel": {"zh": "渠道", "en": "Channel"},
    "error_field_count": {"zh": "计数", "en": "Count"},
    "error_field_tests": {"zh": "检测数", "en": "Tests"},
    "error_field_from": {"zh": "起始日期", "en": "From"},
    "error_field_to": {"zh": "截止日期", "en": "To"},
    # the channels (policy.terms.SignalChannel)
    "sig_channel_fever_clinic": {"zh": "发热门诊就诊人次", "en": "Fever-clinic visits"},
    "sig_channel_antipyretic_sales": {"zh": "药店退烧药销售", "en": "Pharmacy sales: antipyretics"},
    "sig_channel_cough_cold_sales": {"zh": "药店止咳、感冒药销售", "en": "Pharmacy sales: cough and cold medicines"},
    "sig_channel_antigen_kit_sales": {"zh": "药店抗原检测试剂销售", "en": "Pharmacy sales: antigen test kits"},
    "sig_channel_nucleic_acid_positivity": {"zh": "核酸检测阳性", "en": "Nucleic-acid test positives"},
    "sig_channel_sentinel_ili": {"zh": "哨点医院流感样病例", "en": "Sentinel hospitals: influenza-like illness"},
    "sig_channel_school_absence": {"zh": "学校缺勤", "en": "School absences"},
    "sig_channel_workplace_absence": {"zh": "单位缺勤", "en": "Workplace absences"},
    "sig_channel_interprovincial_arrivals": {"zh": "跨省流入人员", "en": "Arrivals from other provinces"},
}
