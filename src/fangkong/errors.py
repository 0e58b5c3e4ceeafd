"""The errors fangkong raises, as one small tree, and the HTTP status each means. Each carries the field, row or
clause it is about; the API and the console map them through `http_status`, the CLI to exit code 2."""

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


class RowError(InvalidInput):
    """A bad row of an imported file: the file is refused and nothing from it is written. `row` counts data rows
    from 1; `clause` names the rule the row breaks, where it is a rule and not a malformed value."""

    def __init__(self, row: int, column: str, message: str, clause: str | None = None) -> None:
        super().__init__(column, f"row {row}: {message}")
        self.row = row
        self.clause = clause


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


class Unauthenticated(FangkongError):
    """No valid credentials: a missing, unknown or expired bearer token (the API answers 401)."""


class LoginRequired(Unauthenticated):
    """No valid session cookie: the console sends the browser to the login page."""


class TooManyAttempts(FangkongError):
    """Too many failed logins for an account or from an address: refused for `retry_after` seconds (HTTP 429 with
    Retry-After; services.users.throttle)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins; try again in {retry_after} seconds")
        self.retry_after = retry_after


class Inconsistent(FangkongError):
    """The store or the policy data contradicts itself: a row that must exist is missing, or a value that must be set
    is not. A bug or a damaged store, never the caller's input (HTTP 500); raised where an `assert` would vanish
    under `python -O`."""


def http_status(exc: FangkongError) -> int:
    """The one mapping of an error to an HTTP status, for the API and the console alike."""
    match exc:
        case Unauthenticated():
            return 401
        case Forbidden():
            return 403
        case NotFound():
            return 404
        case Conflict():
            return 409
        case TooManyAttempts():
            return 429
        case Inconsistent():
            return 500
        case InvalidInput() | Refused() | NotInForce():
            return 422
        case _:
            return 400
