"""Login and sessions (issue 17): failed logins are limited per account and per address (429 with Retry-After, a
temporary lockout), a failed login is a 401 alike for an unknown user and a wrong password and costs the same work,
logout ends a token for good, and tokens expire on the real clock whatever the drill's clock says."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from fastapi import FastAPI

from fangkong.services.users import service
from fangkong.services.users.throttle import LoginLimits, LoginThrottle, login_limits
from tests.api.helpers import Api, Clock, error
from tests.stores import PASSWORD


def app_of(api: Api) -> FastAPI:
    return cast(FastAPI, api.client.app)


def log_in(api: Api, username: str, password: str) -> Any:
    return api.client.post("/api/auth/token", json={"username": username, "password": password})


def wall_clock_moved(api: Api, by: timedelta) -> Callable[[], datetime]:
    """The app's real-time clock, `by` ahead of the system's."""

    def moved() -> datetime:
        return datetime.now(UTC) + by

    app_of(api).state.wall_clock = moved
    return moved


def test_an_account_is_locked_after_five_failures_with_429_and_retry_after(api: Api) -> None:
    answers = [log_in(api, "epi", f"wrong horse {i}") for i in range(8)]
    assert [r.status_code for r in answers] == [401] * 5 + [429] * 3
    locked = answers[-1]
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert "too many failed logins" in error(locked)["message"]
    # the lockout holds for the right password too, and for no other account
    assert log_in(api, "epi", PASSWORD).status_code == 429
    assert log_in(api, "viewer", PASSWORD).status_code == 200


def test_an_address_is_limited_across_accounts(api: Api) -> None:
    codes = [log_in(api, f"nobody{i}", "wrong horse battery").status_code for i in range(25)]
    assert codes == [401] * 20 + [429] * 5
    # from that address even a right password waits: the guesser may have found one
    assert log_in(api, "viewer", PASSWORD).status_code == 429


def test_a_success_forgives_the_account_s_failures_and_a_fresh_limiter_forgets_all(api: Api) -> None:
    for _ in range(4):
        assert log_in(api, "epi", "wrong horse battery").status_code == 401
    assert log_in(api, "epi", PASSWORD).status_code == 200
    assert [log_in(api, "epi", "wrong horse battery").status_code for _ in range(5)] == [401] * 5
    assert log_in(api, "epi", PASSWORD).status_code == 429
    app_of(api).state.login_throttle = LoginThrottle(LoginLimits(per_account="2/minute"))
    assert [log_in(api, "epi", "wrong horse battery").status_code for _ in range(3)] == [401, 401, 429]


def test_the_limits_are_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert login_limits() == LoginLimits("5/15 minutes", "20/15 minutes")
    monkeypatch.setenv("FANGKONG_LOGIN_LIMIT_ACCOUNT", "3/hour")
    monkeypatch.setenv("FANGKONG_LOGIN_LIMIT_ADDRESS", "50/day")
    assert login_limits() == LoginLimits("3/hour", "50/day")


def test_a_failed_login_is_401_alike_and_costs_one_verification(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    verified: list[str] = []
    hasher = service._hasher

    class Counting:
        def verify(self, hash: str, password: str) -> bool:
            verified.append(hash)
            return hasher.verify(hash, password)

        def hash(self, password: str) -> str:  # the unknown user's stand-in hash, made on first need
            return hasher.hash(password)

    monkeypatch.setattr(service, "_hasher", Counting())
    wrong = log_in(api, "epi", "wrong horse battery")
    assert len(verified) == 1
    unknown = log_in(api, "nobody", PASSWORD)
    assert len(verified) == 2  # an unknown user costs an argon2 verification too: the time tells nothing
    assert wrong.status_code == unknown.status_code == 401
    assert (
        error(wrong) == error(unknown) == {"field": None, "message": "unknown user or wrong password", "clause": None}
    )
    assert "access_token" not in wrong.json()


def test_a_token_lives_on_the_real_clock_not_the_drill_s(api: Api, clock: Clock) -> None:
    headers = api.as_("epi")
    clock.today += timedelta(days=30)  # the drill moves on: the token does not age with it
    assert api.client.get("/api/auth/me", headers=headers).status_code == 200
    wall_clock_moved(api, timedelta(hours=11))
    assert api.client.get("/api/auth/me", headers=headers).status_code == 200
    wall_clock_moved(api, timedelta(hours=13))  # a frozen drill clock does not make it immortal
    assert api.client.get("/api/auth/me", headers=headers).status_code == 401
    r = log_in(api, "epi", PASSWORD)
    assert api.client.get("/api/auth/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"}).is_success


def test_logout_ends_the_token_and_only_that_one(api: Api) -> None:
    first = {"Authorization": f"Bearer {log_in(api, 'epi', PASSWORD).json()['access_token']}"}
    second = {"Authorization": f"Bearer {log_in(api, 'epi', PASSWORD).json()['access_token']}"}
    assert api.client.post("/api/auth/logout", headers=first).status_code == 204
    assert api.client.get("/api/auth/me", headers=first).status_code == 401
    assert api.client.post("/api/auth/logout", headers=first).status_code == 401
    assert api.client.get("/api/auth/me", headers=second).status_code == 200


def test_the_workers_of_one_server_share_the_count(api: Api, db_url: str, clock: Clock) -> None:
    """`fangkong serve --workers N` runs N apps on one store: the failures were counted in each process, so N
    workers allowed N times as many guesses. They are the store's now: failures spread over two apps lock the
    account in both."""
    from fastapi.testclient import TestClient
    from sqlalchemy import func, select

    from fangkong.api.app import create_app
    from fangkong.services.store import session_factory, unit_of_work
    from fangkong.services.users.models import LoginFailure

    other = create_app(db_url, clock=clock)
    try:
        with TestClient(other) as second:
            codes = []
            for i in range(6):
                client = api.client if i % 2 == 0 else second
                codes.append(
                    client.post("/api/auth/token", json={"username": "epi", "password": f"no {i}"}).status_code
                )
            assert codes == [401] * 5 + [429]
            assert log_in(api, "epi", PASSWORD).status_code == 429
            again = second.post("/api/auth/token", json={"username": "epi", "password": PASSWORD})
            assert again.status_code == 429 and int(again.headers["Retry-After"]) > 0
        with unit_of_work(session_factory(other.state.engine)) as session:
            # one row a failure, for the account and for the address: the table holds the window, nothing older
            assert session.scalar(select(func.count()).select_from(LoginFailure)) == 10
    finally:
        other.state.engine.dispose()


def test_the_store_s_window_is_limits_moving_window(api: Api) -> None:
    """The store storage answers as `limits`' own memory storage does for the same hits."""
    from limits import parse
    from limits.storage import MemoryStorage
    from limits.strategies import MovingWindowRateLimiter

    from fangkong.services.users.throttle import StoreStorage

    item = parse("3/minute")
    store = MovingWindowRateLimiter(StoreStorage(app_of(api).state.engine))
    memory = MovingWindowRateLimiter(MemoryStorage())
    for limiter in (store, memory):
        assert [limiter.hit(item, "account", "x") for _ in range(4)] == [True, True, True, False]
        assert limiter.test(item, "account", "y") and not limiter.test(item, "account", "x")
        stats = limiter.get_window_stats(item, "account", "x")
        assert stats.remaining == 0 and 0 < stats.reset_time - time.time() <= 60
        limiter.clear(item, "account", "x")
        assert limiter.test(item, "account", "x")
