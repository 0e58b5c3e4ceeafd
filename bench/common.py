"""What every benchmark shares: timing, peak memory, the line `bench/run` collects, a throwaway PostgreSQL."""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")


def peak_mb() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def repeated(fn: Callable[[], T], runs: int) -> tuple[T, list[float]]:
    """Run `fn` `runs` times; the last answer and every time (the first is often cold: page cache, JIT)."""
    times = []
    out: T | None = None
    for _ in range(runs):
        out, seconds = timed(fn)
        times.append(seconds)
    assert out is not None
    return out, times


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def say(text: str) -> None:
    print(text, flush=True)


def result(name: str, **figures: Any) -> None:
    """The line `bench/run` reads: one JSON object per benchmark, with its peak memory."""
    figures["peak_mb"] = round(peak_mb())
    print("RESULT " + json.dumps({"bench": name, **figures}), flush=True)


@contextmanager
def throwaway_postgres(port: int = 55490) -> Iterator[str | None]:
    """A PostgreSQL cluster of its own for the run (None when Debian's postgresql is not installed)."""
    script = ROOT / "scripts" / "pg-throwaway"
    env = {**os.environ, "FANGKONG_TEST_PG_PORT": str(port), "FANGKONG_TEST_PG_DIR": f"/tmp/fangkong-bench-pg-{port}"}
    out = subprocess.run([str(script), "start"], env=env, capture_output=True, text=True, check=True).stdout
    if "FANGKONG_TEST_PG_URL=" not in out:
        yield None
        return
    url = out.strip().split("FANGKONG_TEST_PG_URL=", 1)[1]
    try:
        yield url
    finally:
        subprocess.run([str(script), "stop"], env=env, check=False)


def city_arguments(doc: str | None, *extra: tuple[str, dict[str, Any]]) -> argparse.Namespace:
    """The options every city benchmark takes (--city, --pg, --spark) and its own."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--city", type=Path, required=True)
    ap.add_argument("--pg", help="a PostgreSQL URL for the plain-SQL comparison")
    ap.add_argument("--spark", action="store_true", help="the same job on Spark in local mode")
    for flag, options in extra:
        ap.add_argument(flag, **options)
    return ap.parse_args()


def ratio(slow: float, fast: float) -> str:
    return f"{slow / fast:.1f}x" if fast > 0 else "-"
