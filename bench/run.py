"""Every benchmark, from one command, at one size: generate the city, run each benchmark in its own process (so
each reports its own peak memory), and print the figures beside DESIGN.md's targets.

    bench/run [--size tiny|small|medium|full] [--only NAME ...] [--no-pg] [--spark | --no-spark] [--data DIR]
              [--pg-port PORT]

Sizes (residents, scans over 14 days, people under management, lab results, codes behind the lookup):
tiny 5 k / 40 k / 400 / 2 k / 2 k; small 100 k / 1 M / 10 k / 20 k / 20 k; medium 2 M / 10 M / 50 k / 200 k / 100 k;
full 20 M / 100 M / 500 k / 1 M / 200 k — the sizes of the targets. PostgreSQL comparisons run on a throwaway cluster
(Debian's postgresql), Spark in local mode (on by default below `full`, where it takes minutes a job).

Each city benchmark reports its ratio to the best baseline measured in the same run (the fastest that gave the same
answer), with loading and indexing beside the query times, and exits non-zero when a baseline's answer differs;
the run then exits non-zero too. DESIGN.md's targets are judged only at the full size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, say, throwaway_postgres, timed

from fangkong.bulk.city import City, generate, size_named
from fangkong.errors import InvalidInput

LAB_RESULTS = {"tiny": 2_000, "small": 20_000, "medium": 200_000, "full": 1_000_000}
LOOKUP_PERSONS = {"tiny": 2_000, "small": 20_000, "medium": 100_000, "full": 200_000}
LOOKUP_SECONDS = {"tiny": 2, "small": 3, "medium": 10, "full": 10}
SPARK_CHATTER = ("incubator modules", "log4j", "default log level", "setLogLevel", "NativeCodeLoader", "WARN Utils")
BENCHES = ("contacts", "population_codes", "work_lists", "lab_outcomes", "lab_import", "code_lookup")
CITY_BENCHES = ("contacts", "population_codes", "work_lists", "lab_outcomes")

# DESIGN.md section 7 and issue 7: what "fast" means, checked against each run's figures.
TARGETS = {
    "contacts": ("close contacts of 1,000 cases over 100 M scans < 0.5 s", "index_query_s", 0.5),
    "population_codes": ("codes of 20 M residents after a change of areas < 3 s", "numpy_s", 3.0),
    "work_lists": ("work lists for 500 k managed < 1 s", "schedule_s", 1.0),
    "lab_import": ("1 M results with every consequence < 10 s", "import_s", 10.0),
}


def fresh_database(url: str, name: str) -> str:
    """An empty database on the throwaway cluster (the lab benchmark registers its own people and tubes)."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + f"/{name}"


def run_bench(name: str, args: list[str], log: Path, failed: list[str] | None = None) -> dict[str, object] | None:
    """Run one benchmark script; echo and log its output; return its RESULT line (`failed` collects the names of
    those that exit non-zero, as a city benchmark does when a baseline's answer differs from fangkong's)."""
    command = [sys.executable, str(ROOT / "bench" / f"{name}.py"), *args]
    say(f"\n$ {' '.join(command[1:])}")
    found: dict[str, object] | None = None
    with log.open("a", encoding="utf-8") as out:
        out.write(f"\n$ {' '.join(command[1:])}\n")
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
        assert proc.stdout is not None
        for line in proc.stdout:
            if any(noise in line for noise in SPARK_CHATTER):
                continue
            out.write(line)
            if line.startswith("RESULT "):
                found = json.loads(line[len("RESULT ") :])
            else:
                print(line, end="", flush=True)
        if proc.wait() != 0:
            say(f"!! {name} failed (exit {proc.returncode}); see {log}")
            if failed is not None:
                failed.append(name)
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="small")
    ap.add_argument("--only", nargs="+", choices=BENCHES)
    ap.add_argument("--no-pg", action="store_true", help="skip the PostgreSQL comparisons")
    spark = ap.add_mutually_exclusive_group()
    spark.add_argument("--spark", dest="spark", action="store_true", default=None)
    spark.add_argument("--no-spark", dest="spark", action="store_false")
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("FANGKONG_BENCH_DIR", "/tmp/fangkong-bench")))
    ap.add_argument("--seed", type=int, default=20221111)
    ap.add_argument(
        "--pg-port",
        type=int,
        default=int(os.environ.get("FANGKONG_BENCH_PG_PORT", "55490")),
        help="port of the throwaway cluster (default 55490, or $FANGKONG_BENCH_PG_PORT): one per concurrent run",
    )
    args = ap.parse_args()
    size = size_named(args.size)
    with_spark = args.spark if args.spark is not None else size.name != "full"
    chosen = args.only or list(BENCHES)
    args.data.mkdir(parents=True, exist_ok=True)
    log = ROOT / "build" / f"bench-{size.name}.log"
    log.parent.mkdir(exist_ok=True)
    log.write_text(f"bench/run --size {size.name} at {time.strftime('%Y-%m-%d %H:%M:%S')}\n", encoding="utf-8")
    say(f"== fangkong benchmarks, size {size.name}; {os.cpu_count()} cores; data in {args.data}; log in {log}")

    city_dir = args.data / f"city-{size.name}"
    results: dict[str, dict[str, object]] = {}
    failed: list[str] = []
    if set(CITY_BENCHES) & set(chosen):
        existing = city_dir / "city.json"
        try:
            known = City.open(city_dir) if existing.exists() else None
        except InvalidInput:
            known = None
        if known is not None and known.size == size and known.seed == args.seed and known.complete:
            say(f"city: reusing {city_dir}")
        else:
            city, seconds = timed(lambda: generate(city_dir, size, seed=args.seed))
            mb = sum(p.stat().st_size for p in city_dir.rglob("*.parquet")) / 2**20
            say(
                f"city: {city.residents:,} residents, {size.scans:,} scans, generated in {seconds:.0f} s ({mb:,.0f} MB)"
            )
            results["city"] = {"generate_s": round(seconds, 1), "parquet_mb": round(mb)}

    with throwaway_postgres(args.pg_port) if not args.no_pg else nullcontext() as pg:
        if pg is None and not args.no_pg:
            say("(no PostgreSQL installed: the plain-SQL comparisons are skipped)")
        extra = (["--pg", pg] if pg else []) + (["--spark"] if with_spark else [])
        for name in chosen:
            if name in CITY_BENCHES:
                got = run_bench(name, ["--city", str(city_dir), *extra], log, failed)
            elif name == "lab_import":
                lab_db = fresh_database(pg, f"bench_lab_{size.name}") if pg else None
                got = run_bench(
                    name, ["--results", str(LAB_RESULTS[size.name]), *(["--db", lab_db] if lab_db else [])], log
                )
                # SQLite as well: the embedded default
                if pg:
                    sqlite = run_bench(name, ["--results", str(LAB_RESULTS[size.name])], log)
                    if sqlite:
                        results["lab_import_sqlite"] = sqlite
            else:
                lookup = ["--persons", str(LOOKUP_PERSONS[size.name]), "--duration", str(LOOKUP_SECONDS[size.name])]
                got = run_bench(name, lookup, log)
                if pg:
                    on_pg = run_bench(name, [*lookup, "--db", pg], log)
                    if on_pg:
                        results["code_lookup_postgresql"] = on_pg
            if got:
                results[name] = got

    say("\n== summary")
    for name, (what, key, limit) in TARGETS.items():
        figures = results.get(name)
        if not figures or key not in figures:
            continue
        value = float(str(figures[key]))
        # the targets are defined at the full size (20 M residents, 100 M scans, 500 k managed, 1 M results):
        # a smaller city meeting them says nothing about the target
        if size.name == "full":
            mark = "met" if value < limit else "NOT met"
        else:
            mark = f"not judged at this size (the target is for size full; {value:g} s here)"
        say(f"{what}: {value:g} s at size {size.name} — {mark}; peak memory {figures.get('peak_mb')} MB")
    for name in CITY_BENCHES:
        figures = results.get(name)
        if not figures or "best_baseline" not in figures:
            continue
        say(
            f"{name}: fangkong {float(str(figures['fangkong_s'])):g} s; best baseline in the same run "
            f"{figures['best_baseline_name']} {float(str(figures['best_baseline_s'])):g} s; "
            f"ratio {figures['ratio_to_best']}x; every baseline the same answer: {figures['all_agree']}"
        )
    for key in ("code_lookup", "code_lookup_postgresql", "lab_import_sqlite"):
        if key in results:
            say(f"{key}: {json.dumps(results[key])}")
    summary = ROOT / "build" / f"bench-{size.name}.json"
    summary.write_text(json.dumps(results, indent=2), encoding="utf-8")
    say(f"figures: {summary}")
    if failed:
        say(f"!! failed: {', '.join(failed)} (a baseline's answer differs, or the benchmark broke): see {log}")
        sys.exit(1)


if __name__ == "__main__":
    main()
