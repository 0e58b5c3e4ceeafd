"""`bench/sim_speed.py` still runs (a tiny city; no time asserted)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.paths import ROOT


def test_sim_speed_runs_tiny() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "sim_speed.py"), "--population", "3000", "--days", "10", "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    assert figures["bench"] == "sim_speed" and figures["population"] == 3000
    assert figures["m20_infections"] <= figures["none_infections"]


def test_sim_sensitivity_runs_tiny() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "sim_sensitivity.py"),
            "--population",
            "2000",
            "--days",
            "8",
            "--seeds",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    assert figures["bench"] == "sim_sensitivity" and len(figures["rows"]) == 10
    assert "| defaults |" in done.stdout


def test_sim_xp_names_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "sim_xp_names.py")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    assert figures["outside_the_checked_set"] == [] and "bincount" in figures["used"]
