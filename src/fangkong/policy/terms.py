"""The domain's closed vocabularies, shared by the policy data and the rules."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from fangkong.errors import InvalidInput

E = TypeVar("E", bound=StrEnum)


def parse_term(vocabulary: type[E], value: str, field: str) -> E:
    """A word of a closed vocabulary read at the edge (a form, a file, a command line), refused with the field named
    and the words it may be."""
    try:
        return vocabulary(value)
    except ValueError:
        raise InvalidInput(field, f"{value!r} is not one of {', '.join(v.value for v in vocabulary)}") from None


class Category(StrEnum):
    """Categories of people placed under management."""

    close_contact = "close_contact"  # 密切接触者
    secondary_close_contact = "secondary_close_contact"  # 密接的密接
    entry_personnel = "entry_personnel"  # 入境人员
    high_risk_spillover = "high_risk_spillover"  # 高风险区外溢人员
    medium_risk_spillover = "medium_risk_spillover"  # 中风险区外溢人员 (9th edition only)
    low_risk_spillover = "low_risk_spillover"  # 低风险区旅居史人员: 3天2检 (9th edition only)
    high_risk_post_worker = "high_risk_post_worker"  # 高风险岗位从业人员
    past_infection_ct35_40 = "past_infection_ct35_40"  # 入境 Ct 35–40, 既往感染
    mild_infection = "mild_infection"  # 无症状感染者和轻型病例居家隔离 (the new ten)


class PhaseKind(StrEnum):
    """Kinds of management phase, from the strictest."""

    centralized_isolation = "centralized_isolation"  # 集中隔离医学观察
    home_isolation = "home_isolation"  # 居家隔离医学观察
    home_health_monitoring = "home_health_monitoring"  # 居家健康监测
    testing_only = "testing_only"  # 核酸检测, no isolation or monitoring (the 9th edition's 3天2检)

    @property
    def strictness(self) -> int:
        """Higher is stricter; comparing proposals with the national rule uses this order."""
        return {"centralized_isolation": 3, "home_isolation": 2, "home_health_monitoring": 1, "testing_only": 0}[
            self.value
        ]


class Severity(StrEnum):
    """Clinical severity of an infection (临床分型), from the mildest; measure 11 grades admission by it."""

    asymptomatic = "asymptomatic"  # 无症状感染者
    mild = "mild"  # 轻型
    moderate = "moderate"  # 中型 (普通型 in the 9th-edition protocol)
    severe = "severe"  # 重型
    critical = "critical"  # 危重型


class CareLevel(StrEnum):
    """The level of care an infection is placed under (measure 11: graded diagnosis and treatment), from the lowest.
    The place is a separate word (`Facility`): the same level is given in different places under different versions
    (centralized isolation management in a makeshift hospital, ICU care in a designated or any hospital)."""

    home_care = "home_care"  # 居家治疗, no isolation (Class B)
    home_isolation = "home_isolation"  # 居家隔离
    centralized_isolation = "centralized_isolation"  # 集中隔离收治
    inpatient = "inpatient"  # 住院治疗
    icu = "icu"  # 重症监护

    @property
    def rank(self) -> int:
        """Higher is more care; a case's level never goes down when its severity goes up."""
        return tuple(CareLevel).index(self)


class Facility(StrEnum):
    """Where the care is given."""

    home = "home"  # 居家
    isolation_site = "isolation_site"  # 集中隔离点
    makeshift_hospital = "makeshift_hospital"  # 方舱医院
    designated_hospital = "designated_hospital"  # 定点医院
    hospital = "hospital"  # 医疗机构 (Class B: no designated hospitals)


class RiskFactor(StrEnum):
    """Facts about a person that may raise the level of care of a mild case (high risk of severe illness)."""

    serious_underlying_disease = "serious_underlying_disease"  # 严重基础疾病
    pregnancy = "pregnancy"  # 孕产妇
    dialysis = "dialysis"  # 透析患者
    unvaccinated = "unvaccinated"  # 未全程接种疫苗


class MayGoOut(StrEnum):
    no = "no"
    if_necessary = "if_necessary"
    yes = "yes"

    @property
    def strictness(self) -> int:
        return {"no": 2, "if_necessary": 1, "yes": 0}[self.value]


class Restriction(StrEnum):
    no_crowded_places = "no_crowded_places"
    no_public_transport = "no_public_transport"


class AreaLevel(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"
    none = "none"  # no risk-area level applies (lifted under n10, or no areas at all under classb)


class JurisdictionLevel(StrEnum):
    """The administrative tree, from the widest; risk areas are delineated by one of these (measure 4)."""

    province = "province"
    city = "city"
    county = "county"  # county/district: GB/T 2260 six-digit code
    street = "street"  # street/township: county code + 3 digits
    community = "community"  # community/village: street code + 3 digits
    building = "building"  # community code + 3 digits (a local suffix)
    unit = "unit"  # building code + 2 digits


LEVEL_ORDER = tuple(JurisdictionLevel)  # from the widest


class Population(StrEnum):
    entry_personnel = "entry_personnel"
    general = "general"


class SampleStage(StrEnum):
    screening = "screening"
    release = "release"


class CampaignScope(StrEnum):
    risk_posts_and_key_persons = "risk_posts_and_key_persons"
    all_residents = "all_residents"


class CampaignCondition(StrEnum):
    source_unclear = "source_unclear"
    chain_unclear = "chain_unclear"
    long_community_transmission = "long_community_transmission"


class Finding(StrEnum):
    """Where or how a positive was found, as a risk area's clock weighs it (`risk_area.excluded_findings`)."""

    community = "community"
    centralized_isolation = "centralized_isolation"
    home_isolation = "home_isolation"
    home_health_monitoring = "home_health_monitoring"
    temporary_control = "temporary_control"  # held after a positive pool
    closed_loop = "closed_loop"
    re_positive_after_discharge = "re_positive_after_discharge"  # 出院后复阳
    past_infection_ct35_40 = "past_infection_ct35_40"  # 入境 Ct 35–40 判定为既往感染


class CtResult(StrEnum):
    positive = "positive"
    retest_24h = "retest_24h"
    past_infection = "past_infection"
    negative = "negative"


class AgeBand(StrEnum):
    """The age bands of the severity mix of the bed projection (measure 11, m20.11: `projection.need.*`): the
    notice-era grouping of the elderly (60 and over, 80 and over)."""

    under_60 = "under_60"  # 60岁以下
    from_60_to_79 = "from_60_to_79"  # 60–79岁
    from_80 = "from_80"  # 80岁及以上

    @classmethod
    def of(cls, age: int) -> AgeBand:
        """The band of an age in years."""
        return cls.from_80 if age >= 80 else cls.from_60_to_79 if age >= 60 else cls.under_60


class CareFacilityKind(StrEnum):
    """A kind of medical facility that cares for infections (measure 11: graded diagnosis and treatment; issue 18)."""

    designated_hospital = "designated_hospital"  # 定点医院
    sub_designated_hospital = "sub_designated_hospital"  # 亚定点医院
    makeshift_hospital = "makeshift_hospital"  # 方舱医院
    fever_clinic = "fever_clinic"  # 发热门诊
    community_health_centre = "community_health_centre"  # 社区卫生服务中心
    isolation_site = "isolation_site"  # 集中隔离点


class SupplyCategory(StrEnum):
    """What a stocked item is, as measure 13 (m20.13) names the reserves: treatment drugs, traditional Chinese medicine
    prescriptions, first-aid drugs and medical equipment. Each category has its own reorder point
    (`supplies.reorder_days.<category>`)."""

    antiviral = "antiviral"  # 抗病毒药
    antipyretic = "antipyretic"  # 退热药
    tcm_prescription = "tcm_prescription"  # 中药方剂
    first_aid_drug = "first_aid_drug"  # 急救药品
    oxygen_concentrator = "oxygen_concentrator"  # 制氧机
    ventilator = "ventilator"  # 呼吸机
    oximeter = "oximeter"  # 指夹式血氧仪


class SupplySiteKind(StrEnum):
    """Where medicines and equipment are stocked and dispensed (measure 13: the reserves reach patients through
    these)."""

    hospital = "hospital"  # 医院（药房）
    pharmacy = "pharmacy"  # 药店
    community_health_centre = "community_health_centre"  # 社区卫生服务中心
    isolation_site = "isolation_site"  # 集中隔离点


class FacilityStatus(StrEnum):
    """Whether a facility takes patients now (measure 11: beds prepared in advance may stand by)."""

    open = "open"  # 开放
    standby = "standby"  # 备用
    closed = "closed"  # 关闭


class BedKind(StrEnum):
    """A kind of bed (measure 11: 准备好住院和重症床位)."""

    general = "general"  # 普通床位
    icu = "icu"  # 重症监护床位
    convertible_icu = "convertible_icu"  # 可转换重症床位


class StaffKind(StrEnum):
    """A kind of medical staff (measure 11: a plan for when medical staff are infected)."""

    doctor = "doctor"  # 医生
    nurse = "nurse"  # 护士
    critical_care_nurse = "critical_care_nurse"  # 重症专科护士


class StayEnd(StrEnum):
    """How a stay in a facility ended (measure 11)."""

    transferred = "transferred"  # 转科/转院
    discharged = "discharged"  # 出院
    died = "died"  # 死亡


class AllocationGroup(StrEnum):
    """Who is served first when a site's stock of an item is short (measure 13:
    特别是重症高风险人群和老年患者的治疗需要), in the order `supplies.allocation.order` gives; within a group,
    the earliest request first."""

    severe = "severe"  # 重型、危重型患者
    high_risk = "high_risk"  # 重症高风险人群（年龄、基础疾病等）
    elderly = "elderly"  # 老年患者
    others = "others"  # 其他患者


class VaccinePlatform(StrEnum):
    """The technology of a COVID-19 vaccine licensed or authorised for emergency use in China in 2022 (measure 12:
    加快提高疫苗接种率). No mRNA vaccine was licensed in mainland China then, so none is listed."""

    inactivated = "inactivated"  # 灭活疫苗（科兴、国药北京所、国药武汉所）
    adenovirus_vector = "adenovirus_vector"  # 腺病毒载体疫苗（康希诺，含吸入用）
    recombinant_protein = "recombinant_protein"  # 重组蛋白疫苗（智飞龙科马）


class VaccinationStatus(StrEnum):
    """A person's COVID-19 vaccination on a day (measure 12): no dose, a primary course begun, the full primary
    course, or a booster after it."""

    unvaccinated = "unvaccinated"  # 未接种
    partial = "partial"  # 未完成全程接种
    full_course = "full_course"  # 完成全程接种
    boosted = "boosted"  # 完成加强免疫


class OutreachOutcome(StrEnum):
    """What came of asking a person to be vaccinated (measure 12: the elderly first), kept so that nobody is asked
    again for nothing: a contraindication (with its reason), a refusal, or a later date agreed."""

    contraindication = "contraindication"  # 接种禁忌
    refusal = "refusal"  # 拒绝接种
    later_date = "later_date"  # 约定日后接种


class KeyPopulationKind(StrEnum):
    """Why a person is on the key-population registry (measure 14: 摸清辖区内合并基础性疾病老年人等人群底数 ...
    the elderly, people with underlying diseases, pregnant women, dialysis patients; issue 19 adds the disabled
    elderly, cancer patients in treatment and children in difficulty)."""

    elderly_living_alone = "elderly_living_alone"  # 独居老人
    elderly_disabled = "elderly_disabled"  # 失能老人
    underlying_disease = "underlying_disease"  # 基础性疾病患者
    pregnant = "pregnant"  # 孕产妇
    hemodialysis = "hemodialysis"  # 血液透析患者
    cancer_treatment = "cancer_treatment"  # 正在治疗的肿瘤患者
    child_in_difficulty = "child_in_difficulty"  # 困境儿童


class RiskGrade(StrEnum):
    """A key person's risk grade for the classified management of measure 14 (分类分级管理), lowest first."""

    low = "low"  # 低风险
    medium = "medium"  # 中风险
    high = "high"  # 高风险

    @property
    def rank(self) -> int:
        return list(RiskGrade).index(self)


class KeyInstitutionKind(StrEnum):
    """A key institution measure 14 asks to protect (加强养老院、儿童福利院、精神专科医院等机构的防护)."""

    nursing_home = "nursing_home"  # 养老院
    psychiatric_hospital = "psychiatric_hospital"  # 精神专科医院
    welfare_home = "welfare_home"  # 福利院


class InstitutionAlertStatus(StrEnum):
    """Where an institution alert stands (measure 14): open while a checklist item is not done."""

    open = "open"  # 处置中
    closed = "closed"  # 已处置


class AlertStep(StrEnum):
    """An item of an institution alert's response checklist (measure 14 with the care rules of measure 11)."""

    test_everyone = "test_everyone"  # 全员核酸检测
    isolate_on_site = "isolate_on_site"  # 就地隔离
    transfer_severe = "transfer_severe"  # 重症患者转运


class InfectedRole(StrEnum):
    """Who in a key institution is infected (measure 14): a resident or a member of staff."""

    resident = "resident"  # 在院人员
    staff = "staff"  # 工作人员


class CheckOutcome(StrEnum):
    """What a health-and-safety check on a key person found (measure 14; measure 17's needs follow from it)."""

    well = "well"  # 情况良好
    needs_help = "needs_help"  # 需要帮助
    unwell = "unwell"  # 身体不适
    unreachable = "unreachable"  # 未联系上


class NeedKind(StrEnum):
    """What a person or household under closure needs (measure 17: 建立重点人员清单和需求清单; 确保群众就医用药需求)."""

    medicine = "medicine"  # 购药
    dialysis = "dialysis"  # 血液透析
    chemotherapy = "chemotherapy"  # 放化疗
    prenatal_check = "prenatal_check"  # 孕产检
    emergency = "emergency"  # 急危重症就医
    food = "food"  # 生活物资
    counselling = "counselling"  # 心理疏导
    other = "other"  # 其他


class Urgency(StrEnum):
    """How soon a need must be met (measure 17); each has its deadline in `closure.deadline_hours.*`."""

    emergency = "emergency"  # 紧急（数小时内）
    urgent = "urgent"  # 急需（一天内）
    routine = "routine"  # 一般


class NeedStatus(StrEnum):
    """Where a need stands (measure 17): raised, routed to someone, met, refused or withdrawn."""

    open = "open"  # 待分派
    assigned = "assigned"  # 已分派
    done = "done"  # 已办结
    refused = "refused"  # 已拒绝
    cancelled = "cancelled"  # 已撤销


class RefusalGround(StrEnum):
    """Why a need was refused (measure 17: 严格落实首诊负责制和急诊抢救制度，不得以任何理由推诿拒诊; measure 16):
    the person's health code or risk area is never a ground for refusing medical care."""

    health_code = "health_code"  # 因健康码颜色
    risk_area = "risk_area"  # 因来自或身处风险区
    declined_by_person = "declined_by_person"  # 本人不需要
    no_capacity = "no_capacity"  # 无力承接
    other = "other"  # 其他


class LandingStatus(StrEnum):
    """Where the test on arrival of a person crossing provinces stands (measure 15: 对跨省流动的务工人员开展“落地检”;
    voluntary and free, movement not restricted)."""

    not_owed = "not_owed"  # 无需落地检
    due = "due"  # 待检测
    tested = "tested"  # 已检测
    positive = "positive"  # 检测阳性
    missed = "missed"  # 未按时检测
    closed = "closed"  # 随访结束


class ArrivalFollowUpOutcome(StrEnum):
    """What came of following up an arrival who missed the test on arrival (measure 15; a reminder only, the test is
    voluntary: m20-docs.testing)."""

    reminded = "reminded"  # 已提醒
    tested_elsewhere = "tested_elsewhere"  # 已在别处检测
    left = "left"  # 已离开
    unreachable = "unreachable"  # 联系不上
    declined = "declined"  # 本人不愿检测


class EarlyStep(StrEnum):
    """The "four earlies" of measure 15 (早发现、早报告、早隔离、早治疗), each measured on every infection."""

    detection = "detection"  # 早发现: onset to the positive sample
    reporting = "reporting"  # 早报告: confirmation to report
    isolation = "isolation"  # 早隔离: confirmation to the close contacts under management
    treatment = "treatment"  # 早治疗: confirmation to admission at the level of care severity asks


class SignalChannel(StrEnum):
    """Where a daily count of an early-warning signal comes from (measure 15, m20.15: 进一步完善疫情多渠道监测预警和
    多点触发机制 — multi-channel monitoring, early warning and multi-point triggering). Each is counted per
    jurisdiction and day; nucleic-acid positivity carries its denominator (the tests) beside the positives."""

    fever_clinic = "fever_clinic"  # 发热门诊就诊人次
    antipyretic_sales = "antipyretic_sales"  # 药店退烧药销售
    cough_cold_sales = "cough_cold_sales"  # 药店止咳、感冒药销售
    antigen_kit_sales = "antigen_kit_sales"  # 药店抗原检测试剂销售
    nucleic_acid_positivity = "nucleic_acid_positivity"  # 核酸检测阳性（阳性数/检测数）
    sentinel_ili = "sentinel_ili"  # 哨点医院流感样病例
    school_absence = "school_absence"  # 学校缺勤
    workplace_absence = "workplace_absence"  # 单位缺勤
    interprovincial_arrivals = "interprovincial_arrivals"  # 跨省流入人员


class WarningAlertKind(StrEnum):
    """Why an early-warning alert was raised (measure 15: 多点触发, multi-point triggering)."""

    multi_channel = "multi_channel"  # 多渠道同时预警
    strong_signal = "strong_signal"  # 单一渠道强信号


class WarningAlertStatus(StrEnum):
    """Where an early-warning alert's verification stands (measure 15)."""

    open = "open"  # 待核实
    assigned = "assigned"  # 核实中
    confirmed = "confirmed"  # 确认为聚集性疫情
    false_alarm = "false_alarm"  # 排除（误报）


class Method(StrEnum):
    """An aberration-detection method that judges a daily or weekly count series (measure 15: 完善多渠道监测预警机制,
    多点触发): the EARS C1, C2 and C3 methods and the improved Farrington method, each equal to R `surveillance`'s
    `earsC` and `farringtonFlexible` (rules/aberration)."""

    ears_c1 = "ears-c1"  # EARS C1：前 7 天均值加标准差
    ears_c2 = "ears-c2"  # EARS C2：隔 2 天的前 7 天
    ears_c3 = "ears-c3"  # EARS C3：近 3 天 C2 累积
    farrington = "farrington"  # 改进 Farrington 法：往年同期准泊松回归


# ---- campuses (issue 21, measure 18) ----


class CampusKind(StrEnum):
    """A school or university of the campus registry (measure 18: 校园疫情防控)."""

    kindergarten = "kindergarten"  # 幼儿园
    primary_school = "primary_school"  # 小学
    secondary_school = "secondary_school"  # 中学
    vocational_school = "vocational_school"  # 职业学校
    university = "university"  # 高等学校


class CampusTaskKind(StrEnum):
    """The tasks of a campus outbreak response measure 18 names (优先保障校园转运隔离、核酸检测、流调溯源、环境消杀、
    生活物资保障)."""

    transfer_isolation = "transfer_isolation"  # 转运隔离
    nucleic_acid_testing = "nucleic_acid_testing"  # 核酸检测
    tracing = "tracing"  # 流调溯源
    disinfection = "disinfection"  # 环境消杀
    supplies = "supplies"  # 生活物资保障（留校学生）


class CampusTaskStatus(StrEnum):
    """Where a response task stands."""

    open = "open"  # 进行中
    done = "done"  # 已完成


class CampusClosureKind(StrEnum):
    """A closure of a campus the guard judges (measures 16, 18: 随意停课、关闭校园、封闭时间过长)."""

    close_campus = "close_campus"  # 封闭校园
    suspend_classes = "suspend_classes"  # 停课（停止线下教学）
    extend_closure = "extend_closure"  # 延长封闭
