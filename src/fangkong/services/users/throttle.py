"""Failed logins, counted per account and per client address: past the limit, logins are refused for a while.

GB/T 22239-2019 (multi-level protection) 8.1.4.1 b): a system "shall handle failed logins, limit the number of
illegal login attempts" — an unlimited guesser tries a whole password list against one account (the per-account
limit, a temporary lockout) or one password against every account (the per-address limit). Only failures count, so
a worker who logs in many times a day is never slowed; a success clears its account's count, never its address's
(one known password must not buy an address more guesses). The counts are `limits`' moving window over a storage:
the store itself for a server (`StoreStorage`, table `login_failure`), so that every worker process of `fangkong
serve --workers N` counts the same failures and a restart forgives nothing; memory where no store is given.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, MovingWindowSupport, Storage
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError

from fangkong.errors import TooManyAttempts
from fangkong.services.users.models import LoginFailure


@dataclass(frozen=True)
class LoginLimits:
    """How many failed logins a window allows (the `limits` notation, e.g. "5/15 minutes")."""

    per_account: str = "5/15 minutes"
    per_address: str = "20/15 minutes"


def login_limits() -> LoginLimits:
    """The limits of the settings: $FANGKONG_LOGIN_LIMIT_ACCOUNT (default "5/15 minutes") and
    $FANGKONG_LOGIN_LIMIT_ADDRESS (default "20/15 minutes")."""
    default = LoginLimits()
    return LoginLimits(
        per_account=os.environ.get("FANGKONG_LOGIN_LIMIT_ACCOUNT") or default.per_account,
        per_address=os.environ.get("FANGKONG_LOGIN_LIMIT_ADDRESS") or default.per_address,
    )


class StoreStorage(Storage, MovingWindowSupport):
    """`limits`' storage in fangkong's store: a moving window is the rows of a key younger than its expiry.

    Only the moving window is used (`MovingWindowRateLimiter`); the fixed-window counters `Storage` also declares
    count the same rows. Each entry is acquired in one transaction (SQLite's write lock, PostgreSQL's row insert):
    two workers racing on one key may each see the window one short of full, so the limit can be passed by the
    number of workers at most once — never multiplied by it, as counts in each process were."""

    STORAGE_SCHEME = None  # made with an engine, never from a URI

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def _window(self, key: str, expiry: int, now: float) -> tuple[float | None, int]:
        with self.engine.connect() as conn:
            oldest, count = conn.execute(
                select(func.min(LoginFailure.at), func.count()).where(
                    LoginFailure.key == key, LoginFailure.at >= now - expiry
                )
            ).one()
        return oldest, int(count)

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = time.time()
        with self.engine.begin() as conn:
            # the key's expired rows go first: the table holds one window of failures, not their history
            conn.execute(delete(LoginFailure).where(LoginFailure.key == key, LoginFailure.at < now - expiry))
            count = conn.scalar(select(func.count()).where(LoginFailure.key == key)) or 0
            if count + amount > limit:
                return False
            conn.execute(insert(LoginFailure), [{"key": key, "at": now}] * amount)
        return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        oldest, count = self._window(key, expiry, now)
        return (now if oldest is None else oldest), min(count, limit)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self.engine.begin() as conn:
            conn.execute(insert(LoginFailure), [{"key": key, "at": now}] * amount)
        return self.get(key)

    def get(self, key: str) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).where(LoginFailure.key == key)) or 0)

    def get_expiry(self, key: str) -> float:
        return time.time()

    def check(self) -> bool:
        with self.engine.connect() as conn:
            conn.execute(select(func.count()).select_from(LoginFailure))
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as conn:
            return conn.execute(delete(LoginFailure)).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(LoginFailure).where(LoginFailure.key == key))


class LoginThrottle:
    """One per application (`app.state.login_throttle`), shared by the API's and the console's login; with an
    `engine`, the counts are the store's (every process of the server shares them), else this process's."""

    def __init__(self, limits: LoginLimits | None = None, *, engine: Engine | None = None) -> None:
        chosen = limits or LoginLimits()
        self.limits = chosen
        self._limiter = MovingWindowRateLimiter(MemoryStorage() if engine is None else StoreStorage(engine))
        self._account: RateLimitItem = parse(chosen.per_account)
        self._address: RateLimitItem = parse(chosen.per_address)

    def _keys(self, username: str, address: str) -> tuple[tuple[RateLimitItem, str, str], ...]:
        # a username as typed, bounded: a megabyte-long name is not kept as a key
        return ((self._account, "account", username[:100]), (self._address, "address", address))

    def check(self, username: str, address: str) -> None:
        """Refuse (TooManyAttempts, with the seconds to wait) while the account or the address is over its limit."""
        waits = [
            math.ceil(self._limiter.get_window_stats(item, kind, key).reset_time - time.time())
            for item, kind, key in self._keys(username, address)
            if not self._limiter.test(item, kind, key)
        ]
        if waits:
            raise TooManyAttempts(max(1, *waits))

    def failed(self, username: str, address: str) -> None:
        for item, kind, key in self._keys(username, address):
            self._limiter.hit(item, kind, key)

    def succeeded(self, username: str) -> None:
        self._limiter.clear(self._account, "account", username[:100])
