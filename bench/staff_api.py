"""The staff API under load (issue 14): an authenticated, scope-checked, audited read of one person beside a bare
route, the real server in its own process, load from a second process on loopback.

    .venv/bin/python bench/staff_api.py [--persons 100000] [--db URL] [--duration 10] [--connections 32]
                                        [--workers 1] [--repeat 1] [--warmup 2] [--python-load]

Builds the store as bench/code_lookup.py does (the demo county plus `--persons` residents, everyone's code stored
for 16 Nov 2022): SQLite in a temporary directory, or a scratch database on the PostgreSQL server `--db` names.
Then `fangkong serve --today 2022-11-16` on a spare port of 127.0.0.1, a login as the demo's `command` account, and
for each route a warm-up and `--repeat` fixed-duration runs (wrk when installed, else bench/code_lookup.py's Python
driver), each request drawing a person id or a token at random from every resident:

- bare: `GET /api/health` — no login, no store, a constant answer through the same app, middleware and router
  (what any route behind FastAPI's router costs at least);
- person: `GET /api/persons/{id}` — login checked, scope checked, the read audited;
- token: `GET /api/health-codes/token/{token}` — the staff's lookup of a code with its reasons, likewise.

The audit is checked after every run: the server writes one log line per answer (`api/request_log.py`), so the
200s it sent for a route are counted exactly, and the audit log must have grown by exactly that many `read`
entries on persons (none for the bare route). wrk counts fewer: answers in flight when it stops are not counted by
it, though the server sent them. A missing row fails the run (exit status 1) after the figures are printed. The
entries a batch commits share one instant, so the distinct instants count the commits (reads per commit).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from code_lookup import Run, build, ensure_wrk, load, loadavg, login, scratch_store, server

BARE = "/api/health"
PERSON = "/api/persons/"
TOKEN = "/api/health-codes/token/"
ROUTES = {"bare": BARE, "person": "/api/persons/{person_id}", "token": "/api/health-codes/token/{token}"}


@dataclass
class Audited:
    """What the server answered and what the audit log gained during one run."""

    answered_200: int
    audit_rows: int
    audited: bool  # the route reads personal data: one audit row an answer (else none)

    @property
    def ok(self) -> bool:
        return self.audit_rows == (self.answered_200 if self.audited else 0)


def person_ids(url: str) -> list[int]:
    from sqlalchemy import select

    from fangkong.services.persons.models import Person
    from fangkong.services.store import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.scalars(select(Person.id).order_by(Person.id)))
    finally:
        engine.dispose()


def audit_reads(url: str) -> int:
    """Entries of a person's record being read (the only entries a read of the staff API writes)."""
    from sqlalchemy import func, select

    from fangkong.services.audit.models import AuditEntry
    from fangkong.services.store import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            stmt = select(func.count()).where(AuditEntry.action == "read", AuditEntry.entity == "person")
            return int(conn.scalar(stmt) or 0)
    finally:
        engine.dispose()


def commits(url: str, after_id: int) -> int:
    """The transactions the audit entries after `after_id` were committed in: a batch stamps its entries with one
    instant, and the routes stamp each entry with its own."""
    from sqlalchemy import distinct, func, select

    from fangkong.services.audit.models import AuditEntry
    from fangkong.services.store import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count(distinct(AuditEntry.at))).where(AuditEntry.id > after_id)) or 0)
    finally:
        engine.dispose()


def last_entry(url: str) -> int:
    from sqlalchemy import func, select

    from fangkong.services.audit.models import AuditEntry
    from fangkong.services.store import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.max(AuditEntry.id))) or 0)
    finally:
        engine.dispose()


def answered(log: Path, route: str) -> int:
    """The 200s the server sent on `route` so far, from its request log (one JSON line per answer)."""
    count = 0
    with log.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if '"event": "request"' not in line:
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            count += entry.get("route") == route and entry.get("status") == 200
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--db", default=None, help="a PostgreSQL server's URL (a scratch database is made on it)")
    parser.add_argument("--duration", type=float, default=10, help="seconds per run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each route")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of load on each route before its runs")
    parser.add_argument("--python-load", action="store_true", help="the Python load generator even if wrk is here")
    args = parser.parse_args()

    print(f"before: {loadavg()}", flush=True)
    wrk = None if args.python_load else ensure_wrk()
    print(f"load generator: {wrk or 'Python (keep-alive connections, uvloop)'}", flush=True)
    failures: list[str] = []
    with scratch_store(args.db) as url, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        tokens = build(url, args.persons)
        ids = person_ids(url)
        files = {"bare": work / "bare.txt", "person": work / "persons.txt", "token": work / "tokens.txt"}
        files["bare"].write_text("\n")  # one empty suffix: the path is the prefix alone
        files["person"].write_text("\n".join(map(str, ids)) + "\n")
        files["token"].write_text("\n".join(tokens) + "\n")
        prefixes = {"bare": BARE, "person": PERSON, "token": TOKEN}
        common = {"duration": args.duration, "connections": args.connections, "threads": args.threads, "work": work}
        log = work / "server.log"
        summary: dict[str, object] = {
            "bench": "staff_api",
            "store": url.split(":")[0],
            "persons": len(ids),
            "connections": args.connections,
            "workers": args.workers,
            "duration_s": args.duration,
        }
        print(
            f"\n== fangkong serve --workers {args.workers}; {args.connections} connections, {args.duration:.0f} s a "
            f"run, {len(ids):,} persons and {len(tokens):,} tokens drawn at random; {loadavg()}",
            flush=True,
        )
        with server(url, args.workers, log) as served:
            headers = login(served.base)
            best: dict[str, Run] = {}
            for name in ("bare", "person", "token"):
                auth = None if name == "bare" else headers
                load(
                    wrk,
                    served,
                    prefixes[name],
                    files[name],
                    label="warm-up",
                    headers=auth,
                    **common | {"duration": args.warmup},
                )
                runs = []
                for i in range(args.repeat):
                    sent_before, audit_before = settled(log, name, url)
                    last = last_entry(url)
                    run = load(
                        wrk, served, prefixes[name], files[name], label=f"{name}, run {i + 1}", headers=auth, **common
                    )
                    sent_after, audit_after = settled(log, name, url)
                    audited = Audited(sent_after - sent_before, audit_after - audit_before, audited=name != "bare")
                    runs.append(run)
                    print(run.line(), flush=True)
                    print(
                        f"    audit: the server answered {audited.answered_200:,} with 200 (wrk counted "
                        f"{run.requests - run.errors['status']:,}); audit log +{audited.audit_rows:,} reads"
                        + (f" in {batches:,} commits" if (batches := commits(url, last)) else "")
                        + ("" if audited.ok else "  <-- MISMATCH"),
                        flush=True,
                    )
                    if not audited.ok:
                        failures.append(
                            f"{name} run {i + 1}: {audited.answered_200} answered, {audited.audit_rows} audit rows"
                        )
                    if sum(run.errors.values()):
                        failures.append(f"{name} run {i + 1}: errors {run.errors}")
                best[name] = max(runs, key=lambda r: r.rate)
                summary[name] = {
                    "best_rps": round(best[name].rate),
                    "median_rps": round(statistics.median(r.rate for r in runs)),
                    "p50_ms": best[name].p50_ms,
                    "p99_ms": best[name].p99_ms,
                    "server_cpu_us": round(best[name].server_cpu_us),
                }
        bare = best["bare"].rate
        for name in ("person", "token"):
            ratio = best[name].rate / bare if bare else 0.0
            print(f"{name} (best) / bare route (best): {ratio:.2f}", flush=True)
            summary[f"{name}_to_bare"] = round(ratio, 3)
        summary["audit_complete"] = not failures
    print(f"\nafter: {loadavg()}")
    print("RESULT " + json.dumps(summary), flush=True)
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
        raise SystemExit(1)


def settled(log: Path, name: str, url: str) -> tuple[int, int]:
    """The 200s the server has logged for the route and the audit log's read entries, once both have stopped
    changing (requests wrk left in flight still finish on the server; 10 s at most)."""
    deadline = time.monotonic() + 10
    last = (-1, -1)
    while True:
        now = (answered(log, ROUTES[name]), audit_reads(url))
        if now == last or time.monotonic() > deadline:
            return now
        last = now
        time.sleep(0.5)


if __name__ == "__main__":
    main()
