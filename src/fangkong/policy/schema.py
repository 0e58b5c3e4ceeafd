"""Schemas of the policy data files: instruments, clauses, the interpretation register and parameters.

Every dated value must carry a source that names a known clause; a repeal is an explicit dated null.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Instrument(_Strict):
    """A policy document: a whole version, a supplement that amends one, or a law that binds every version (the
    Personal Information Protection Law: how long personal data is kept)."""

    kind: Literal["version", "supplement", "law"]
    in_force_from: date
    title_en: str
    title_zh: str
    document_number: str | None = None
    tag: Literal["S", "S2", "U"]
    amends: str | None = None


class InstrumentsFile(_Strict):
    instruments: dict[str, Instrument]
    default_version: str


class Clause(_Strict):
    """A clause of an instrument, with its wording where a faithful reprint had it."""

    instrument: str
    title_en: str
    quote_en: str
    quote_zh: str | None = None
    tag: Literal["S", "S2", "U"]


class ClausesFile(_Strict):
    clauses: dict[str, Clause]


class Interpretation(_Strict):
    """An entry of the interpretation register: a question the texts leave open, and the choice made."""

    question: str
    choice: str
    reason: str
    clauses: list[str] = Field(min_length=1)
    tag: Literal["S", "S2", "U"]


class InterpretationsFile(_Strict):
    interpretations: dict[str, Interpretation]


class SourceRef(_Strict):
    """The source of one dated value: a clause id, optionally with the excerpt that says it."""

    clause: str
    quote_en: str | None = None
    quote_zh: str | None = None


class DatedValue(_Strict):
    value: Any
    source: SourceRef
    interpretation: str | None = None

    @field_validator("source", mode="before")
    @classmethod
    def _clause_shorthand(cls, raw: object) -> object:
        # `source: m20.1` is the common case; a mapping gives an excerpt as well.
        return {"clause": raw} if isinstance(raw, str) else raw


class ParameterSpec(_Strict):
    """A leaf of the parameter tree."""

    description: str
    type: str
    nullable: bool = False
    unit: str | None = None
    # Which local value is stricter than the national one (the over-reach guard, measure 16): a larger number,
    # a smaller one, switching the rule on (true) or off (false). Phases are compared day by day instead.
    stricter: Literal["higher", "lower", "true", "false"] | None = None
    values: dict[date, DatedValue] = Field(min_length=1)
