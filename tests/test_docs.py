"""Documents generated from the code stay current, and the README's two commands exist as written."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from fangkong.policy import Policy
from fangkong.services.register import register_markdown
from tests.paths import ROOT


def test_interpretation_register_document_is_current(policy: Policy) -> None:
    doc = ROOT / "docs" / "interpretation-register.md"
    assert doc.read_text(encoding="utf-8") == register_markdown(policy), (
        "regenerate with: .venv/bin/fangkong policy register --markdown > docs/interpretation-register.md"
    )


def test_register_lists_every_open_question_of_the_rule_tables(policy: Policy) -> None:
    # policy/RULES.md, open questions: each has an entry.
    for entry in (
        "m20-screening",
        "past-infection-duration",
        "ct-band-upper",
        "ct-gene-rule",
        "v9-high-risk-post",
        "transition",
        "day-one",
    ):
        assert entry in policy.interpretations


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^\$ (.+)$", text, flags=re.M)


def test_readme_has_exactly_the_two_setup_commands() -> None:
    commands = _readme_commands()
    assert commands == ["scripts/run", "scripts/test"]
    for command in commands:
        assert (ROOT / command).stat().st_mode & 0o111, f"{command} is not executable"
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_run_command_smoke(tmp_path: Path) -> None:
    """What scripts/run ends with, as a separate process: serve the demo on SQLite, answer on loopback."""
    exe = Path(sys.executable).with_name("fangkong")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {"PATH": "/usr/bin:/bin", "FANGKONG_DATA_DIR": str(tmp_path), "COLUMNS": "200"}
    proc = subprocess.Popen(
        [str(exe), "serve", "--demo", "--today", "2022-11-16", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/health", timeout=2) as r:
                    assert json.load(r)["status"] == "ok"
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "server did not start in 60 s"
                time.sleep(0.3)
        login = urllib.request.Request(
            f"{base}/api/auth/token",
            method="POST",
            headers={"content-type": "application/json"},
            data=json.dumps({"username": "worker1", "password": "fangkong-demo"}).encode(),
        )
        with urllib.request.urlopen(login, timeout=5) as r:
            token = json.load(r)["access_token"]
        wl = urllib.request.Request(f"{base}/api/worklists", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(wl, timeout=5) as r:
            day = json.load(r)
        assert day["on"] == "2022-11-16"
        assert day["tests_due"], "the demo community has tests due on the drill day"
        with urllib.request.urlopen(f"{base}/docs", timeout=5) as r:
            assert "/static/swagger/swagger-ui-bundle.js" in r.read().decode()
        with urllib.request.urlopen(f"{base}/static/swagger/swagger-ui-bundle.js", timeout=5) as r:
            assert r.status == 200
    finally:
        proc.terminate()
        proc.communicate(timeout=10)  # also closes the pipe
    assert (tmp_path / "fangkong.sqlite3").exists()


# ---- i16b: the README's table of who does what in the console ----
def _role_table() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Who does what in the console", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("|"))


def test_readme_s_role_table_lists_every_page_of_every_role_s_menu(tmp_path: Path) -> None:
    """Every role (the administrator and the isolation-site manager too) has a row in README's table, and every
    page of its console menu is named there as `/path` (issue 16)."""
    from tests.web.helpers import add_admin, add_site_manager, console, demo_store, sign_in
    from tests.web.test_every_page_in_words import nav_pages

    table = _role_table()
    rows = {
        "command": "command centre",
        "epi": "epidemiologist",
        "worker1": "community worker",
        "supervisor": "supervisor",
        "viewer": "viewer",
        "lab": "lab",
        "admin": "administrator",
        "site": "isolation-site manager",
    }
    url = demo_store(tmp_path, persons=5)
    add_admin(url)
    add_site_manager(url)
    missing: list[str] = []
    with console(url, follow_redirects=True) as client:
        for username, row in rows.items():
            if not re.search(rf"^\| {re.escape(row)} \(", table, re.M):
                missing.append(f"no row for the {row}")
            sign_in(client, username)
            menu = nav_pages(client)
            assert menu, username
            missing += [f"{username}'s {page}" for page in menu if f"`{page}`" not in table]
    assert missing == []
