"""The benchmarks' ratio is to the best baseline of the same run that gave the same answer, and a baseline with
another answer fails the benchmark (issue 14). No time is measured: the figures are made up."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest

from tests.paths import ROOT


def bench_common() -> ModuleType:
    # bench/ is not a package (its scripts put their own folder on sys.path); load the module from its file
    spec = importlib.util.spec_from_file_location("bench_common", ROOT / "bench" / "common.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # a dataclass looks its module up while it is being made
    spec.loader.exec_module(module)
    return module


def test_ratio_is_to_the_fastest_baseline_with_the_same_answer(capsys: pytest.CaptureFixture[str]) -> None:
    common = bench_common()
    baselines = [
        common.Baseline("rule", "per-person rule", 40.0, True, extrapolated=True),
        common.Baseline("pg", "PostgreSQL", 0.030, True, setup_s=120.0, setup="COPY and CREATE INDEX"),
        common.Baseline("duck", "DuckDB", 0.095, True, setup_s=60.0, setup="sorting"),
        common.Baseline("wrong", "fast but wrong", 0.001, False),
    ]
    figures = common.compare(0.015, baselines)
    assert figures["best_baseline"] == "pg"
    assert figures["best_baseline_s"] == 0.03
    assert figures["ratio_to_best"] == 2.0
    assert figures["all_agree"] is False
    assert figures["baselines"]["pg"]["setup_s"] == 120.0  # beside the query time, not in the ratio
    out = capsys.readouterr().out
    assert "same answer: False" in out and "same answer: True" in out


def test_a_baseline_slower_to_beat_reads_as_slower() -> None:
    common = bench_common()
    assert common.speedup(0.3, 0.1) == "3.0x faster"
    assert "slower" in common.speedup(0.1, 0.3)


def test_a_different_answer_fails_the_benchmark() -> None:
    common = bench_common()
    agreeing = [common.Baseline("duck", "DuckDB", 0.1, True)]
    common.finish("ok", {}, agreeing)  # returns
    with pytest.raises(SystemExit) as exited:
        common.finish("bad", {}, [*agreeing, common.Baseline("pg", "PostgreSQL", 0.2, False)])
    assert exited.value.code == 1
