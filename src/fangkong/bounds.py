"""What the store can hold, as types for every number and day a request carries (issue 17, input at the edges).

An id or count beyond a 32-bit INTEGER column (PostgreSQL's `integer`) used to reach the store and fail there with a
500; a day like 9999-12-31 overflowed the date arithmetic of the rules (day 1 + 7 days); a bare number was read as
seconds since 1970 (`{"on": 0}` became 1970-01-01). Each is now a 422 that names the field, before any work."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from annotated_types import Ge, Le
from pydantic import AfterValidator, BeforeValidator, Strict

from fangkong.errors import InvalidInput

# the largest value of an SQL INTEGER column (PostgreSQL `integer`; SQLite holds more, the narrower store decides)
INT_MAX = 2**31 - 1
FIRST_DAY = date(2000, 1, 1)  # older than any record of the epidemic, younger than any birth is not asked here
LAST_DAY = date(2100, 12, 31)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _a_day(value: Any) -> Any:
    """A day is written YYYY-MM-DD (or is one already): never a number of seconds, never another spelling."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return value
    raise ValueError("a day is written YYYY-MM-DD")


def _a_moment(value: Any) -> Any:
    """A moment is written as ISO 8601 text (or is one already): a bare number is not read as seconds since 1970."""
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_DAY.match(value)):
        return value
    raise ValueError("a time is written YYYY-MM-DDTHH:MM[:SS][+08:00]")


def _in_range(value: datetime) -> datetime:
    day = value.astimezone(UTC).date() if value.tzinfo is not None else value.date()
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"a time between {FIRST_DAY} and {LAST_DAY}")
    return value


StoreId = Annotated[int, Ge(1), Le(INT_MAX)]
"""The id of a stored record: 1 up to what an INTEGER column holds."""

Count = Annotated[int, Ge(0), Le(INT_MAX)]
"""A number that is stored (a row version, a count): 0 up to what an INTEGER column holds."""

Day = Annotated[date, BeforeValidator(_a_day), Ge(FIRST_DAY), Le(LAST_DAY)]
"""A calendar day of the epidemic's records: YYYY-MM-DD between 2000-01-01 and 2100-12-31."""

Moment = Annotated[datetime, BeforeValidator(_a_moment), AfterValidator(_in_range)]
"""A point in time of the epidemic's records: ISO 8601, on a day between 2000-01-01 and 2100-12-31."""

Flag = Annotated[bool, Strict()]
"""A yes or no in a JSON body: `true` or `false`, not "f", "yes" or 0 (the lax reading a query string needs)."""


# PostgreSQL's text (and jsonb) cannot hold a NUL character: a 500 there, a silently different string elsewhere
NUL_REFUSED = "a NUL character is not text"


def holds_nul(value: object) -> bool:
    """Whether a parsed document (JSON, YAML) holds a NUL character in any key or text value. Each container is
    looked at once: YAML's aliases may share one many times over, or make it hold itself."""
    seen: set[int] = set()
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict | list | tuple) and id(item) not in seen:
            seen.add(id(item))
            todo.extend([*item.keys(), *item.values()] if isinstance(item, dict) else item)
    return False


MAX_COUNT = 1_000_000  # beds, staff or residents above this in one place are a typing error


def whole_count(field: str, value: object, maximum: int = MAX_COUNT) -> int:
    """A count of people or beds given for `field`: a whole number from 0 to `maximum`, else refused naming it."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field, f"{value!r} is not a whole number")
    if value < 0:
        raise InvalidInput(field, f"{value} cannot be negative")
    if value > maximum:
        raise InvalidInput(field, f"{value} is not between 0 and {maximum}")
    return value
