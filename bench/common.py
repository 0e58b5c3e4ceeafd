"""What every benchmark shares: timing, peak memory, the line `bench/run` collects, a throwaway PostgreSQL."""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


# --- Fair ratios (issue 14): every ratio is to the best baseline measured in the same run ---------------------------


@dataclass
class Baseline:
    """One way a user would otherwise get the same answer, measured in this run.

    `seconds` is the figure a ratio may use: the query alone, after whatever loading, sorting or indexing the
    baseline was given (`setup_s`, reported beside it and never folded into a ratio — fangkong's own loading is
    reported the same way). A baseline timed on a sample and extrapolated keeps `extrapolated` so the output says so.
    """

    key: str  # short name in the RESULT json
    name: str  # how the output names it
    seconds: float
    agrees: bool
    setup_s: float | None = None
    setup: str = ""  # what `setup_s` paid for
    detail: str = ""  # anything else the line should say (the server's time against the fetch, a sample's size)
    extrapolated: bool = False

    def shown(self) -> str:
        return f"{self.seconds * 1000:.1f} ms" if self.seconds < 1 else f"{self.seconds:,.2f} s"

    def line(self) -> str:
        parts = [f"{self.name}: {self.shown()}"]
        if self.extrapolated:
            parts.append("(extrapolated)")
        if self.setup_s is not None:
            parts.append(f"after {self.setup_s:,.1f} s of {self.setup or 'setup'}")
        if self.detail:
            parts.append(f"[{self.detail}]")
        return " ".join(parts) + f"; same answer: {self.agrees}"

    def figures(self) -> dict[str, object]:
        out: dict[str, object] = {"s": round(self.seconds, 4), "agrees": self.agrees}
        if self.setup_s is not None:
            out["setup_s"] = round(self.setup_s, 2)
            out["setup"] = self.setup
        if self.extrapolated:
            out["extrapolated"] = True
        return out


def speedup(baseline_s: float, fangkong_s: float) -> str:
    """A ratio that reads the right way round when fangkong is the slower one (below 1x)."""
    if fangkong_s <= 0:
        return "-"
    r = baseline_s / fangkong_s
    return f"{r:.1f}x faster" if r >= 1 else f"{r:.2f}x (fangkong is {1 / r:.1f}x slower)"


def say_baseline(b: Baseline) -> Baseline:
    say(b.line())
    return b


def postgres_indexed(
    label: str, server_s: float, fetch_s: float, agree: bool, *, load_s: float, index_s: float, detail: str
) -> tuple[Baseline, dict[str, Any]]:
    """The indexed PostgreSQL baseline of a bench, said, and its RESULT figures: the smaller of the server's time
    and Python's fetch counts; loading and indexing are reported beside it."""
    best = min(server_s, fetch_s)
    baseline = say_baseline(
        Baseline(
            "postgresql_indexed",
            label,
            best,
            agree,
            setup_s=load_s + index_s,
            setup=f"loading ({load_s:.1f} s of COPY, {index_s:.1f} s of CREATE INDEX)",
            detail=f"{detail}; the smaller counts",
        )
    )
    figures = {
        "pg_s": round(best, 4),
        "pg_server_s": round(server_s, 4),
        "pg_fetch_s": round(fetch_s, 4),
        "pg_load_s": round(load_s, 1),
        "pg_index_s": round(index_s, 1),
        "pg_agrees": agree,
    }
    return baseline, figures


def compare(fangkong_s: float, baselines: list[Baseline], what: str = "fangkong") -> dict[str, object]:
    """Print every baseline and the one ratio that counts: to the fastest baseline that gave the same answer.

    Returns the RESULT figures: each baseline's time and agreement, the best one's name and time, the ratio."""
    say(f"-- {what} {fangkong_s * 1000:.1f} ms against every baseline in this run:")
    for b in sorted(baselines, key=lambda b: b.seconds):
        mark = "  " if b.agrees else "!!"
        extra = ", extrapolated" if b.extrapolated else ""
        said = speedup(b.seconds, fangkong_s)
        say(f" {mark} {b.name}: {b.shown()}{extra} (same answer: {b.agrees}); fangkong {said}")
    figures: dict[str, object] = {
        "fangkong_s": round(fangkong_s, 4),
        "baselines": {b.key: b.figures() for b in baselines},
        "all_agree": all(b.agrees for b in baselines),
    }
    fair = [b for b in baselines if b.agrees and not b.extrapolated] or [b for b in baselines if b.agrees]
    if fair:
        best = min(fair, key=lambda b: b.seconds)
        figures |= {
            "best_baseline": best.key,
            "best_baseline_name": best.name,
            "best_baseline_s": round(best.seconds, 4),
            "ratio_to_best": round(best.seconds / fangkong_s, 2) if fangkong_s > 0 else None,
        }
        shown = speedup(best.seconds, fangkong_s)
        say(f"best baseline in this run: {best.name}, {best.seconds:.3g} s: fangkong {shown}")
    else:
        say("best baseline in this run: none gave the same answer")
    return figures


def finish(name: str, figures: dict[str, object], baselines: list[Baseline]) -> None:
    """The RESULT line, then a non-zero exit when any baseline's answer differs from fangkong's: a ratio to a
    different answer means nothing, and `bench/run` must not report it as a result."""
    result(name, **figures)
    wrong = [b.name for b in baselines if not b.agrees]
    if wrong:
        say(f"!! {name}: not the same answer as fangkong: {', '.join(wrong)}")
        sys.exit(1)


def pg_server_seconds(conn: Any, sql: str) -> float:
    """PostgreSQL's own time for a query (planning and execution, from EXPLAIN ANALYZE), without sending the rows
    to a client or Python building them. TIMING OFF: per-node clocks would add their own cost to the figure."""
    from fangkong.bulk.engines import postgres_sql

    row = conn.execute(f"EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) {postgres_sql(sql)}").fetchone()
    plan = row[0][0] if isinstance(row[0], list) else json.loads(row[0])[0]
    return (float(plan["Planning Time"]) + float(plan["Execution Time"])) / 1000


def pg_indexes(engine: Any, *indexes: tuple[str, ...]) -> None:
    """CREATE INDEX for each (table, column, ...): the indexes a DBA would add for the benchmark's query."""
    for table, *columns in indexes:
        engine.index(table, *columns)
