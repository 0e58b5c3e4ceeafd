"""Staff accounts: creation, password check (argon2), API tokens, and the Actor a token stands for."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fangkong.errors import Conflict, Forbidden, InvalidInput
from fangkong.services.access import STAFF_ROLES, Actor, Permission, Role
from fangkong.services.jurisdictions.service import get_jurisdiction
from fangkong.services.users.models import ApiToken, User

_hasher = PasswordHasher()
TOKEN_LIFETIME = timedelta(hours=12)


def _role(value: str) -> Role:
    if value not in STAFF_ROLES:
        known = ", ".join(r.value for r in STAFF_ROLES)
        raise InvalidInput("role", f"unknown role {value!r}; known: {known}")
    return Role(value)


def create_user(
    session: Session, actor: Actor | None, *, username: str, password: str, role: str, jurisdiction_code: str
) -> User:
    """A staff account; `actor=None` is the command line's bootstrap (`fangkong users add`)."""
    if actor is not None:
        actor.require(Permission.manage_users)
    if len(password) < 10:
        raise InvalidInput("password", "at least 10 characters")
    if not username or not username.replace("_", "").replace(".", "").isalnum():
        raise InvalidInput("username", "letters, digits, '.' and '_'")
    j = get_jurisdiction(session, jurisdiction_code)
    if actor is not None and not actor.covers(j.path):
        raise Forbidden("a user can only be created inside your own jurisdiction")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict("username", f"{username!r} exists")
    user = User(
        username=username, password_hash=_hasher.hash(password), role=_role(role).value, jurisdiction_code=j.code
    )
    session.add(user)
    session.flush()
    return user


def token_digest(token: str) -> str:
    """What the store keeps of an API token (SHA-256, hex): a stolen copy of the table logs nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, *, username: str, password: str, now: datetime) -> str:
    """Log in: a new API token for valid credentials (only its hash is stored)."""
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    try:
        if user is None:
            raise VerificationError("no such user")
        _hasher.verify(user.password_hash, password)
    except VerificationError:
        raise InvalidInput("password", "unknown user or wrong password") from None
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(token_hash=token_digest(token), user_id=user.id, expires_at=now + TOKEN_LIFETIME))
    session.flush()
    return token


def revoke_token(session: Session, token: str) -> bool:
    """Log out: the token is deleted, so every process refuses it from the next request on (the staff reads'
    batches check each token in their own transaction; docs/staff-api.md). False: it was not a live token."""
    done = session.execute(delete(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    return bool(done.rowcount)  # type: ignore[attr-defined]  # a DELETE's result is a CursorResult


def actor_for_token(session: Session, token: str, *, now: datetime) -> Actor | None:
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
