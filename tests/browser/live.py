"""The browser tests' tools: the console served live on the demo county as a drill on 16 Nov 2022 (with one extra
person, "Browser Walk", to place orders on), Debian's Chromium, a login, a screenshot, a file upload. The
fixtures (`live`, `browser`) are in conftest.py; a test module imports the helpers from here."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import uvicorn

from fangkong.services.access import SYSTEM
from fangkong.services.demo import DEMO_PASSWORD, load_demo
from fangkong.services.persons.schemas import PersonCreate
from fangkong.services.persons.service import create_person
from fangkong.services.store import make_engine, session_factory, unit_of_work, upgrade
from fangkong.web.app import create_console
from tests.api.helpers import Clock

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
C11, C12 = "110199001001", "110199001002"

if not CHROMIUM.exists():
    if os.environ.get("FANGKONG_REQUIRE_BROWSER"):
        raise RuntimeError("FANGKONG_REQUIRE_BROWSER is set but /usr/bin/chromium is missing")
    pytest.skip("no Debian Chromium (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Browser, FilePayload, Page, expect, sync_playwright  # noqa: E402 - only with a browser


@dataclass
class Live:
    base: str
    url: str
    person_id: int
    document: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'demo.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        load_demo(session, persons=40)
        person = create_person(
            session,
            SYSTEM,
            PersonCreate(
                name="Browser Walk",
                document_type="passport",
                document_number="EB1234567",
                address=f"{C12} building 3 unit 1",
                building="3",
                unit="1",
                jurisdiction_code=C12,
            ),
            today=date(2022, 11, 16),
        )
        pid, doc = person.id, person.document_number
    engine.dispose()
    port = _free_port()
    app = create_console(url, clock=Clock(date(2022, 11, 16)))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the console did not start")
        time.sleep(0.05)
    yield Live(f"http://127.0.0.1:{port}", url, pid, doc)
    server.should_exit = True
    thread.join(timeout=10)
    app.state.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def logged_in(browser: Browser, live: Live, username: str) -> Page:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live.base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#who")).to_contain_text(username)
    return page


def phone_logged_in(browser: Browser, live: Live, username: str) -> Page:
    """A page at a phone's size (390 × 844, touch) signed in as `username`; close it with `page.context.close()`."""
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{live.base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#who")).to_contain_text(username)
    return page


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def upload(page: Page, live: Live, kind: str, name: str, text: str) -> None:
    page.goto(f"{live.base}/forms/results?lang=en")
    page.select_option("select[name=kind]", kind)
    payload: FilePayload = {"name": name, "mimeType": "text/csv", "buffer": text.encode()}
    page.set_input_files("input[name=file]", files=[payload])
    page.click("#results-form button[type=submit]")
    expect(page.locator("#import-summary")).to_be_visible()
