"""The services' refusals in the reader's language (issue 16: "Chinese throughout: ... error messages").

The services raise `fangkong.errors` with English messages, and the API returns them so. The console says them in
Chinese through the one lookup of `fangkong.web.reason_words.said`: `ERRORS` maps each English template exactly as
the services, the console's pages and the rules write a message (an f-string's literal parts, `{}` for each
interpolated expression) to a Chinese template with positional fields, as `reason_words.CATALOGUE` does for the
rules' reasons. A message that is one of the rules' reasons is said by that catalogue and is not repeated here.
`NOT_FOUND` words the entity of a `NotFound` ("no person 12"), `PYDANTIC` the messages of pydantic v2's validation
that some console forms show as they are. `tests/web/test_error_words.py` reads every message from the source and
fails on any without an entry.

`field_words` says the field a refusal names (`anchor_date`, `contacts[0].person_id`) in the reader's words.
"""

from __future__ import annotations

import re

from jinja2 import pass_context
from jinja2.runtime import Context

from fangkong.web.i18n import MESSAGES

# English template -> Chinese template ({0}, {1}, ... are the English fields in order; a literal brace is doubled).
ERRORS: dict[str, str] = {
    # ---- early-warning signals (measure 15: services/signals) ----
    "only nucleic-acid positivity has tests": "只有核酸检测阳性需填写检测数",
    "another import stored counts for the same days meanwhile: import the file again": (
        "另一次导入刚刚写入了相同日期的数据：请重新导入该文件"
    ),
    "stored as {} by import {}: a conflicting count": "已由第 {1} 次导入记为 {0}，与本次数值不一致",
    "{} days asked; at most {} at once": "所请求的日期共 {0} 天，一次最多 {1} 天",
    "{} is more than {}": "{0} 超过 {1}",
    "{} is negative": "{0} 为负数",
    "{} is outside your jurisdiction": "{0} 不在您的辖区内",
    "{} positives out of {} tests: more positives than tests": "{1} 人次检测中阳性 {0} 人次：阳性数多于检测数",
    "the same jurisdiction, channel and date are in row {}": "同一辖区、渠道和日期已在第 {0} 行出现",
    # ---- vaccination (measure 12: services/vaccination, rules/vaccination.py) ----
    "a contraindication needs its reason": "接种禁忌须写明原因",
    "a dose on {} is before the birth date {}": "{0} 的接种早于出生日期 {1}",
    "a later date needs the day agreed": "约定日后接种须写明约定日期",
    "dose {} is already recorded": "第 {0} 剂已有记录",
    "no person with this document number in your jurisdiction": "本辖区内没有持此证件号码的人员",
    "only a later date has a day agreed": "只有“约定日后接种”才填写约定日期",
    "the next dose is dose {}, not dose {}": "下一剂应为第 {0} 剂，而不是第 {1} 剂",
    "{} is before the birth date": "{0} 早于出生日期",
    "{} is before the previous dose ({})": "{0} 早于上一剂的接种日期（{1}）",
    "{} is not a vaccine product ({})": "{0} 不是可接种的疫苗产品（{1}）",
    "{} is not after the day asked ({})": "{0} 不晚于动员日期（{1}）",
    "{} is not the maker of {} ({})": "{0} 不是 {1} 的生产企业（{2}）",
    "a range of more than {} days": "日期范围超过 {0} 天",
    "more than {} days asked: give a longer step": "所请求的日期超过 {0} 个：请加大间隔天数",
    "{} is not a number of days (1 or more)": "{0} 不是有效天数（至少为 1）",
    # ---- services during closure (measure 17: the needs list, receiving points, hotline) ----
    "a need names the person it is for": "需求须写明服务对象",
    "must not be blank": "不能为空",
    "need {} is met, refused or withdrawn: only an open or assigned need can change": (
        "需求 {0} 已办结、已拒绝或已撤销：只有待分派或已分派的需求可以更改"
    ),
    "say what the refusal said": "请写明拒绝的理由",
    "give the need the call was about or the need it raises, not both": "来电所涉需求与来电新提需求只能填写其一",
    "unknown need {} in this jurisdiction": "本辖区没有需求 {0}",
    "unknown person {}": "没有人员 {0}",
    "{} is in the future: record a call made": "{0} 晚于当前时间：请记录已接听的来电",
    "{} is later than the {}-hour deadline": "{0} 晚于 {1} 小时的办理时限",
    "{} is not after the need was raised": "{0} 不晚于需求提出时间",
    "{} is not an active user serving the person's jurisdiction": "{0} 不是服务该人员所在辖区的在用账号",
    # the needs worked from the console (web/closure_pages.py)
    "choose the kind of need": "请选择需求类别",
    "choose the worker it goes to": "请选择承办人",
    "give the person's ID number": "请填写服务对象的证件号码",
    "not a valid resident ID number (its form, birth date or check digit)": (
        "不是有效的居民身份证号码（格式、出生日期或校验码有误）"
    ),
    "only the command centre runs the escalation from the console": "只有指挥部可以在工作台立即上报超时需求",
    "{} is not a date and time": "{0} 不是有效的日期时间",
    "your role does not raise needs": "您的角色不能登记需求",
    # ---- supplies (measure 13: drug and equipment reserves) ----
    "a day's dispensed quantity cannot be negative": "单日发放数量不能为负数",
    "a supply site named {} exists": "已有名为 {0} 的物资点",
    "a transfer goes to another site": "调拨须调往其他物资点",
    "a transfer names the site it goes to": "调拨须写明调入的物资点",
    "an adjustment changes the stock: give a quantity other than 0": "盘点调整须改变库存：数量不能为 0",
    "an item with code {} exists": "已有编码为 {0} 的物品",
    "no item with code {}": "没有编码为 {0} 的物品",
    "no supply site named {}": "没有名为 {0} 的物资点",
    "request {}: {} is not a quantity (1 or more)": "申请 {0}：{1} 不是有效数量（至少为 1）",
    "request {}: {} is not an age in years (0 to {})": "申请 {0}：{1} 不是有效年龄（0 至 {2} 岁）",
    "two requests have the same key": "两条申请的编号相同",
    "{} holds {} {} of {}: {} would make it negative": "{0} 现有 {3} {1}（单位：{2}）：减少 {4} 将使库存为负",
    "{} is not a quantity (1 or more)": "{0} 不是有效数量（至少为 1）",
    "{} is not a quantity (a whole number, 0 or more)": "{0} 不是有效数量（0 或以上的整数）",
    "{} is not a stock (a whole number, 0 or more)": "{0} 不是有效库存（0 或以上的整数）",
    # ---- key populations and key institutions (measure 14) ----
    "a note is at most {} characters": "备注最多 {0} 个字符",
    "a username is at most 100 characters": "用户名最多 100 个字符",
    "an entry needs at least one kind": "登记须至少选择一个人群类别",
    "an instant needs its time zone": "时间须注明时区",
    "an institution must lie in a jurisdiction": "机构须属于某一辖区",
    "an institution named {} already exists": "已有名为 {0} 的机构",
    "an institution needs a name of 1 to 200 characters": "机构名称须为 1 至 200 个字符",
    "entry {} ended on {}": "登记 {0} 已于 {1} 结束",
    "entry {} has ended": "登记 {0} 已结束",
    "infection {} already raised an alert for this institution": "感染者 {0} 已为该机构触发过预警",
    "is before the alert was raised": "早于预警发出时间",
    "is before the person was put on the registry": "早于该人员登记为重点人群的时间",
    "no infection {} in your jurisdiction": "您的辖区内没有感染者 {0}",
    "no institution {} in your jurisdiction": "您的辖区内没有机构 {0}",
    "no person with this document in your jurisdiction": "您的辖区内没有持此证件的人员",
    "no person {} in your jurisdiction": "您的辖区内没有人员 {0}",
    "not a field of an institution": "不是机构的字段",
    "not a value of this field": "不是该字段的有效值",
    "overlaps the closed management from {}": "与自 {0} 起的封闭管理期重叠",
    "person {} has no birth date: the risk grade needs an age": "人员 {0} 无出生日期：风险等级须依据年龄评定",
    "person {} is already on the key-population registry": "人员 {0} 已在重点人群名册中",
    "person {} is not on the key-population registry": "人员 {0} 不在重点人群名册中",
    "{} is not in your jurisdiction": "{0} 不在您的辖区内",
    "{} is not on this alert's checklist": "{0} 不在该预警的处置清单中",
    "{} was done at {}": "{0} 已于 {1} 完成",
    "{} is not a key-population kind": "{0} 不是重点人群类别",
    "{} is not a risk grade": "{0} 不是风险等级",
    # the console's forms and the residents and staff of key institutions (measure 14)
    "at this grade a check is due at least every {} days": "按此风险等级至少每 {0} 天随访一次",
    "overlaps the membership from {}": "与自 {0} 起的在册期重叠",
    "membership {} ended on {}": "在册记录 {0} 已于 {1} 结束",
    "no closed management {}": "没有封闭管理期 {0}",
    "no closed management {} in your jurisdiction": "您的辖区内没有封闭管理期 {0}",
    "the closed management from {} ended on {}": "自 {0} 起的封闭管理已于 {1} 结束",
    "no key institution of this name in your jurisdiction": "您的辖区内没有此名称的重点机构",
    "not a day (YYYY-MM-DD)": "不是有效日期（年-月-日）",
    "not a day this store keeps": "不是系统可记录的日期",
    "give the person's ID number or open their page": "请填写证件号码，或从人员页面进入",
    "give a whole number of days": "请填写整数天数",
    # ---- values that cannot be read ----
    "{} is not a date": "{0} 不是有效日期",
    "{} is not a dose number": "{0} 不是有效剂次",
    "{} is not a date (YYYY-MM-DD)": "{0} 不是有效日期（格式 YYYY-MM-DD）",
    "{} is not a number": "{0} 不是数字",
    "{} is not a whole number": "{0} 不是整数",
    "{} is not a phone number": "{0} 不是有效的电话号码",
    "{} is not a temperature": "{0} 不是有效的体温",
    "{} is not an ISO 8601 date-time": "{0} 不是 ISO 8601 格式的日期时间",
    "{} has no UTC offset; give instants as ISO 8601 with offset": "{0} 缺少时区；请按 ISO 8601 格式注明时区",
    "{} is not a proposal's number": "{0} 不是有效的建议编号",
    "{} is not an order and a day": "{0} 不是“管控令与日期”",
    "{} is not an order and a version": "{0} 不是“管控令与版本”",
    "{} is not between {} and {}": "{0} 不在 {1} 至 {2} 之间",
    "{} is not one of active, ended": "{0} 不是可选状态之一（进行中、已结束）",
    "{} is not one of {}": "{0} 不是以下之一：{1}",
    "{} is not one of {} (a leading - reverses it)": "{0} 不是以下之一：{1}（前加 - 表示倒序）",
    "{}: an administrative code is 2 to 20 digits": "{0}：行政区划代码为 2 至 20 位数字",
    "expected a number, null or {orf1ab, n}, got {}": "须为数字、空值或各靶标的 Ct 值，收到的是 {0}",
    "Ct values must be above 0 and at most {}: {}": "Ct 值须大于 0 且不超过 {0}：{1}",
    "Ct {} is out of range (above 0, at most {}; empty = not detected)": (
        "Ct {0} 超出范围（须大于 0 且不超过 {1}；留空表示未检出）"
    ),
    # ---- the bed projection's input (rules/bed_projection.py, measure 11) ----
    "count {} is not a number of infections (0 to {})": "{0} 不是有效的感染人数（0 至 {1}）",
    "no infections recorded on or before {}": "{0} 及之前没有感染记录",
    "no infections recorded on or before {}: the first is on {}": "{0} 及之前没有感染记录：最早的记录在 {1}",
    "no staffed {} beds given": "未提供{0}的可用床位数",
    "{} is not a bed kind (inpatient, icu)": "{0} 不是床位类型（住院、重症监护）",
    "{} is not a day (YYYY-MM-DD)": "{0} 不是有效日期（格式 YYYY-MM-DD）",
    "{} is not a number of beds (0 or more)": "{0} 不是有效的床位数（须为 0 或以上）",
    "letters, digits, '.' and '_'": "只能使用字母、数字、“.”和“_”",
    "a person's number": "须为人员编号",
    "longer than {} characters": "超过 {0} 个字符",
    "missing": "缺少此项",
    "must be 0 or more": "须为 0 或以上",
    "{}: must be 0 or more": "{0}：须为 0 或以上",
    "{} on {}: must be 0 or more": "{1} 的 {0}：须为 0 或以上",
    "must be at least 1": "须至少为 1",
    "must be between 1 and {}": "须在 1 至 {0} 之间",
    "between 0 and 60": "须在 0 至 60 之间",
    "between 1 and 60": "须在 1 至 60 之间",
    "at least 10 characters": "至少 10 个字符",
    "at most 100 characters": "至多 100 个字符",
    # the password policy (services.users.passwords) and the accounts (services.users.admin)
    "only whitespace": "不能只有空白字符",
    "too few different characters": "不同的字符太少",
    "a run of a sequence (1234567890, abcdefghij, qwertyuiop) is guessed at once": (
        "连续的数字、字母或键盘按键序列很快会被猜中"
    ),
    "one of the most common passwords": "这是最常见的密码之一",
    "contains the username": "包含用户名",
    "the demo's published password; choose your own": "这是演示环境公开的密码，请另设密码",
    "an administrator may not disable or re-scope their own account": "管理员不能停用或更改自己的账号",
    "an account can only be moved inside your own jurisdiction": "账号只能调整到您本人辖区之内",
    "at most a year at a time": "每次最多一年",
    "may not be emptied": "不得清空",
    # ---- choices of a closed list ----
    "risk_posts_and_key_persons or all_residents": "须为“风险岗位和重点人员”或“全体居民”",
    "proposed, confirmed or dismissed": "须为待确认、已确认或已排除",
    "confirm, dismiss or confirm_all": "须为确认、排除或全部确认",
    "close_contact or secondary_close_contact": "须为密切接触者或密接的密接",
    "centralized_site or home_visit": "须为集中隔离点或上门",
    "unknown area {}": "未知区域 {0}",
    "unknown category {}; known: {}": "未知类别 {0}；可选：{1}",
    "unknown jurisdiction {}": "未知辖区 {0}",
    "unknown question {}; known: {}": "未知问题 {0}；可选：{1}",
    "unknown role {}; known: {}": "未知角色 {0}；可选：{1}",
    "unknown user or wrong password": "用户名或密码错误",
    "unknown version {}": "未知版本 {0}",
    "unknown version {}; known: {}": "未知版本 {0}；可选：{1}",
    "versions are {}": "版本为：{0}",
    # ---- dates ----
    "is in the future": "不能晚于今天",
    "{} is in the future": "{0} 晚于今天",
    "{} is after today ({})": "{0} 晚于今天（{1}）",
    "{} is after today ({}): record a visit made": "{0} 晚于今天（{1}）：请登记已完成的上门",
    "{} is after today ({}): record what has happened": "{0} 晚于今天（{1}）：请登记已经发生的情况",
    "{} is before today ({})": "{0} 早于今天（{1}）",
    "{} is before today ({}): the plan's past cannot change": "{0} 早于今天（{1}）：管控方案已过去的部分不能更改",
    "{} is before {}": "{0} 早于 {1}",
    "is before since": "结束日期早于开始日期",
    "{} is before the sample was collected": "{0} 早于样本采集时间",
    "{} is outside the plan ({} to {})": "{0} 不在管控方案期间（{1} 至 {2}）",
    "{} takes effect on {}, not {}": "{0} 自 {1} 起施行，而不是 {2}",
    "{} is before the window opens ({})": "{0} 早于暴露期开始（{1}）",
    "{} is after the infected person was isolated ({})": "{0} 晚于感染者被隔离（{1}）",
    "{} is before the area was delineated ({})": "{0} 早于该区域划定日期（{1}）",
    "before the area was delineated ({})": "早于该区域划定日期（{0}）",
    "before the area was delineated ({}): not a spill-over": "早于该区域划定日期（{0}）：不属于外溢",
    "between the delineation ({}) and today": "须在划定日期（{0}）与今天之间",
    "{} is before the campaign's start ({})": "{0} 早于本次检测的开始日期（{1}）",
    "round of {} is before the campaign's start ({})": "{0} 的轮次早于本次检测的开始日期（{1}）",
    "round of {} is not after the round of {}": "{0} 的轮次不晚于 {1} 的轮次",
    "{} is before the last round recorded ({})": "{0} 早于已登记的最后一轮（{1}）",
    "{} is not a round day of campaign {}{}": "{0} 不是区域核酸检测 {1} 的检测日{2}",
    "on {}": "于 {0}",
    "; the final round is on {}": "；最后一轮为 {0}",
    "the campaign stopped on {}: no more rounds": "本次检测已于 {0} 停止：不再检测",
    "is after the confirmation": "晚于确认时间",
    "is after the confirmation: the sample comes first": "晚于确认时间：应先采样后确认",
    "is before the infection was confirmed": "早于感染者确认时间",
    "is before the infection was found": "早于发现感染者的时间",
    "is not after the discharge ({})": "不晚于出院时间（{0}）",
    "symptom onset more than 60 days after sampling": "发病日期比采样日期晚 60 天以上",
    # ---- orders and plans (measures 1, 2, 3, 10) ----
    "order {} is {}": "管控令 {0} 的状态为：{1}",
    "order {}: {}": "管控令 {0}：{1}",
    "order {} has ended: only a person under an active order is visited": "管控令 {0} 已结束：仅对管控中的人员上门",
    "order {} is not in centralized isolation on {}": "管控令 {0} 在 {1} 不处于集中隔离阶段",
    "on {} order {} is in {}: home visits are for home isolation or home health monitoring": (
        "{0} 管控令 {1} 处于{2}：上门仅适用于居家隔离或居家健康监测"
    ),
    "no phase of the plan": "管控方案之外",
    "a centralized or testing-only phase": "集中隔离或仅检测阶段",
    "order {} already has room {} until {}": "管控令 {0} 已分配房间 {1}，至 {2}",
    "person {} is already under an active {} order ({})": "人员 {0} 已有进行中的{1}管控令（{2}）",
    "entrant already under (or through) order {} for this entry: no second quarantine at the destination": (
        "该入境人员本次入境已有（或已完成）管控令 {0}：目的地不再重复隔离"
    ),
    "give exactly one of anchor_date and start": "起算日期与开始日期须且只能填写其一",
    "a quarantine plan names its category and phases": "管控方案须写明类别和各阶段",
    "the plan from {} would already have ended on {}": "自 {0} 起的管控方案在 {1} 已经结束",
    "the plan has no home isolation on or after {}": "管控方案在 {0} 及以后没有居家隔离阶段",
    "the plan runs until {}; an early end is a cancellation or a transfer, with its reason": (
        "管控方案至 {0} 结束；提前结束须作撤销或转运处理，并说明理由"
    ),
    "the tests release this infection on {}": "按检测结果，该感染者于 {0} 解除隔离",
    "released after two tests in a row pass; no result yet for {}": "连续两次检测合格后解除隔离；{0} 尚无结果",
    "{} has no Ct release of an infection isolated at home": "{0}未规定居家隔离感染者按 Ct 值解除隔离",
    "{} does not move anyone out of home isolation": "{0}不将任何人员转出居家隔离",
    "{} is not released by its tests' Ct": "{0}不按检测 Ct 值解除",
    "secondary close contacts follow a confirmed close contact": "密接的密接须在密切接触者确认之后判定",
    "close contacts are not determined under these rules ({})": "现行规定不判定密切接触者（{0}）",
    "the order changed (version {}, you read {}); reload and try again": (
        "管控令已被修改（当前版本 {0}，您读取的是 {1}）；请刷新后重试"
    ),
    "the order changed while you edited it; reload and try again": "您编辑期间管控令已被修改；请刷新后重试",
    "the record changed (version {}, you read {}); reload and try again": (
        "记录已被修改（当前版本 {0}，您读取的是 {1}）；请刷新后重试"
    ),
    "the record changed while you edited it; reload and try again": "您编辑期间记录已被修改；请刷新后重试",
    "say why (at least 3 characters): it is kept with every changed order": (
        "请说明理由（至少 3 个字符）：理由随每条被修改的管控令保存"
    ),
    "tick the people to release": "请勾选要解除管控的人员",
    "tick the people whose sample was taken": "请勾选已采样的人员",
    "a sample of {} is recorded for order {}": "管控令 {1} 已登记 {0} 的采样",
    "a visit of {} is already recorded for this order": "该管控令已登记 {0} 的上门记录",
    "{} °C is outside {}–{} °C: measure again": "{0} °C 超出 {1}–{2} °C 的范围：请重新测量",
    # ---- persons ----
    "a person with this document is registered": "该证件的人员已登记",
    "a person with this {} is registered": "该{0}的人员已登记",
    "differs from the resident ID's {}": "与居民身份证号码中的 {0} 不一致",
    "choose the community the person lives in": "请选择该人员居住的社区",
    "no place in your jurisdiction is named {}: choose one from the list": (
        "您的辖区内没有名为 {0} 的地点：请从列表中选择"
    ),
    "a building or unit needs the label addresses use (e.g. 7)": "楼栋或单元须填写地址中使用的编号（如 7）",
    "your role may not register people": "您的角色不能登记人员",
    "give a person id or a code token": "请提供人员编号或健康码令牌",
    "person {} already has an infection record": "人员 {0} 已有感染者记录",
    "person {} is already listed as stranded ({})": "人员 {0} 已登记为滞留人员（{1}）",
    "only a cleared person departs ({})": "只有已通过评估的人员才能离开（{0}）",
    "{} has departed": "{0} 已离开",
    # ---- infections and contacts (measure 2) ----
    "no infection {}": "未找到感染者 {0}",
    "infection {} descends from {}: a cycle": "感染者 {0} 的传播链来源于 {1}：形成循环",
    "infection {} is not discharged: a positive is not a re-positive": "感染者 {0} 尚未出院：阳性结果不属于复阳",
    "is the infected person": "是感染者本人",
    "name at least one contact": "请至少填写一名接触者",
    "choose at least one proposal": "请至少选择一条建议",
    "say why the candidate is dismissed": "请说明排除该候选人的理由",
    "candidate {} is {}": "候选人 {0} 的状态为：{1}",
    "proposal {} is already {}": "建议 {0} 的状态已为：{1}",
    "proposal {} is not one of this infection's": "建议 {0} 不属于该感染者",
    "person {} is already proposed for area {}": "人员 {0} 已被列为区域 {1} 的候选人",
    "no symptoms cannot be ticked together with a symptom": "“无症状”不能与其他症状同时勾选",
    # ---- the level of care of an infection (measure 11) ----
    "{} is not an age in years (0 to {})": "{0} 不是有效的年龄（0 至 {1} 岁）",
    # ---- risk areas (measure 4) ----
    "name the area to be delineated": "请填写要划定的区域",
    "an area is delineated high or medium risk": "区域只能划定为高风险或中风险",
    "{} has no {}-risk areas": "{0}不设{1}区",
    "area {} exists": "区域 {0} 已存在",
    "area {} is still {}-risk on {} ({} clean days); the rules lower it {}": (
        "区域 {0} 在 {2} 仍为{1}区（已连续 {3} 天无新增）；按规定{4}降级"
    ),
    "after {} clean days": "于连续 {0} 天无新增后",
    "{} overlaps active risk area {} ({})": "{0} 与现有风险区 {1}（{2}）重叠",
    "name the infections whose home, workplace or activity place this is, or say in the note where the infection was "
    "recorded": "请填写以此处为居住地、工作地或活动场所的感染者，或在备注中说明感染者的登记地",
    # ---- areas and jurisdictions: shapes and codes ----
    "{} overlaps {}": "{0} 与 {1} 重叠",
    "{} lies outside its parent {}": "{0} 超出其上级 {1} 的范围",
    "{} does not extend its parent's code {}": "{0} 不是在上级代码 {1} 之后续编",
    "{}: the parent's code {} and {} digits": "{0}：须为上级代码 {1} 加 {2} 位数字",
    "a {} cannot be under a {}": "{0}不能隶属于{1}",
    "jurisdiction {} exists": "辖区 {0} 已存在",
    "{} exists": "{0} 已存在",
    "a user can only be created inside your own jurisdiction": "只能在您本人的辖区内创建用户",
    "the shape is empty": "图形为空",
    "the shape is not a valid polygon ({})": "图形不是有效的多边形（{0}）",
    "a Polygon or MultiPolygon, not {}": "须为多边形或多多边形，而不是 {0}",
    "a Feature with properties": "须为带属性的要素",
    "expected a GeoJSON FeatureCollection": "须为 GeoJSON 要素集合",
    "not GeoJSON: {}": "不是 GeoJSON：{0}",
    "not a readable GeoJSON geometry: {}": "无法读取的 GeoJSON 几何图形：{0}",
    # ---- sites (measure 1) ----
    "a site named {} exists": "名为 {0} 的隔离点已存在",
    "room numbers repeat": "房间号重复",
    "room {} is occupied": "房间 {0} 已有人入住",
    "no room {} at {}": "{1} 没有房间 {0}",
    "{} has no free room from {} to {}": "{0} 在 {1} 至 {2} 期间没有空余房间",
    # ---- lab and imported files (measures 6 and 9) ----
    "no rows": "没有数据行",
    "more than {} rows: split it": "超过 {0} 行：请拆分后导入",
    "more values than columns": "数值多于列数",
    "expected an object": "须为对象",
    'expected a list of rows or {"rows": [...]}': '须为数据行列表或 {{"rows": [...]}}',
    "missing column(s): {}; expected {}": "缺少列：{0}；应有：{1}",
    "give a .csv or .json file (or the text/csv or application/json content type)": (
        "请提供 .csv 或 .json 文件（或 text/csv、application/json 内容类型）"
    ),
    "cannot read: {}": "无法读取：{0}",
    "not UTF-8 text: {} at byte {}": "不是 UTF-8 文本：第 {1} 字节处 {0}",
    "not JSON: {} (line {})": "不是 JSON：{0}（第 {1} 行）",
    "not JSON fangkong reads: {}": "本系统无法读取的 JSON：{0}",
    "not JSON fangkong reads: nested too deeply": "本系统无法读取的 JSON：嵌套层级过深",
    "not YAML fangkong reads: {}": "本系统无法读取的 YAML：{0}",
    "not YAML fangkong reads: nested too deeply": "本系统无法读取的 YAML：嵌套层级过深",
    "not CSV fangkong reads: {}": "本系统无法读取的 CSV：{0}",
    "the header is not CSV fangkong reads: {}": "表头不是本系统可读取的 CSV：{0}",
    "not GeoJSON: nested too deeply": "不是 GeoJSON：嵌套层级过深",
    "a NUL character is not text": "含有空字符（NUL），不是文本",
    "a NUL character is not text (line {})": "含有空字符（NUL），不是文本（第 {0} 行）",
    "not valid YAML: {}": "不是有效的 YAML：{0}",
    "this file was imported as {} (import {})": "该文件已作为{0}导入（导入批次 {1}）",
    "this file was imported by another account (import {})": "该文件已由其他账号导入（导入批次 {0}）",
    "{} repeats row {}": "{0} 与第 {1} 行重复",
    "{} member(s) in a sample of {}": "{1} 人混采的样本中有 {0} 人",
    "a person is in the tube twice": "同一人在同一管中出现两次",
    "no person with document {}… is registered in your jurisdiction": "您的辖区内没有证件号码为 {0}… 的登记人员",
    "no sample {} is registered": "未登记样本 {0}",
    "no venue {} is registered": "未登记场所 {0}",
    "venue code {} is registered": "场所码 {0} 已登记",
    "sample {} is registered with other members or times": "样本 {0} 已按其他人员或时间登记",
    "sample {} already has a different result (import {}); a correction goes through the lab's amendment, not a "
    "second upload": "样本 {0} 已有不同的结果（导入批次 {1}）；更正须由实验室修订，不能再次上传",
    "a screening of {} is recorded": "已登记 {0} 的筛查",
    # ---- cases of the self-check file (DESIGN.md) ----
    "expected a mapping with a list under `cases`": "须为映射，并在 `cases` 下列出用例",
    "duplicate case id {}": "用例编号 {0} 重复",
    "name at least one case file": "请至少指定一个用例文件",
    # ---- testing campaigns (measure 6) ----
    "a round of {} is recorded for campaign {}": "区域核酸检测 {1} 已登记 {0} 的轮次",
    "campaign {} tests risk posts and key persons, not everyone": (
        "区域核酸检测 {0} 只检测风险岗位和重点人员，不是全员检测"
    ),
    # ---- the command centre: versions and transitions (measures 16 and 20) ----
    "preview the transition first": "请先预览转换结果",
    "tick the box to confirm that the preview was checked": "请勾选确认已核对预览结果",
    "the preview showed {} changes and {} would be made now: preview again": (
        "预览显示 {0} 项变更，现在将产生 {1} 项：请重新预览"
    ),
    "a consequence could not be applied: {}": "有一项后续处理无法执行：{0}",
    "only the command centre applies a new version of the rules": "只有指挥部可以施行新版本规定",
    "only the command centre recomputes codes from this page": "只有指挥部可以在此页面重新计算健康码",
    "only supervisors and the command centre read the findings": "只有督导人员和指挥部可以查阅督查发现",
    "route the complaint to a jurisdiction": "请将投诉转交给一个辖区",
    "a health-code appeal is about a person": "健康码申诉须针对具体人员",
    "ticket {} is {}": "工单 {0} 的状态为：{1}",
    "role {} may not {}": "{0}角色无权{1}",
    # ---- a person's rights (PIPL art. 45): the console's copy of everything held ----
    "say why the copy is made (kept in the audit log)": "请说明导出理由（将记入查阅记录）",
    # ---- the file of a RowError ("row 3: ...") ----
    "row {}: {}": "第 {0} 行：{1}",
    # ---- backups (services.backup; docs/retention-and-backups.md) ----
    "a store exists at {} (--force replaces it with the backup)": "{0} 已有数据库（加强制选项以备份替换）",
    "an in-memory SQLite store has nothing to back up": "内存中的 SQLite 数据库无可备份",
    "no backup at {}": "{0} 处没有备份",
    "no store at {}": "{0} 处没有数据库",
    "restoring replaces every table of the store (--force to do it)": "恢复将替换数据库的全部表（需加强制选项）",
    "the backup cannot be the store itself": "备份文件不能是数据库本身",
    "{} exists (--force replaces it)": "{0} 已存在（加强制选项以替换）",
    "{} failed: {}": "{0} 失败：{1}",
    "{} is at migration {}, which this version does not know": "{0} 的迁移版本为 {1}，本版本不认识",
    "{} is not a fangkong store (no migration recorded)": "{0} 不是防控系统的数据库（无迁移记录）",
    "{} is not a fangkong store (not a SQLite file)": "{0} 不是防控系统的数据库（不是 SQLite 文件）",
    "{} is not a fangkong store ({})": "{0} 不是防控系统的数据库（{1}）",
    "{} is not a pg_dump file: {}": "{0} 不是 PostgreSQL 备份文件：{1}",
    "{} is not installed here; run it where it is: {}": "本机未安装 {0}；请在已安装处运行：{1}",
    # ---- care facilities, severities and stays (measure 11; services/care, rules/staffed_beds.py) ----
    "a facility must lie in a jurisdiction": "医疗机构必须属于某一辖区",
    "is missing": "缺失",
    "a facility named {} already exists": "名为 {0} 的医疗机构已存在",
    "a facility needs a name of 1 to 200 characters": "医疗机构名称须为 1 至 200 个字符",
    "a transfer is an admission elsewhere": "转院（转科）请登记为在他处收治",
    "facility {} is {}, not open": "医疗机构 {0} 状态为{1}，未开放",
    "infection {} has no recorded severity": "感染者 {0} 尚未登记临床分型",
    "infection {} is in no facility": "感染者 {0} 不在任何医疗机构",
    "infection {} was discharged on {}": "感染者 {0} 已于 {1} 出院",
    "not a field of a facility": "不是医疗机构的字段",
    "{} away is more than the {} {} staff": "离岗 {0} 人，超过{2}总数 {1} 人",
    "{} beds are fewer than the {} occupied": "床位 {0} 张，少于已占用的 {1} 张",
    "{} beds: a count cannot be negative": "床位 {0} 张：数量不能为负",
    "{} cannot be negative": "{0} 不能为负数",
    "{} has {} {} beds, all occupied": "{0} 的{2}床位共 {1} 张，已全部占用",
    "{} is before the current stay began ({})": "{0} 早于当前住院开始日期（{1}）",
    "{} is before the stay began ({})": "{0} 早于住院开始日期（{1}）",
    "{} is not an infection: the person is not infected": "{0} 不是感染者记录：此人未感染",
    "{} is not between -180 and 180": "{0} 不在 -180 至 180 之间",
    "{} is not between -90 and 90": "{0} 不在 -90 至 90 之间",
    "{} is not between 0 and {}": "{0} 不在 0 至 {1} 之间",
    "{} staff: a count cannot be negative": "人员 {0} 名：数量不能为负",
    "{} days asked: a census range is at most {} days": "所查询的 {0} 天超出范围：床位日报一次最多查询 {1} 天",
    "give either a day (on) or a range (from, to), not both": "请给出单日或日期范围，不要同时给出",
    "give a day (on) or both ends of a range (from, to)": "请给出单日，或日期范围的起止两端",
    "a site has a name": "物资点须有名称",
    "an item has a name": "物品须有名称",
    "an item has a unit": "物品须有计量单位",
    "{} is not a category": "{0} 不是物资类别",
    "{} is not a kind of site": "{0} 不是物资点类型",
    "{} is not an alert": "{0} 不是预警类型",
    # ---- the care console (measure 11): a stale discharge or death button ----
    "infection {} is not staying in this facility": "感染者 {0} 目前不在本机构住院",
    # ---- landing checks (measure 15) ----
    "{} is not a province code (two digits of GB/T 2260, e.g. 44 for Guangdong)": (
        "{0} 不是省级行政区划代码（GB/T 2260 的前两位，如广东为 44）"
    ),
    "arrival {} is not to be reminded now (tested, still in time, no test owed, or follow-up over)": (
        "抵达记录 {0} 当前无需提醒（已检测、仍在时限内、无需落地检或随访已结束）"
    ),
    "no such place in your jurisdiction": "本辖区内没有该地点",
    "the same arrival as row {}": "与第 {0} 行为同一次抵达",
    "this arrival is already recorded (arrival {})": "该次抵达已登记（抵达记录 {0}）",
    "{} is in the future: record an arrival made": "{0} 尚未到来：请登记已发生的抵达",
    "{} is not yes or no": "{0} 不是“是”或“否”",
    # ---- early warning (measure 15) ----
    "a confirmed cluster links the infections it led to": "确认为聚集性疫情时须关联相应感染者",
    "a false alarm links no infection": "排除的预警不关联感染者",
    "alert {} is already verified": "预警 {0} 已核实",
    "no active account {}": "没有在用账号 {0}",
    "{} is not a list of infection numbers": "{0} 不是感染者编号列表",
    "{} is not an outcome (confirmed or false_alarm)": "{0} 不是核实结果（确认或排除）",
    "{} is not derived from the store (derived: {})": "{0} 不由系统数据汇总（可汇总：{1}）",
    "{} works outside the alert's jurisdiction": "{0} 不在该预警所在辖区工作",
    "{} is the province of {}: not a cross-province arrival": "{0} 即为 {1} 所在省份：不属跨省流动",
    "{} is Hong Kong, Macao or Taiwan: arrivals from there are entries, not cross-province arrivals": (
        "{0} 为港澳台地区：自该地抵达属入境，不属跨省流动"
    ),
    # ---- early warning (measure 15: rules/aberration, `fangkong warning detect`) ----
    "{} appears twice in the series": "序列中日期 {0} 重复",
    "{} after {}: the dates of a series must go forward": "{1} 之后为 {0}：序列日期须按先后排列",
    "{} after {}: a series is daily (1 day apart) or weekly (7 days apart)": (
        "{1} 之后为 {0}：序列须为逐日（间隔 1 天）或逐周（间隔 7 天）"
    ),
    "{} after {}: a gap in a series whose dates are {} days apart": "{1} 之后为 {0}：日期间隔为 {2} 天的序列中有缺失",
    "{} after {}: mixed spacing in a series whose dates are {} days apart": (
        "{1} 之后为 {0}：日期间隔为 {2} 天的序列中混有其他间隔"
    ),
    "{} is not a whole number of at least 0": "{0} 不是大于等于 0 的整数",
    "{} counts for {} dates": "{1} 个日期却有 {0} 个计数",
    "the series has {} {}; {} needs at least {} to judge its last one": (
        "序列仅有 {0} {1}；{2} 方法至少需要 {3} 期才能判断最后一期"
    ),
    "days": "天",
    "weeks": "周",
    "{} is not between 0 and 1": "{0} 不在 0 与 1 之间",
    "the baseline is the EARS methods' days; Farrington's is its years": (
        "基线天数仅用于 EARS 方法；往年同期回归法请设定回溯年数"
    ),
    "{} days: the least baseline is 3 (as surveillance's earsC)": "{0} 天：基线至少为 3 天（与 R 软件包的 earsC 相同）",
    "the past years are the Farrington method's; EARS uses its baseline days": (
        "回溯年数仅用于往年同期回归法；EARS 方法使用基线天数"
    ),
    "{}: at least 1 past year": "{0}：至少回溯 1 年",
    # ---- issue 16 A: the lists' exports and one test recorded by hand ----
    "{} is not one of yes, no": "{0} 不是可选值之一（是、否）",
    "say the day the sample was taken": "请填写采样日期",
    "{} is not a test of {}": "{0} 不是 {1} 的检测",
    # ---- enterprises and parks (measure 19; issue 21: services/enterprises, rules/enterprises.py) ----
    "a check is recorded on or after the day it was made": "检查须在当天或之后登记",
    "a name of 1 to 200 characters": "名称须为 1 至 200 个字符",
    "a park named {} already exists": "名为 {0} 的园区已存在",
    "a plan is for one enterprise or for one park": "一份方案只对应一家企业或一个园区",
    "an enterprise named {} already exists": "名为 {0} 的企业已存在",
    "an enterprise or park must lie in a jurisdiction": "企业或园区必须属于某个辖区",
    "it already has its plan: one enterprise, one policy": "已有防控方案：一企一策",
    "the chain names nobody at {}": "责任链在 {0} 一级没有责任人",
    "the enterprise is already stopped": "该企业已停产",
    "unknown enterprise {}": "未知企业 {0}",
    "unknown park {}": "未知园区 {0}",
    "who checked": "请填写检查人",
    "why production is to stop": "请填写停产原因",
    "{} is not a level of the chain ({})": "{0} 不是责任链的层级（{1}）",
    "{} is not a level of this plan's chain ({})": "{0} 不是本方案责任链的层级（{1}）",
    "the same enterprise as row {}": "与第 {0} 行是同一家企业",
    # ---- complaints (issue 21, measures 18 and 16) ----
    "a complaint closes only with feedback to the person who complained": "须向投诉人反馈后方可办结",
    "complaint {} is already published": "投诉 {0} 已发布为典型案例",
    "complaint {} is {}: only a closed complaint is published": "投诉 {0} 状态为{1}：只有已办结的投诉可以发布",
    "complaint {} is {}: this step is not open to it": "投诉 {0} 状态为{1}：不能进行此操作",
    "holds {}: a published case holds no personal data ({})": "含有{0}：公开通报的案例不得含个人信息（{1}）",
    "must not be blank: a typical case says what happened and how it was put right": (
        "不能为空：典型案例须写明基本情况和整改情况"
    ),
    "say what happened: a complaint with no content cannot be routed": "请填写反映内容：没有内容的投诉无法转办",
    "say what was found and done": "请写明核查情况和处理结果",
    "{} is in the future: record a complaint received": "{0} 尚未到来：请登记已受理的投诉",
    "{} is in the past: a deadline is still to come": "{0} 已过去：答复时限须在此后",
    # ---- campuses (issue 21, measure 18) ----
    "a campus has a code": "校园须有编码",
    "a campus has a name": "校园须有名称",
    "a campus {} is already registered": "校园 {0} 已登记",
    "a closure lasts at least one day": "封闭至少 1 天",
    "campus {} already has an open response ({})": "校园 {0} 已有进行中的应急处置（{1}）",
    "campus {} belongs to another jurisdiction": "校园 {0} 属于其他辖区",
    "campus {} is not closed: there is no closure to extend": "校园 {0} 未封闭，无可延长的封闭",
    "no campus {} in your jurisdiction": "您的辖区内没有校园 {0}",
    "task {} is already done": "任务 {0} 已完成",
    "{} has already passed": "{0} 已过",
    "{} is after today": "{0} 晚于今天",
    "{} is before today": "{0} 早于今天",
    "{} is not a task of a response under {}": "{0} 不是 {1} 规定的应急处置任务",
    "{} is not one of open, done": "{0} 不是“进行中”或“已完成”",
    "the same campus as row {}": "与第 {0} 行是同一所学校",
    "{} is not a count": "{0} 不是人数",
    "{} is not a number of days": "{0} 不是天数",
    "the number of a person": "请填写人员编号",
    "the number of an enterprise or park": "请填写企业或园区编号",
    # ---- policy comparisons (issue 22: services/simulations, web/simulation_pages.py) ----
    "{} chosen: choose between {} and {} policies": "已选 {0} 个：请选择 {1} 至 {2} 个方案",
    "{} is not a policy; the policies are {}": "{0} 不是可比较的方案；可选方案为 {1}",
    "{} is chosen twice": "{0} 被选了两次",
    "{} people: between {} and {}": "{0} 人：须在 {1} 至 {2} 人之间",
    "{} person-days (people × days × seeds × policies): at most {} a request": (
        "{0} 人·天（人口 × 天数 × 种子数 × 方案数）：每次请求至多 {1}"
    ),
    "{} days: between {} and {}": "{0} 天：须在 {1} 至 {2} 天之间",
    "{} seeds: between {} and {}": "{0} 个种子：须在 {1} 至 {2} 个之间",
    "{} as the first seed: between 0 and {}": "起始种子 {0}：须在 0 至 {1} 之间",
    "{} switches: at most {}": "版本切换 {0} 次：最多 {1} 次",
    "{} is outside the run ({} to {})": "{0} 不在模拟期内（{1} 至 {2}）",
    "{} tests a day: between 1 and {}": "每日 {0} 轮：须在 1 至 {1} 轮之间",
    "{} is not one of the choices offered": "{0} 不是可选项之一",
}

# The entity of `NotFound(entity, key)`, whose message is "no {entity} {key}".
NOT_FOUND: dict[str, str] = {
    "key person": "重点人群登记",
    "key institution": "重点机构",
    "institution alert": "机构预警",
    "institution member": "机构在册人员",
    "arrival": "抵达记录",
    "warning alert": "预警",
    "supply site": "物资点",
    "need": "需求",
    "supply item": "物品",
    "person": "人员",
    "user": "账号",
    "order": "管控令",
    "infection": "感染者",
    "jurisdiction": "辖区",
    "campaign": "区域核酸检测",
    "risk area": "风险区",
    "site": "集中隔离点",
    "health code": "健康码",
    "ticket": "工单",
    "stranded person": "滞留人员",
    "contact candidate": "密接候选人",
    "spill-over candidate": "外溢候选人",
    "export format": "导出格式",
    "facility": "医疗机构",
    # enterprises and parks (measure 19; issue 21)
    "enterprise": "企业",
    "park": "工业园区",
    "plan": "防控方案",
    "complaint": "投诉",  # complaints (issue 21)
    # campuses (issue 21)
    "campus": "校园",
    "campus response": "校园疫情应急处置",
    "campus task": "应急处置任务",
    "comparison": "政策模拟比较",  # policy comparisons (issue 22)
}

# Pydantic v2's messages (pydantic_core's templates, with a `{}` for each of their fields) that reach a console form
# as they are, and the parse errors its date and time messages quote (speedate's).
PYDANTIC: dict[str, str] = {
    "Field required": "必填",
    "String should have at least {} character": "至少 {0} 个字符",
    "String should have at least {} characters": "至少 {0} 个字符",
    "String should have at most {} character": "最多 {0} 个字符",
    "String should have at most {} characters": "最多 {0} 个字符",
    "String should match pattern {}": "格式不符合要求（{0}）",
    "Input should be a valid string": "须为文本",
    "Input should be a valid integer": "须为整数",
    "Input should be a valid integer, unable to parse string as an integer": "须为整数",
    "Input should be a valid integer, got a number with a fractional part": "须为整数，不能有小数",
    "Input should be a valid number": "须为数字",
    "Input should be a valid number, unable to parse string as a number": "须为数字",
    "Input should be a finite number": "须为有限数值",
    "Input should be a valid boolean, unable to interpret input": "须为是或否",
    "Input should be a valid date in the format YYYY-MM-DD, {}": "须为 YYYY-MM-DD 格式的日期，{0}",
    "Input should be a valid date or datetime, {}": "须为有效的日期或日期时间，{0}",
    "Input should be a valid datetime, {}": "须为有效的日期时间，{0}",
    "Input should be a valid datetime or date, {}": "须为有效的日期时间或日期，{0}",
    "Input should have timezone info": "须注明时区",
    "Value error, {}": "数值错误，{0}",
    "Assertion failed, {}": "校验未通过，{0}",
    "Input should be greater than or equal to {}": "须大于或等于 {0}",
    "Input should be less than or equal to {}": "须小于或等于 {0}",
    "Input should be greater than {}": "须大于 {0}",
    "Input should be less than {}": "须小于 {0}",
    "Input should be {}": "须为 {0}",
    "Input should be {} or {}": "须为 {0}或{1}",
    "Input should be a valid list": "须为列表",
    "List should have at least {} item after validation, not {}": "至少 {0} 项，实际 {1} 项",
    "List should have at least {} items after validation, not {}": "至少 {0} 项，实际 {1} 项",
    "List should have at most {} item after validation, not {}": "最多 {0} 项，实际 {1} 项",
    "List should have at most {} items after validation, not {}": "最多 {0} 项，实际 {1} 项",
    "Extra inputs are not permitted": "不允许额外的输入项",
    "input is too short": "输入过短",
    "input is too long": "输入过长",
    "invalid character in year": "年份中有无效字符",
    "invalid character in month": "月份中有无效字符",
    "invalid character in day": "日期中有无效字符",
    "invalid date separator, expected `-`": "日期分隔符无效，应为 `-`",
    "month value is outside expected range of 1-12": "月份超出 1–12 的范围",
    "day value is outside expected range": "日超出有效范围",
    "unexpected extra characters at the end of the input": "输入末尾有多余字符",
}

# The statuses a conflict quotes ("order 4 is released"): of orders, contact candidates and appeal tickets.
STATUSES: dict[str, str] = {
    "active": "管控中",
    "released": "已解除",
    "cancelled": "已撤销",
    "transferred": "已转运",
    "superseded": "已转为感染者管理",
    "proposed": "待确认",
    "confirmed": "已确认",
    "dismissed": "已排除",
    "open": "待处理",
    "answered": "已答复",
}
# the templates that end in a status, and their Chinese with the status as the last part
STATUS_TEMPLATES = {
    "order {} is ": "管控令 {0} 的状态为：",
    "candidate {} is ": "候选人 {0} 的状态为：",
    "proposal {} is already ": "建议 {0} 的状态已为：",
    "ticket {} is ": "工单 {0} 的状态为：",
}

FIELD_PREFIX = "error_field_"  # the keys of `words_errors`: a field's name where the table has no word for it
INDEX = re.compile(r"^(.*?)\[(\d+)\]$")


def catalogue() -> dict[str, str]:
    """Every message template of the services and of pydantic, the `NotFound` ones spelled out, in one table."""
    found = {f"no {entity} {{}}": f"未找到{zh} {{0}}" for entity, zh in NOT_FOUND.items()}
    statuses = {e + status: z + zh for e, z in STATUS_TEMPLATES.items() for status, zh in STATUSES.items()}
    return {**ERRORS, **found, **statuses, **PYDANTIC}


def _field_word(name: str, lang: str) -> str:
    for key in (FIELD_PREFIX + name, name):
        entry = MESSAGES.get(key)
        if entry is not None and entry.get(lang):
            return entry[lang]
    return name  # a field nobody named: as the service wrote it, never blank


def field_words(field: str | None, lang: str) -> str:
    """The field a refusal names, in `lang`: each dotted part in words (`contacts[0].person_id` -> "接触者 1 ·
    人员编号"), a list's index counted from 1, a part the tables do not know as it is; "row 3" and the like stay."""
    if not field:
        return ""
    parts = []
    for part in field.split("."):
        indexed = INDEX.match(part)
        name, index = (indexed.group(1), int(indexed.group(2)) + 1) if indexed else (part, None)
        said = _field_word(name, lang)
        parts.append(f"{said} {index}" if index is not None else said)
    return " · ".join(parts)


@pass_context
def field_words_in_page(context: Context, field: str | None) -> str:
    """The template filter `{{ problem.field|field_words }}`: the field in the page's language (`lang`; a macro
    imported without context has none and keeps the English)."""
    lang = context.get("lang")
    return field_words(field, lang if isinstance(lang, str) else "en")
