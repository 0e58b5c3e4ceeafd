"""Shared fixtures: the national policy, cheap password hashing, and the stores (tests/stores.py): `db_url`, on
each backend, is a store of the test's own with the small county's jurisdictions and staff."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from fangkong.policy import Policy, load_policy
from tests.stores import BACKENDS, Templates

# The CLI's Rich console fixes its width at import when COLUMNS is set, and the CLI tests widen it per test with
# COLUMNS. pytest-xdist's workers inherit COLUMNS=80 and LINES=24 from the controller's C environment, where GNU
# readline (imported with pdb) put them: without them here, the console reads COLUMNS on each print as in a serial run.
for _name in ("COLUMNS", "LINES"):
    os.environ.pop(_name, None)


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


@pytest.fixture(autouse=True)
def _environment_restored() -> Iterator[None]:
    """Every test leaves the process environment as it found it: `fangkong serve` sets variables for its workers
    (the CSRF secret, Secure cookies behind a proxy), and one leaked into a worker process would change the
    tests that run after it there (a Secure cookie is never sent back over the test client's http)."""
    before = dict(os.environ)
    yield
    if os.environ != before:
        os.environ.clear()
        os.environ.update(before)


@pytest.fixture(scope="session")
def store_templates(tmp_path_factory: pytest.TempPathFactory, _cheap_password_hashing: None) -> Iterator[Templates]:
    """The session's (the xdist worker's) template stores, each migrated and filled once."""
    templates = Templates(tmp_path_factory.mktemp("templates"))
    yield templates
    templates.close()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, store_templates: Templates) -> Iterator[str]:
    """A store of the test's own, migrated, with the small county (tests.stores.TREE) and its staff (USERS)."""
    with store_templates.store(request.param, "small_county", tmp_path) as url:
        yield url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (scripts/test runs `-n auto --dist loadgroup`), the tests on Spark share one worker:
    each worker that needed the `spark` fixture would start a JVM of its own (~20 s, 2 GiB)."""
    for item in items:
        if "spark" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("spark"))
