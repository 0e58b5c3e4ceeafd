"""The benchmarks still run: `bench/run` at the tiny size (no PostgreSQL, no Spark — those comparisons have their
own tests in tests/bulk), each job's answer the same as its comparison's. No time is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.paths import ROOT


def test_bench_run_tiny(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--size",
            "tiny",
            "--no-pg",
            "--no-spark",
            "--only",
            "contacts",
            "population_codes",
            "work_lists",
            "lab_outcomes",
            "--data",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads((ROOT / "build" / "bench-tiny.json").read_text(encoding="utf-8"))
    assert figures["contacts"]["duckdb_agrees"] is True and figures["contacts"]["contacts"] > 0
    assert figures["population_codes"]["duckdb_agrees"] is True
    assert figures["work_lists"]["schedule_agrees"] is True and figures["work_lists"]["per_order_agrees"] is True
    assert figures["lab_outcomes"]["consequences"]
    assert "== summary" in done.stdout


def test_bench_staff_api_tiny() -> None:
    """The staff API's benchmark at a tiny size: a server, a login, each route loaded, every answer audited."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "staff_api.py"), "--persons", "200", "--duration", "1", "--warmup", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(s for s in done.stdout.splitlines() if s.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    assert figures["audit_complete"] is True
    assert figures["person"]["best_rps"] > 0 and figures["token"]["best_rps"] > 0 and figures["bare"]["best_rps"] > 0


def test_city_day_small(tmp_path: Path) -> None:
    """A city's day at a five-hundredth of the scale (more single tubes and more of them positive, so infections
    follow too): the import to its commit, every touched code current and the
    rule's, the next day's retests listed."""
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "city_day.py"),
            "--people",
            "50000",
            "--tubes",
            "4800",
            "--single-every",
            "10",
            "--single-positive",
            "0.01",
            "--data",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    assert figures["tubes"] == 4800 and figures["consequences"]["held"] > 0
    assert figures["consequences"]["infections"] > 0
    assert figures["codes"]["owed"] >= figures["consequences"]["held"]
    assert figures["codes"]["stale"] == 0 and figures["codes"]["wrong"] == 0
    assert figures["work_lists"]["retests_due"] >= figures["consequences"]["held"]
    assert {"codes refreshed", "commit", "next day's work lists"} <= set(figures["stages_s"])
