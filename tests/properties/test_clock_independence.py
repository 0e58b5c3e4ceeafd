"""The rules never read the machine clock: the same inputs give the same answers whatever the clock says,
and no module under fangkong/rules calls today(), now(), time.time() and the like."""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

import fangkong.rules
from fangkong.errors import FangkongError
from fangkong.policy import Policy, load_policy
from fangkong.policy.terms import (
    AreaLevel,
    CampaignCondition,
    CampaignScope,
    Category,
    PhaseKind,
    Population,
    RiskFactor,
    SampleStage,
    Severity,
)
from fangkong.rules.admission import admission
from fangkong.rules.ct import CT_MAX, GeneCt, PreviousResult, adjudicate_ct
from fangkong.rules.overreach import ProposedPhase, check_overreach
from fangkong.rules.plans import management_plan
from fangkong.rules.preboarding import PreboardingTest, check_preboarding
from fangkong.rules.resident_id import check_digit, check_resident_id
from fangkong.rules.risk_area import area_level
from fangkong.rules.testing_campaign import review_campaign

POLICY: Policy = load_policy()

FIRST = date(2022, 6, 28)
LAST = date(2023, 3, 1)
INSTANTS = (
    datetime(2000, 1, 1, 0, 0, tzinfo=UTC),
    datetime(2030, 6, 15, 12, 30, tzinfo=UTC),
)

SETTINGS = settings(max_examples=60, deadline=None, database=None)

Answer = tuple[str, object]


def answer(call: Callable[[], object]) -> Answer:
    """The result of a call, or the error it raised on purpose (an error is an answer too)."""
    try:
        return ("ok", call())
    except FangkongError as exc:
        return ("error", f"{type(exc).__name__}: {exc}")


def assert_clock_independent(call: Callable[[], object]) -> None:
    """Same answer with the machine clock at two very different instants (and at the real time)."""
    answers: list[Answer] = []
    for instant in INSTANTS:
        with time_machine.travel(instant, tick=False):
            assert date.today() == instant.date()  # the clock really moved
            answers.append(answer(call))
    answers.append(answer(call))
    assert answers[0] == answers[1] == answers[2]


# ---- strategies -------------------------------------------------------------------------------------

days = st.dates(min_value=FIRST, max_value=LAST)
ct_values = st.one_of(
    st.none(),
    st.sampled_from([1.0, 20.0, 34.9, 35.0, 35.1, 39.9, 40.0, 40.1, CT_MAX]),
    st.floats(min_value=0.0, max_value=CT_MAX, exclude_min=True, allow_nan=False),
)
gene_cts = st.builds(GeneCt, orf1ab=ct_values, n=ct_values)
offsets = st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5))])


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    """Mostly well-formed numbers (valid or with a wrong check character), sometimes any text."""
    if draw(st.booleans()):
        return draw(st.text(alphabet="0123456789Xx ", max_size=20))
    province = draw(st.sampled_from(["11", "31", "44", "65", "99"]))
    rest = draw(st.text(alphabet="0123456789", min_size=4, max_size=4))
    born = draw(st.dates(min_value=date(1790, 1, 1), max_value=date(2040, 12, 31)))
    seq = draw(st.integers(min_value=0, max_value=999))
    first17 = f"{province}{rest}{born:%Y%m%d}{seq:03d}"
    check = check_digit(first17) if draw(st.booleans()) else draw(st.sampled_from("0123456789X"))
    return first17 + check


# ---- one test per rule function ---------------------------------------------------------------------


@SETTINGS
@given(
    severity=st.sampled_from([*Severity, "grave"]),
    age=st.integers(min_value=-1, max_value=120),
    factors=st.sets(st.sampled_from(list(RiskFactor))),
    home=st.booleans(),
    on=days,
)
def test_admission(severity: str, age: int, factors: set[RiskFactor], home: bool, on: date) -> None:
    assert_clock_independent(lambda: admission(severity, age, factors, home, POLICY.at(on)))


@SETTINGS
@given(category=st.sampled_from(list(Category)), start=days)
def test_management_plan(category: Category, start: date) -> None:
    assert_clock_independent(lambda: management_plan(category, start, POLICY.at(start)))


@SETTINGS
@given(
    ct=gene_cts,
    population=st.sampled_from(list(Population)),
    stage=st.sampled_from(list(SampleStage)),
    on=days,
    previous=st.one_of(
        st.none(),
        st.builds(PreviousResult, ct=gene_cts, hours_before=st.floats(min_value=0, max_value=72, allow_nan=False)),
    ),
)
def test_adjudicate_ct(
    ct: GeneCt, population: Population, stage: SampleStage, on: date, previous: PreviousResult | None
) -> None:
    assert_clock_independent(lambda: adjudicate_ct(ct, population, stage, POLICY.at(on), previous))


@SETTINGS
@given(
    boarding_day=days,
    minutes=st.integers(min_value=0, max_value=24 * 60 - 1),
    tz=offsets,
    tests=st.lists(
        st.tuples(
            st.integers(min_value=-10 * 60, max_value=72 * 60),  # minutes before boarding (negative: after)
            st.sampled_from(["negative", "positive"]),
            offsets,
        ),
        max_size=4,
    ),
)
def test_check_preboarding(
    boarding_day: date, minutes: int, tz: timezone, tests: list[tuple[int, str, timezone]]
) -> None:
    boarding = datetime(boarding_day.year, boarding_day.month, boarding_day.day, tzinfo=tz) + timedelta(minutes=minutes)
    samples = [
        PreboardingTest.model_validate(
            {"sampled_at": (boarding - timedelta(minutes=before)).astimezone(sample_tz), "result": result}
        )
        for before, result, sample_tz in tests
    ]
    assert_clock_independent(lambda: check_preboarding(boarding, samples, POLICY.at(boarding_day)))


@SETTINGS
@given(
    delineated_on=st.dates(min_value=FIRST, max_value=date(2023, 1, 20)),
    after=st.integers(min_value=0, max_value=30),
    infections=st.sets(st.integers(min_value=-3, max_value=30), max_size=6),
    screenings=st.sets(st.integers(min_value=0, max_value=30), max_size=6),
    level=st.sampled_from([AreaLevel.high, AreaLevel.medium]),
)
def test_area_level(
    delineated_on: date, after: int, infections: set[int], screenings: set[int], level: AreaLevel
) -> None:
    on = delineated_on + timedelta(days=after)
    found = [delineated_on + timedelta(days=i) for i in infections]
    screened = [delineated_on + timedelta(days=i) for i in screenings]
    assert_clock_independent(lambda: area_level(delineated_on, on, found, screened, POLICY.at, level))


@SETTINGS
@given(
    outbreak=st.booleans(),
    scope=st.sampled_from(list(CampaignScope)),
    tests_per_day=st.integers(min_value=0, max_value=4),
    conditions=st.sets(st.sampled_from(list(CampaignCondition))),
    on=days,
)
def test_review_campaign(
    outbreak: bool, scope: CampaignScope, tests_per_day: int, conditions: set[CampaignCondition], on: date
) -> None:
    assert_clock_independent(lambda: review_campaign(outbreak, scope, tests_per_day, conditions, POLICY.at(on)))


@st.composite
def proposed_phases(draw: st.DrawFn) -> ProposedPhase:
    length = draw(st.integers(min_value=1, max_value=14))
    tests = draw(st.none() | st.sets(st.integers(min_value=1, max_value=length)).map(lambda s: tuple(sorted(s))))
    return ProposedPhase(kind=draw(st.sampled_from(list(PhaseKind))), days=length, test_days=tests)


@SETTINGS
@given(category=st.sampled_from(list(Category)), proposed=st.lists(proposed_phases(), max_size=3), on=days)
def test_check_overreach(category: Category, proposed: list[ProposedPhase], on: date) -> None:
    assert_clock_independent(lambda: check_overreach(category, proposed, POLICY.at(on)))


@SETTINGS
@given(value=resident_ids(), on=st.none() | st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 1, 1)))
def test_check_resident_id(value: str, on: date | None) -> None:
    assert_clock_independent(lambda: check_resident_id(value, on))


def test_resident_id_born_between_the_two_instants() -> None:
    """A birth date after 2000-01-01 but before 2030-06-15: a clock-reading "not in the future" check would differ."""
    first17 = "110101" + "20150601" + "123"
    value = first17 + check_digit(first17)
    assert_clock_independent(lambda: check_resident_id(value))
    assert check_resident_id(value).valid


# ---- static scan of the rules package ------------------------------------------------------------------

CLOCK_METHODS = frozenset({"today", "now", "utcnow"})
TIME_FUNCTIONS = frozenset(
    {
        "time",
        "time_ns",
        "monotonic",
        "monotonic_ns",
        "perf_counter",
        "perf_counter_ns",
        "process_time",
        "process_time_ns",
        "localtime",
        "gmtime",
        "ctime",
        "asctime",
        "strftime",
    }
)
CLOCK_MODULES = frozenset({"time", "time_machine", "freezegun"})


def clock_reads(source: str, filename: str = "<string>") -> list[str]:
    """Every place a module reads the machine clock, or imports a clock module."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr = node.func.attr
            receiver = node.func.value
            if attr in CLOCK_METHODS:
                found.append(f"{where}: call to .{attr}()")
            elif isinstance(receiver, ast.Name) and receiver.id == "time" and attr in TIME_FUNCTIONS:
                found.append(f"{where}: call to time.{attr}()")
        elif isinstance(node, ast.Import):
            found.extend(f"{where}: import {a.name}" for a in node.names if a.name.split(".")[0] in CLOCK_MODULES)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in CLOCK_MODULES:
            found.append(f"{where}: from {node.module} import ...")
    return found


RULES_DIR = Path(fangkong.rules.__file__).parent


def test_rules_modules_exist() -> None:
    names = {p.name for p in RULES_DIR.glob("*.py")}
    assert {"plans.py", "ct.py", "risk_area.py", "transition.py", "preboarding.py"} <= names


def test_no_clock_reads_in_rules() -> None:
    problems = [
        problem
        for path in sorted(RULES_DIR.rglob("*.py"))
        for problem in clock_reads(path.read_text(encoding="utf-8"), str(path))
    ]
    assert problems == []


def test_scanner_catches_clock_reads() -> None:
    bad = """
import time
from datetime import date, datetime
from time import monotonic
a = date.today()
b = datetime.now(tz=None)
c = datetime.utcnow()
d = time.time()
e = time.perf_counter()
"""
    assert len(clock_reads(bad)) == 7
    good = """
from datetime import date, datetime, timedelta
x = date(2022, 11, 11) + timedelta(days=1)
y = datetime.fromisoformat("2022-11-11T00:00:00+08:00").date()
"""
    assert clock_reads(good) == []
