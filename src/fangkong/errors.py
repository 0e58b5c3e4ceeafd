"""The errors fangkong raises, as one small tree. Each carries the field or clause it is about."""

from __future__ import annotations

from datetime import date


class FangkongError(Exception):
    """Base of every error fangkong raises on purpose."""


class InvalidInput(FangkongError):
    """Input that cannot be decided on: names the field and says what is wrong with it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotInForce(FangkongError):
    """No rule for a parameter is in force on the date asked (never read as zero or false)."""

    def __init__(self, path: str, on: date, first: date | None = None) -> None:
        detail = f"; its first value takes effect on {first.isoformat()}" if first else ""
        super().__init__(f"no rule in force for {path} on {on.isoformat()}{detail}")
        self.path = path
        self.on = on


class Refused(FangkongError):
    """An action the national rules do not allow, with the clause that forbids it."""

    def __init__(self, clause: str, message: str) -> None:
        super().__init__(f"{message} ({clause})")
        self.clause = clause
        self.message = message


class PolicyDataError(FangkongError):
    """A policy data file (national or local overlay) is malformed or refers to something unknown."""


class NotFound(FangkongError):
    """No such record — or one outside the caller's jurisdiction, which is not revealed to exist."""

    def __init__(self, entity: str, key: object) -> None:
        super().__init__(f"no {entity} {key}")
        self.entity = entity
        self.key = key


class Forbidden(FangkongError):
    """The caller's role may not do this."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Conflict(FangkongError):
    """The change conflicts with the stored state (a concurrent edit, a duplicate, an active order)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
