"""The rules' reasons in the reader's language (issue 16: "Chinese throughout, and English throughout in English").

Every decision of `fangkong.rules` carries its reasons in English, and the API returns them so. The console shows
each in the reader's language: `CATALOGUE` maps each English template exactly as the rules write it (an f-string's
literal parts, with `{}` for each interpolated expression) to a Chinese template with positional fields. A text is
matched against the templates (literal parts escaped, each `{}` a lazy group, anchored at both ends); each captured
value is itself said in Chinese when it is a word of a closed vocabulary (a category, a phase kind, a colour, an
anchor...), when it is itself a text the catalogue knows (reasons nest: a health-code reason quotes a status), or
when it is a list of such (`a, b`, `a + b`, `a; b`). Numbers, dates, clause ids and Ct values stay as they are, and
a text nothing matches stays in English: never blank, never guessed. `tests/web/test_reason_words.py` reads every
reason the rules can write from their source and fails on any without an entry here.

The Chinese follows the notice and the 9th edition protocol (DESIGN.md section 3): 密切接触者, 集中隔离, 居家隔离,
居家健康监测, 高风险区, 混管, 单管, 赋码管理, 层层加码, 三天两检.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import pass_context
from jinja2.runtime import Context

from fangkong.web.error_words import catalogue as error_catalogue
from fangkong.web.i18n import MESSAGES

FIELD = "{}"

# English template (as the rules write it) -> Chinese template ({0}, {1}, ... are the English fields in order).
CATALOGUE: dict[str, str] = {
    "on the key-population registry ({}): asked before others of the same age band": (
        "列入重点人群名册（{0}）：同一年龄段中优先动员"
    ),
    # ---- bubble.py (measure 8) ----
    "Chinese personnel must complete a booster vaccination before entering": "中方人员须完成加强免疫接种后方可进入",
    "no closed-loop entry regime is in force": "现行规定无闭环管理区进入要求",
    "booster completed": "已完成加强免疫接种",
    "the booster rule applies to Chinese personnel only": "加强免疫要求仅适用于中方人员",
    # ---- ct.py (measure 9, section 3) ----
    "no target detected": "各靶标均未检出",
    "decisive Ct {} ({})": "判定 Ct 值 {0}（{1}）",
    "Ct {} < {}: positive": "Ct {0} < {1}：阳性",
    "not below the cut-off {}: negative": "不低于阳性判定值 {0}：阴性",
    "Ct {} < {}: positive for entry personnel": "Ct {0} < {1}：入境人员判定为阳性",
    "retest after Ct {} is below {}: transfer to a designated or makeshift hospital": (
        "Ct {0} 后的复核结果低于 {1}：转运至定点医院或方舱医院"
    ),
    "the retest was sampled {} h after a Ct {} result; it must be at least {} h later: retest again": (
        "复核采样距 Ct {1} 的结果仅 {0} 小时，须间隔至少 {2} 小时：再次复核"
    ),
    "retest {} h or more after Ct {} is still ≥ {}: generally a past infection; home isolation with two tests in "
    "three days": "Ct {1} 后间隔 {0} 小时及以上复核，Ct 仍 ≥ {2}：一般为既往感染；居家隔离，三天两检",
    "past infections are code-managed and may not go out": "既往感染者赋码管理，不得外出",
    "Ct {} in the {} band: retest {} h later": "Ct {0} 处于 {1} 区间：{2} 小时后复核",
    "Ct 35–40 at release from centralized isolation: risk assessment": "解除集中隔离时 Ct 值 35–40：进行风险评估",
    "the band applies to an entrant's result at any stage": "该区间适用于入境人员任一阶段的检测结果",
    "{}: not positive for entry personnel": "{0}：入境人员判定为非阳性",
    "not detected": "未检出",
    "under an entry order: judged as entry personnel": "处于入境人员管控期间：按入境人员判定",
    "the retest of a result in the band: judged as entry personnel": "对区间内结果的复核：按入境人员判定",
    "the last test of centralized isolation: the release test": "集中隔离的最后一次检测：解除隔离检测",
    # ---- pooling.py (the testing rules of 21 Nov 2022) ----
    "single tube": "单管",
    "{}-in-1 pool is a validated size": "{0}混1为经验证的混采规模",
    "a pool of {} is not a validated size (single tubes or {})": "{0}人混采不是经验证的混采规模（仅限单管或{1}混1）",
    "{}: every member negative": "{0}：混管内所有人员均为阴性",
    "Ct {} < {}: the pool is positive": "Ct {0} < {1}：混管阳性",
    "every member under temporary control on the spot and retested single-tube": (
        "混管内所有人员就地临时管控，并逐一单管复核"
    ),
    # ---- departure.py (measure 20) ----
    "not cleared: the person may not leave yet": "未通过：暂不得离开",
    "not in a high-risk area: may leave after this risk assessment": "不在高风险区：经本次风险评估后可以离开",
    "{} (travel with care)": "{0}（出行请做好个人防护）",
    "the destination may not refuse them nor add controls": "目的地不得拒绝接收，也不得加码管控",
    # ---- health_code.py (measures 1, 3, 4, 5, 10; section 3) ----
    "{}: day {} of {}": "{0}：{2}第 {1} 天",
    "{} infection confirmed {}": "{1} 确认的{0}",
    "held after a positive pool": "混管阳性后临时管控",
    "lives in a {}-risk area": "居住在{0}区",
    "nothing applies: {} ({})": "无适用情形：{0}（{1}）",
    "{}: {} ({})": "{0}：{1}（{2}）",
    # ---- infection_isolation.py (n10.3) ----
    "test of {}: Ct below {}: the isolation goes on": "{0} 的检测 Ct 低于 {1}：继续隔离",
    "tests of {} and {}: Ct ≥ {} or not detected: released on {}": "{0} 和 {1} 的检测 Ct ≥ {2} 或未检出：{3} 解除隔离",
    "released after two tests in a row with Ct ≥ {}, from {}": "自 {1} 起连续两次核酸检测 Ct ≥ {0} 后解除隔离",
    # ---- local_action.py (measure 16) ----
    "{} states no national rule on {}: judge it locally": "{0}对{1}无国家规定：由地方研判",
    "closing schools": "停课",
    "stopping enterprises": "企业停产",
    "refusing returnees": "拒绝返乡人员",
    "a second quarantine at the destination adds to the national rules": "在目的地再次隔离属于在国家规定之外加码",
    "entrants are not quarantined again at the destination": "入境人员在目的地不再重复隔离",
    "allowed under these rules": "现行规定允许",
    "a wider area than the rules allow": "划定范围超出规定",
    "the school lies in a high-risk area: its controls apply": "学校位于高风险区：执行高风险区管控措施",
    "schools may add controls": "学校可以加强管控",
    "closing a school outside a high-risk area adds to the national rules": "在高风险区外停课属于在国家规定之外加码",
    "schools implement the national rules and may not add controls": "学校执行国家规定，不得加码",
    "stopping a white-listed enterprise adds to the national rules": "要求白名单企业停产属于在国家规定之外加码",
    "key enterprises on the white list may not be made to stop production": "不得要求白名单内的重点企业停产",
    "inside a high-risk area: one enterprise, one policy": "位于高风险区内：一企一策",
    "one enterprise, one policy: stopping production outside a risk area needs cause": (
        "一企一策：风险区外要求企业停产须有充分理由"
    ),
    "refusing returnees adds to the national rules": "拒绝返乡人员属于在国家规定之外加码",
    "destinations may not refuse returnees nor add controls on them": "目的地不得拒绝返乡人员，也不得对其加码管控",
    # ---- overlay.py and overreach.py (measure 16) ----
    "{}: local {}, national {}": "{0}：地方 {1}，国家 {2}",
    "{}: the same": "{0}：与国家规定相同",
    "no national direction of strictness is recorded for it: reviewed by hand": "未登记国家规定的从严方向：人工审核",
    "the national rule does not apply it on this date: reviewed by hand": "该日期国家规定不适用此项：人工审核",
    "stricter than the national rule: layer-by-layer overweighting": "严于国家规定：属于层层加码",
    "{}: below the national rule, which is implemented in full": "{0}：低于国家规定，国家规定须不折不扣落实",
    "a local plan for {} adds to the national rules": "地方对{0}的管控方案在国家规定之外加码",
    "{} where the national rule has {}": "{0}，国家规定为{1}",
    "no management": "不管控",
    "day {}: {}": "第 {0} 天：{1}",
    "days {}–{}: {}": "第 {0}–{1} 天：{2}",
    "{} tests where the national rule has {}": "检测 {0} 次，国家规定为 {1} 次",
    "below the national rule: it must be implemented in full": "低于国家规定：国家规定须不折不扣落实",
    "within the national rule": "未超出国家规定",
    # ---- plans.py (measures 1, 2, 3, 5, 9, 10) ----
    "{} are not determined or managed under {}": "{1}不再判定和管理{0}",
    "no management plan for {} under {}": "{1}未规定{0}的管控方案",
    "{}: may go out: {}": "{0}：可否外出：{1}",
    "{}: may go out: no": "{0}：不得外出",
    "{}: may go out: if_necessary": "{0}：非必要不外出",
    "{}: may go out: yes": "{0}：可以外出",
    "{}: may go out: {}; when out: {}": "{0}：可否外出：{1}；外出时{2}",
    "{}: may go out: if_necessary; when out: {}": "{0}：非必要不外出；外出时{1}",
    "{}: may go out: yes; when out: {}": "{0}：可以外出；外出时{1}",
    "health code managed (赋码管理) for the whole plan": "管控期间全程赋码管理",
    "anchor {} on {} is day {}; day 1 is {} ({})": "起算事件（{0}）为 {1}，记为第 {2} 天；第 1 天为 {3}（{4}）",
    "not eligible for home isolation: {} from {}": "不具备居家隔离条件：自 {1} 起{0}",
    "{}: {}": "{0}：{1}",
    # the categories as the rules' LABELS name them
    "close contacts": "密切接触者",
    "secondary close contacts": "密接的密接",
    "entry personnel": "入境人员",
    "people who left a high-risk area": "高风险区外溢人员",
    "people who left a medium-risk area": "中风险区外溢人员",
    "people who stayed in a low-risk area": "低风险区旅居史人员",
    "high-risk post employees after closed-loop work": "闭环作业结束后的高风险岗位从业人员",
    "entrants judged past infections (Ct 35–40)": "判定为既往感染的入境人员（Ct 35–40）",
    "asymptomatic and mild infections isolated at home": "居家隔离的无症状感染者和轻型病例",
    # a plan's phases as `fangkong.policy.render` writes them (joined by " + ")
    "{} {} d (tests {})": "{0} {1} 天（第 {2} 天检测）",
    "{} {} d (tests —)": "{0} {1} 天（不检测）",
    "none (no national rule)": "无（无国家规定）",
    # ---- preboarding.py (measure 7) ----
    "window: {} to {}": "时间窗：{0} 至 {1}",
    "a positive test sampled {}, within the window: no certificate": "时间窗内 {0} 采样的检测结果为阳性：不予认可",
    "{} negative test(s) sampled within {} h before boarding; {} required": (
        "登机前 {1} 小时内采样的阴性检测 {0} 次；要求 {2} 次"
    ),
    # ---- resident_id.py (GB 11643-1999) ----
    "a first-generation 15-digit number; these ceased to be valid on 1 Jan 2013": (
        "第一代 15 位身份证号码，已于 2013 年 1 月 1 日停止使用"
    ),
    "must be 17 digits followed by a digit or X": "须为 17 位数字加 1 位数字或 X",
    "division code {} does not start with a province code": "行政区划代码 {0} 的前两位不是省级代码",
    "birth date {} is not a calendar date": "出生日期 {0} 不是有效日期",
    "birth date {} is out of range": "出生日期 {0} 超出范围",
    "check character is {}, the number computes {}": "校验码为 {0}，按号码计算应为 {1}",
    # ---- risk_area.py (measure 4, section 3) ----
    "delineated {}-risk": "划定为{0}区",
    "found in the community": "在社会面发现",
    "found in centralized isolation": "在集中隔离中发现",
    "found in home isolation": "在居家隔离中发现",
    "found in home health monitoring": "在居家健康监测中发现",
    "found while held after a positive pool": "在混管阳性临时管控中发现",
    "found in a closed loop": "在闭环管理中发现",
    "a re-positive after discharge": "出院后复阳",
    "an entrant judged a past infection (Ct 35–40)": "判定为既往感染的入境人员（Ct 35–40）",
    "counts: the clean days start again": "计入：无新增感染天数重新计算",
    "does not count": "不计入",
    "risk areas are no longer delineated": "不再划定风险区",
    "medium-risk areas no longer exist: now {}": "不再设置中风险区：现为{0}区",
    "{}-risk areas no longer exist": "不再设置{0}区",
    "{} consecutive days with no new infection": "连续 {0} 天无新增感染者",
    "{} and an all-negative screening: {}": "{0}，且一轮全员筛查均为阴性：调整为{1}区",
    "{} and an all-negative screening: low": "{0}，且一轮全员筛查均为阴性：降为低风险区",
    "{} and an all-negative screening: medium": "{0}，且一轮全员筛查均为阴性：降为中风险区",
    "{} and an all-negative screening: none": "{0}，且一轮全员筛查均为阴性：解除风险区",
    "{}: low": "{0}：降为低风险区",
    "{}: medium": "{0}：降为中风险区",
    "{}: none": "{0}：解除风险区",
    "a {} is within the {} the rules delineate by": "按{0}划定，未超出规定的划定单位（{1}）",
    "a high-risk area is delineated by {}; a whole {} is over-reach ({})": (
        "高风险区以{0}为单位划定；将整个{1}划为高风险区属于层层加码（{2}）"
    ),
    "record one of: {}": "须登记以下理由之一：{0}",
    "no justification allows it under these rules": "现行规定不允许以任何理由扩大",
    "wider than a {}": "范围大于{0}",
    "justified: {}": "理由：{0}",
    "the area was {}-risk that day: leaving it is not spill-over": "该区域当日为{0}区：离开该区域不属于外溢",
    "{} does not manage people who left a {}-risk area": "{0}不对离开{1}区的人员实施管控",
    "no risk areas are delineated under these rules": "现行规定不再划定风险区",
    # ---- testing_campaign.py (measure 6; the testing rules of 21 Nov 2022) ----
    "{} tests a day: at most {} a day": "每天检测 {0} 次：每天最多 {1} 次",
    "where there is an outbreak": "有疫情的地区",
    "where there is no outbreak": "无疫情的地区",
    "no area-wide testing by administrative region {}": "{0}不按行政区域开展全员核酸检测",
    "area-wide testing {}: conditions recorded ({})": "{0}开展区域全员核酸检测：已登记条件（{1}）",
    "area-wide testing {} needs {} of: {}; missing: {}": "{0}开展区域全员核酸检测须满足以下{1}条件：{2}；缺少：{3}",
    "area-wide testing {} is allowed": "{0}可以开展区域全员核酸检测",
    "testing of risk posts and key persons within the national scope": (
        "在国家规定范围内对风险岗位和重点人员开展核酸检测"
    ),
    "no national rule on when area-wide testing stops: the campaign's own rounds": (
        "国家未规定区域全员核酸检测何时停止：按本次检测自定轮次"
    ),
    "the final round of {}, {} days after the clean rounds, found no community infection: area-wide testing stops": (
        "连续无感染轮次后第 {1} 天的最后一轮（{0}）未发现社会面感染者：停止区域全员核酸检测"
    ),
    "{} rounds in a row without a community infection: area-wide testing stops": (
        "连续 {0} 轮未发现社会面感染者：停止区域全员核酸检测"
    ),
    "{} rounds in a row without a community infection": "连续 {0} 轮未发现社会面感染者",
    "one more round {} days after the last of them, on {}; no rounds before it": (
        "最后一轮之后 {0} 天（{1}）再检测一轮；此前不再检测"
    ),
    "one round a day until {} in a row find no community infection{}": "每天一轮，直至连续 {0} 轮未发现社会面感染者{1}",
    "; {} clean in a row": "；目前已连续 {0} 轮无社会面感染者",
    # ---- timeliness.py (measure 2: "promptly") ----
    "reported {} h after confirmation (deadline {} h)": "确认后 {0} 小时报告（时限 {1} 小时）",
    "not reported yet (deadline {} h)": "尚未报告（时限 {0} 小时）",
    "{} contacts placed on time, {} late, {} waiting (deadline {} h)": (
        "按时纳入管控的密切接触者 {0} 人，超时 {1} 人，待纳入 {2} 人（时限 {3} 小时）"
    ),
    # ---- tracing.py (measure 2, section 3) ----
    "close contacts are not determined under these rules": "现行规定不判定密切接触者",
    "exposures from {} ({} days before {}) to {}": "暴露期：{0}（{2}前{1}天）至{3}",
    "symptom onset": "发病",
    "sampling": "采样",
    "isolation": "隔离",
    "now (not yet isolated)": "现在（尚未隔离）",
    "at {} within {} minutes of the case": "在{0}与病例相隔不超过 {1} 分钟",
    "more than {} people registered there besides the case: not a household": (
        "除病例外登记在此的人员超过 {0} 人：不视为同一家庭"
    ),
    "no limit": "不限人数",
    "at most {}": "上限 {0} 人",
    "{} people registered there besides the case ({}): a household": "除病例外登记在此 {0} 人（{1}）：视为同一家庭",
    "living in the same home": "同住一户",
    "secondary close contacts are determined and managed with their own plan": "判定密接的密接，并按其管控方案管理",
    "the close contacts of close contacts are no longer determined": "不再判定密接的密接",
    "positive during {}: transmission-risk analysis and tracing": "{0}期间检测阳性：开展传播风险研判和追踪",
    # ---- transition.py (a new version of the rules) ----
    "the new rules end every plan": "新规定下所有管控方案终止",
    "plan recomputed from day 1 ({}) under {}": "按{1}自第 1 天（{0}）重新计算管控方案",
    "released on {}": "{0} 解除",
    # ---- admission.py (measure 11; the new 10 (3)) ----
    "clinical severity {}: {} (place: {})": "临床分型{0}：{1}（地点：{2}）",
    "high risk of severe illness: raised to {} (place: {})": "重症高风险：提高至{0}（地点：{1}）",
    "instead: {} (place: {})": "改为{0}（地点：{1}）",
    "aged {} ({} or more): high risk of severe illness": "{0} 岁（{1} 岁及以上）：重症高风险",
    "{}: high risk of severe illness": "{0}：重症高风险",
    "aged {} ({} or more) and {}: high risk of severe illness": "{0} 岁（{1} 岁及以上）且{2}：重症高风险",
    "the home meets the conditions for home isolation": "具备居家隔离条件",
    "the home does not meet the conditions for home isolation": "不具备居家隔离条件",
    # ---- bed_projection.py (measure 11: beds prepared ahead of the wave) ----
    "no infections in the {} days before the last {}: held flat": "最近 {1} 天之前的 {0} 天无新增感染：按持平推算",
    "new infections: {} in the last {} days against {} in the {} before: growth ×{} a day": (
        "新增感染：最近 {1} 天 {0} 例，此前 {3} 天 {2} 例：每日增长 ×{4}"
    ),
    "admissions {} days after the report, at the severity mix by age band and vaccination": (
        "报告后 {0} 天入院，按年龄组和疫苗接种情况的重症比例推算"
    ),
    "{} beds: {} projected in use on {} against {} staffed: run out": (
        "{0}床位：预计 {2} 占用 {1} 张，可用 {3} 张：床位耗尽"
    ),
    "{} beds run out within {} days of {}: alert": "{0}床位将在 {2} 后 {1} 天内耗尽：预警",
    "{} beds: no days projected": "{0}床位：未推算任何日期",
    "{} beds: enough for {} days (at most {} in use, on {})": "{0}床位：{1} 天内充足（最多占用 {2} 张，{3}）",
    # ---- staffed_beds.py (measure 11: staffed beds) ----
    "{} critical-care nurses present at {} a bed staff {} ICU beds": (
        "在岗重症专科护士 {0} 名，每床 {1} 名，可开放重症床位 {2} 张"
    ),
    "{} doctors present at {} a bed staff {} ICU beds": "在岗医生 {0} 名，每床 {1} 名，可开放重症床位 {2} 张",
    "{} of {} ICU beds are staffed": "重症床位 {1} 张中可开放 {0} 张",
    "{} nurses at {} a bed: {} of {} general beds staffed": (
        "在岗护士 {0} 名，每床 {1} 名：普通床位 {3} 张中可开放 {2} 张"
    ),
    "no open {} has a free {} bed": "没有开放的{0}有空闲{1}床位",
    "nearest open {} with a free {} bed: {}": "最近的有空闲{1}床位的开放{0}：{2}",
    # ---- closure_needs.py (measure 17: services during closure; first-diagnosis responsibility) ----
    "the default urgency of this kind of need is {}": "此类需求默认紧急程度为{0}",
    "urgency given: {}": "指定紧急程度：{0}",
    "{} need: due {} hours after it is raised": "{0}需求：须在提出后 {1} 小时内办理",
    "an earlier deadline was asked for": "已要求提前办理时限",
    "the need is met, refused or withdrawn: not late": "需求已办结、已拒绝或已撤销：未超时",
    "not late: due {}": "未超时：办理时限 {0}",
    "late since {}: escalated one level up": "自 {0} 起超时：上报上一级",
    "still not met {} hours after its deadline: escalated two levels up": "超过时限 {0} 小时仍未办结：上报上两级",
    "this kind of need is not medical care: it may be refused": "此类需求不属于就医用药需求：可以拒绝",
    "medical care: first-diagnosis responsibility, it may not be refused": "就医用药需求：落实首诊负责制，不得推诿拒诊",
    "the refusal is recorded and the need stays open to be routed again": "已记录拒绝，需求保持待办并重新分派",
    "refused because of the person's health code ({}): over-reach": "因当事人健康码（{0}）拒绝：属层层加码",
    "refused because of the person's health code: over-reach": "因当事人健康码拒绝：属层层加码",
    "refused because the person is in a high-risk area: over-reach": "因当事人身处高风险区拒绝：属层层加码",
    "refused because of the person's area: over-reach": "因当事人所在地区拒绝：属层层加码",
    # ---- supplies.py (measure 13: drug and equipment reserves) ----
    "nothing dispensed in the {} days from {} to {}": "{1} 至 {2} 的 {0} 天内无发放",
    "{} dispensed in the {} days from {} to {}: {} a day": "{2} 至 {3} 的 {1} 天内发放 {0}：日均 {4}",
    "no stock left": "已无库存",
    "stock {}: does not run out at the present use": "库存 {0}：按当前用量不会用完",
    "stock {}: {} days of supply": "库存 {0}：可供应 {1} 天",
    "no measured use: no reorder (reorder point {} days)": "近期无用量：无需补货（补货点 {0} 天）",
    "{} days of supply, under {}: critical shortage": "可供应 {0} 天，低于 {1} 天：严重短缺",
    "{} days of supply, under the reorder point of {}: reorder": "可供应 {0} 天，低于补货点 {1} 天：需补货",
    "{} days of supply, not under the reorder point of {}": "可供应 {0} 天，不低于补货点 {1} 天",
    "clinical severity {}: severe patient": "临床分型{0}：重症患者",
    "aged {} ({} or more): elderly": "{0} 岁（{1} 岁及以上）：老年患者",
    "neither severe, nor at high risk, nor elderly": "非重症、非重症高风险、非老年患者",
    "served in the {} group, turn {} (earliest request first)": "按{0}分组供应，第 {1} 位（同组先申请先供应）",
    "given all {} asked": "申请 {0}，全部供应",
    "none left for the {} asked": "申请 {0}，已无库存可供应",
    "given {} of the {} asked: the rest ran out": "申请 {1}，供应 {0}：其余已用完",
    "{} available for {} asked: {} given, {} left": "可供应 {0}，申请 {1}：供应 {2}，剩余 {3}",
    # ---- risk_grade.py (measures 14 and 12) ----
    "aged {} ({} or more): high risk grade": "{0} 岁（{1} 岁及以上）：高风险等级",
    "aged {} ({} or more): at least medium": "{0} 岁（{1} 岁及以上）：至少为中风险等级",
    "registered as {}: high risk grade": "登记为{0}：高风险等级",
    "registered as {}: at least medium": "登记为{0}：至少为中风险等级",
    "vaccination {}: raised one grade to {}": "疫苗接种情况为{0}：风险等级上调一级至{1}",
    "vaccination {}: no change": "疫苗接种情况为{0}：风险等级不变",
    "{} risk grade: checked every {} days": "{0}等级：每 {1} 天随访一次",
    # ---- institution_alert.py (measure 14, with measure 11) ----
    "an infection among the {}: {}": "{0}中出现感染者：{1}",
    "within {} hours of the alert": "预警后 {0} 小时内完成",
    "an infection among the {} of a key institution: {} steps": "重点机构{0}中出现感染者：处置清单共 {1} 项",
    # ---- texts the services build around a rule's reason (risk-area history, refusals) ----
    "infection {} on {}: {}": "感染者 {0}，{1}：{2}",
    "sample {} judged a past infection, sampled on {}: {}": "样本 {0} 判定为既往感染，{1} 采样：{2}",
    "re-positive of infection {} (discharged {}), sampled on {}: {}": "感染者 {0} 复阳（{1} 出院），{2} 采样：{3}",
    "all negative": "全部阴性",
    "not all negative": "非全部阴性",
    "{}: no secondary close contacts are generated": "{0}：不生成密接的密接",
    # ---- the provinces' health-code tables (policy data: health_codes.yaml `source`) ----
    "the common 2022 pattern (one secondary source; shared/policy/RULES.md, health-code colours)": (
        "2022 年常见做法（二手资料；shared/policy/RULES.md，健康码颜色）"
    ),
    "Guangdong overlay (example: home isolation yellow)": "广东省叠加规则（示例：居家隔离为黄码）",
    # ---- vaccination.py (measure 12; the elderly vaccination plan of 29 Nov 2022) ----
    "{} on {}: a booster-only product, not a primary dose": "{1} 接种{0}：仅用于加强免疫，不计入基础免疫",
    "{} on {}: another platform than the course's first dose; not counted": (
        "{1} 接种{0}：与基础免疫首剂技术路线不同，不计入"
    ),
    "{} on {}: less than {} days after the previous dose; not counted": "{1} 接种{0}：距上一剂不足 {2} 天，不计入",
    "primary course of {} completed on {} ({} doses)": "{1} 完成{0}全程基础免疫（{2} 剂）",
    "{} on {}: less than {} months after the full course; not counted as the booster": (
        "{1} 接种{0}：距完成全程接种不足 {2} 个月，不计为加强免疫"
    ),
    "booster {} on {}": "{1} 完成加强免疫（{0}）",
    "no dose counted": "无计入的接种剂次",
    "{} of {} doses of the primary course; the next from {}": "基础免疫已接种 {0} 剂（共 {1} 剂）；下一剂自 {2} 起",
    "booster due since {}": "自 {0} 起应接种加强针",
    "booster not due yet: from {}": "尚未到加强免疫时间：自 {0} 起",
    "{}: booster {} months after the full course": "{0}：完成全程接种 {1} 个月后加强免疫",
    "birth date unknown": "出生日期不详",
    "aged {} ({} or more)": "{0} 岁（{1} 岁及以上）",
    "aged {} (under {})": "{0} 岁（{1} 岁以下）",
    "booster from the age of {}: from {}": "年满 {0} 岁可接种加强针：自 {1} 起",
    "under {} or age unknown": "未满 {0} 岁或年龄不详",
    "no dose due: nothing to ask": "暂无应接种剂次，无需动员",
    "contraindication recorded on {}: not asked again": "{0} 已登记接种禁忌：不再动员",
    "refused on {}: not asked again within {} days": "{0} 拒绝接种：{1} 天内不再动员",
    "a later date agreed: {}": "已约定日后接种：{0}",
    "aged {} ({} or more): {}": "{0} 岁（{1} 岁及以上）：{2}",
    "booster due": "应接种加强针",
    "no dose yet": "尚未接种",
    "primary course not completed": "未完成全程基础免疫",
    # ---- landing checks (measure 15) ----
    "no test on arrival under this version": "本版本不开展落地检",
    "voluntary and free, sampled and gone: movement is not restricted whatever the test's state": (
        "自愿、免费、即采即走：无论是否检测，均不限制流动"
    ),
    "arrived from another province: a test on arrival within {} hours": "跨省抵达：抵达后 {0} 小时内落地检",
    "sampled {}: positive": "{0} 采样：阳性",
    "sampled {}: in time": "{0} 采样：按时",
    "sampled {}, after the window: late": "{0} 采样，已超出时限：延迟",
    "result not reported yet": "结果尚未报告",
    "follow-up ended on {}: {}": "{0} 随访结束：{1}",
    "not tested by {}: remind them within {} days of arrival": "{0} 前未检测：抵达后 {1} 天内提醒",
    "not tested, and {} days since arrival have passed: no more reminders": "未检测，抵达已超过 {0} 天：不再提醒",
    # ---- the four earlies (measure 15) ----
    "{}: no deadline in this version": "{0}：本版本无时限要求",
    "{}: not yet, {} {} so far (deadline {} {})": "{0}：尚未完成，已 {1} {2}（时限 {3} {4}）",
    "{}: not yet, {} {} so far: late (deadline {} {})": "{0}：尚未完成，已 {1} {2}：已超时（时限 {3} {4}）",
    "{}: {} {}, {} (deadline {} {})": "{0}：{1} {2}，{3}（时限 {4} {5}）",
    "early detection: no onset recorded (no symptoms): not measured": "早发现：无发病日期（无症状）：不计入",
    "early isolation: no close contacts proposed: not measured": "早隔离：无密切接触者：不计入",
    "early treatment: {}: not measured": "早治疗：{0}：不计入",
    "early detection": "早发现",
    "early reporting": "早报告",
    "early isolation of the close contacts": "早隔离（密切接触者）",
    "early treatment": "早治疗",
    "hours": "小时",
    "days": "天",
    "on time": "按时",
    "late": "超时",
    "no severity recorded": "未记录病情分级",
    "care at home": "居家治疗",
    # ---- multi-point triggering (measure 15) ----
    "{} channels alarmed within {} days: {}": "{1} 天内有 {0} 个渠道预警：{2}",
    "verify within {} hours": "{0} 小时内核实",
    "{} counted {} on {}, at least {} times its upper bound {}: a strong signal": (
        "{0} 于 {2} 计数 {1}，达到预警上限 {4} 的 {3} 倍以上：强信号"
    ),
    "{} channel alarmed within {} days ({}), not strongly: no alert": (
        "{1} 天内仅 {0} 个渠道预警（{2}），且非强信号：不预警"
    ),
    "no channel alarmed within {} days: no alert": "{0} 天内无渠道预警：不预警",
    # ---- aberration (measure 15) ----
    "count {} above the upper bound {}: an aberration to verify": "计数 {0} 高于预警上限 {1}：出现异常信号，待核实",
    "count {} not above the upper bound {}": "计数 {0} 未超过预警上限 {1}",
    "fewer than {} cases in the last {} periods: no upper bound, no alarm": (
        "最近 {1} 期病例少于 {0} 例：不设预警上限，不预警"
    ),
    "the baseline does not vary: no upper bound, no alarm": "基线无波动：不设预警上限，不预警",
    # ---- enterprises and parks (measure 19; issue 21: rules/enterprises.py) ----
    "no stop of production on epidemic grounds under these rules": "按现行规则，不得以疫情防控为由要求停产",
    "stopping production needs a recorded approval": "停产须有登记在案的批准",
    "a stop of production without approval adds to the national rules": "未经批准停产属于层层加码",
    "stop of production approved": "停产已经批准",
    "no return check under these rules": "按现行规则，不再进行返岗核验",
    "under a management order: returns to work when it ends": "正在接受管控：管控结束后返岗",
    "comes from a high-risk area: returns to work when the area is lifted": "来自高风险区：风险区解除后返岗",
    "not in a high-risk area and not under management: cleared to return": "不在高风险区且未被管控：可以返岗",
    "the driver is under a management order: another driver takes the vehicle": (
        "司机正在接受管控：由其他司机驾驶该车辆"
    ),
    "key supply chain: keeps moving": "重点产业链供应链：保障通行",
    "not a key supply chain and leaving a high-risk area: the ordinary rules apply": (
        "非重点产业链供应链且从高风险区出发：按一般规则管理"
    ),
    "not in a high-risk area: moves": "不在高风险区：正常通行",
    "management, workshop, team": "管理层、车间、班组",
    # ---- complaints.py (issue 21: complaints and clues, measures 18 and 16) ----
    "the default urgency of this kind of complaint is {}": "此类投诉默认紧急程度为{0}",
    "{} complaint: answered within {} hours of its receipt": "{0}投诉：须在受理后 {1} 小时内答复",
    "the complaint is answered or closed: not late": "投诉已答复或已办结：未超时",
    "still not answered {} hours after its deadline: escalated two levels up": (
        "超过答复时限 {0} 小时仍未答复：上报上两级"
    ),
    "not a clue of over-reach": "不属于层层加码线索",
    "{} states no national rule for this clue": "{0} 对此类线索没有国家规定",
    "inside a high-risk area in force: its controls apply": "位于现行高风险区内：执行高风险区管控措施",
    "clue of over-reach: {}": "层层加码线索：{0}",
    "the national rule the clue says was broken": "线索所反映违反的国家规定",
    "a building reported sealed where no high-risk area is in force": "反映无高风险区却封控楼栋",
    "a medical visit reported refused": "反映就医被拒",
    "a school reported closed outside a high-risk area": "反映高风险区外学校被停课",
    "a white-listed enterprise reported told to stop production": "反映白名单企业被要求停产",
    # ---- campuses.py (issue 21, measure 18) ----
    "a campus outbreak response opens {} tasks": "校园疫情应急处置启动 {0} 项任务",
    "a campus without an outbreak holds normal offline teaching": "没有疫情的学校开展正常的线下教学活动",
    "closing a campus or suspending classes needs a recorded approval": "封闭校园或停课须有审批记录",
    "due {} hours after the response opened": "应急处置启动后 {0} 小时内完成",
    "no national rule on them": "国家对此无统一规定",
    "one approval covers at most {} days; a longer closure needs a new approval": (
        "一次审批最长封闭 {0} 天；延长封闭须重新审批"
    ),
    "the off-campus follow the rules everyone else follows": "校外居住的师生员工及家属与其他人员执行相同规定",
    "the same rules as everyone else": "与其他人员执行相同规定",
    "{} days of management for people nobody else manages": "对其他人员不管控的人群管控 {0} 天",
    "{} for {} days is longer than the rules allow": "{0} {1} 天，超过规定时长",
    "{} for {} days, approved": "{0} {1} 天，已审批",
    "{} without an approval record adds to the national rules": "{0} 无审批记录，属于层层加码",
    "{} without an outbreak adds to the national rules": "学校无疫情而{0}，属于层层加码",
}

# Words of the closed vocabularies the rules interpolate (policy data values, enum values), where the console's own
# table (`i18n.MESSAGES`) has no entry or words it otherwise; looked up as written, then as an identifier.
VOCAB: dict[str, str] = {
    # key-population kinds as the outreach order says them (measure 14)
    "elderly living alone": "独居老人",
    "elderly disabled": "失能老人",
    "underlying disease": "基础性疾病患者",
    # anchors of a plan's day 1 (management.<category>.anchor) and the day-one convention
    "last_exposure": "末次暴露",
    "entry": "入境",
    "left_area": "离开风险区",
    "closed_loop_end": "闭环作业结束",
    "retest_result": "复核结果",
    "positive_sample": "阳性样本采样",
    "anchor_day": "起算事件当日为第 1 天",
    "day_after_anchor": "起算事件次日为第 1 天",
    # transitions between versions
    "keep_original": "按原方案执行",
    "recompute_from_start": "自第 1 天按新规定重新计算",
    "release": "解除管控",
    # Ct gene rule
    "lowest_target": "以各靶标中最低的 Ct 值判定",
    "every_target": "各靶标均须低于判定值",
    # area-wide testing
    "allowed": "允许",
    "only_with_conditions": "满足条件时方可",
    "never": "不允许",
    "all": "全部",
    "any": "任一",
    # risk areas: levels, the day a downgrade takes effect, the units of delineation
    "high": "高风险",
    "medium": "中风险",
    "low": "低风险",
    "none": "无",
    "None": "无",
    "day_after_last_clean_day": "最后一个无新增感染日的次日",
    "last_clean_day": "最后一个无新增感染日当天",
    "province": "省",
    "city": "市",
    "county": "县（区）",
    "street": "街道（乡镇）",
    "community": "社区（村）",
    "building": "楼栋",
    "unit": "单元",
    "unit or building": "单元或楼栋",
    "building, unit, floor or household": "楼栋、单元、楼层或住户",
    "residential compound or village": "小区或村",
    # going out and its restrictions
    "no": "否",
    "yes": "是",
    "if_necessary": "非必要不外出",
    "no_crowded_places": "不去人员密集场所",
    "no_public_transport": "不乘坐公共交通工具",
    # health-code statuses and what opens an infection's window
    "infection": "感染者",
    "high_risk_area": "高风险区",
    "medium_risk_area": "中风险区",
    "confirmed_day": "确认当日",
    "sampled_day": "采样当日",
    # clinical severities, levels of care, places and risk factors (measure 11: treatment.*)
    "asymptomatic": "无症状感染者",
    "mild": "轻型",
    "moderate": "中型",
    "severe": "重型",
    "critical": "危重型",
    "home_care": "居家治疗",
    "inpatient": "住院治疗",
    "icu": "重症监护",
    "home": "居家",
    "isolation_site": "集中隔离点",
    "makeshift_hospital": "方舱医院",
    "designated_hospital": "定点医院",
    "sub_designated_hospital": "亚定点医院",
    "fever_clinic": "发热门诊",
    "community_health_centre": "社区卫生服务中心",
    "convertible_icu": "可转换重症床位",
    "hospital": "医院",
    "serious_underlying_disease": "患严重基础疾病",
    "pregnancy": "孕产妇",
    "dialysis": "透析患者",
    "unvaccinated": "未全程接种疫苗",
    # age bands of the bed projection's severity mix (projection.need.*)
    "under_60": "60岁以下",
    "from_60_to_79": "60–79岁",
    "from_80": "80岁及以上",
    # allocation groups and stock categories (measure 13: supplies.*)
    "high_risk": "重症高风险人群",
    "high risk": "重症高风险人群",
    "elderly": "老年患者",
    "others": "其他患者",
    "antiviral": "抗病毒药",
    "antipyretic": "退热药",
    "tcm_prescription": "中药方剂",
    "first_aid_drug": "急救药品",
    "oxygen_concentrator": "制氧机",
    "ventilator": "呼吸机",
    "oximeter": "指夹式血氧仪",
    # urgencies of a need under closure (measure 17: closure.*)
    "emergency": "紧急",
    "urgent": "急需",
    "routine": "一般",
    # kinds of need under closure (measure 17: closure.medical_kinds; "dialysis" is said above)
    "medicine": "购药",
    "chemotherapy": "放化疗",
    "prenatal_check": "孕产检",
    "food": "生活物资",
    "counselling": "心理疏导",
    # findings of a positive (risk_area.excluded_findings)
    "re_positive_after_discharge": "出院后复阳",
    # vaccine products (vaccination.products, measure 12)
    "sinovac_coronavac": "科兴新冠病毒灭活疫苗",
    "sinopharm_bbibp": "国药北京生物新冠病毒灭活疫苗",
    "sinopharm_wibp": "国药武汉生物新冠病毒灭活疫苗",
    "cansino_ad5": "康希诺腺病毒载体疫苗",
    "cansino_ad5_inhaled": "康希诺吸入用腺病毒载体疫苗",
    "zhifei_zf2001": "智飞重组蛋白疫苗",
    # key populations and key institutions (measure 14: key_populations.*)
    "ears-c2": "EARS C2 法",
    "fever clinic": "发热门诊就诊",
    "antipyretic sales": "退烧药销售",
    "cough cold sales": "止咳感冒药销售",
    "antigen kit sales": "抗原试剂销售",
    "nucleic acid positivity": "核酸阳性率",
    "sentinel ili": "哨点流感样病例",
    "school absence": "学校缺勤",
    "workplace absence": "单位缺勤",
    "interprovincial arrivals": "跨省流入人员",
    "tested elsewhere": "已在别处检测",
    "declined": "本人不愿检测",
    "left": "已离开",
    "elderly_living_alone": "独居老人",
    "elderly_disabled": "失能老人",
    "underlying_disease": "基础性疾病患者",
    "pregnant": "孕产妇",
    "hemodialysis": "血液透析患者",
    "cancer_treatment": "正在治疗的肿瘤患者",
    "child_in_difficulty": "困境儿童",
    "partial": "未完成全程接种",
    "full_course": "完成全程接种",
    "boosted": "完成加强免疫",
    "transfer_severe": "重症患者转运",
    "isolate_on_site": "就地隔离",
    "test_everyone": "全员核酸检测",
    "resident": "在院人员",
    "staff": "工作人员",
    "well": "情况良好",
    "needs_help": "需要帮助",
    "unwell": "身体不适",
    "unreachable": "未联系上",
    # ---- warning.farrington.power (measure 15): surveillance's powertrans ----
    "2/3": "2/3 次幂变换",
    "1/2": "平方根变换",
    # ---- campuses (issue 21, measure 18): the tasks of a response ----
    "transfer_isolation": "转运隔离",
    "nucleic_acid_testing": "核酸检测",
    "tracing": "流调溯源",
    "disinfection": "环境消杀",
    "supplies": "生活物资保障",
    "close campus": "封闭校园",
    "suspend classes": "停课",
    "extend closure": "延长封闭",
    # the close-contact queue's sorts (issue 16)
    "proposed_at": "提出时间",
    "evidence": "依据",
    "decision": "研判结果",
}

# What the console's table knows under a prefix (a colour, an infection's kind, a campaign's condition and scope).
PREFIXES = ("", "colour_", "kind_", "condition_", "justification_", "scope_", "role_", "permission_")
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
# English words left in a text (an identifier's parts too); ids (v9, m20.16), numbers, dates, Ct, single letters (h,
# d, X) and file paths are not words
WORD = re.compile(r"(?<![A-Za-z])[A-Za-z][a-z]+(?![A-Za-z])")
PATH = re.compile(r"\S+/\S+")
NOT_WORDS = frozenset({"Ct", "classb"})
NUMBERS = re.compile(r"\d+(?:, \d+)+")
# list separators the rules and `policy.render` use, with the Chinese ones
LISTS = ((" + ", " + "), ("; ", "；"), (", ", "、"))
MAX_SPLITS = 64  # ways to cut one text into one template's fields: enough for the rules' texts, bounded for any


@dataclass(frozen=True)
class Entry:
    """One catalogue template, compiled once."""

    english: str
    chinese: str
    parts: tuple[str, ...]  # the literal parts around the fields
    pattern: re.Pattern[str]
    weight: int  # literal characters: of two that say a text equally well, the more specific wins


def _entry(english: str, chinese: str) -> Entry:
    parts = tuple(english.split(FIELD))
    pattern = re.compile("(.*?)".join(re.escape(p) for p in parts), re.S)
    return Entry(english, chinese, parts, pattern, sum(len(p) for p in parts))


ENTRIES: tuple[Entry, ...] = tuple(_entry(e, z) for e, z in CATALOGUE.items())
# the services' refusals and pydantic's messages (`error_words`), said by the same lookup; a message that is also a
# rules' reason keeps the reason's Chinese
ERROR_ENTRIES: tuple[Entry, ...] = tuple(_entry(e, z) for e, z in error_catalogue().items() if e not in CATALOGUE)
ALL_ENTRIES = ENTRIES + ERROR_ENTRIES


def english_words(text: str) -> list[str]:
    """The English words a text still holds (what a Chinese reader would not read)."""
    return [w for w in WORD.findall(PATH.sub(" ", text)) if w not in NOT_WORDS]


def word(value: str) -> str | None:
    """The Chinese of one word of a closed vocabulary (`close_contact`, `home isolation`, `green`), else None."""
    value = value.strip()
    if value in VOCAB:
        return VOCAB[value]
    key = value.lower().replace(" ", "_")
    if not IDENTIFIER.fullmatch(key):
        return None
    if key in VOCAB:
        return VOCAB[key]
    for prefix in PREFIXES:
        # unprefixed, only identifiers of two words or more: the table's plain keys ("day", "next") are its own
        if prefix == "" and "_" not in key:
            continue
        entry = MESSAGES.get(prefix + key)
        if entry is not None and entry.get("zh"):
            return entry["zh"]
    return None


def _splits(text: str, parts: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    """Every way of reading `text` as the literal `parts` with a field between each two, leftmost first."""
    if len(parts) == 1:
        if text == parts[0]:
            yield ()
        return
    first, last = parts[0], parts[-1]
    if len(text) < len(first) + len(last) or not text.startswith(first) or not text.endswith(last):
        return
    body = text[len(first) : len(text) - len(last)]
    middle = parts[1:-1]

    def walk(pos: int, i: int, fields: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        if i == len(middle):
            yield (*fields, body[pos:])
            return
        at = body.find(middle[i], pos)
        while at != -1:
            yield from walk(at + len(middle[i]), i + 1, (*fields, body[pos:at]))
            at = body.find(middle[i], at + 1)

    for n, fields in enumerate(walk(0, 0, ())):
        if n >= MAX_SPLITS:
            return
        yield fields


@lru_cache(maxsize=8192)
def _zh(text: str) -> tuple[str, int, int]:
    """The best Chinese for a text: (the Chinese, the English words it leaves, how specific a reading it is).

    Fewest English words left wins; between readings that leave as few, the more specific: each template counts its
    literal characters, and a template nested inside another counts twice as much as its host. The rules wrap a
    specific text in a general one ("{}: {} ({})" around "{}: day {} of {}"), never the other way round, so of two
    readings using the same templates the one with the general template outside is the rules' own."""
    known = word(text)
    if known is not None:
        return known, 0, 0
    left = len(english_words(text))
    if left == 0:  # a number, a date, an id: as it is (a list of numbers with the Chinese comma)
        return (text.replace(", ", "、") if NUMBERS.fullmatch(text) else text), 0, 0
    best, best_left, best_score = text, left, -1
    for entry in ALL_ENTRIES:
        if entry.pattern.fullmatch(text) is None:
            continue
        for fields in _splits(text, entry.parts):
            said = [_zh(f) for f in fields]
            n = sum(s[1] for s in said)
            score = entry.weight + 2 * sum(s[2] for s in said)
            if n < best_left or (n == best_left and score > best_score):
                best, best_left, best_score = entry.chinese.format(*(s[0] for s in said)), n, score
    for sep, joiner in LISTS:
        if sep in text:
            said = [_zh(p) for p in text.split(sep)]
            n = sum(s[1] for s in said)
            score = 2 * sum(s[2] for s in said)
            if n < best_left or (n == best_left and score > best_score):
                best, best_left, best_score = joiner.join(s[0] for s in said), n, score
    if best_left >= left:
        return text, left, 0  # nothing said better than the English: the English, whole
    return best, best_left, best_score


def text_of(reason: object) -> str:
    """The English text of a reason: a `Reason`, a dict as stored in JSON columns, any record with `text`, or a
    message."""
    if reason is None:
        return ""
    if isinstance(reason, str):
        return reason
    if isinstance(reason, Mapping):
        return str(reason.get("text") or reason.get("message") or "")
    return str(getattr(reason, "text", "") or "")


def said(reason: object, lang: str) -> str:
    """A reason's text in `lang`: the English unchanged for "en"; in Chinese for "zh" as far as the catalogue says
    it (a text it does not know stays in English)."""
    text = text_of(reason)
    if not text:
        return text
    if lang != "zh":
        return _en(text)
    return _zh(text)[0]


ROLE_REFUSAL = re.compile(r"role ([a-z_]+) may not (.+)")


def _en(text: str) -> str:
    """The English as a reader says it: a refusal names the role by its words, not its id ("role read_only may not
    place orders" reads "The Read only role may not place orders"; issue 16)."""
    found = ROLE_REFUSAL.fullmatch(text)
    role = MESSAGES.get(f"role_{found.group(1)}") if found else None
    if found is None or role is None:
        return text
    return f"The {role['en']} role may not {found.group(2)}"


@pass_context
def said_in_page(context: Context, reason: object) -> str:
    """The template filter `{{ r|said }}`: the reason in the page's language (`lang`, which `render` passes to every
    template; a macro imported without context has none and keeps the English)."""
    lang = context.get("lang")
    return said(reason, lang if isinstance(lang, str) else "en")
