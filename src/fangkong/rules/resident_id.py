"""Mainland resident identity numbers (GB 11643-1999, citizen identification number).

18 characters: a 6-digit administrative division code, an 8-digit birth date, a 3-digit sequence number
(odd for men, even for women) and a check character computed by ISO 7064 MOD 11-2 (0–9 or X).
Identity checks are not a measure of the notice; the standard is cited instead of a clause.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from fangkong.rules.decision import Reason

STANDARD = "GB11643"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_FORM = re.compile(r"[0-9]{17}[0-9X]")
# Province-level codes of GB/T 2260 (the first two digits of the division code).
_PROVINCES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    }
)
EARLIEST_BIRTH = date(1800, 1, 1)


class ResidentIdCheck(BaseModel):
    model_config = ConfigDict(frozen=True)

    valid: bool
    problems: tuple[Reason, ...] = ()
    birth_date: date | None = None
    sex: Literal["male", "female"] | None = None
    division_code: str | None = None


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def check_resident_id(value: str, on: date | None = None) -> ResidentIdCheck:
    """Validate a resident ID: form, province code, birth date (not after `on` when given), check digit."""
    raw = value.strip().upper()

    def bad(text: str) -> ResidentIdCheck:
        return ResidentIdCheck(valid=False, problems=(Reason(clause=STANDARD, text=text),))

    if len(raw) == 15 and raw.isascii() and raw.isdigit():
        return bad("a first-generation 15-digit number; these ceased to be valid on 1 Jan 2013")
    # ASCII digits only: str.isdigit() also takes "²" and "３", which int() then refuses or reads as another digit
    if len(raw) != 18 or not _FORM.fullmatch(raw):
        return bad("must be 17 digits followed by a digit or X")
    if raw[:2] not in _PROVINCES:
        return bad(f"division code {raw[:6]} does not start with a province code")
    try:
        born = date(int(raw[6:10]), int(raw[10:12]), int(raw[12:14]))
    except ValueError:
        return bad(f"birth date {raw[6:14]} is not a calendar date")
    if born < EARLIEST_BIRTH or (on is not None and born > on):
        return bad(f"birth date {born.isoformat()} is out of range")
    expected = check_digit(raw[:17])
    if raw[17] != expected:
        return bad(f"check character is {raw[17]}, the number computes {expected}")
    return ResidentIdCheck(
        valid=True, birth_date=born, sex="male" if int(raw[16]) % 2 else "female", division_code=raw[:6]
    )
