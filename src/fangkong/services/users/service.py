"""Staff accounts: creation, password check (argon2), API tokens, and the Actor a token stands for."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fangkong.errors import Conflict, Forbidden, InvalidInput, Unauthenticated
from fangkong.services.access import STAFF_ROLES, Actor, Permission, Role
from fangkong.services.jurisdictions.service import get_jurisdiction
from fangkong.services.users.models import ApiToken, User
from fangkong.services.users.passwords import check_password
from fangkong.services.users.throttle import LoginThrottle

_hasher = PasswordHasher()
TOKEN_LIFETIME = timedelta(hours=12)


def parse_role(value: str) -> Role:
    if value not in STAFF_ROLES:
        known = ", ".join(r.value for r in STAFF_ROLES)
        raise InvalidInput("role", f"unknown role {value!r}; known: {known}")
    return Role(value)


def create_user(
    session: Session,
    actor: Actor | None,
    *,
    username: str,
    password: str,
    role: str,
    jurisdiction_code: str,
    demo: bool = False,
) -> User:
    """A staff account; `actor=None` is the command line's bootstrap (`fangkong users add`). The password must pass
    the policy (services.users.passwords); `demo`: one of the demo's accounts, which carry its published password."""
    if actor is not None:
        actor.require(Permission.manage_users)
    if not username or not username.replace("_", "").replace(".", "").isalnum():
        raise InvalidInput("username", "letters, digits, '.' and '_'")
    if len(username) > 100:
        raise InvalidInput("username", "at most 100 characters")
    check_password(password, username=username, demo=demo)
    j = get_jurisdiction(session, jurisdiction_code)
    if actor is not None and not actor.covers(j.path):
        raise Forbidden("a user can only be created inside your own jurisdiction")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict("username", f"{username!r} exists")
    user = User(
        username=username, password_hash=hash_password(password), role=parse_role(role).value, jurisdiction_code=j.code
    )
    session.add(user)
    session.flush()
    return user


def token_digest(token: str) -> str:
    """What the store keeps of an API token (SHA-256, hex): a stolen copy of the table logs nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _no_one() -> str:
    """A hash no password opens, verified when the username is unknown: a login then costs one argon2 verification
    whether or not the account exists, so its time does not tell a guesser which usernames are real."""
    return _hasher.hash(secrets.token_urlsafe(32))


def opens_with(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except VerificationError:
        return False


def issue_token(
    session: Session,
    *,
    username: str,
    password: str,
    now: datetime,
    throttle: LoginThrottle | None = None,
    address: str = "",
) -> str:
    """Log in: a new API token for valid credentials (only its hash is stored), valid TOKEN_LIFETIME from `now` —
    the real time, never a drill's (a drill's fixed day would make a token immortal). Refused alike (Unauthenticated,
    after the same work) for an unknown user, a disabled account and a wrong password; with a `throttle`, refused
    (TooManyAttempts) while the account or the `address` has failed too often."""
    if throttle is not None:
        throttle.check(username, address)
    user = session.scalar(select(User).where(User.username == username))
    try:
        if user is None:
            _hasher.verify(_no_one(), password)
            raise VerificationError("no such user")
        _hasher.verify(user.password_hash, password)
        if not user.active:
            raise VerificationError("disabled")
    except VerificationError:
        if throttle is not None:
            throttle.failed(username, address)
        raise Unauthenticated("unknown user or wrong password") from None
    if throttle is not None:
        throttle.succeeded(username)
    token = secrets.token_urlsafe(32)
    session.add(
        ApiToken(token_hash=token_digest(token), user_id=user.id, created_at=now, expires_at=now + TOKEN_LIFETIME)
    )
    session.flush()
    return token


def revoke_token(session: Session, token: str) -> bool:
    """Log out: the token is deleted, so every process refuses it from the next request on (the staff reads'
    batches check each token in their own transaction; docs/staff-api.md). False: it was not a live token."""
    done = session.execute(delete(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    return bool(done.rowcount)  # type: ignore[attr-defined]  # a DELETE's result is a CursorResult


def revoke_tokens_of(session: Session, user_id: int) -> int:
    """Every token of an account deleted (it was disabled or its password reset): refused from the next request."""
    done = session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
    return int(done.rowcount)  # type: ignore[attr-defined]  # a DELETE's result is a CursorResult


def actor_for_token(session: Session, token: str, *, now: datetime) -> Actor | None:
    """The account a live token stands for; `now` is the real time (tokens expire on it, drill or not)."""
    row = session.execute(
        select(User, ApiToken)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == token_digest(token), ApiToken.expires_at > now, User.active.is_(True))
    ).first()
    if row is None:
        return None
    user = row[0]
    return actor_for_user(session, user)


def actor_for_user(session: Session, user: User) -> Actor:
    return Actor(user.username, Role(user.role), get_jurisdiction(session, user.jurisdiction_code).path)
