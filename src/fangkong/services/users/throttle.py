"""Failed logins, counted per account and per client address: past the limit, logins are refused for a while.

GB/T 22239-2019 (multi-level protection) 8.1.4.1 b): a system "shall handle failed logins, limit the number of
illegal login attempts" — an unlimited guesser tries a whole password list against one account (the per-account
limit, a temporary lockout) or one password against every account (the per-address limit). Only failures count, so
a worker who logs in many times a day is never slowed; a success clears its account's count, never its address's
(one known password must not buy an address more guesses). The counts live in the process (`limits`' memory
storage, a moving window): one server process is the deployment this serves, and a restart forgives.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from fangkong.errors import TooManyAttempts


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


class LoginThrottle:
    """One per application (`app.state.login_throttle`), shared by the API's and the console's login."""

    def __init__(self, limits: LoginLimits | None = None) -> None:
        chosen = limits or LoginLimits()
        self.limits = chosen
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
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
