"""The server's memory while a large lab results file is uploaded (issue 17): the body streamed to a temporary file
and read from there, against the code given by `--before` (the body taken whole as bytes, then decoded whole) in
the same run.

    .venv/bin/python bench/lab_upload_memory.py [--mb 60] [--before /tmp/stream-before/src] [--ending last-row]
        [--format csv]

For each code tree (this one, and `--before`'s `src` if given), a copy of one demo store is served by uvicorn in a
process of its own (PYTHONPATH: that tree first). The bench logs in as the demo's lab, uploads a small results file
(every module loaded, Polars' pool started), reads the server's resident memory (VmRSS), resets its peak
(`/proc/PID/clear_refs`), uploads the generated file — sent from disk with a Content-Length, as `curl
--data-binary @file` would — and reads the peak (VmHWM): the growth is the peak less the memory before.

The file is a plain CSV of unregistered barcodes, about `--mb` MB. `--ending last-row` (the default) makes its last
row unreadable (a Ct of "abc"): the whole file is received, checked and parsed, then refused at that row before
anything is staged — the receiving and reading path this change is about. `--ending match` leaves every row
readable: the file is also staged in the store and refused at its first barcode (no sample registered).
`--format json` sends the same rows as a JSON list of objects (`big.json`, application/json).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "fangkong-demo"  # fangkong.services.users.passwords (published: the demo prints it)

SERVE = """
import sys, uvicorn
from fangkong.api.app import create_app
uvicorn.run(create_app(sys.argv[1]), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""

LOAD = """
import sys
from fangkong.services.calendar import drill_clock
from fangkong.services.demo import DEMO_TODAY, load_demo
from fangkong.cli.common import sessions_on
from fangkong.services.store import events_dated_by, unit_of_work, upgrade
upgrade(sys.argv[1])
with events_dated_by(drill_clock(DEMO_TODAY)), unit_of_work(sessions_on(sys.argv[1], today=DEMO_TODAY)) as s:
    load_demo(s)
"""

HEADER = b"barcode,lab,reported_at,ct_orf1ab,ct_n\n"


def results_file(path: Path, mb: float, ending: str) -> int:
    """A plain results CSV of about `mb` MB; its rows."""
    cts = [b",", b"31.5,32", b"36,", b",38.2"]
    target = int(mb * 1_000_000)
    rows = 0
    with path.open("wb") as f:
        f.write(HEADER)
        size = len(HEADER)
        block: list[bytes] = []
        while size < target:
            line = b"BC%09d,City lab %d,2022-11-16T08:%02d:00+08:00,%s\n" % (rows, rows % 7, rows % 60, cts[rows % 4])
            block.append(line)
            size += len(line)
            rows += 1
            if len(block) == 10_000:
                f.write(b"".join(block))
                block = []
        if ending == "last-row":
            block.append(b"BCLAST,City lab 0,2022-11-16T08:00:00+08:00,abc,\n")
            rows += 1
        f.write(b"".join(block))
    return rows


def json_results_file(path: Path, mb: float, ending: str) -> int:
    """The same rows as `results_file`, as a JSON list of objects of about `mb` MB; its rows."""
    cts = [(None, None), (31.5, 32), (36, None), (None, 38.2)]
    target = int(mb * 1_000_000)
    rows = 0
    with path.open("w", encoding="utf-8") as f:
        f.write("[")
        size = 1
        block: list[str] = []
        while size < target:
            orf1ab, n = cts[rows % 4]
            row = {
                "barcode": f"BC{rows:09d}",
                "lab": f"City lab {rows % 7}",
                "reported_at": f"2022-11-16T08:{rows % 60:02d}:00+08:00",
                "ct_orf1ab": orf1ab,
                "ct_n": n,
            }
            text = ("," if rows else "") + json.dumps(row) + "\n"
            block.append(text)
            size += len(text)
            rows += 1
            if len(block) == 10_000:
                f.write("".join(block))
                block = []
        if ending == "last-row":
            last = {"barcode": "BCLAST", "lab": "City lab 0", "reported_at": "2022-11-16T08:00:00+08:00"}
            block.append("," + json.dumps({**last, "ct_orf1ab": "abc", "ct_n": None}) + "\n")
            rows += 1
        f.write("".join(block) + "]")
    return rows


def status_kib(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
            out[key] = int(value.split()[0])
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request(
    port: int, method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request(method, url, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, json.loads(data) if data else None


def measure(src: Path, store: Path, upload: Path, fmt: str = "csv") -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{ROOT}"}
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVE, f"sqlite:///{store}", str(port)], env=env)
    try:
        for _ in range(300):
            try:
                status, _answer = request(port, "GET", "/api/health")
                break
            except OSError:
                time.sleep(0.1)
        status, token = request(
            port,
            "POST",
            "/api/auth/token",
            json.dumps({"username": "lab", "password": DEMO_PASSWORD}),
            {"Content-Type": "application/json"},
        )
        if status != 200:
            raise SystemExit(f"login: {status} {token}")
        auth = {"Authorization": f"Bearer {token['access_token']}", "Content-Type": "text/csv"}
        small = HEADER + b"BCWARM,City lab,2022-11-16T08:00:00+08:00,,\n" * 50 + b"BCX,City lab,2022,abc,\n"
        request(port, "POST", "/api/lab/results?filename=warm.csv", small, auth)  # every module loaded
        time.sleep(0.5)
        before = status_kib(server.pid)
        Path(f"/proc/{server.pid}/clear_refs").write_text("5")  # the peak (VmHWM) reset to the memory now
        size = upload.stat().st_size
        started = time.perf_counter()
        with upload.open("rb") as f:
            status, answer = request(
                port,
                "POST",
                f"/api/lab/results?filename=big.{fmt}",
                f,
                {
                    **auth,
                    "Content-Type": "application/json" if fmt == "json" else "text/csv",
                    "Content-Length": str(size),
                },
            )
        seconds = time.perf_counter() - started
        after = status_kib(server.pid)
    finally:
        server.terminate()
        server.wait(30)
    return {
        "src": str(src),
        "status": status,
        "answer": answer.get("error", answer) if isinstance(answer, dict) else answer,
        "seconds": round(seconds, 2),
        "rss_before_mib": round(before["VmRSS"] / 1024, 1),
        "peak_mib": round(after["VmHWM"] / 1024, 1),
        "growth_mib": round((after["VmHWM"] - before["VmRSS"]) / 1024, 1),
        "file_mb": round(size / 1_000_000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=60.0, help="the file's size in MB (default 60)")
    parser.add_argument("--before", type=Path, help="another tree's src/ to measure in the same run (the old code)")
    parser.add_argument("--ending", choices=["last-row", "match"], default="last-row")
    parser.add_argument("--format", choices=["csv", "json"], default="csv", help="the file's format (default csv)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fangkong-upload-bench-") as tmp:
        work = Path(tmp)
        demo = work / "demo.sqlite3"
        env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
        subprocess.run([sys.executable, "-c", LOAD, f"sqlite:///{demo}"], env=env, check=True)
        upload = work / f"results.{args.format}"
        write = json_results_file if args.format == "json" else results_file
        rows = write(upload, args.mb, args.ending)
        print(
            f"results file: {upload.stat().st_size:,} bytes, {rows:,} rows, {args.format}, ending {args.ending}",
            flush=True,
        )
        trees = [("after (streamed)", ROOT / "src")]
        if args.before is not None:
            trees.insert(0, ("before (whole body)", args.before.resolve()))
        figures = {}
        for name, src in trees:
            store = work / f"store-{len(figures)}.sqlite3"
            shutil.copyfile(demo, store)
            figures[name] = measure(src, store, upload, args.format)
            f = figures[name]
            print(
                f"{name}: HTTP {f['status']} in {f['seconds']} s; RSS before {f['rss_before_mib']} MiB, peak "
                f"{f['peak_mib']} MiB: growth {f['growth_mib']} MiB ({f['growth_mib'] / (f['file_mb'] / 1.048576):.1f}"
                f"x the file); {f['answer']}",
                flush=True,
            )
        result = {"bench": "lab_upload_memory", "format": args.format, "ending": args.ending, "runs": figures}
        print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
