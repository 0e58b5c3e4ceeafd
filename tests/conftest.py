"""Shared fixtures: the national policy, and where the case files are."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fangkong.policy import Policy, load_policy

ROOT = Path(__file__).resolve().parents[1]
PROJECT_CASES = sorted((ROOT / "cases").glob("*.yaml"))
SHARED_CASES = sorted((ROOT.parent / "shared" / "cases").glob("*.yaml"))


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy()


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Argon2 with its production cost takes ~50 ms a hash; the tests create and log in hundreds of users.
    The cost parameters travel inside each hash, so verification follows whatever created it."""
    from argon2 import PasswordHasher

    from fangkong.services.users import service

    production = service._hasher
    service._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    service._hasher = production
