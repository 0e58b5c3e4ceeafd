"""Running a benchmark script of `bench/` as a test does: in a process of its own, its `RESULT {...}` line parsed."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from tests.paths import ROOT


def run_bench(script: str, *args: str, timeout: int = 300) -> tuple[dict[str, Any], str]:
    """`bench/<script>` with `args`: its figures (the RESULT line) and its whole standard output. Fails the test with
    the script's output where it exits non-zero or prints no RESULT line."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert line is not None, done.stdout + done.stderr
    return dict(json.loads(line.removeprefix("RESULT "))), done.stdout
