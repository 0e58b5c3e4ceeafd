"""What routes depend on: the request's transaction, the acting user, the application's clock and policy, and
today's date in the jurisdiction."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from fangkong.errors import Unauthenticated
from fangkong.policy import Policy
from fangkong.services.access import Actor
from fangkong.services.calendar import local_day
from fangkong.services.store import unit_of_work
from fangkong.services.users.service import actor_for_token


def get_session(request: Request) -> Iterator[Session]:
    sessions: sessionmaker[Session] = request.app.state.sessions
    with unit_of_work(sessions) as session:
        yield session


# committed when the route returns, before the response is sent (FastAPI's default scope would commit after
# it): a client that follows a redirect at once — the console's login — must find what the request wrote
DbSession = Annotated[Session, Depends(get_session, scope="function")]


def get_now(request: Request) -> datetime:
    """The application's clock: a drill's or a test's fixed day, else the system's."""
    now: datetime = request.app.state.clock()
    return now


Now = Annotated[datetime, Depends(get_now)]


def get_wall_now(request: Request) -> datetime:
    """The real time, a drill's or not: API tokens are issued and expire on it."""
    now: datetime = request.app.state.wall_clock()
    return now


WallNow = Annotated[datetime, Depends(get_wall_now)]


def get_today(now: Now) -> date:
    """The calendar day in the jurisdiction's zone (Asia/Shanghai): what "today's list" means to staff."""
    return local_day(now)


Today = Annotated[date, Depends(get_today)]


def get_policy(request: Request) -> Policy:
    """The rule set the application was started with: set once, passed to every service that decides, so a
    draft version or a local overlay can be served without touching the national one."""
    policy: Policy = request.app.state.policy
    return policy


Rules = Annotated[Policy, Depends(get_policy)]


# declared as the OpenAPI's security scheme (the Authorize button of /docs); a missing or malformed header is the
# project's own 401 body (auto_error would answer FastAPI's {"detail"} with a 403)
bearer_scheme = HTTPBearer(auto_error=False, description="a token from POST /api/auth/token")


def get_bearer(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]) -> str:
    """The API token the request carries."""
    if credentials is None or not credentials.credentials.strip():
        raise Unauthenticated("send Authorization: Bearer <token> (POST /api/auth/token)")
    return credentials.credentials.strip()


Bearer = Annotated[str, Depends(get_bearer)]


def get_actor(request: Request, session: DbSession, now: WallNow, token: Bearer) -> Actor:
    actor = actor_for_token(session, token, now=now)
    if actor is None:
        raise Unauthenticated("the token is unknown or expired")
    request.state.actor = actor  # a refusal of the rules is recorded under this actor (errors.py)
    return actor


CurrentActor = Annotated[Actor, Depends(get_actor)]
