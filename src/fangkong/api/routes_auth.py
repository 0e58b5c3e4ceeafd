"""Log in: exchange a username and password for an API token."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from fangkong.api.deps import CurrentActor, DbSession, Now
from fangkong.services.users.service import issue_token

router = APIRouter(prefix="/api/auth", tags=["auth"])


class Credentials(BaseModel):
    username: str
    password: str


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"


class Me(BaseModel):
    username: str
    role: str
    jurisdiction_path: str


@router.post("/token", response_model=TokenRead)
def login(body: Credentials, session: DbSession, now: Now) -> TokenRead:
    return TokenRead(access_token=issue_token(session, username=body.username, password=body.password, now=now))


@router.get("/me", response_model=Me)
def me(actor: CurrentActor) -> Me:
    return Me(username=actor.username, role=actor.role.value, jurisdiction_path=actor.jurisdiction_path)
