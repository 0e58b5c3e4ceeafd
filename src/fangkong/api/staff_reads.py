"""The staff's reads of one person at rate: `GET /api/persons/{id}` and `GET /api/health-codes/token/{token}`,
answered by an ASGI middleware in front of FastAPI's router, each request settled in a group commit with the
others waiting at the same moment (`services.audited_reads`): its token checked, the record read, the scope
checked and the audit entry committed in one transaction, before the answer is sent.

Only the plain success is answered here. Anything else — no or an unknown token, a role without the permission,
a record missing or out of scope, a code with no stored status for today, an unusual query string, a batch that
failed — goes on to the route, which answers it as it always has (and audits what it answers), so the errors and
their bodies are the routes' own. The answer is the route's model, encoded by pydantic as FastAPI encodes it.

Why not the route itself: FastAPI's router, dependency solving and thread pool cost 0.5–0.8 ms of CPU a request
here (a bare constant route served 0.4–1.8 k requests a second on this shared machine), and the route's three sync
dependencies each took a thread of AnyIO's 40, which then contended for the interpreter; see docs/staff-api.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from fangkong.services.audited_reads.batch import Answer, Ask, Kind
from fangkong.services.audited_reads.group_commit import GroupCommit
from fangkong.services.health_codes.check import well_formed
from fangkong.services.health_codes.service import CodeRead
from fangkong.services.persons.service import to_read
from fangkong.services.users.service import token_digest

PERSON = "/api/persons/"
TOKEN = "/api/health-codes/token/"


@dataclass(frozen=True, slots=True)
class AnsweredFor:
    """The route a read was answered for, as the request log names it (it reads the scope's `route.path`)."""

    path: str


ROUTES = {
    Kind.person: AnsweredFor("/api/persons/{person_id}"),
    Kind.code: AnsweredFor("/api/health-codes/token/{token}"),
}
_MAX_ID = 2**63 - 1


def ask_of(scope: Scope) -> Ask | None:
    """What a request asks, if it is a plain read this path answers; None: the router's."""
    path: str = scope["path"]
    if path.startswith(PERSON):
        kind, rest = Kind.person, path[len(PERSON) :]
        # the route's int parameter, in its one plain spelling (others: the route decides)
        if not (rest.isascii() and rest.isdigit() and rest[0] != "0" and int(rest) <= _MAX_ID):
            return None
        key: int | str = int(rest)
    elif path.startswith(TOKEN):
        kind, key = Kind.code, path[len(TOKEN) :]
        if not well_formed(key):
            return None
    else:
        return None
    reason = None
    if scope["query_string"]:
        query = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        if kind is not Kind.person or len(query) != 1 or query[0][0] != "reason" or not query[0][1]:
            return None
        reason = query[0][1]
    bearer = next((v for k, v in scope["headers"] if k == b"authorization"), None)
    if bearer is None or bearer[:7].lower() != b"bearer ":
        return None
    return Ask(kind, key, token_digest(bearer[7:].decode("latin-1").strip()), reason)


def body_of(kind: Kind, answer: Answer) -> bytes:
    """The route's answer: its response model, encoded as FastAPI encodes it."""
    row = answer.row
    if kind is Kind.person:
        return to_read(row, answer.actor).model_dump_json().encode()
    code = CodeRead(
        person_id=row.person_id,
        on=answer.on or row.on,
        colour=row.colour,
        reasons=row.reasons,
        computed_at=row.computed_at,
    )
    return code.model_dump_json().encode()


class StaffReadFastPath:
    """ASGI middleware: the staff's plain reads of one person answered from a group commit; everything else,
    and any read the batch did not answer, passes through to the router untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            ask = ask_of(scope)
            reads: GroupCommit | None = getattr(scope["app"].state, "audited_reads", None)
            if ask is not None and reads is not None:
                try:
                    got = await reads.ask(ask)
                except Exception:  # logged by the batch; the route reads and audits in a transaction of its own
                    got = None
                if got is not None:
                    body = body_of(ask.kind, got)
                    # what the request log reads of a request the router served
                    scope.setdefault("state", {})["actor"] = got.actor
                    scope["route"] = ROUTES[ask.kind]
                    headers = [(b"content-length", str(len(body)).encode()), (b"content-type", b"application/json")]
                    await send({"type": "http.response.start", "status": 200, "headers": headers})
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.app(scope, receive, send)
