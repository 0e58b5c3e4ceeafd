"""The console's words for the policy comparisons on the synthetic city (政策影响模拟, issue 22), in Simplified Chinese
and English: the page, the versions of the rules by name, each figure of the summary and each chart's series."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "simc_nav": {"zh": "政策模拟", "en": "Policy simulation"},
    "simc_title": {"zh": "政策影响模拟", "en": "Policy impact simulation"},
    "simc_intro": {
        "zh": "在与示范区同等规模的模拟城市上，比较不同版本防控规定的代价（集中隔离间夜、核酸检测管数、高风险区）"
        "和效果（感染、住院、死亡）。每个随机种子下，各方案使用同一座城市和同一组随机数，差异只来自方案本身；"
        "结果给出均值及 95% 区间，连同参数和生成结果的程序版本一并保存。模拟城市为合成数据，不含任何真实人员。",
        "en": "On a synthetic city the size of the demo county, compare what versions of the rules cost (centralized-"
        "isolation room-nights, test tubes, high-risk areas) and what they prevent (infections, admissions, deaths). "
        "Under each seed every policy runs on the same city with the same random numbers, so a difference is the "
        "policy's alone; results give the mean and its 95 % interval and are saved with their parameters and the "
        "code version that produced them. The city is synthetic: no real person is in it.",
    },
    "simc_form": {"zh": "新建比较", "en": "New comparison"},
    "simc_policies": {"zh": "比较的方案（选 2 至 5 个）", "en": "Policies to compare (2 to 5)"},
    "simc_population": {"zh": "模拟人口", "en": "People in the city"},
    "simc_days": {"zh": "模拟天数", "en": "Days simulated"},
    "simc_seeds": {"zh": "随机种子数（重复次数）", "en": "Seeds (replicates)"},
    "simc_limits": {
        "zh": "人口 1,000–200,000，天数 1–120，种子 1–10；自 2022-11-16（示范区演练日）起模拟。运行需等待数秒。",
        "en": "1,000–200,000 people, 1–120 days, 1–10 seeds; the run starts on 16 Nov 2022 (the demo county's drill "
        "day). It takes a few seconds.",
    },
    "simc_run": {"zh": "运行并保存", "en": "Run and save"},
    # ---- the county's own area-wide testing, and the over-reach guard (measures 6 and 16) ----------------------
    "simc_local": {"zh": "本县自行开展的区域全员核酸检测", "en": "The county's own area-wide testing"},
    "simc_local_hint": {
        "zh": "各方案下都提出同样的检测安排，由该方案的规定逐日审查：防层层加码拒绝规定不允许的轮次"
        "（第六条：一般不按行政区域开展全员核酸检测，纠正“一天两检”“一天三检”；第十六条：严禁层层加码）。",
        "en": "The same proposal under every policy, reviewed day by day by that policy's rules: the over-reach "
        "guard refuses the rounds they do not allow (measure 6: generally no area-wide testing by administrative "
        "region, no two or three tests a day; measure 16: no layer-by-layer over-reach).",
    },
    "simc_local_when": {"zh": "何时开展", "en": "When"},
    "simc_local_where_allowed": {"zh": "按国家规定（仅在规定允许时开展）", "en": "The national rule"},
    "simc_local_first_case": {"zh": "自发现首例感染者起每日开展", "en": "Every day from the first case"},
    "simc_local_always": {"zh": "每日开展，无论有无疫情", "en": "Every day, outbreak or not"},
    "simc_local_tests_per_day": {"zh": "每日检测轮次（1–3）", "en": "Tests a day (1–3)"},
    "simc_local_unguarded": {
        "zh": "防层层加码拒绝的轮次也照常开展（以核算层层加码的代价）",
        "en": "Run what the guard refuses anyway (to see what the over-reach would cost)",
    },
    "simc_local_compared": {"zh": "{when}，每日 {n} 轮；{guard}", "en": "{when}, {n} a day; {guard}"},
    "simc_local_compared_guarded": {
        "zh": "防层层加码拒绝的轮次不开展（只开展规定允许的轮次）",
        "en": "the rounds the over-reach guard refuses are not run (only those the rule allows are)",
    },
    "simc_local_compared_unguarded": {
        "zh": "防层层加码拒绝的轮次照常开展，计为违规开展",
        "en": "the rounds the over-reach guard refuses are run anyway, counted as over-reach",
    },
    "simc_refused": {"zh": "防层层加码拒绝的检测", "en": "Refused by the over-reach guard"},
    "simc_refused_hint": {
        "zh": "各方案下，本县提出的全员核酸检测被拒绝的平均天数（各种子均值），及拒绝所依据的条款。",
        "en": "Under each policy, the mean days (over seeds) on which the county's area-wide testing was refused, and "
        "the clause that refused it.",
    },
    "simc_refused_policy": {"zh": "方案", "en": "Policy"},
    "simc_refused_clause": {"zh": "依据条款", "en": "Clause"},
    "simc_refused_days": {"zh": "被拒绝的平均天数", "en": "Mean days refused"},
    "simc_saved": {"zh": "已保存的比较", "en": "Saved comparisons"},
    "simc_none_saved": {"zh": "暂无已保存的比较", "en": "No comparison saved yet"},
    "simc_count": {"zh": "共 {n} 项", "en": "{n} comparisons"},
    "simc_number": {"zh": "编号", "en": "No."},
    "simc_requested_at": {"zh": "运行时间", "en": "Run at"},
    "simc_requested_by": {"zh": "运行人", "en": "Run by"},
    "simc_code_version": {"zh": "程序版本", "en": "Code version"},
    "simc_elapsed": {"zh": "耗时（秒）", "en": "Seconds"},
    "simc_start": {"zh": "起始日期", "en": "First day"},
    "simc_first_seed": {"zh": "起始种子", "en": "First seed"},
    "simc_switches": {"zh": "版本切换", "en": "Switches of version"},
    "simc_switch_from": {"zh": "{on} 起改为{version}", "en": "{version} from {on}"},
    "simc_open": {"zh": "查看", "en": "Open"},
    "simc_one": {"zh": "比较 {n}", "en": "Comparison {n}"},
    "simc_request": {"zh": "比较条件", "en": "What was asked"},
    "simc_summary": {"zh": "结果汇总（均值 [95% 区间]）", "en": "Summary (mean [95 % interval])"},
    "simc_summary_hint": {
        "zh": "方括号内为 95% 的随机种子所在的区间；“与{first}之差”按同一种子配对计算，圆括号内为均值的 95% 置信区间——"
        "不含 0 时，平均而言差异是确定的；方括号区间不含 0 时，每次疫情都如此。",
        "en": "In square brackets, where 95 % of the seeds lie. Each difference from {first} is paired by seed; in "
        "round brackets the 95 % confidence interval of its mean — without 0 in it, the difference holds on average; "
        "without 0 in the square brackets, it holds for nearly every outbreak.",
    },
    "simc_figure": {"zh": "指标", "en": "Figure"},
    "simc_difference_from": {"zh": "{policy}与{first}之差", "en": "{policy} minus {first}"},
    "simc_charts": {"zh": "按日变化（各种子均值）", "en": "By day (mean over seeds)"},
    "simc_x_axis": {"zh": "日期", "en": "Day"},
    "simc_no_chart": {
        "zh": "图表未能加载，下方表格列出了相同的数据。",
        "en": "The charts could not be drawn; the tables below hold the same figures.",
    },
    "simc_table": {"zh": "逐日数据", "en": "Day by day"},
    "simc_day": {"zh": "日期", "en": "Day"},
    "simc_back": {"zh": "返回政策模拟", "en": "Back to the comparisons"},
    # ---- the policies, by name --------------------------------------------------------------------------------
    "simc_policy_v9": {"zh": "第九版防控方案", "en": "9th edition of the plan"},
    "simc_policy_m20": {"zh": "二十条优化措施", "en": "The 20 measures"},
    "simc_policy_n10": {"zh": "新十条", "en": "The new ten"},
    "simc_policy_classb": {"zh": "乙类乙管", "en": "Class B management"},
    "simc_policy_none": {"zh": "不采取防控措施", "en": "No intervention"},
    # ---- the summary's figures (fangkong.sim.compare.FIGURES) ---------------------------------------------------
    "simc_fig_infections": {"zh": "感染人数", "en": "Infections"},
    "simc_fig_found": {"zh": "发现的感染者", "en": "Infections found"},
    "simc_fig_missed": {"zh": "未被发现的感染者", "en": "Infections never found"},
    "simc_fig_close_contacts": {"zh": "密切接触者", "en": "Close contacts"},
    "simc_fig_venue_contacts": {"zh": "其中：经场所码查出的密接", "en": "of which found from venue scans"},
    "simc_fig_venue_infections": {"zh": "在场所内发生的感染", "en": "Infections at venues"},
    "simc_fig_room_nights": {"zh": "集中隔离间夜", "en": "Centralized-isolation room-nights"},
    "simc_fig_room_nights_per_contact": {"zh": "每名密接的集中隔离间夜", "en": "Room-nights per close contact"},
    "simc_fig_peak_rooms": {"zh": "集中隔离房间峰值", "en": "Peak isolation rooms"},
    "simc_fig_room_nights_close_contacts": {"zh": "其中：密切接触者", "en": "of which close contacts"},
    "simc_fig_room_nights_entrants": {"zh": "其中：入境人员", "en": "of which entrants"},
    "simc_fig_room_nights_spillover": {"zh": "其中：高风险区外溢人员", "en": "of which people outside a sealed area"},
    "simc_fig_peak_medium_risk_areas": {"zh": "中风险区数峰值", "en": "Peak medium-risk areas"},
    "simc_fig_tubes": {"zh": "核酸检测管数", "en": "Test tubes"},
    "simc_fig_peak_tubes_a_day": {"zh": "单日检测管数峰值", "en": "Peak tubes in a day"},
    "simc_fig_pooled_tubes": {"zh": "混检管数", "en": "Pooled tubes"},
    "simc_fig_campaign_days": {"zh": "区域全员核酸检测天数", "en": "Days of area-wide testing"},
    "simc_fig_positive_pools": {"zh": "阳性混管数", "en": "Positive pools"},
    "simc_fig_held_person_days": {
        "zh": "混管阳性待复核的临时管控人·天",
        "en": "Person-days held awaiting a pool's retest",
    },
    "simc_fig_pool_retests": {"zh": "混管阳性后的单管复核", "en": "Single-tube retests after a positive pool"},
    "simc_fig_band_retests": {"zh": "入境人员Ct值35–40的24小时复检", "en": "Entrants' retests after a Ct of 35–40"},
    "simc_fig_past_infections": {"zh": "判定为既往感染的入境人员", "en": "Entrants judged past infections"},
    "simc_fig_found_after_recovery": {
        "zh": "感染结束后才被检出的阳性",
        "en": "Positives found after the infection ended",
    },
    "simc_fig_campaign_refused": {
        "zh": "防层层加码拒绝的全员核酸检测轮次",
        "en": "Area-wide testing rounds refused by the over-reach guard",
    },
    "simc_fig_campaign_overreach": {
        "zh": "违规开展的全员核酸检测轮次",
        "en": "Area-wide testing rounds run against the rules",
    },
    "simc_fig_high_risk_area_days": {"zh": "高风险区·天", "en": "High-risk area-days"},
    "simc_fig_peak_high_risk_areas": {"zh": "高风险区数峰值", "en": "Peak high-risk areas"},
    "simc_fig_people_days_in_high_risk": {"zh": "高风险区内人·天", "en": "Person-days in high-risk areas"},
    "simc_fig_symptomatic": {"zh": "有症状感染者", "en": "Symptomatic infections"},
    "simc_fig_ward_admissions": {"zh": "普通病房入院", "en": "Ward admissions"},
    "simc_fig_icu_admissions": {"zh": "重症监护室入院", "en": "ICU admissions"},
    "simc_fig_peak_ward_beds": {"zh": "普通病床峰值", "en": "Peak ward beds"},
    "simc_fig_peak_icu_beds": {"zh": "重症监护床位峰值", "en": "Peak ICU beds"},
    "simc_fig_deaths": {"zh": "死亡", "en": "Deaths"},
    # ---- the charts: per policy, by day --------------------------------------------------------------------
    "simc_chart_new_infections": {"zh": "每日新增感染", "en": "New infections a day"},
    "simc_chart_room_nights": {"zh": "集中隔离在住人数（间夜）", "en": "Centralized-isolation room-nights"},
    "simc_chart_tubes": {"zh": "每日核酸检测管数", "en": "Test tubes a day"},
    "simc_chart_people_in_high_risk": {"zh": "高风险区内人数", "en": "People in high-risk areas"},
    "simc_chart_beds": {"zh": "在用普通病床和重症监护床位", "en": "Ward and ICU beds in use"},
    "simc_y_people": {"zh": "人", "en": "people"},
    "simc_y_rooms": {"zh": "间", "en": "rooms"},
    "simc_y_tubes": {"zh": "管", "en": "tubes"},
    "simc_y_beds": {"zh": "床", "en": "beds"},
    # ---- the audit page: the kind of record a run creates ----------------------------------------------------
    "list_entity_simulation": {"zh": "政策模拟比较", "en": "Policy comparison"},
    # ---- the fields a refusal names -------------------------------------------------------------------------
    "error_field_policies": {"zh": "比较的方案", "en": "Policies"},
    "error_field_population": {"zh": "模拟人口", "en": "People in the city"},
    "error_field_seeds": {"zh": "随机种子数", "en": "Seeds"},
    "error_field_first_seed": {"zh": "起始种子", "en": "First seed"},
    "error_field_switches": {"zh": "版本切换", "en": "Switches of version"},
    "error_field_local_campaign": {"zh": "本县自行开展的区域全员核酸检测", "en": "The county's own area-wide testing"},
    "error_field_when": {"zh": "时间", "en": "When"},
    "error_field_guarded": {"zh": "防层层加码", "en": "Over-reach guard"},
}
