"""Run only by tests/test_xdist_groups.py, under pytest-xdist: six tests in one group, each writing its worker."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("probe")


@pytest.mark.parametrize("i", range(6))
def test_worker_of(i: int) -> None:
    out = Path(os.environ["FANGKONG_XDIST_PROBE"])
    with out.open("a") as f:
        f.write(f"{i} {os.environ.get('PYTEST_XDIST_WORKER', 'none')}\n")
