"""The password policy (issue 17: "length alone accepted `1111111111` and ten spaces"): what a guesser tries first
is refused whatever its length — on every path that sets a password (services, API, console, CLI)."""

from __future__ import annotations

import pytest

from fangkong.errors import InvalidInput
from fangkong.services.users.passwords import DEMO_PASSWORD, check_password

REFUSED = {
    "short1": "at least 10 characters",
    "1111111111": "too few different characters",
    " " * 10: "only whitespace",
    "\t \t \t \t \t ": "only whitespace",
    "abababababab": "too few different characters",
    "1234567890": "a run of a sequence",
    "0987654321": "a run of a sequence",
    "abcdefghij": "a run of a sequence",
    "ABCDEFGHIJKL": "a run of a sequence",
    "qwertyuiop": "a run of a sequence",
    "1234512345": "a run of a sequence",
    "password123": "one of the most common passwords",
    "Password123!": "one of the most common passwords",
    "iloveyou2022": "one of the most common passwords",
    "woaini1314!!": "one of the most common passwords",
    "i am worker_a, hi": "contains the username",
    DEMO_PASSWORD: "the demo's published password",
    "my fangkong-demo 2": "the demo's published password",
}


@pytest.mark.parametrize("password", REFUSED)
def test_a_guessable_password_is_refused_saying_why(password: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_password(password, username="worker_a")
    assert refused.value.field == "password"
    assert refused.value.message.startswith(REFUSED[password])


@pytest.mark.parametrize("password", ["correct horse battery", "Tr0ub4dor&3x-k", "青松 water 2022 灯笼"])
def test_a_password_of_one_s_own_is_accepted(password: str) -> None:
    check_password(password, username="worker_a")


def test_the_demo_s_own_accounts_carry_the_demo_password() -> None:
    check_password(DEMO_PASSWORD, username="epi", demo=True)
