"""Staff accounts, for an administrator: list, add, disable/enable and re-scope, reset a password (each audited;
services.users.admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from fangkong.api.deps import CurrentActor, DbSession
from fangkong.api.pages import Limit, Offset, Page
from fangkong.services.users.admin import (
    AccountCreate,
    AccountRead,
    AccountUpdate,
    PasswordReset,
    add_account,
    change_account,
    list_accounts,
    reset_password,
)

router = APIRouter(prefix="/api/users", tags=["users"])


@router.get("", response_model=Page[AccountRead])
def accounts(
    session: DbSession,
    actor: CurrentActor,
    offset: Offset = 0,
    limit: Limit = 50,
    active: Annotated[bool | None, Query(description="only enabled (true) or disabled (false) accounts")] = None,
) -> Page[AccountRead]:
    """The staff accounts of your jurisdiction, by username (no password hashes)."""
    rows, total = list_accounts(session, actor, active=active, offset=offset, limit=limit)
    return Page(items=[AccountRead.model_validate(u) for u in rows], total=total, offset=offset, limit=limit)


@router.post("", response_model=AccountRead, status_code=status.HTTP_201_CREATED)
def add(body: AccountCreate, session: DbSession, actor: CurrentActor) -> AccountRead:
    """Add an account inside your jurisdiction; its password must pass the policy."""
    return AccountRead.model_validate(add_account(session, actor, body))


@router.patch("/{user_id}", response_model=AccountRead)
def change(user_id: int, body: AccountUpdate, session: DbSession, actor: CurrentActor) -> AccountRead:
    """Disable or enable an account (disabling ends its sessions at once), or change its role or jurisdiction."""
    return AccountRead.model_validate(change_account(session, actor, user_id, body))


@router.post("/{user_id}/reset-password", status_code=status.HTTP_204_NO_CONTENT)
def reset(user_id: int, body: PasswordReset, session: DbSession, actor: CurrentActor) -> Response:
    """Set a new password (held to the policy); the account's sessions end."""
    reset_password(session, actor, user_id, body)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
