"""Legal case files: read them, answer every case, and compare the answers with what the case expects.

The format is `shared/cases/README.md`'s. Only the keys written in `expect` are compared; `cite` matches when
the answer cites that clause (or each of a list); lists of words compare as sets; nested mappings compare
on the keys the expectation writes. Every file is read and checked before any case is answered, so a
malformed file stops the run before anything is printed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from fangkong.errors import FangkongError, InvalidInput
from fangkong.policy import Policy
from fangkong.services.questions import QUESTIONS


class _CaseLoader(yaml.SafeLoader):
    """YAML without implicit timestamps: dates stay text until the question's schema parses them, so a
    bad date (2022-13-40) is reported against its field instead of failing the whole file's parse."""


_CaseLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class CaseSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    ask: str
    given: dict[str, Any]
    expect: dict[str, Any] = {}


@dataclass(frozen=True)
class LoadedCase:
    file: Path
    spec: CaseSpec
    given: BaseModel


@dataclass
class CaseOutcome:
    case: LoadedCase
    answer: dict[str, Any]
    mismatches: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.mismatches


def _where(path: Path, index: int, case_id: object) -> str:
    return f"{path}: cases[{index}]" + (f" ({case_id})" if case_id else "")


def _field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc)


def load_case_file(path: Path) -> list[LoadedCase]:
    """Read and validate one case file; any problem raises InvalidInput naming the file, case and field."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_CaseLoader)
    except OSError as exc:
        raise InvalidInput(str(path), f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(str(path), f"not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    except yaml.YAMLError as exc:
        raise InvalidInput(str(path), f"not valid YAML: {exc}") from None
    except RecursionError:
        raise InvalidInput(str(path), "not YAML fangkong reads: nested too deeply") from None
    except ValueError as exc:  # a number past Python's digits limit for an int
        raise InvalidInput(str(path), f"not YAML fangkong reads: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cases"), list):
        raise InvalidInput(str(path), "expected a mapping with a list under `cases`")
    loaded: list[LoadedCase] = []
    seen: set[str] = set()
    for i, item in enumerate(raw["cases"]):
        case_id = item.get("id") if isinstance(item, dict) else None
        where = _where(path, i, case_id)
        try:
            spec = CaseSpec.model_validate(item)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise InvalidInput(f"{where}.{_field_path(err['loc'])}", err["msg"]) from None
        if spec.id in seen:
            raise InvalidInput(f"{where}.id", f"duplicate case id {spec.id!r}")
        seen.add(spec.id)
        if spec.ask not in QUESTIONS:
            raise InvalidInput(f"{where}.ask", f"unknown question {spec.ask!r}; known: {', '.join(QUESTIONS)}")
        model, _ = QUESTIONS[spec.ask]
        try:
            given = model.model_validate(spec.given)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise InvalidInput(f"{where}.given.{_field_path(err['loc'])}", err["msg"]) from None
        loaded.append(LoadedCase(path, spec, given))
    return loaded


def load_case_files(paths: list[Path]) -> list[LoadedCase]:
    if not paths:
        raise InvalidInput("FILE", "name at least one case file")
    return [case for path in paths for case in load_case_file(path)]


def answer_case(case: LoadedCase, policy: Policy) -> dict[str, Any]:
    """The system's own answer; a rule's refusal to decide (bad facts, no rule in force) is an `error` answer."""
    _, ask = QUESTIONS[case.spec.ask]
    try:
        answer: dict[str, Any] = to_json(ask(case.given, policy))
        return answer
    except FangkongError as exc:
        return {"error": str(exc)}


def to_json(value: Any) -> Any:
    """Dates and instants as ISO strings; everything else as JSON has it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


def compare(expected: Any, actual: Any, path: str) -> list[str]:
    """Where the answer differs from the expectation (only what the expectation writes)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected a mapping, got {actual!r}"]
        out: list[str] = []
        for key, want in expected.items():
            if key == "cite":
                wanted = want if isinstance(want, list) else [want]
                have = actual.get("cite") or []
                out += [f"{path}.cite: expected {c!r} among {have}" for c in wanted if c not in have]
            elif key == "error":
                got = actual.get("error")
                if got is None or str(want) not in got:
                    out.append(f"{path}.error: expected an error containing {want!r}, got {got!r}")
            elif key not in actual:
                out.append(
                    f"{path}.{key}: missing from the answer"
                    + (f" (error: {actual['error']})" if "error" in actual else "")
                )
            else:
                out += compare(want, actual[key], f"{path}.{key}")
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{path}: expected a list, got {actual!r}"]
        if all(isinstance(v, str) for v in expected + actual):
            return [] if sorted(expected) == sorted(actual) else [f"{path}: expected {expected}, got {actual}"]
        if len(expected) != len(actual):
            return [f"{path}: expected {len(expected)} items, got {len(actual)}: {actual}"]
        return [m for i, (e, a) in enumerate(zip(expected, actual, strict=True)) for m in compare(e, a, f"{path}[{i}]")]
    return [] if expected == actual else [f"{path}: expected {expected!r}, got {actual!r}"]


def check_cases(cases: list[LoadedCase], policy: Policy) -> list[CaseOutcome]:
    outcomes = []
    for case in cases:
        answer = answer_case(case, policy)
        outcomes.append(CaseOutcome(case, answer, compare(to_json(case.spec.expect), answer, "expect")))
    return outcomes


def answers_as_json_lines(cases: list[LoadedCase], policy: Policy) -> list[str]:
    return [json.dumps({"id": c.spec.id, "answer": answer_case(c, policy)}, ensure_ascii=False) for c in cases]
