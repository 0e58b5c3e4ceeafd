"""Local overlays: a province's or city's own parameter file, read against the national tree.

An overlay names national parameters and the values the locality wants; it is checked here for shape (every
parameter must exist and every value must have the parameter's type) and compared with the national rule by
`rules.overlay` (the over-reach guard of measure 16).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fangkong.bounds import NUL_REFUSED, holds_nul
from fangkong.errors import InvalidInput
from fangkong.policy.tree import Policy, parse_yaml
from fangkong.policy.value_types import VALUE_TYPES


class OverlayHeader(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    jurisdiction: str = Field(pattern=r"^[0-9]{2,12}$", description="the province's or city's code")
    name: str = Field(min_length=1, max_length=200)
    effective: date


class OverlayValue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    value: Any
    reason: str | None = None


class OverlayFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    overlay: OverlayHeader
    parameters: dict[str, OverlayValue] = Field(min_length=1)


class LocalValue(BaseModel):
    """One checked entry of an overlay: the parameter, its typed local value and the locality's reason."""

    model_config = ConfigDict(frozen=True)

    path: str
    value: Any
    reason: str | None


def read_overlay(text: str, national: Policy) -> tuple[OverlayHeader, list[LocalValue]]:
    """Parse and check an overlay file; an unknown parameter or a value of the wrong type names the parameter."""
    try:
        raw = parse_yaml(text, "overlay")
    except Exception as exc:  # the YAML parser's own errors carry the line
        raise InvalidInput("file", f"not YAML: {exc}") from None
    if holds_nul(raw):  # a YAML escape ("\\0"): the findings' detail could not be stored
        raise InvalidInput("file", NUL_REFUSED)
    try:
        doc = OverlayFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(where or "file", first["msg"]) from None
    out = []
    for path, entry in doc.parameters.items():
        param = national.parameters.get(path)
        if param is None:
            raise InvalidInput(f"parameters.{path}", "no such national parameter (see `fangkong policy show`)")
        if entry.value is None:
            out.append(LocalValue(path=path, value=None, reason=entry.reason))
            continue
        try:
            value = VALUE_TYPES[param.spec.type].validate_python(entry.value)
        except ValidationError as exc:
            raise InvalidInput(
                f"parameters.{path}", f"not a valid {param.spec.type}: {exc.errors()[0]['msg']}"
            ) from None
        out.append(LocalValue(path=path, value=value, reason=entry.reason))
    return doc.overlay, out
