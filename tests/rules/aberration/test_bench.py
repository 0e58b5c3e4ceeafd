"""The early-warning benchmark still runs (measure 15): `bench/aberration.py` at a tiny size, every baseline (the
per-series rule, and R surveillance's earsC where R is installed) giving the bulk pass's answer. No time is
asserted."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.paths import ROOT


def test_bench_aberration_tiny() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "aberration.py"), "--communities", "5", "--sample", "4", "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(s for s in done.stdout.splitlines() if s.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    assert figures["series"] == 30
    for method in ("ears-c1", "ears-c2", "ears-c3"):
        assert figures[method]["all_agree"] is True
        assert figures[method]["ratio_to_best"] > 0
