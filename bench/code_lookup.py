"""The venue check of a health code at a city's scan rate (issue 7, target 5): the real server in its own process,
load from a second process on loopback, the check (`GET /api/health-codes/check/{token}`: no login, the colour)
beside the staff's lookup of a code (`GET /api/health-codes/token/{token}`: a bearer token, scope and an audited
read), and a change of status mid-run made by a
third process (this one) that the very next check must show.

    .venv/bin/python bench/code_lookup.py [--persons 100000] [--db URL] [--duration 10] [--connections 32]
                                          [--workers 1 2] [--repeat 3] [--staff-connections 8]

Builds the store as bench/health_codes.py does (the demo county plus `--persons` residents, 10 % close contacts in
centralized isolation, two high-risk buildings) and stores everyone's code for 16 Nov 2022. SQLite in a temporary
directory; with `--db postgresql+psycopg://...` a scratch database is created on that server and dropped after.
Then, for each `--workers` count, `fangkong serve --today 2022-11-16` on a spare port of 127.0.0.1 and, against it:
a warm-up; `--repeat` runs of the check (fixed duration and connections, tokens drawn at random from every
stored code); one more run of the check during which this process commits two changes (a direct update of one
stored code; a community's recompute after a close contact's order is cancelled) and checks each token as soon
as its commit returns; the staff lookup at `--staff-connections` and at `--connections`. The load comes from `wrk`
(installed with apt-get when missing and allowed), else from a Python load generator with keep-alive connections
in a second process (`drive`).

Every wait is bounded: server start 60 s, each run its duration plus 30 s; the server is stopped at the end.
Only loopback addresses are used. The machine's load average is printed before and after: on a shared machine,
run it again when the load is low and report the best and the typical run.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path

HOST = "127.0.0.1"  # loopback only
CHECK = "/api/health-codes/check/"
STAFF_LOOKUP = "/api/health-codes/token/"
ON = date(2022, 11, 16)  # the drill date the codes are stored for (bench/health_codes.py's)
PASSWORD = "fangkong-demo"  # the demo county's accounts


# ---- the store --------------------------------------------------------------------------------------------


@contextmanager
def scratch_store(db: str | None) -> Iterator[str]:
    """SQLite in a temporary directory, or a fresh database on the PostgreSQL server `db` names (dropped after)."""
    if db is None:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        return
    from fangkong.services.store import scratch_database

    with scratch_database(db, "fk_bench_lookup") as url:
        yield url


def build(url: str, persons: int) -> list[str]:
    """Populate and store everyone's code for ON; every token, in person order."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from health_codes import populate  # the same county and residents as the health-code benchmark
    from sqlalchemy import select

    from fangkong.policy import load_policy
    from fangkong.services.access import SYSTEM
    from fangkong.services.health_codes.models import HealthCode
    from fangkong.services.health_codes.service import recompute
    from fangkong.services.store import make_engine, session_factory, unit_of_work

    started = time.perf_counter()
    populate(url, persons)
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        counts = recompute(session, SYSTEM, ON, policy=load_policy())
        tokens = list(session.scalars(select(HealthCode.token).order_by(HealthCode.person_id)))
    if url.startswith("postgresql"):
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    engine.dispose()
    colours = ", ".join(f"{k} {v:,}" for k, v in counts.items() if k not in ("persons", "changed"))
    print(
        f"store {url.split(':')[0]}: {counts['persons']:,} codes ({colours}) in {time.perf_counter() - started:.0f} s"
    )
    return tokens


# ---- the server -------------------------------------------------------------------------------------------


def spare_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    base: str
    pid: int
    url: str  # the store's


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and all its descendants so far (Linux /proc), 0 if unreadable:
    what a request costs the server whatever else shares the machine."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


@contextmanager
def server(url: str, workers: int, log: Path) -> Iterator[Server]:
    """`fangkong serve` in its own process (its own session, so it and its workers are stopped together)."""
    port = spare_port()
    exe = Path(sys.executable).parent / "fangkong"
    command = [str(exe), "serve", "--db", url, "--today", ON.isoformat(), "--host", HOST, "--port", str(port)]
    command += ["--workers", str(workers)]
    with log.open("w") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
            try:
                if get(HOST, port, "/api/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not answer in 60 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield Server(base, proc.pid, url)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the session started above: the server and its workers
            proc.wait(timeout=10)


def get(host: str, port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, float]:
    """One request on a new connection: status, body, seconds."""
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        t = time.perf_counter()
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        body = r.read()
        return r.status, body, time.perf_counter() - t
    finally:
        conn.close()


def login(base: str) -> dict[str, str]:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        body = json.dumps({"username": "command", "password": PASSWORD})
        conn.request("POST", "/api/auth/token", body=body, headers={"content-type": "application/json"})
        r = conn.getresponse()
        answer = json.loads(r.read())
        if r.status != 200:
            raise RuntimeError(f"login failed: {answer}")
        return {"Authorization": f"Bearer {answer['access_token']}"}
    finally:
        conn.close()


# ---- the load ---------------------------------------------------------------------------------------------


@dataclass
class Run:
    label: str
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]
    server_cpu_us: float = 0.0  # CPU time of the server (all its processes) per request
    db_cpu_us: float = 0.0  # CPU time of the PostgreSQL backends serving the checks per request
    load_cpu_us: float = 0.0  # CPU time of the load generator per request

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def line(self) -> str:
        errors = sum(self.errors.values())
        shown = ", ".join(f"{k} {v}" for k, v in self.errors.items() if v) or "none"
        return (
            f"{self.label:<38} {self.rate:>9,.0f} req/s  p50 {self.p50_ms:6.2f} ms  p90 {self.p90_ms:6.2f} ms  "
            f"p99 {self.p99_ms:6.2f} ms  max {self.max_ms:7.1f} ms  errors {errors} ({shown}); CPU a request: "
            f"server {self.server_cpu_us:.0f} µs"
            + (f", PostgreSQL {self.db_cpu_us:.0f} µs" if self.db_cpu_us else "")
            + f", load {self.load_cpu_us:.0f} µs"
        )


WRK_SCRIPT = """
local tokens = {}
for line in io.lines("%(tokens)s") do tokens[#tokens + 1] = line end
local prefix = "%(prefix)s"
local headers = %(headers)s
local ring, n, i = {}, 20000, 0
function init(args)
  -- each wrk thread draws its own random sequence of tokens from every stored code
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%%x+)") or "0", 16) %% 100000)
  for k = 1, n do ring[k] = wrk.format("GET", prefix .. tokens[math.random(#tokens)], headers) end
end
function request()
  i = i %% n + 1
  return ring[i]
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%%d,"duration_us":%%d,"connect":%%d,"read":%%d,"write":%%d,"status":%%d,"timeout":%%d,' ..
    '"p50":%%d,"p90":%%d,"p99":%%d,"max":%%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def ensure_wrk() -> str | None:
    """wrk, installed from Debian's archive when missing and this runs as root; None: use the Python driver."""
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk missing: apt-get install -y wrk", flush=True)
        with suppress(subprocess.TimeoutExpired):
            subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True, timeout=300, check=False)
        found = shutil.which("wrk")
    return found


def load(
    wrk: str | None,
    served: Server,
    prefix: str,
    tokens: Path,
    *,
    label: str,
    duration: float,
    connections: int,
    threads: int,
    headers: dict[str, str] | None = None,
    work: Path,
) -> Run:
    """One fixed-duration run from a second process: wrk, else `drive` (this file, in a new interpreter)."""
    base = served.base
    if wrk is not None:
        script = work / "tokens.lua"
        lua_headers = "{" + ", ".join(f'["{k}"] = "{v}"' for k, v in (headers or {}).items()) + "}"
        script.write_text(WRK_SCRIPT % {"tokens": tokens, "prefix": prefix, "headers": lua_headers})
        command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration:.0f}s", "--timeout", "2s", "-s", str(script)]
        command.append(base)
    else:
        command = [sys.executable, __file__, "drive", "--base", base, "--prefix", prefix, "--tokens", str(tokens)]
        command += ["--duration", str(duration), "--connections", str(connections)]
        command += ["--header", json.dumps(headers or {})]
    backends = _check_backends(served.url)
    server_before, load_before = cpu_seconds(served.pid), _children_cpu()
    db_before = sum(cpu_seconds(b) for b in backends)
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 30, check=False)
    server_cpu, load_cpu = cpu_seconds(served.pid) - server_before, _children_cpu() - load_before
    db_cpu = sum(cpu_seconds(b) for b in backends) - db_before
    line = next((s for s in done.stdout.splitlines() if s.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"no result from the load generator:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    r = json.loads(line.removeprefix("RESULT "))
    return Run(
        label=label,
        requests=r["requests"],
        seconds=r["duration_us"] / 1e6,
        p50_ms=r["p50"] / 1000,
        p90_ms=r["p90"] / 1000,
        p99_ms=r["p99"] / 1000,
        max_ms=r["max"] / 1000,
        errors={k: r[k] for k in ("connect", "read", "write", "status", "timeout")},
        server_cpu_us=server_cpu / max(r["requests"], 1) * 1e6,
        load_cpu_us=load_cpu / max(r["requests"], 1) * 1e6,
        db_cpu_us=db_cpu / max(r["requests"], 1) * 1e6,
    )


def _check_backends(url: str) -> list[int]:
    """The PostgreSQL backends of the venue check's connections (this machine's, so /proc reads them)."""
    if not url.startswith("postgresql"):
        return []
    from sqlalchemy import create_engine, text

    from fangkong.services.health_codes.check import APPLICATION_NAME

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            query = text("SELECT pid FROM pg_stat_activity WHERE application_name = :name")
            return list(conn.scalars(query, {"name": APPLICATION_NAME}))
    finally:
        engine.dispose()


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# ---- the change of status mid-run -------------------------------------------------------------------------


def change_mid_run(url: str, base: str, delay: float, notes: list[str]) -> None:
    """From this process (neither the server's nor the load's): commit changes while the load runs, and check
    each changed token as soon as the commit has returned. The next check must show the new colour."""
    from sqlalchemy import select, update

    from fangkong.policy import load_policy
    from fangkong.services.access import SYSTEM
    from fangkong.services.health_codes.models import HealthCode
    from fangkong.services.health_codes.service import recompute
    from fangkong.services.orders.models import ManagementOrder
    from fangkong.services.persons.models import Person
    from fangkong.services.store import make_engine, session_factory, unit_of_work

    host, port = base.removeprefix("http://").split(":")
    engine = make_engine(url)
    sessions = session_factory(engine)

    def next_check(token: str) -> tuple[str, float]:
        status, body, seconds = get(host, int(port), CHECK + token)
        return (json.loads(body)["colour"] if status == 200 else f"HTTP {status}"), seconds * 1000

    try:
        time.sleep(delay)
        # 1. another process writes one stored code directly
        with unit_of_work(sessions) as session:
            token, before = session.execute(
                select(HealthCode.token, HealthCode.colour).where(HealthCode.colour == "green").limit(1)
            ).one()
        with engine.begin() as conn:
            conn.execute(update(HealthCode).where(HealthCode.token == token).values(colour="yellow"))
        seen, ms = next_check(token)
        notes.append(f"direct update green→yellow: next check {seen} ({'visible' if seen == 'yellow' else 'STALE'})")
        with engine.begin() as conn:
            conn.execute(update(HealthCode).where(HealthCode.token == token).values(colour=before))
        seen, ms = next_check(token)
        notes.append(f"restored: next check {seen} ({'visible' if seen == before else 'STALE'})")

        # 2. a close contact's order is cancelled and their community recomputed (the real recompute path)
        with unit_of_work(sessions) as session:
            person_id, community, token = session.execute(
                select(Person.id, Person.jurisdiction_code, HealthCode.token)
                .join(HealthCode, HealthCode.person_id == Person.id)
                .where(HealthCode.colour == "red", Person.document_number.startswith("BENCH"))
                .join(ManagementOrder, ManagementOrder.person_id == Person.id)
                .where(ManagementOrder.status == "active")
                .limit(1)
            ).one()
        seen_before, _ = next_check(token)
        with unit_of_work(sessions) as session:
            session.execute(
                update(ManagementOrder).where(ManagementOrder.person_id == person_id).values(status="cancelled")
            )
        t = time.perf_counter()
        with unit_of_work(sessions) as session:
            counts = recompute(session, SYSTEM, ON, policy=load_policy(), jurisdiction_code=community)
        took = time.perf_counter() - t
        seen, ms = next_check(token)
        notes.append(
            f"order cancelled, community {community} recomputed ({counts['persons']:,} codes, {counts['changed']} "
            f"changed, {took:.1f} s while under load): check before {seen_before}, next check after the commit "
            f"{seen} in {ms:.1f} ms ({'visible' if seen == 'green' else 'STALE'})"
        )
    except Exception as exc:  # reported with the run, not lost in a thread
        notes.append(f"the change failed: {exc!r}")
    finally:
        engine.dispose()


# ---- the Python load generator (when wrk is missing) ------------------------------------------------------


async def _drive(base: str, prefix: str, tokens: list[str], duration: float, connections: int, headers: str) -> None:
    import random

    host, port = base.removeprefix("http://").split(":")
    extra = "".join(f"{k}: {v}\r\n" for k, v in json.loads(headers).items())
    latencies: list[float] = []
    errors = {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}
    started = time.perf_counter()
    deadline = started + duration

    async def connection() -> None:
        rng = random.Random()
        try:
            reader, writer = await asyncio.open_connection(host, int(port))
        except OSError:
            errors["connect"] += 1
            return
        while time.perf_counter() < deadline:
            request = f"GET {prefix}{rng.choice(tokens)} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode()
            t = time.perf_counter()
            try:
                writer.write(request)
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 2)
                length = 0
                for header in head.split(b"\r\n"):
                    if header.lower().startswith(b"content-length:"):
                        length = int(header.split(b":")[1])
                await reader.readexactly(length)
            except TimeoutError:
                errors["timeout"] += 1
                break
            except (OSError, asyncio.IncompleteReadError):
                errors["read"] += 1
                break
            latencies.append(time.perf_counter() - t)
            if not head.startswith(b"HTTP/1.1 2"):
                errors["status"] += 1
        writer.close()

    await asyncio.gather(*(connection() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> int:
        return int(latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1e6) if latencies else 0

    result = {"requests": len(latencies), "duration_us": int(elapsed * 1e6), **errors}
    result |= {"p50": pct(0.5), "p90": pct(0.9), "p99": pct(0.99), "max": pct(1.0)}
    print("RESULT " + json.dumps(result))


def drive_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="code_lookup.py drive")
    parser.add_argument("--base", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--tokens", required=True)
    parser.add_argument("--duration", type=float, required=True)
    parser.add_argument("--connections", type=int, required=True)
    parser.add_argument("--header", default="{}")
    a = parser.parse_args(argv)
    if not a.base.startswith(f"http://{HOST}:"):
        raise SystemExit("loopback only")
    tokens = Path(a.tokens).read_text().split()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(_drive(a.base, a.prefix, tokens, a.duration, a.connections, a.header))


# ---- the run ----------------------------------------------------------------------------------------------


def loadavg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--db", default=None, help="a PostgreSQL server's URL (a scratch database is made on it)")
    parser.add_argument("--duration", type=float, default=10, help="seconds per run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--staff-connections", type=int, default=8, help="connections for the staff lookup as well")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="server worker processes to try")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the check per worker count")
    parser.add_argument("--python-load", action="store_true", help="the Python load generator even if wrk is here")
    args = parser.parse_args()

    print(f"before: {loadavg()}", flush=True)
    wrk = None if args.python_load else ensure_wrk()
    print(f"load generator: {wrk or 'Python (keep-alive connections, uvloop)'}", flush=True)
    with scratch_store(args.db) as url, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        tokens = build(url, args.persons)
        token_file = work / "tokens.txt"
        token_file.write_text("\n".join(tokens) + "\n")
        summary: dict[str, object] = {"store": url.split(":")[0], "codes": len(tokens), "connections": args.connections}
        common = {"duration": args.duration, "connections": args.connections, "threads": args.threads, "work": work}
        for workers in args.workers:
            print(
                f"\n== fangkong serve --workers {workers} (uvloop, httptools); {args.connections} connections, "
                f"{args.duration:.0f} s a run, tokens drawn from {len(tokens):,}; {loadavg()}",
                flush=True,
            )
            with server(url, workers, work / f"server-{workers}.log") as served:
                base = served.base
                load(wrk, served, CHECK, token_file, label="warm-up", **common | {"duration": 2})
                runs = []
                for i in range(args.repeat):
                    runs.append(load(wrk, served, CHECK, token_file, label=f"check, run {i + 1}", **common))
                    print(runs[-1].line(), flush=True)
                rates = sorted(r.rate for r in runs)
                best = max(runs, key=lambda r: r.rate)
                print(f"{'check: best / median':<38} {rates[-1]:>9,.0f} / {statistics.median(rates):,.0f} req/s")

                notes: list[str] = []
                changer = threading.Thread(target=change_mid_run, args=(url, base, args.duration / 3, notes))
                changer.start()
                during = load(wrk, served, CHECK, token_file, label="check, status changed mid-run", **common)
                changer.join(timeout=120)
                print(during.line())
                for note in notes:
                    print(f"    {note}")

                # the staff lookup (`api.staff_reads`: token, scope, audited read, group-committed) is measured at
                # --staff-connections too: a district's staff are fewer than the venues' scanners
                headers = login(base)
                staff = []
                for n in sorted({args.staff_connections, args.connections}):
                    label = f"staff lookup (token, scope, audit), {n} conn."
                    at_n = common | {"connections": n}
                    run = load(wrk, served, STAFF_LOOKUP, token_file, label=label, headers=headers, **at_n)
                    staff.append(run)
                    print(staff[-1].line(), flush=True)
                best_staff = max(r.rate for r in staff)
                if best_staff:
                    print(f"{'check (best) / staff lookup (best)':<38} {rates[-1] / best_staff:>9.1f}x", flush=True)
                summary[f"workers_{workers}"] = {
                    "check_best_rps": round(best.rate),
                    "check_median_rps": round(statistics.median(rates)),
                    "check_best_p50_ms": best.p50_ms,
                    "check_best_p99_ms": best.p99_ms,
                    "check_errors": sum(sum(r.errors.values()) for r in [*runs, during]),
                    "changed_mid_run_rps": round(during.rate),
                    "changed_mid_run_p99_ms": during.p99_ms,
                    "changes_visible": len(notes) == 3 and all("(visible)" in n for n in notes),
                    "staff_lookup_best_rps": round(best_staff),
                    "server_cpu_us": round(best.server_cpu_us),
                }
    print(f"\nafter: {loadavg()}")
    print("RESULT " + json.dumps(summary))  # for bench/run


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "drive":
        drive_main(sys.argv[2:])
    else:
        main()
