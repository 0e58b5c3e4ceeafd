"""Mainland resident ID numbers (GB 11643-1999), table-driven: 6-digit division code starting with a GB/T 2260
province code, an 8-digit birth date (a calendar date, not after `on` when given, not before 1800), a 3-digit
sequence (odd: male, even: female) and an ISO 7064 MOD 11-2 check character (0-9 or X; x accepted).
The check characters below were computed by hand with the weights 2^(17-i) mod 11, independently of the code."""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.rules.resident_id import check_resident_id

VALID = [
    # (value, on, birth date, sex, division code)
    ("11010519491231002X", None, "1949-12-31", "female", "110105"),  # worked case resident-id-valid
    ("11010519491231002x", None, "1949-12-31", "female", "110105"),  # lower-case x accepted
    (" 11010519491231002X ", None, "1949-12-31", "female", "110105"),  # surrounding spaces ignored
    ("44030419900307123X", None, "1990-03-07", "male", "440304"),
    ("110105200002290021", None, "2000-02-29", "female", "110105"),  # a leap day
    ("110105202301010017", None, "2023-01-01", "male", "110105"),  # no `on`: no upper bound on birth
    ("110105202301010017", date(2023, 1, 1), "2023-01-01", "male", "110105"),  # born on `on` itself
    ("110105202211110014", date(2022, 11, 11), "2022-11-11", "male", "110105"),
    ("11010519491231002X", date(2022, 11, 11), "1949-12-31", "female", "110105"),
]


@pytest.mark.parametrize(("value", "on", "birth", "sex", "division"), VALID)
def test_valid_resident_id(value: str, on: date | None, birth: str, sex: str, division: str) -> None:
    r = check_resident_id(value, on)
    assert r.valid is True
    assert r.problems == ()
    assert r.birth_date == date.fromisoformat(birth)
    assert r.sex == sex
    assert r.division_code == division


INVALID = [
    # (id, value, on)
    ("case-bad-check-digit", "110105194912310021", None),
    ("check-digit-0-for-X", "110105194912310020", None),
    ("digit-where-X-due", "440304199003071230", None),
    ("X-where-7-due", "11010520230101001X", None),
    ("bad-province-99", "990105194912310023", None),  # 3 is the right check digit for these 17 digits
    ("bad-province-00", "000105194912310024", None),
    ("bad-province-72", "720101199001010019", None),
    ("february-30", "110105200002300015", None),  # 5 is the right check digit
    ("month-13", "110105200013010013", None),  # 3 is the right check digit
    ("birth-after-on", "110105202301010017", date(2022, 11, 11)),
    ("birth-one-day-after-on", "110105202301010017", date(2022, 12, 31)),
    ("birth-before-1800", "310101179912310018", None),
    ("fifteen-digits", "110105491231002", None),
    ("seventeen-chars", "11010519491231002", None),
    ("nineteen-chars", "11010519491231002X1", None),
    ("empty", "", None),
    ("letter-other-than-X", "11010519491231002Y", None),
    ("X-not-last", "1101051949123100X2", None),
    ("letters-in-body", "11O10519491231002X", None),
    ("full-width-digits", "１１０１０５１９４９１２３１００２Ｘ", None),
]


@pytest.mark.parametrize(("value", "on"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_resident_id(value: str, on: date | None) -> None:
    r = check_resident_id(value, on)
    assert r.valid is False
    assert [p.clause for p in r.problems] == ["GB11643"]
    assert r.birth_date is None
    assert r.sex is None
