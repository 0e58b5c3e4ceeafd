"""The test on arrival of people crossing provinces: the "landing check" (落地检) of measure 15.

(15): "carry out 'landing inspection' for migrant workers across provinces" (对跨省流动的务工人员开展“落地检”, m20.15).
The testing rules of 21 Nov 2022 say how: free, voluntary, sampled and gone, movement not restricted
(自愿、免费、即采即走、不限制流动, m20-docs.testing); the new ten end it (不再开展落地检, n10.2).

- `landing_check`: whether an arrival owes the test under the version in force on the arrival day, by when
  (`arrival.landing_test.within_hours`, register landing-test-window), whether it was taken (the first sample after
  arrival), and whether a missed one is still followed up (`arrival.landing_test.follow_up_days`, register
  landing-test-follow-up). Following up is a reminder: the decision never restricts anyone, and says so.
- `province_of`: the province of a jurisdiction code (GB/T 2260: its first two digits), to tell a cross-province
  arrival from a local move.

Pure functions: no store, no clock (the instants are passed in).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

from fangkong.errors import InvalidInput
from fangkong.policy import PolicyAt
from fangkong.policy.terms import ArrivalFollowUpOutcome, LandingStatus
from fangkong.rules.decision import Decision, because, policy_fields

# The provinces, autonomous regions and municipalities of the mainland (GB/T 2260 codes): the "provinces" a landing
# check is about. Hong Kong, Macao and Taiwan (81, 82, 71) are entries, managed as entry personnel (measure 7).
PROVINCES: dict[str, tuple[str, str]] = {
    "11": ("北京市", "Beijing"),
    "12": ("天津市", "Tianjin"),
    "13": ("河北省", "Hebei"),
    "14": ("山西省", "Shanxi"),
    "15": ("内蒙古自治区", "Inner Mongolia"),
    "21": ("辽宁省", "Liaoning"),
    "22": ("吉林省", "Jilin"),
    "23": ("黑龙江省", "Heilongjiang"),
    "31": ("上海市", "Shanghai"),
    "32": ("江苏省", "Jiangsu"),
    "33": ("浙江省", "Zhejiang"),
    "34": ("安徽省", "Anhui"),
    "35": ("福建省", "Fujian"),
    "36": ("江西省", "Jiangxi"),
    "37": ("山东省", "Shandong"),
    "41": ("河南省", "Henan"),
    "42": ("湖北省", "Hubei"),
    "43": ("湖南省", "Hunan"),
    "44": ("广东省", "Guangdong"),
    "45": ("广西壮族自治区", "Guangxi"),
    "46": ("海南省", "Hainan"),
    "50": ("重庆市", "Chongqing"),
    "51": ("四川省", "Sichuan"),
    "52": ("贵州省", "Guizhou"),
    "53": ("云南省", "Yunnan"),
    "54": ("西藏自治区", "Tibet"),
    "61": ("陕西省", "Shaanxi"),
    "62": ("甘肃省", "Gansu"),
    "63": ("青海省", "Qinghai"),
    "64": ("宁夏回族自治区", "Ningxia"),
    "65": ("新疆维吾尔自治区", "Xinjiang"),
}
ENTRY_REGIONS = {"71": "Taiwan", "81": "Hong Kong", "82": "Macao"}
# A follow-up with one of these ends it: the person tested, is gone, or said no to a voluntary test.
ENDS_FOLLOW_UP = frozenset(
    {ArrivalFollowUpOutcome.tested_elsewhere, ArrivalFollowUpOutcome.left, ArrivalFollowUpOutcome.declined}
)


class LandingTest(NamedTuple):
    """A sample of the person taken after arrival, and its outcome once reported (None: not reported yet)."""

    sampled_at: datetime
    positive: bool | None


class FollowUpDone(NamedTuple):
    """A follow-up recorded for the arrival: when and what came of it."""

    at: datetime
    outcome: ArrivalFollowUpOutcome


class LandingDecision(Decision):
    """Where an arrival's test on arrival stands (m20.15). `due_by`: when the test is owed by (None: not owed);
    `tested_at`: the first sample after arrival; `late`: it was sampled after `due_by`; `follow_up`: the community
    should remind the person today (a reminder only); `follow_up_until`: the last instant of the follow-up."""

    status: LandingStatus
    due_by: datetime | None
    tested_at: datetime | None
    late: bool
    follow_up: bool
    follow_up_until: datetime | None


def province_of(jurisdiction_code: str) -> str:
    """The province code of a jurisdiction code (its first two digits, GB/T 2260)."""
    return jurisdiction_code[:2]


def check_province(code: str, field: str = "from_province") -> str:
    """A mainland province code, or InvalidInput naming `field` (Hong Kong, Macao and Taiwan are entries)."""
    code = code.strip()
    if code in ENTRY_REGIONS:
        raise InvalidInput(
            field, f"{code} is Hong Kong, Macao or Taiwan: arrivals from there are entries, not cross-province arrivals"
        )
    if code not in PROVINCES:
        raise InvalidInput(field, f"{code!r} is not a province code (two digits of GB/T 2260, e.g. 44 for Guangdong)")
    return code


def landing_check(
    arrived_at: datetime,
    tests: Iterable[LandingTest],
    follow_ups: Iterable[FollowUpDone],
    now: datetime,
    policy_at: PolicyAt,
) -> LandingDecision:
    """The test on arrival of a person who crossed provinces at `arrived_at`, judged at `now` under the version in
    force on the arrival day (measure 15; m20-docs.testing: voluntary and free, movement not restricted; n10.2 ends
    it). Samples before the arrival do not count; the first after it does, late or not."""
    fields = policy_fields(policy_at)
    owed = policy_at.flag("arrival.landing_test.owed")
    if not owed.value:
        return LandingDecision(
            **fields,
            status=LandingStatus.not_owed,
            due_by=None,
            tested_at=None,
            late=False,
            follow_up=False,
            follow_up_until=None,
            reasons=(because(owed, "no test on arrival under this version"),),
        )
    voluntary = because(
        policy_at.flag("arrival.landing_test.voluntary"),
        "voluntary and free, sampled and gone: movement is not restricted whatever the test's state",
    )
    window = policy_at.integer("arrival.landing_test.within_hours")
    follow = policy_at.integer("arrival.landing_test.follow_up_days")
    due_by = arrived_at + timedelta(hours=window.value or 0)
    until = arrived_at + timedelta(days=follow.value or 0)
    owes = because(owed, f"arrived from another province: a test on arrival within {window.value} hours")
    taken = sorted((t for t in tests if arrived_at <= t.sampled_at <= now), key=lambda t: t.sampled_at)
    positive = next((t for t in taken if t.positive), None)
    if positive is not None:
        return LandingDecision(
            **fields,
            status=LandingStatus.positive,
            due_by=due_by,
            tested_at=positive.sampled_at,
            late=positive.sampled_at > due_by,
            follow_up=False,
            follow_up_until=None,
            reasons=(owes, because(owed, f"sampled {positive.sampled_at:%Y-%m-%d %H:%M}: positive")),
        )
    if taken:
        first = taken[0]
        late = first.sampled_at > due_by
        at = f"{first.sampled_at:%Y-%m-%d %H:%M}"
        taken_when = because(window, f"sampled {at}, after the window: late" if late else f"sampled {at}: in time")
        pending = (because(owed, "result not reported yet"),) if first.positive is None else ()
        return LandingDecision(
            **fields,
            status=LandingStatus.tested,
            due_by=due_by,
            tested_at=first.sampled_at,
            late=late,
            follow_up=False,
            follow_up_until=None,
            reasons=(owes, taken_when, *pending, voluntary),
        )
    done = [f for f in follow_ups if f.at <= now]
    ended = next((f for f in sorted(done, key=lambda f: f.at) if f.outcome in ENDS_FOLLOW_UP), None)
    if ended is not None:
        return LandingDecision(
            **fields,
            status=LandingStatus.closed,
            due_by=due_by,
            tested_at=None,
            late=False,
            follow_up=False,
            follow_up_until=until,
            reasons=(
                owes,
                because(follow, f"follow-up ended on {ended.at:%Y-%m-%d}: {ended.outcome.value.replace('_', ' ')}"),
                voluntary,
            ),
        )
    if now <= due_by:
        return LandingDecision(
            **fields,
            status=LandingStatus.due,
            due_by=due_by,
            tested_at=None,
            late=False,
            follow_up=False,
            follow_up_until=until,
            reasons=(owes, voluntary),
        )
    reminding = now <= until
    text = (
        f"not tested by {due_by:%Y-%m-%d %H:%M}: remind them within {follow.value} days of arrival"
        if reminding
        else f"not tested, and {follow.value} days since arrival have passed: no more reminders"
    )
    return LandingDecision(
        **fields,
        status=LandingStatus.missed,
        due_by=due_by,
        tested_at=None,
        late=False,
        follow_up=reminding,
        follow_up_until=until,
        reasons=(owes, because(follow, text), voluntary),
    )
