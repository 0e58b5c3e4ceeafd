"""The console's accounts page (issue 17): an administrator adds, re-scopes, disables and resets accounts with
forms that go through `services.users.admin` (audited, the password policy, disabling ends the sessions); the menu
shows the page only to a role that may manage users; the page speaks both languages; and the login page answers a
guesser with 429, Retry-After and a message in the reader's language."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from fangkong.services.audit.models import AuditEntry
from fangkong.services.demo import COUNTY, DEMO_PASSWORD
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.users.models import User
from fangkong.services.users.throttle import LoginThrottle
from tests.web.helpers import ConsoleClient, add_admin, console, demo_store, login, login_as_admin
from tests.web.test_every_page_in_words import SNAKE


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = demo_store(tmp_path_factory.mktemp("users"), persons=10)
    add_admin(url)
    return url


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        yield c


def as_admin(client: TestClient) -> None:
    login_as_admin(client, "/users")


def user(url: str, username: str) -> User:
    with unit_of_work(session_factory(make_engine(url))) as session:
        found = session.scalar(select(User).where(User.username == username))
        assert found is not None
        session.expunge(found)
        return found


def test_the_page_is_the_administrator_s_in_both_languages(client: TestClient) -> None:
    as_admin(client)
    for lang, words in (("zh", ("账号管理", "新增账号", "停用", "重置密码")), ("en", ("Accounts", "Add an account"))):
        r = client.get(f"/users?lang={lang}")
        assert r.status_code == 200
        assert all(w in r.text for w in words), lang
        visible = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", r.text, flags=re.S))
        assert not SNAKE.findall(visible.replace("worker1", "")), lang
        assert "$argon2" not in r.text
        assert 'href="/users"' in r.text  # in the menu
    for who in ("command", "supervisor", "worker1"):
        login(client, who)
        assert 'href="/users"' not in client.get("/").text
        assert client.get("/users").status_code == 403, who


def test_an_administrator_adds_disables_and_resets_from_the_console(client: TestClient, url: str) -> None:
    as_admin(client)
    form = {"username": "worker9", "password": "1234567890", "role": "community_worker", "jurisdiction_code": COUNTY}
    weak = client.post("/users?lang=zh", data=form)
    assert weak.status_code == 422 and "连续的数字" in weak.text and 'data-field="password"' in weak.text
    added = client.post("/users", data=form | {"password": "maple harbour quilt"})
    assert added.status_code == 303 and "saved=worker9" in added.headers["location"]
    wid = user(url, "worker9").id

    worker = ConsoleClient(client.app, follow_redirects=False)
    r = worker.post("/login", data={"username": "worker9", "password": "maple harbour quilt", "next": "/"})
    assert r.status_code == 303 and worker.get("/worklists").status_code == 200

    assert client.post(f"/users/{wid}", data={"active": "no"}).status_code == 303
    assert user(url, "worker9").active is False
    assert worker.get("/worklists").status_code == 303  # its session ended at once: back to the login
    assert client.post(f"/users/{wid}", data={"active": "yes"}).status_code == 303
    moved = client.post(f"/users/{wid}", data={"role": "read_only", "jurisdiction_code": f"{COUNTY}001001"})
    assert moved.status_code == 303
    assert (user(url, "worker9").role, user(url, "worker9").jurisdiction_code) == ("read_only", f"{COUNTY}001001")
    refused = client.post(f"/users/{wid}/password", data={"password": DEMO_PASSWORD})
    assert refused.status_code == 422
    assert client.post(f"/users/{wid}/password", data={"password": "violet orchard tide"}).status_code == 303
    with unit_of_work(session_factory(make_engine(url))) as session:
        actions = list(
            session.execute(
                select(AuditEntry.actor, AuditEntry.action, AuditEntry.detail)
                .where(AuditEntry.entity == "user", AuditEntry.entity_id == str(wid))
                .order_by(AuditEntry.id)
            )
        )
    assert [(a, act) for a, act, _ in actions] == [("admin", "create")] + [("admin", "update")] * 4
    assert actions[-1][2] == {"password": "reset"}


def test_logout_ends_the_console_session_for_a_copy_of_the_cookie(client: TestClient) -> None:
    login(client, "worker1")
    cookie = client.cookies.get("fk_token")
    assert cookie and client.get("/worklists").status_code == 200
    client.post("/logout")
    copy = TestClient(client.app, cookies={"fk_token": cookie}, follow_redirects=False)
    assert copy.get("/worklists").status_code == 303


def test_the_login_page_locks_a_guessed_account_with_429(client: TestClient) -> None:
    client.app.state.login_throttle = LoginThrottle()  # type: ignore[attr-defined]
    codes = [
        client.post("/login?lang=zh", data={"username": "viewer", "password": f"guess {i}"}).status_code
        for i in range(5)
    ]
    assert codes == [401] * 5
    locked = client.post("/login?lang=zh", data={"username": "viewer", "password": DEMO_PASSWORD})
    assert locked.status_code == 429 and "fk_token" not in locked.cookies
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert "登录失败次数过多" in locked.text and 'id="login-locked"' in locked.text
    english = client.post("/login?lang=en", data={"username": "viewer", "password": DEMO_PASSWORD})
    assert english.status_code == 429 and "Too many failed logins" in english.text
    client.app.state.login_throttle = LoginThrottle()  # type: ignore[attr-defined]
