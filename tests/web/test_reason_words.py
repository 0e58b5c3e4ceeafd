"""The rules' reasons in the reader's language (issue 16): every text the rules can write has a Chinese entry in
`fangkong.web.reason_words`, every word of policy data they interpolate is known, real decisions come out in
Chinese (and unchanged in English), and the console's pages show them so."""

from __future__ import annotations

import ast
import re
import typing
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import fangkong
import fangkong.rules
from fangkong.policy import load_policy, terms, value_types
from fangkong.policy.health_codes import colour_tables
from fangkong.policy.terms import (
    AreaLevel,
    CampaignCondition,
    CampaignScope,
    Category,
    Finding,
    JurisdictionLevel,
    PhaseKind,
    Population,
    SampleStage,
)
from fangkong.rules import (
    admission,
    bubble,
    ct,
    departure,
    health_code,
    infection_isolation,
    local_action,
    overreach,
    plans,
    pooling,
    preboarding,
    resident_id,
    risk_area,
    testing_campaign,
    timeliness,
    tracing,
    transition,
)
from fangkong.rules.decision import Reason
from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.web.pages import templates
from fangkong.web.reason_words import CATALOGUE, ENTRIES, FIELD, english_words, said, word
from tests.web.helpers import console, demo_store, login

SRC = Path(fangkong.__file__).parent
RULES = Path(fangkong.rules.__file__).parent
POLICY = load_policy()
CJK = re.compile(r"[\u4e00-\u9fff]")
CHINESE_MARKS = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")  # ideographs or full-width punctuation


# ---- reading the rules' texts from their source ---------------------------------------------------------------


class RuleTexts:
    """The templates of one rules module's reasons, read from its syntax tree: the text of every `Reason(text=...)`,
    `because(found, text)`, `Status(text=...)` and `Refused(clause, message)` (local actions turn refusals into
    reasons), an f-string's interpolated parts as `{}`. A text given by a name is followed to what the name is
    assigned (in the nearest enclosing scope, tuple unpacking, `+=`), to what a helper of the module returns, to
    what the module's calls pass a parameter, and to the elements a helper's list comprehension returns. An
    interpolated part built from literals here (a name assigned phrases, a module dict of labels) is a phrase the
    catalogue must know as well: `phrases`."""

    def __init__(self, path: Path, labels: dict[str, ast.Dict]) -> None:
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.parents = {child: node for node in ast.walk(self.tree) for child in ast.iter_child_nodes(node)}
        self.functions = {n.name: n for n in ast.walk(self.tree) if isinstance(n, ast.FunctionDef)}
        self.labels = labels
        self.phrases: set[str] = set()

    def scopes(self, node: ast.AST) -> list[ast.AST]:
        """The functions enclosing a node, innermost first, then the module."""
        out: list[ast.AST] = []
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef):
                out.append(node)
        return [*out, self.tree]

    def texts(self, node: ast.expr) -> set[str]:
        """Every template an expression may give."""
        if isinstance(node, ast.Constant):
            return {node.value} if isinstance(node.value, str) else {FIELD}
        if isinstance(node, ast.JoinedStr):
            out = [""]
            for part in node.values:
                if isinstance(part, ast.Constant):
                    out = [o + str(part.value) for o in out]
                else:
                    assert isinstance(part, ast.FormattedValue)
                    self.phrase(part.value)
                    out = [o + FIELD for o in out]
            return set(out)
        if isinstance(node, ast.IfExp):
            return self.texts(node.body) | self.texts(node.orelse)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return {a + b for a in self.texts(node.left) for b in self.texts(node.right)}
        if isinstance(node, ast.Name):
            return self.named(node) or {FIELD}
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in self.functions:
            return self.returned(self.functions[node.func.id], elements=False) or {FIELD}
        return {FIELD}

    def phrase(self, node: ast.expr, depth: int = 0) -> None:
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in self.labels:
            for value in self.labels[node.value.id].values:
                self.phrases |= self.texts(value)
            return
        if isinstance(node, ast.Name) and depth < 3:
            for value in self.values_of(node):
                self.phrase(value, depth + 1)
        self.phrases |= self.texts(node) - {FIELD}

    def values_of(self, name: ast.Name) -> list[ast.expr]:
        """The expressions a name is assigned, in the nearest scope that assigns it."""
        for scope in self.scopes(name):
            found = [
                n.value
                for n in ast.walk(scope)
                if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name.id for t in n.targets)
            ]
            if found:
                return found
        return []

    def returned(self, fn: ast.FunctionDef, elements: bool) -> set[str]:
        out: set[str] = set()
        for n in ast.walk(fn):
            if isinstance(n, ast.Return) and n.value is not None and self.scopes(n)[0] is fn:
                value = n.value
                if not elements:
                    out |= self.texts(value)
                elif isinstance(value, ast.ListComp | ast.GeneratorExp):
                    out |= self.texts(value.elt)
                elif isinstance(value, ast.List | ast.Tuple):
                    out |= {t for e in value.elts for t in self.texts(e)}
        return out

    def named(self, name: ast.Name) -> set[str]:
        for scope in self.scopes(name):
            out: set[str] = set()
            for n in ast.walk(scope):
                if isinstance(n, ast.Assign):
                    for target in n.targets:
                        out |= self.assigned(target, n.value, name.id)
                elif isinstance(n, ast.AnnAssign) and n.value is not None:
                    out |= self.assigned(n.target, n.value, name.id)
                elif isinstance(n, ast.comprehension) and isinstance(n.target, ast.Name) and n.target.id == name.id:
                    it = n.iter
                    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id in self.functions:
                        out |= self.returned(self.functions[it.func.id], elements=True)
            for n in ast.walk(scope):
                if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name) and n.target.id == name.id:
                    out |= {a + b for a in out for b in self.texts(n.value)}
            if out:
                return out
            if isinstance(scope, ast.FunctionDef) and name.id in [a.arg for a in scope.args.args]:
                return self.passed(scope, name.id)
        return set()

    def assigned(self, target: ast.expr, value: ast.expr, name: str) -> set[str]:
        if isinstance(target, ast.Name):
            return self.texts(value) if target.id == name else set()
        if isinstance(target, ast.Tuple):
            for i, t in enumerate(target.elts):
                if isinstance(t, ast.Name) and t.id == name:
                    return self.picked(value, i)
        return set()

    def picked(self, value: ast.expr, i: int) -> set[str]:
        if isinstance(value, ast.Tuple):
            return self.texts(value.elts[i])
        if isinstance(value, ast.IfExp):
            return self.picked(value.body, i) | self.picked(value.orelse, i)
        return {FIELD}

    def passed(self, fn: ast.FunctionDef, param: str) -> set[str]:
        """What the module's calls of `fn` pass its parameter `param`."""
        index = [a.arg for a in fn.args.args].index(param)
        out: set[str] = set()
        for n in ast.walk(self.tree):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == fn.name:
                if len(n.args) > index:
                    out |= self.texts(n.args[index])
                out |= {t for k in n.keywords if k.arg == param for t in self.texts(k.value)}
        return out

    def reasons(self) -> set[str]:
        out: set[str] = set()
        for n in ast.walk(self.tree):
            if not isinstance(n, ast.Call):
                continue
            called = n.func.id if isinstance(n.func, ast.Name) else getattr(n.func, "attr", None)
            if called in ("Reason", "Status"):
                args = [k.value for k in n.keywords if k.arg == "text"]
            elif called in ("because", "Refused") and len(n.args) > 1:
                args = [n.args[1]]
            else:
                args = []
            for a in args:
                out |= self.texts(a)
        return out - {FIELD}  # a reason copied whole from another (`first.text`) is that other's text

    def literals(self) -> set[str]:
        """Every string and f-string template written anywhere in the module."""
        return {t for n in ast.walk(self.tree) if isinstance(n, ast.Constant | ast.JoinedStr) for t in self.texts(n)}


def _module_dicts() -> dict[str, ast.Dict]:
    """The module-level dicts of the rules (LABELS, FINDING_LABELS...), by name: a label is imported elsewhere."""
    out: dict[str, ast.Dict] = {}
    for path in RULES.rglob("*.py"):
        for n in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(n, ast.Assign) and isinstance(n.value, ast.Dict):
                out |= {t.id: n.value for t in n.targets if isinstance(t, ast.Name)}
    return out


# Texts the walk cannot follow, named by hand: a text built into a tuple appended to a list that a helper then
# formats (overreach.check_overreach's `stricter_days`), and the label of "no phase" there. Each must still be
# written in its module (a stale entry here fails).
BY_HAND = {
    "overreach.py": ("{} where the national rule has {}", "no management"),
    # the escalation ladder's reasons, written whole where each ladder is defined (rules/escalation.py gives them)
    "closure_needs.py": (
        "the need is met, refused or withdrawn: not late",
        "still not met {} hours after its deadline: escalated two levels up",
    ),
    "complaints.py": (
        "the complaint is answered or closed: not late",
        "still not answered {} hours after its deadline: escalated two levels up",
    ),
}


def _rule_texts() -> tuple[set[str], set[str]]:
    dicts = _module_dicts()
    reasons: set[str] = set()
    phrases: set[str] = set()
    for path in sorted(RULES.rglob("*.py")):  # rules/aberration is a package
        module = RuleTexts(path, dicts)
        reasons |= module.reasons()
        phrases |= module.phrases
        for text in BY_HAND.get(path.name, ()):
            assert text in module.literals(), f"{path.name} no longer writes {text!r}: update BY_HAND"
            phrases.add(text)
    # a phrase with no English word (a Ct band "{}–{}", an empty suffix) needs no words
    return reasons, {p for p in phrases - reasons if english_words(p.replace(FIELD, ""))}


REASONS, PHRASES = _rule_texts()


def test_the_walk_finds_the_rules_texts() -> None:
    """The walk itself: texts written as literals, through a helper's parameter, a name, `+=` and a list helper."""
    assert "exposures from {} ({} days before {}) to {}" in REASONS  # a because() f-string
    assert "a wider area than the rules allow" in REASONS  # local_action's adds(text)
    assert "booster completed" in REASONS  # bubble's `why`
    assert "{}: may go out: {}; when out: {}" in REASONS  # plans' `text +=`
    assert "days {}–{}: {}" in REASONS  # overreach's _day_runs, through a comprehension
    assert "{}: day {} of {}" in REASONS  # a Status text
    assert "must be 17 digits followed by a digit or X" in REASONS  # resident_id's bad(text)
    assert {"symptom onset", "now (not yet isolated)", "found in the community", "close contacts"} <= PHRASES


def test_every_text_the_rules_write_is_in_the_catalogue() -> None:
    missing = sorted((REASONS | PHRASES) - set(CATALOGUE))
    assert not missing, "reason texts without a Chinese entry in fangkong/web/reason_words.py:\n" + "\n".join(
        map(repr, missing)
    )


def _written_in_source(template: str) -> bool:
    """Whether every literal part of a template is written in some module of fangkong (services, policy data)."""
    parts = [p for p in template.split(FIELD) if p.strip()]
    files = [*SRC.rglob("*.py"), *SRC.rglob("*.yaml")]
    sources = [f.read_text(encoding="utf-8") for f in files]
    return all(any(p in s for s in sources) for p in parts)


def test_no_entry_is_stale() -> None:
    """Each entry is a rules' text or phrase, a special case of one (`{}: may go out: no`), or a text the services or
    the policy data write: an entry nobody writes any more is removed, not kept."""
    known = [e for e in ENTRIES if e.english in REASONS | PHRASES]
    stale = [
        e.english
        for e in ENTRIES
        if e.english not in REASONS | PHRASES
        and not any(k.pattern.fullmatch(e.english) for k in known)
        and not _written_in_source(e.english)
    ]
    assert not stale, stale


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.english[:40])
def test_each_entry_is_chinese_with_every_field(entry: typing.Any) -> None:
    fields = entry.english.count(FIELD)
    used = sorted(int(i) for i in re.findall(r"\{(\d+)\}", entry.chinese))
    assert sorted(set(used)) == list(range(fields)), f"{entry.english!r}: fields {used} of {fields}"
    assert CHINESE_MARKS.search(entry.chinese), entry.chinese
    assert not english_words(entry.chinese), entry.chinese


# ---- the words of the policy data and of the closed vocabularies -------------------------------------------------


def _vocabularies() -> set[str]:
    words: set[str] = set()
    for enum in (
        Category,
        PhaseKind,
        terms.MayGoOut,
        terms.Restriction,
        AreaLevel,
        JurisdictionLevel,
        CampaignCondition,
        Finding,
        terms.Severity,
        terms.CareLevel,
        terms.Facility,
        terms.RiskFactor,
    ):
        assert issubclass(enum, StrEnum)
        words |= {v.value for v in enum}
    for literal in (
        value_types.Anchor,
        value_types.DayOne,
        value_types.Transition,
        value_types.GeneRule,
        value_types.AreaWideRule,
        value_types.ConditionsRule,
        value_types.DowngradeEffective,
    ):
        words |= set(typing.get_args(literal))
    return words


def _policy_words() -> set[str]:
    """Every word the policy data give a parameter (clause ids aside: they are shown as they are)."""
    out: set[str] = set()
    for parameter in POLICY.parameters.values():
        for value in parameter.values:
            for item in value if isinstance(value, tuple) else (value,):
                if isinstance(item, str) and item not in POLICY.clauses:
                    out.add(str(item))
    return out


def test_every_vocabulary_word_is_known_in_both_spellings() -> None:
    """The rules interpolate these as written (`last_exposure`) or with spaces (`home isolation`)."""
    unknown = sorted(w for w in _vocabularies() for v in (w, w.replace("_", " ")) if word(v) is None)
    assert not unknown, unknown


def test_every_word_of_the_policy_data_is_known() -> None:
    unknown = sorted(w for w in _policy_words() if word(w) is None and w not in CATALOGUE)
    assert not unknown, unknown


def test_the_health_code_tables_are_known() -> None:
    tables = colour_tables()
    for table in (tables.default, *tables.provinces.values()):
        for colour in (*table.colours.values(), table.otherwise):
            assert word(colour) is not None, colour
        assert table.source in CATALOGUE, table.source


# ---- said: concrete texts, then real decisions -------------------------------------------------------------------

TABLE = [
    ("exposures from 2022-11-10 (4 days before symptom onset) to isolation", "暴露期：2022-11-10（发病前4天）至隔离"),
    (
        "close contact: day 3 of home isolation: yellow (home isolation)",
        "密切接触者：居家隔离第 3 天：黄码（居家隔离）",
    ),
    ("asymptomatic infection confirmed 2022-11-16: red (infection)", "2022-11-16 确认的无症状感染者：红码（感染者）"),
    ("centralized isolation: may go out: no", "集中隔离：不得外出"),
    (
        "home health monitoring: may go out: if_necessary; when out: no_crowded_places, no_public_transport",
        "居家健康监测：非必要不外出；外出时不去人员密集场所、不乘坐公共交通工具",
    ),
    (
        "close contacts: centralized isolation 5 d (tests 1, 2, 3, 5) + home isolation 3 d (tests 1, 3)",
        "密切接触者：集中隔离 5 天（第 1、2、3、5 天检测） + 居家隔离 3 天（第 1、3 天检测）",
    ),
    ("secondary close contacts are not determined or managed under m20", "m20不再判定和管理密接的密接"),
    ("Ct 36.5 in the 35–40 band: retest 24 h later", "Ct 36.5 处于 35–40 区间：24 小时后复核"),
    ("20-in-1 pool is a validated size", "20混1为经验证的混采规模"),
    ("5 consecutive days with no new infection: low", "连续 5 天无新增感染者：降为低风险区"),
    ("delineated high-risk", "划定为高风险区"),
    ("stricter than the national rule: layer-by-layer overweighting", "严于国家规定：属于层层加码"),
    ("days 6–7: home isolation where the national rule has no management", "第 6–7 天：居家隔离，国家规定为不管控"),
    (
        "infection 3 on 2022-11-15: found in centralized isolation: does not count",
        "感染者 3，2022-11-15：在集中隔离中发现：不计入",
    ),
    (
        "one round a day until 3 in a row find no community infection; 2 clean in a row",
        "每天一轮，直至连续 3 轮未发现社会面感染者；目前已连续 2 轮无社会面感染者",
    ),
    ("health code managed (赋码管理) for the whole plan", "管控期间全程赋码管理"),
]


@pytest.mark.parametrize(("english", "chinese"), TABLE, ids=[e[:40] for e, _ in TABLE])
def test_said_in_chinese(english: str, chinese: str) -> None:
    assert said(Reason(clause="m20.1", text=english), "zh") == chinese
    assert said({"clause": "m20.1", "text": english}, "zh") == chinese  # as stored in a JSON column
    assert said(Reason(clause="m20.1", text=english), "en") == english


def test_what_the_catalogue_does_not_know_stays_english() -> None:
    for text in ("the moon is made of cheese", "tests[0].sampled_at: has no UTC offset"):
        assert said({"text": text}, "zh") == text
    assert said({"text": ""}, "zh") == ""
    assert said({"text": "2022-11-16"}, "zh") == "2022-11-16"


def _reasons_of_real_decisions() -> list[Reason]:
    """Reasons from a spread of rules under each version of the rules they apply to."""
    on = date(2022, 11, 16)
    at = POLICY.at(on)
    out: list[Reason] = []
    for version in ("v9", "m20", "n10"):
        rules = POLICY.for_version(version)
        for category in Category:
            out += plans.management_plan(category, on, rules).reasons
        out.append(plans.first_day(Category.close_contact, date(2022, 11, 10), rules)[1])
    for onset in (date(2022, 11, 14), None):
        isolated = datetime(2022, 11, 15, 9, tzinfo=UTC) if onset else None
        facts = tracing.InfectionFacts(onset_on=onset, sampled_on=date(2022, 11, 15), isolated_at=isolated)
        out += tracing.exposure_window(facts, at).reasons
    out += tracing.household(1, [1, 2, 3], at).reasons + tracing.household(1, range(40), at).reasons
    out += tracing.secondary_determination(at).reasons
    out += tracing.transmission_risk_analysis(PhaseKind.home_isolation, at).reasons
    person = health_code.PersonFacts(
        phases=(
            health_code.PhaseFact(
                category="close_contact",
                kind=PhaseKind.home_isolation,
                start=date(2022, 11, 14),
                end=date(2022, 11, 16),
                order_start=date(2022, 11, 9),
                released_on=date(2022, 11, 17),
            ),
        ),
        infections=(health_code.InfectionFact(kind="asymptomatic", sampled_on=on, confirmed_on=on),),
        holds=(health_code.HoldFact(started_on=on),),
        areas=(health_code.AreaFact(level="high"),),
    )
    statuses = health_code.statuses_on_day(person, on, at)
    table = colour_tables().default
    out += health_code.health_code(statuses, table, at).reasons + health_code.health_code([], table, at).reasons
    out += departure.departure_clearance(statuses, at).reasons + departure.departure_clearance([], at).reasons
    for value, previous in (
        (30.0, None),
        (37.0, None),
        (36.0, ct.PreviousResult(ct=ct.GeneCt.every_target(37.0), hours_before=25)),
    ):
        gene = ct.GeneCt.every_target(value)
        out += ct.adjudicate_ct(gene, Population.entry_personnel, SampleStage.release, at, previous).reasons
        out += ct.adjudicate_ct(gene, Population.general, SampleStage.screening, at).reasons
    out += pooling.pool_result(10, ct.GeneCt.every_target(30.0), at).reasons
    out += pooling.pool_result(10, ct.GeneCt.every_target(None), at).reasons
    out += bubble.bubble_entry(True, False, at).reasons + bubble.bubble_entry(False, False, at).reasons
    out += risk_area.area_level(date(2022, 11, 1), on, [date(2022, 11, 3)], [], POLICY.at).reasons
    out += risk_area.area_level(date(2022, 11, 5), date(2022, 12, 10), [], [], POLICY.at).reasons
    out += risk_area.delineation_basis(JurisdictionLevel.unit, None, at)
    out.append(risk_area.finding_counts(Finding.community, at)[1])
    out.append(risk_area.finding_counts(Finding.centralized_isolation, at)[1])
    out += testing_campaign.review_campaign(False, CampaignScope.all_residents, 2, set(), at).reasons
    out += testing_campaign.review_campaign(False, CampaignScope.risk_posts_and_key_persons, 1, set(), at).reasons
    rounds = [
        testing_campaign.CampaignRound(on=date(2022, 11, 10) + timedelta(days=i), community_infections=0)
        for i in range(2)
    ]
    out += testing_campaign.campaign_progress(date(2022, 11, 10), rounds, outbreak_area=True, policy=at).reasons
    out += overreach.check_overreach(
        Category.close_contact,
        [overreach.ProposedPhase(kind=PhaseKind.centralized_isolation, days=7)],
        at,
    ).reasons
    for kind in (local_action.ActionKind.close_school, local_action.ActionKind.refuse_returnees):
        action = local_action.LocalAction(kind=kind, jurisdiction_code="110101")
        out += local_action.judge_local_action(action, None, at).reasons
    boarding = datetime(2022, 11, 16, 12, tzinfo=UTC)
    tests = [preboarding.PreboardingTest(sampled_at=boarding - timedelta(hours=20), result="negative")]
    out += preboarding.check_preboarding(boarding, tests, at).reasons
    report = timeliness.infection_timeliness(boarding, None, [boarding, None], boarding + timedelta(hours=30), at)
    out += report.reasons
    out += resident_id.check_resident_id("110101199003071234").problems
    n10 = POLICY.for_version("n10")
    mild = plans.management_plan(Category.mild_infection, on, n10)
    assert isinstance(mild, plans.Plan)
    readings = [infection_isolation.CtReading(sampled_on=d, ct=ct.GeneCt.every_target(36.0)) for d in mild.test_dates]
    out += infection_isolation.isolation_release(mild, readings, n10).reasons
    old = plans.management_plan(Category.close_contact, date(2022, 11, 8), POLICY.for_version("v9"))
    assert isinstance(old, plans.Plan)
    out += transition.transition_plan(old, POLICY.for_version("m20"), date(2022, 11, 11)).reasons
    for version in ("v9", "m20", "n10", "classb"):
        rules = POLICY.for_version(version)
        for severity in terms.Severity:
            out += admission.admission(
                severity, 85, [terms.RiskFactor.serious_underlying_disease], False, rules
            ).reasons
        out += admission.admission("mild", 30, [], False, rules).reasons
        out += admission.admission("mild", 65, [terms.RiskFactor.unvaccinated], True, rules).reasons
    return out


def test_real_decisions_come_out_in_chinese() -> None:
    """Every reason of real decisions: Chinese in Chinese (no English word left but ids, numbers, dates and Ct), the
    English unchanged in English."""
    reasons = _reasons_of_real_decisions()
    assert len(reasons) > 100
    left = {r.text: said(r, "zh") for r in reasons if not CJK.search(said(r, "zh")) or english_words(said(r, "zh"))}
    assert not left, left
    assert all(said(r, "en") == r.text for r in reasons)


# ---- the filter and the pages ------------------------------------------------------------------------------------


def test_the_filter_says_it_in_the_page_language() -> None:
    page = templates.from_string("{% for r in reasons %}<li>{{ r|said }}</li>{% endfor %}")
    reasons = [Reason(clause="m20.1", text="living in the same home"), {"clause": "m20.2", "text": "sampling"}]
    assert page.render(reasons=reasons, lang="zh") == "<li>同住一户</li><li>采样</li>"
    assert page.render(reasons=reasons, lang="en") == "<li>living in the same home</li><li>sampling</li>"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, int]]:
    url = demo_store(tmp_path_factory.mktemp("reasons"))
    with unit_of_work(session_factory(make_engine(url))) as session:
        person = session.scalar(
            select(ManagementOrder.person_id)
            .where(ManagementOrder.status == OrderStatus.active, ManagementOrder.category == "close_contact")
            .order_by(ManagementOrder.id)
        )
    assert person is not None
    with console(url) as c:
        login(c, "command")
        yield c, person


def test_a_persons_reasons_in_either_language(client: tuple[TestClient, int]) -> None:
    """The plan's and the code's reasons on a person's page: Chinese with their clauses in Chinese, English in
    English."""
    c, person = client
    zh = c.get(f"/persons/{person}?lang=zh").text
    assert "管控期间全程赋码管理" in zh and "health code managed" not in zh
    assert "密切接触者：集中隔离 5 天" in zh
    assert "<code>m20.1</code> 集中隔离：不得外出" in zh
    en = c.get(f"/persons/{person}?lang=en").text
    assert "health code managed (赋码管理) for the whole plan" in en and "管控期间全程赋码管理" not in en
    assert "<code>m20.1</code> centralized isolation: may go out: no" in en


def test_the_self_check_reasons_in_either_language(client: tuple[TestClient, int]) -> None:
    c, _ = client
    zh = c.get("/self-check?category=secondary_close_contact&on=2022-11-15&lang=zh").text
    assert "m20不再判定和管理密接的密接" in zh
    en = c.get("/self-check?category=secondary_close_contact&on=2022-11-15&lang=en").text
    assert "secondary close contacts are not determined or managed under m20" in en
