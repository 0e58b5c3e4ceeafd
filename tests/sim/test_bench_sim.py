"""The simulator's benchmarks still run (a tiny city; no time asserted)."""

from __future__ import annotations

from tests.bench_run import run_bench


def test_sim_speed_runs_tiny() -> None:
    figures, _ = run_bench("sim_speed.py", "--population", "3000", "--days", "10", "--runs", "1", "--no-covasim")
    assert figures["bench"] == "sim_speed" and figures["population"] == 3000
    assert figures["m20_infections"] <= figures["none_infections"]


def test_sim_sensitivity_runs_tiny() -> None:
    figures, out = run_bench("sim_sensitivity.py", "--population", "2000", "--days", "8", "--seeds", "2")
    assert figures["bench"] == "sim_sensitivity" and len(figures["rows"]) == 10
    assert "| defaults |" in out


def test_sim_xp_names_runs() -> None:
    figures, _ = run_bench("sim_xp_names.py")
    assert figures["outside_the_checked_set"] == [] and "bincount" in figures["used"]
