"""`bench/sim_covasim.py` and `bench/sim_cai.py` still run (tiny cities, fangkong's side only; no time asserted)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from tests.bench_run import run_bench
from tests.paths import ROOT


def test_sim_covasim_help() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "sim_covasim.py"), "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Covasim" in done.stdout and "--speed-population" in done.stdout


@pytest.mark.skipif(importlib.util.find_spec("covasim") is not None, reason="Covasim installed: the run is long")
def test_sim_covasim_runs_fangkong_side_without_covasim() -> None:
    figures, out = run_bench("sim_covasim.py", "--population", "3000", "--days", "40", "--seeds", "1", "--no-speed")
    assert "Covasim not installed" in out
    cross = figures["crosscheck"]
    assert figures["bench"] == "sim_covasim" and figures["covasim"] is None
    assert cross["population"] == 3000 and cross["r0"] > 0 and 0 <= cross["fangkong"]["attack_rate"] <= 1


def test_sim_cai_runs_tiny() -> None:
    figures, _ = run_bench("sim_cai.py", "--population", "3000", "--days", "40", "--seeds", "1")
    assert figures["bench"] == "sim_cai" and figures["population"] == 3000
    table = figures["table"]
    for name in ("new_symptomatic", "ward_admissions", "icu_admissions", "deaths"):
        assert table[name]["cai"] > 0 and table[name]["fangkong"] >= 0
    # the spring-2022 coverage: boosted never above fully vaccinated, the 80+ band the NHC's 50.7 %
    assert all(b <= v for b, v in zip(figures["boosted"], figures["vaccinated"], strict=True))
    assert figures["vaccinated"][-1] == pytest.approx(0.507)
