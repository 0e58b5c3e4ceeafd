"""Log in (exchange a username and password for an API token) and log out (the token is refused from then on)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel

from fangkong.api import errors
from fangkong.api.deps import Bearer, CurrentActor, DbSession, WallNow, get_actor
from fangkong.services.users.service import issue_token, revoke_token

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


def client_address(request: Request) -> str:
    """Who is logging in, for the per-address count of failures (behind a proxy: uvicorn's --proxy-headers)."""
    return request.client.host if request.client else ""


# a refused login (401) and too many tries (429) besides what every route may answer (errors.at_the_edges)
@router.post("/token", response_model=TokenRead, responses=errors.responses(401, 429))
def login(body: Credentials, request: Request, session: DbSession, now: WallNow) -> TokenRead:
    """Log in. A failure is a 401, alike for an unknown user and a wrong password; too many failures for the
    account or from the address a 429 with Retry-After (services.users.throttle)."""
    token = issue_token(
        session,
        username=body.username,
        password=body.password,
        now=now,
        throttle=request.app.state.login_throttle,
        address=client_address(request),
    )
    return TokenRead(access_token=token)


@router.get("/me", response_model=Me)
def me(actor: CurrentActor) -> Me:
    return Me(username=actor.username, role=actor.role.value, jurisdiction_path=actor.jurisdiction_path)


# only a live token may be logged out: an unknown one is a 401, as on any route
@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, dependencies=[Depends(get_actor)])
def logout(token: Bearer, session: DbSession) -> Response:
    """Log out: the token is deleted; every server process refuses it from the next request on."""
    revoke_token(session, token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
