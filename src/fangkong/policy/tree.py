"""The parameter tree: loading, checking and asking "what was in force on this date?"."""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from importlib import resources
from typing import Any, Generic, TypeVar

import yaml
from pydantic import ValidationError

from fangkong.errors import InvalidInput, NotInForce, PolicyDataError
from fangkong.policy.schema import (
    Clause,
    ClausesFile,
    Instrument,
    InstrumentsFile,
    Interpretation,
    InterpretationsFile,
    ParameterSpec,
    SourceRef,
)
from fangkong.policy.value_types import VALUE_TYPES, PhaseSpec

T = TypeVar("T", covariant=True)


@dataclass(frozen=True)
class InForce(Generic[T]):
    """The value of one parameter on a date, with where it comes from."""

    path: str
    value: T
    since: date
    source: SourceRef
    interpretation: str | None


def repealed(*found: InForce[Any]) -> NotInForce:
    """The error for a rule whose parameter is repealed (a dated null) on the day asked: no rule in force, never read
    as zero or false. Raised by rules that need the value, naming the first parameter without one."""
    gone = next((f for f in found if f.value is None), found[0])
    return NotInForce(gone.path, gone.since)


@dataclass(frozen=True)
class Parameter:
    """A leaf: dated values in date order, each validated against the leaf's type."""

    path: str
    spec: ParameterSpec
    dates: tuple[date, ...]
    values: tuple[Any, ...]

    def at(self, on: date) -> InForce[Any]:
        i = bisect.bisect_right(self.dates, on) - 1
        if i < 0:
            raise NotInForce(self.path, on, self.dates[0])
        dated = self.spec.values[self.dates[i]]
        return InForce(self.path, self.values[i], self.dates[i], dated.source, dated.interpretation)


@dataclass(frozen=True)
class Policy:
    """Every instrument, clause, interpretation and parameter fangkong knows, national and checked."""

    instruments: Mapping[str, Instrument]
    clauses: Mapping[str, Clause]
    interpretations: Mapping[str, Interpretation]
    parameters: Mapping[str, Parameter]
    default_version: str
    _versions: tuple[tuple[date, str], ...] = field(default=())

    # ---- versions -------------------------------------------------------------------------
    @property
    def versions(self) -> tuple[str, ...]:
        """Whole rule sets in date order (supplements excluded)."""
        return tuple(v for _, v in self._versions)

    def version_on(self, on: date) -> str:
        """The version in force on a date."""
        i = bisect.bisect_right([d for d, _ in self._versions], on) - 1
        if i < 0:
            first = self._versions[0][0]
            raise NotInForce("policy version", on, first)
        return self._versions[i][1]

    def span(self, version: str) -> tuple[date, date | None]:
        """First and last day of a version (None: still in force)."""
        self._require_version(version)
        starts = {v: d for d, v in self._versions}
        later = [d for d, v in self._versions if d > starts[version]]
        return starts[version], (min(later) - timedelta(days=1)) if later else None

    # ---- asking ---------------------------------------------------------------------------
    def at(self, on: date) -> PolicyAt:
        """The rules in force on a date."""
        return PolicyAt(self, self.version_on(on), on)

    def for_version(self, version: str, on: date | None = None) -> PolicyAt:
        """A named version's rules. With a date outside the version's span, the date is moved to the
        nearest day of the span, so a case asking for `m20` in 2023 gets m20's rules, not classb's.
        Without a date: the version's last state (including its supplements)."""
        first, last = self.span(version)
        if on is None:
            on = last if last is not None else max([first, *self._all_value_dates()])
        effective = max(first, on if last is None else min(on, last))
        return PolicyAt(self, version, effective, asked_on=on)

    def resolve(self, on: date, version: str | None = None) -> PolicyAt:
        return self.at(on) if version is None else self.for_version(version, on)

    def next_change_after(self, on: date) -> date | None:
        """The first day after `on` on which the rules in force change: a version begins or a parameter takes a
        new dated value (None: none is known). What was decided under today's rules stands until its eve."""
        days = self._change_days
        i = bisect.bisect_right(days, on)
        return days[i] if i < len(days) else None

    @cached_property
    def _change_days(self) -> tuple[date, ...]:
        return tuple(sorted({d for d, _ in self._versions} | set(self._all_value_dates())))

    def _all_value_dates(self) -> Iterator[date]:
        for p in self.parameters.values():
            yield from p.dates

    def _require_version(self, version: str) -> None:
        if version not in self.versions:
            raise InvalidInput("policy", f"unknown version {version!r}; known: {', '.join(self.versions)}")

    def parameter(self, path: str) -> Parameter:
        try:
            return self.parameters[path]
        except KeyError:
            raise InvalidInput("parameter", f"no parameter named {path!r}") from None


@dataclass(frozen=True)
class PolicyAt:
    """The rules of one version as they stood on one day. Rules take this and nothing else of policy."""

    policy: Policy
    version: str
    on: date
    asked_on: date | None = None

    def get(self, path: str) -> InForce[Any]:
        return self.policy.parameter(path).at(self.on)

    def find(self, path: str) -> InForce[Any] | None:
        """Like get, but None where the parameter has no value yet: for exceptions to a general rule
        that only some versions have (the entry-personnel Ct band, say)."""
        try:
            return self.get(path)
        except NotInForce:
            return None

    def phases(self, path: str) -> InForce[tuple[PhaseSpec, ...] | None]:
        return self._typed(path, tuple)

    def flag(self, path: str) -> InForce[bool | None]:
        return self._typed(path, bool)

    def integer(self, path: str) -> InForce[int | None]:
        return self._typed(path, int)

    def number(self, path: str) -> InForce[float | None]:
        return self._typed(path, float)

    def text(self, path: str) -> InForce[str | None]:
        return self._typed(path, str)

    def texts(self, path: str) -> InForce[tuple[str, ...] | None]:
        return self._typed(path, tuple)

    def _typed(self, path: str, kind: type) -> InForce[Any]:
        found = self.get(path)
        if found.value is not None and not isinstance(found.value, kind):
            raise PolicyDataError(f"{path} holds {type(found.value).__name__}, asked for {kind.__name__}")
        return found

    def clause(self, clause_id: str) -> Clause:
        return self.policy.clauses[clause_id]


# ---- loading ----------------------------------------------------------------------------------


def parse_yaml(text: str, origin: str) -> Any:
    """YAML to Python, with a malformed file reported as policy data naming the file."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyDataError(f"{origin}: not valid YAML: {exc}") from None


def _read_yaml(name: str) -> Any:
    text = resources.files("fangkong.policy").joinpath("data", name).read_text(encoding="utf-8")
    return parse_yaml(text, name)


def _flatten(node: Mapping[str, Any], prefix: str, out: dict[str, Mapping[str, Any]], origin: str = "") -> None:
    for key, child in node.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if not isinstance(child, Mapping):
            raise PolicyDataError(f"{path}: expected a mapping, found {type(child).__name__}")
        if "values" in child:
            # a leaf defined in two files would silently take the later file's values
            if path in out:
                raise PolicyDataError(f"{path}: defined twice (again in {origin or 'the same tree'})")
            out[path] = child
        else:
            _flatten(child, path, out, origin)


def build_parameter(path: str, raw: Mapping[str, Any]) -> Parameter:
    """Validate one leaf: its schema, its type, and that nulls appear only in nullable leaves."""
    try:
        spec = ParameterSpec.model_validate(raw)
    except ValidationError as exc:
        raise PolicyDataError(f"{path}: {exc}") from None
    adapter = VALUE_TYPES.get(spec.type)
    if adapter is None:
        raise PolicyDataError(f"{path}: unknown type {spec.type!r}; known: {', '.join(sorted(VALUE_TYPES))}")
    dates = tuple(sorted(spec.values))
    values: list[Any] = []
    for d in dates:
        raw_value = spec.values[d].value
        if raw_value is None:
            # A repeal (explicit dated null) is allowed in any leaf after its first value.
            if d == dates[0] and not spec.nullable:
                raise PolicyDataError(f"{path} on {d}: the first value of a leaf cannot be null")
            values.append(None)
            continue
        try:
            values.append(adapter.validate_python(raw_value))
        except ValidationError as exc:
            raise PolicyDataError(f"{path} on {d}: not a valid {spec.type}: {exc}") from None
    return Parameter(path, spec, dates, tuple(values))


def check_references(policy: Policy) -> None:
    """Every source names a known clause of an instrument already in force on the value's date;
    every interpretation named exists, and every register entry is used by some parameter."""
    problems: list[str] = []
    used: set[str] = set()
    versions = {vid for vid, inst in policy.instruments.items() if inst.kind == "version"}
    if policy.default_version not in versions:
        problems.append(f"default_version {policy.default_version!r} is not a version ({', '.join(sorted(versions))})")
    for iid, instrument in policy.instruments.items():
        if instrument.kind != "supplement":
            continue
        if instrument.amends not in versions:
            problems.append(f"instrument {iid}: a supplement amends a version, not {instrument.amends!r}")
        elif policy.instruments[instrument.amends].in_force_from > instrument.in_force_from:
            problems.append(f"instrument {iid}: in force before the version it amends ({instrument.amends})")
    for cid, clause in policy.clauses.items():
        if clause.instrument not in policy.instruments:
            problems.append(f"clause {cid}: unknown instrument {clause.instrument!r}")
    for path, param in policy.parameters.items():
        for d in param.dates:
            dated = param.spec.values[d]
            cited = policy.clauses.get(dated.source.clause)
            if cited is None:
                problems.append(f"{path} on {d}: unknown clause {dated.source.clause!r}")
            elif (inst := policy.instruments.get(cited.instrument)) and inst.in_force_from > d:
                problems.append(
                    f"{path} on {d}: cites {dated.source.clause}, whose instrument takes effect {inst.in_force_from}"
                )
            if dated.interpretation is not None:
                used.add(dated.interpretation)
                if dated.interpretation not in policy.interpretations:
                    problems.append(f"{path} on {d}: unknown interpretation {dated.interpretation!r}")
    for iid, entry in policy.interpretations.items():
        if iid not in used:
            problems.append(f"interpretation {iid}: no parameter depends on it")
        problems.extend(f"interpretation {iid}: unknown clause {c!r}" for c in entry.clauses if c not in policy.clauses)
    if problems:
        raise PolicyDataError("policy data:\n  " + "\n  ".join(problems))


def load_national_policy() -> Policy:
    """Read and check the national policy data shipped with fangkong."""
    try:
        instruments = InstrumentsFile.model_validate(_read_yaml("versions.yaml"))
        clauses = ClausesFile.model_validate(_read_yaml("clauses.yaml"))
        register = InterpretationsFile.model_validate(_read_yaml("interpretations.yaml"))
    except ValidationError as exc:
        raise PolicyDataError(str(exc)) from None
    raw_leaves: dict[str, Mapping[str, Any]] = {}
    for entry in sorted(
        resources.files("fangkong.policy").joinpath("data", "parameters").iterdir(), key=lambda e: e.name
    ):
        if entry.name.endswith(".yaml"):
            _flatten(parse_yaml(entry.read_text(encoding="utf-8"), entry.name) or {}, "", raw_leaves, entry.name)
    parameters = {path: build_parameter(path, raw) for path, raw in sorted(raw_leaves.items())}
    versions = tuple(
        sorted((inst.in_force_from, vid) for vid, inst in instruments.instruments.items() if inst.kind == "version")
    )
    policy = Policy(
        instruments=instruments.instruments,
        clauses=clauses.clauses,
        interpretations=register.interpretations,
        parameters=parameters,
        default_version=instruments.default_version,
        _versions=versions,
    )
    check_references(policy)
    return policy
