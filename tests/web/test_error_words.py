"""The services' refusals in the reader's language (issue 16: "Chinese throughout: ... error messages"): every
message the services, the console and the rules raise has a Chinese entry in `fangkong.web.error_words` (or is a
rules' reason `reason_words` already says), pydantic's common messages too, the field a refusal names is said in
words, and the console's forms show a refusal in Chinese in Chinese and unchanged in English."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Literal, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import func, select

import fangkong
from fangkong.errors import Forbidden
from fangkong.services.access import Actor, Permission, Role
from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.web.error_words import NOT_FOUND, PYDANTIC, catalogue, field_words
from fangkong.web.pages import templates
from fangkong.web.reason_words import CATALOGUE, ERROR_ENTRIES, FIELD, Entry, english_words, said
from tests.web.helpers import console, demo_store, login
from tests.web.test_reason_words import RuleTexts

SRC = Path(fangkong.__file__).parent
CJK = re.compile(r"[\u4e00-\u9fff]")
# the message argument of each error, by position (RowError's is third: row, column, message)
MESSAGE_AT = {"InvalidInput": 1, "Conflict": 1, "Refused": 1, "Forbidden": 0, "RowError": 2}

# Messages passed on from elsewhere, which the walk cannot follow to a literal (by file and the expression). Each is
# said by another table or is not the services' English: keep this list exact (a site gone or new fails the test).
PASSED_ON = {
    # pydantic's own messages (`err["msg"]`): `PYDANTIC`, checked against real validation errors below
    ("services/areas/shapes.py", "f\"{where}: {first['msg']}\" if where else first['msg']"),
    ("services/cases.py", "err['msg']"),
    ("web/person_pages.py", "first['msg']"),
    ("web/forms.py", "str(exc).splitlines()[0]"),  # a ValueError of a form value (an enum's or a date's)
    # a rules' reason, said by reason_words' catalogue (tests/web/test_reason_words.py)
    ("services/campaigns/service.py", "'; '.join((r.text for r in decision.reasons))"),
    ("services/orders/service.py", "result.reasons[0].text"),
    ("services/orders/service.py", "_not_yet(decision)"),  # its own f-strings are walked; its last case a reason
    ("services/persons/service.py", "check.problems[0].text"),
    ("services/visits/service.py", "problem"),
    # a service refusal of services/care/service.py (walked there) passed on with its row number
    ("services/care/imports.py", "e.message"),  # rules.home_visit.temperature_problem: `HOME_VISIT` below
    # another error's message, re-raised with its row or field: its own raise is walked
    ("services/lab/files.py", "exc.message"),
    ("services/tracing/candidates.py", "exc.message"),
    ("services/supplies/imports.py", "exc.message"),
    ("services/vaccination/imports.py", "exc.message"),
    # rules.resident_id's problem (its texts are the rules' reasons, said by reason_words' catalogue)
    ("services/vaccination/imports.py", "checked.problems[0].text"),
    # the registry import (measure 14): a resident ID's problem (rules.resident_id, said by reason_words) and a
    # refusal of services/key_populations/service.py (walked there) passed on with its row number
    ("services/key_populations/imports.py", "check.problems[0].text"),
    ("services/key_populations/imports.py", "e.message"),
    ("services/arrivals/imports.py", "e.message"),
    ("services/closure_services/service.py", "exc.message"),  # a need raised by a call: its refusal under raises.
    # enterprises and parks (issue 21): the guard's refusal of a stop order is the rules' reason (reason_words)
    ("services/enterprises/service.py", "cited.text"),
    ("services/enterprises/imports.py", "e.message"),  # a refusal of services/enterprises/service.py, with its row
    # campuses (issue 21): a refusal of services/campuses/service.py passed on with its row; a form's pydantic message
    ("services/campuses/imports.py", "e.message"),
    ("web/campus_pages.py", "first['msg']"),
    # complaints (issue 21): a refusal of services/complaints/service.py and pydantic's message, with its row
    ("services/complaints/imports.py", "e.message"),
    ("services/complaints/imports.py", "first['msg']"),
}
# the rules' message that `visits` passes on (rules.home_visit builds it; the reason test does not walk it)
HOME_VISIT = "{} °C is outside {}–{} °C: measure again"


def _sources() -> list[Path]:
    services = [p for p in sorted((SRC / "services").rglob("*.py")) if "migrations" not in p.parts]
    # rglob: rules/aberration is a package
    return [*services, *sorted((SRC / "web").glob("*.py")), *sorted((SRC / "rules").rglob("*.py"))]


def _walk() -> tuple[set[str], set[str], set[str], set[tuple[str, str]]]:
    """(messages, phrases interpolated into them, NotFound entities, messages passed on) of every raise."""
    messages: set[str] = set()
    phrases: set[str] = set()
    entities: set[str] = set()
    passed: set[tuple[str, str]] = set()
    for path in _sources():
        module = RuleTexts(path, {})
        for n in ast.walk(module.tree):
            if not isinstance(n, ast.Call):
                continue
            called = n.func.id if isinstance(n.func, ast.Name) else getattr(n.func, "attr", None)
            if called == "NotFound" and n.args:
                entities |= module.texts(n.args[0])
                continue
            if called not in MESSAGE_AT:
                continue
            at = MESSAGE_AT[called]
            arg = n.args[at] if len(n.args) > at else next((k.value for k in n.keywords if k.arg == "message"), None)
            if arg is None:
                continue
            texts = module.texts(arg)
            if FIELD in texts:
                passed.add((path.relative_to(SRC).as_posix(), ast.unparse(arg)))
            messages |= texts - {FIELD}
        phrases |= module.phrases
    # a phrase with no English word (a number's suffix) needs no words; one the rules write is the reason test's
    return messages, {p for p in phrases - messages if english_words(p.replace(FIELD, ""))}, entities, passed


MESSAGES, PHRASES, ENTITIES, PASSED = _walk()
ALL = {**catalogue(), **CATALOGUE}


def test_the_walk_finds_the_messages() -> None:
    """The walk itself: a literal, an f-string, a helper's return, a name's phrases, a NotFound entity."""
    assert "is in the future" in MESSAGES
    assert "person {} is already under an active {} order ({})" in MESSAGES
    assert "released after two tests in a row pass; no result yet for {}" in MESSAGES  # _not_yet's
    assert "{} more than {} rows: split it" not in MESSAGES and "more than {} rows: split it" in MESSAGES
    assert "no phase of the plan" in PHRASES  # visits' `where`
    assert {"person", "order", "infection", "risk area"} <= ENTITIES
    assert len(MESSAGES) > 150


def test_every_message_is_in_the_catalogue() -> None:
    assert HOME_VISIT in RuleTexts(SRC / "rules" / "home_visit.py", {}).literals(), "update HOME_VISIT"
    missing = sorted((MESSAGES | PHRASES | {HOME_VISIT}) - set(ALL))
    assert not missing, "messages without a Chinese entry in fangkong/web/error_words.py:\n" + "\n".join(
        map(repr, missing)
    )


def test_every_entity_not_found_is_worded() -> None:
    assert not ENTITIES - set(NOT_FOUND), sorted(ENTITIES - set(NOT_FOUND))


def test_what_is_passed_on_is_known() -> None:
    """A message the walk cannot follow is one of those listed: a new one is followed or listed, with why."""
    assert PASSED == PASSED_ON, {"new": PASSED - PASSED_ON, "gone": PASSED_ON - PASSED}


@pytest.mark.parametrize("entry", ERROR_ENTRIES, ids=lambda e: e.english[:40])
def test_each_entry_is_chinese_with_every_field(entry: Entry) -> None:
    english, chinese = entry.english, entry.chinese
    used = sorted({int(i) for i in re.findall(r"(?<!\{)\{(\d+)\}", chinese)})
    assert used == list(range(english.count(FIELD))), f"{english!r}: fields {used}"
    assert CJK.search(chinese), chinese
    # literal words a user types stay as typed (file formats, a code's key); nothing else is left in English
    assert not set(english_words(chinese)) - {"rows", "cases", "text", "csv", "json", "application"}, chinese
    chinese.format(*range(english.count(FIELD)))  # a literal brace is doubled


TABLE = [
    ("2022-12-01 is after today (2022-11-16)", "2022-12-01 晚于今天（2022-11-16）"),
    ("person 5 is already under an active close_contact order (7)", "人员 5 已有进行中的密切接触者管控令（7）"),
    ("no person 12", "未找到人员 12"),
    ("no risk area 3", "未找到风险区 3"),
    ("row 3: no sample AB12 is registered", "第 3 行：未登记样本 AB12"),
    ("order 4 is released", "管控令 4 的状态为：已解除"),
    ("proposal 9 is already dismissed", "建议 9 的状态已为：已排除"),
    ("'x' is not a date", "'x' 不是有效日期"),
    ("your role may not register people", "您的角色不能登记人员"),
    ("a person with this document is registered", "该证件的人员已登记"),
    ("String should have at least 1 character", "至少 1 个字符"),
    ("Field required", "必填"),
    ("Input should be less than or equal to 5", "须小于或等于 5"),
    (
        "area 3 is still high-risk on 2022-11-16 (2 clean days); the rules lower it after 5 clean days",
        "区域 3 在 2022-11-16 仍为高风险区（已连续 2 天无新增）；按规定于连续 5 天无新增后降级",
    ),
    (
        "2022-11-20 is not a round day of campaign 3; the final round is on 2022-11-25",
        "2022-11-20 不是区域核酸检测 3 的检测日；最后一轮为 2022-11-25",
    ),
    (
        "the order changed (version 3, you read 2); reload and try again",
        "管控令已被修改（当前版本 3，您读取的是 2）；请刷新后重试",
    ),
    # a rules' reason as a refusal keeps the reason's Chinese
    ("no risk areas are delineated under these rules", "现行规定不再划定风险区"),
    ("must be 17 digits followed by a digit or X", "须为 17 位数字加 1 位数字或 X"),
]


@pytest.mark.parametrize(("english", "chinese"), TABLE, ids=[e[:40] for e, _ in TABLE])
def test_said_in_chinese(english: str, chinese: str) -> None:
    assert said(english, "zh") == chinese
    assert said(english, "en") == english


class _Form(BaseModel):
    name: str = Field(min_length=1, max_length=3)
    code: str = Field(pattern=r"^\d+$")
    count: int = Field(ge=1, le=5)
    on: date
    kind: Literal["x", "y", "z"]
    weight: float


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "code": "a", "count": "q", "on": "2022-13-01", "kind": "w", "weight": "n"},
        {"name": "abcd", "code": "1", "count": 0, "on": "x", "kind": "x", "weight": 1},
        {"name": "ab", "code": "1", "count": 9, "on": "2022-11-01T", "kind": "x", "weight": 1},
        {},
    ],
)
def test_pydantic_messages_in_chinese(data: dict[str, object]) -> None:
    """pydantic's own messages, as this version of pydantic writes them: each said wholly in Chinese."""
    with pytest.raises(ValidationError) as raised:
        _Form.model_validate(data)
    for error in raised.value.errors():
        zh = said(error["msg"], "zh")
        assert CJK.search(zh) and not english_words(zh), (error["type"], error["msg"], zh)


def test_pydantic_entries_are_pydantic_s() -> None:
    assert "Field required" in PYDANTIC and "String should match pattern {}" in PYDANTIC


def test_field_words() -> None:
    assert field_words("anchor_date", "zh") == "起算日期（末次接触、入境或离开）"
    assert field_words("on", "zh") == "日期" and field_words("on", "en") == "Date"
    assert field_words("contacts[0].person_id", "zh") == "接触者 1 · 人员编号"
    assert field_words("no_such_field", "zh") == "no_such_field"  # never blank, never guessed
    assert field_words(None, "zh") == ""


def test_the_form_error_says_its_field_in_words() -> None:
    page = templates.from_string('{% from "problem.html" import form_error with context %}{{ form_error(p, []) }}')
    problem = {"field": "last_exposure", "message": "is in the future", "clause": None}
    assert "末次接触日期: 不能晚于今天" in page.render(p=problem, lang="zh")
    assert "Last exposure: is in the future" in page.render(p=problem, lang="en")


# ---- the console --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("errors"))


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        yield c


def _orders(url: str) -> int:
    with unit_of_work(session_factory(make_engine(url))) as session:
        return int(session.scalar(select(func.count()).select_from(ManagementOrder)) or 0)


def _under_order(url: str) -> int:
    with unit_of_work(session_factory(make_engine(url))) as session:
        person = session.scalar(
            select(ManagementOrder.person_id)
            .where(ManagementOrder.status == OrderStatus.active, ManagementOrder.category == "close_contact")
            .order_by(ManagementOrder.id)
        )
    assert person is not None
    return person


def test_a_refused_order_in_either_language(client: TestClient, url: str) -> None:
    """A future anchor date (measure 1 counts from what has happened) and a second active order for one person."""
    login(client, "command")
    person = _under_order(url)
    before = _orders(url)
    form = {"person_id": str(person), "category": "close_contact", "anchor_date": "2022-12-01"}
    zh = client.post("/forms/order?lang=zh", data=form)
    assert zh.status_code == 422
    assert "2022-12-01 晚于今天（2022-11-16）" in zh.text and "is after today" not in zh.text
    en = client.post("/forms/order?lang=en", data=form)
    assert "2022-12-01 is after today (2022-11-16)" in en.text and "晚于今天" not in en.text
    again = {**form, "anchor_date": "2022-11-14"}
    zh = client.post("/forms/order?lang=zh", data=again)
    assert zh.status_code == 409
    assert f"人员 {person} 已有进行中的密切接触者管控令" in zh.text and "already under" not in zh.text
    en = client.post("/forms/order?lang=en", data=again)
    assert f"person {person} is already under an active close_contact order" in en.text
    # a date that cannot be read: the field the form does not show is named in words
    zh = client.post("/forms/order?lang=zh", data={**form, "anchor_date": "soon"})
    assert "日期: &#39;soon&#39; 不是有效日期" in zh.text, zh.text
    en = client.post("/forms/order?lang=en", data={**form, "anchor_date": "soon"})
    assert "Date: &#39;soon&#39; is not a date" in en.text
    assert _orders(url) == before


def test_a_refused_registration_in_either_language(client: TestClient) -> None:
    """A resident ID whose check character is wrong (GB 11643-1999) and an empty name (pydantic's message)."""
    login(client, "worker1")
    form = {
        "name": "Zhang Wei",
        "document_type": "resident_id",
        "document_number": "110101199003071234",
        "phone": "",
        "place": "第1街道第1社区 Community 1-1",
        "address": "110199001001 building 9 unit 2",
        "building": "9",
        "unit": "2",
    }
    zh = client.post("/persons/new?lang=zh", data=form)
    assert zh.status_code == 422 and 'data-field="document_number"' in zh.text
    assert "校验码为" in zh.text and "check character" not in zh.text
    en = client.post("/persons/new?lang=en", data=form)
    assert "check character is" in en.text and "校验码" not in en.text
    zh = client.post("/persons/new?lang=zh", data={**form, "name": "", "document_type": "passport"})
    assert 'data-field="name"' in zh.text and "至少 1 个字符" in zh.text and "String should" not in zh.text


def test_not_found_in_either_language(client: TestClient) -> None:
    login(client, "command")
    zh = client.get("/persons/999999?lang=zh")
    assert zh.status_code == 404 and "未找到人员 999999" in zh.text
    assert "no person 999999" in client.get("/persons/999999?lang=en").text


@pytest.mark.parametrize("role", list(Role))
def test_a_refused_permission_is_said_in_chinese_with_the_role_and_what_it_may_not_do(role: Role) -> None:
    """ "role supervisor may not manage users" was said "角色 supervisor 无权manage users"."""
    for permission in Permission:
        try:
            Actor("someone", role, "/11/").require(permission)
        except Forbidden as refused:
            chinese = said(refused.message, "zh")
            assert not english_words(chinese), chinese


def test_a_busy_store_is_a_503_page_in_the_reader_s_language_and_json_under_the_api(client: TestClient) -> None:
    """Every pooled connection held past the pool's wait: the console says so in words (was the API's JSON 500)."""
    import sqlalchemy.exc

    def busy() -> None:
        raise sqlalchemy.exc.TimeoutError("QueuePool limit of size 10 overflow 30 reached")

    app = cast(FastAPI, client.app)
    app.add_api_route("/busy-for-the-test", busy)
    app.add_api_route("/api/busy-for-the-test", busy)
    zh = client.get("/busy-for-the-test?lang=zh")
    assert zh.status_code == 503 and "系统繁忙" in zh.text and int(zh.headers["Retry-After"]) > 0
    assert "server is busy" in client.get("/busy-for-the-test?lang=en").text
    api = client.get("/api/busy-for-the-test")
    assert api.status_code == 503 and "busy" in api.json()["error"]["message"]
