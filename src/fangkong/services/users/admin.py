"""An administrator's work on staff accounts: list, add, disable and enable, re-scope (role, jurisdiction), reset a
password. Each change is audited (entity "user"); a disabled account's tokens and a reset password's tokens are
deleted at once, so a disabled worker's open sessions end with the change, not twelve hours later.

Only a role with `manage_users` may act, and only on accounts of its own subtree, into its own subtree: an
administrator of one county neither sees nor moves another county's staff (DESIGN.md section 1). An account outside
the subtree is reported as not found. An administrator may not disable or re-scope their own account (the last
administrator of a subtree would lock it out for good).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.errors import Conflict, Forbidden, NotFound
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.jurisdictions.service import get_jurisdiction
from fangkong.services.paging import page_of
from fangkong.services.users.models import User
from fangkong.services.users.passwords import check_password
from fangkong.services.users.service import create_user, hash_password, parse_role, revoke_tokens_of

ENTITY = "user"


class AccountCreate(BaseModel):
    username: str = Field(max_length=100)
    password: str = Field(max_length=1000)
    role: str
    jurisdiction_code: str = Field(max_length=20)


class AccountUpdate(BaseModel):
    """What changes; a field left out stays as it is."""

    role: str | None = None
    jurisdiction_code: str | None = Field(default=None, max_length=20)
    active: bool | None = None


class PasswordReset(BaseModel):
    password: str = Field(max_length=1000)


class AccountRead(BaseModel):
    """An account as an administrator sees it: never its password hash."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    role: str
    jurisdiction_code: str
    active: bool
    created_at: datetime


def _in_scope(session: Session, actor: Actor, user_id: int) -> User:
    actor.require(Permission.manage_users)
    user = session.get(User, user_id)
    if user is None or not actor.covers(get_jurisdiction(session, user.jurisdiction_code).path):
        raise NotFound("user", user_id)
    return user


def list_accounts(
    session: Session, actor: Actor, *, active: bool | None = None, offset: int = 0, limit: int = 50
) -> tuple[list[User], int]:
    """The accounts of the actor's subtree, by username."""
    actor.require(Permission.manage_users)
    stmt = (
        select(User)
        .join(Jurisdiction, User.jurisdiction_code == Jurisdiction.code)
        .where(Jurisdiction.path.startswith(actor.jurisdiction_path, autoescape=True))
    )
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    return page_of(session, stmt.order_by(User.username), offset=offset, limit=limit)


def add_account(session: Session, actor: Actor, body: AccountCreate) -> User:
    """A new staff account inside the actor's subtree, its password held to the policy (services.users.passwords)."""
    user = create_user(
        session,
        actor,
        username=body.username,
        password=body.password,
        role=body.role,
        jurisdiction_code=body.jurisdiction_code,
    )
    record(
        session,
        actor,
        action="create",
        entity=ENTITY,
        entity_id=user.id,
        detail={"username": user.username, "role": user.role, "jurisdiction_code": user.jurisdiction_code},
    )
    return user


def change_account(session: Session, actor: Actor, user_id: int, body: AccountUpdate) -> User:
    """Disable or enable an account, or give it another role or jurisdiction (both inside the actor's subtree).
    Disabling deletes its tokens: its sessions end at once."""
    user = _in_scope(session, actor, user_id)
    changed: dict[str, list[object]] = {}  # {field: [before, after]}, as the audit entry keeps it
    if user.username == actor.username:
        raise Conflict("user_id", "an administrator may not disable or re-scope their own account")
    if body.role is not None and body.role != user.role:
        changed["role"] = [user.role, parse_role(body.role).value]
    if body.jurisdiction_code is not None and body.jurisdiction_code != user.jurisdiction_code:
        where = get_jurisdiction(session, body.jurisdiction_code)
        if not actor.covers(where.path):
            raise Forbidden("an account can only be moved inside your own jurisdiction")
        changed["jurisdiction_code"] = [user.jurisdiction_code, where.code]
    if body.active is not None and body.active != user.active:
        changed["active"] = [user.active, body.active]
    if not changed:
        return user
    for field, (_, after) in changed.items():
        setattr(user, field, after)
    if user.active is False:
        revoke_tokens_of(session, user.id)
    session.flush()
    record(session, actor, action="update", entity=ENTITY, entity_id=user.id, detail=changed)
    return user


def reset_password(session: Session, actor: Actor, user_id: int, body: PasswordReset) -> User:
    """A new password (held to the policy); the account's tokens are deleted, so whoever held its sessions is out.
    The audit entry says that the password was reset, never what it is."""
    user = _in_scope(session, actor, user_id)
    check_password(body.password, username=user.username)
    user.password_hash = hash_password(body.password)
    revoke_tokens_of(session, user.id)
    session.flush()
    record(session, actor, action="update", entity=ENTITY, entity_id=user.id, detail={"password": "reset"})
    return user
