"""The suite's xdist groups hold (tests/conftest.py): under `-n 2 --dist loadgroup`, the tests of one group run on
one worker — the Spark tests on one JVM, a module's fixture set up once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_group_runs_on_one_worker(tmp_path: Path) -> None:
    out = tmp_path / "workers.txt"
    env = {**os.environ, "FANGKONG_XDIST_PROBE": str(out)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/xdist_probe/probe_group.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    workers = {line.split()[1] for line in out.read_text().splitlines()}
    assert len(out.read_text().splitlines()) == 6
    assert len(workers) == 1 and workers != {"none"}, workers
