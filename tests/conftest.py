"""Shared fixtures: the national policy, and where the case files are."""

from __future__ import annotations

from pathlib import Path

import pytest

from fangkong.policy import Policy, load_policy

ROOT = Path(__file__).resolve().parents[1]
PROJECT_CASES = sorted((ROOT / "cases").glob("*.yaml"))
SHARED_CASES = sorted((ROOT.parent / "shared" / "cases").glob("*.yaml"))


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy()
