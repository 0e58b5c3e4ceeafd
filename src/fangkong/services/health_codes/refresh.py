"""Writing health codes at a city's scale: the decisions of many people stored with set-based statements.

Two kinds of people, decided the same way (`rules.health_code`) and written differently:

- **People with facts** — an active order, an infection, a hold, or a home in a high- or medium-risk area on the
  day: their facts are read with plain statements and each distinct set of facts is decided once
  (`service.decide_many`); a city's half a million managed people make a few thousand distinct facts. Their rows
  are staged and written with one UPDATE … FROM (and an INSERT for those without a code), only where the status
  changed.
- **Everyone else** (nineteen in twenty of a city, and all of a city between outbreaks): no fact bears on their
  code, so it is their province's `otherwise` colour, the clause that forbids adding to the national rules, and
  stands until the rules change (`rules.health_code.steady_through`) — one decision per province, not per person.
  Their rows are written by statements over the store (a staged table of jurisdictions and their constants,
  joined to the people), only where the stored status differs or does not stand on the day.

Every change of colour is recorded (`health_code_change`) with its cause, in the same statements' transaction.
"""

from __future__ import annotations

import base64
import json
import os
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, cast

import polars as pl
from sqlalchemy import Table, Text, select, text
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from fangkong.policy import Policy
from fangkong.policy.health_codes import colour_tables
from fangkong.rules.health_code import PersonFacts, health_code, steady_through
from fangkong.services.file_imports.bulk import (
    SQLITE_INSTANT,
    analyze,
    copy_frame,
    drop_temporary,
    fetch_frame,
    keyed,
    temporary_table,
)
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.lab.models import TemporaryControl
from fangkong.services.orders.models import ManagementOrder, OrderStatus
from fangkong.services.persons.models import Person
from fangkong.services.store import utcnow

from .facts import Decided, areas_in_force, residents_of
from .models import HealthCode, HealthCodeChange
from .owed import settled

CODES = cast(Table, HealthCode.__table__)
CHANGES = cast(Table, HealthCodeChange.__table__)

STAGED = 2000  # more rows than this are staged and written by one statement; fewer, one executemany each
TOKEN_BYTES = 32  # a token: 256 random bits, unpadded base64url (43 characters)


def new_tokens(n: int) -> list[str]:
    """`n` fresh tokens from one call to the system's random source."""
    raw = os.urandom(TOKEN_BYTES * n)
    return [
        base64.urlsafe_b64encode(raw[i : i + TOKEN_BYTES]).rstrip(b"=").decode()
        for i in range(0, len(raw), TOKEN_BYTES)
    ]


def _params(session: Session, **values: Any) -> dict[str, Any]:
    """Values bound into literal SQL as each store compares them: days as ISO text and instants as SQLAlchemy
    stores them on SQLite (its driver would write an offset); the driver's own types on PostgreSQL."""
    if session.connection().dialect.name == "postgresql":
        return values
    out: dict[str, Any] = {}
    for k, v in values.items():
        if isinstance(v, datetime):
            out[k] = v.astimezone(UTC).strftime(SQLITE_INSTANT.replace("%.6f", ".%f"))
        elif isinstance(v, date):
            out[k] = v.isoformat()
        else:
            out[k] = v
    return out


def cast_text(column: Any) -> Any:
    """A column read as its text (a JSON column: as written, not decoded)."""
    return sql_cast(column, Text)


def _json_cast(session: Session, column: str) -> str:
    """A staged JSON text as the store's JSON column takes it."""
    return f"CAST({column} AS json)" if session.connection().dialect.name == "postgresql" else column


def _distinct(session: Session) -> str:
    return "IS DISTINCT FROM" if session.connection().dialect.name == "postgresql" else "IS NOT"


# ---- people with facts ---------------------------------------------------------------------------------------------


def write_decided(
    session: Session, decided: dict[int, Decided], on: date, *, by: str, cause: str, always: bool = False
) -> Counter[str]:
    """Store the decisions of people (their codes for `on`), writing a row only where it changes (`always`: every
    one, as an event's refresh does) and recording each change of colour. Counts persons, changed, colours."""
    counts: Counter[str] = Counter()
    ids = sorted(decided)
    stored: dict[int, tuple[str, str, date, date | None]] = {}
    with keyed(session, ids, "code_stored") as where:
        for condition in where(CODES.c.person_id):
            # the reasons compared as the text stored (written by json.dumps, as `Decided.reasons_json` is)
            for person_id, colour, reasons, stored_on, until in session.execute(
                select(
                    CODES.c.person_id,
                    CODES.c.colour,
                    cast_text(CODES.c.reasons),
                    CODES.c.on,
                    CODES.c.until,
                ).where(condition)
            ):
                stored[person_id] = (colour, reasons, stored_on, until)
    now = utcnow()
    updates: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for person_id in ids:
        d = decided[person_id]
        counts["persons"] += 1
        counts[d.colour] += 1
        before = stored.get(person_id)
        row = {"person_id": person_id, "colour": d.colour, "reasons": d.reasons_json, "on": on, "until": d.until}
        if before is None:
            inserts.append(row)
        elif always or not (
            before[0] == d.colour and before[1] == d.reasons_json and before[3] == d.until and before[2] <= on
        ):
            updates.append(row)
        if before is None or before[0] != d.colour:
            counts["changed"] += 1
            changes.append(
                {
                    "person_id": person_id,
                    "on": on,
                    "from_colour": None if before is None else before[0],
                    "to_colour": d.colour,
                    "reasons": d.reasons_json,
                    "by": by,
                    "cause": cause,
                    "at": now,
                }
            )
    _update(session, updates, now)
    counts["written"] += len(updates) + len(inserts)
    if inserts:
        tokens = new_tokens(len(inserts))
        _insert_codes(session, [r | {"token": t} for r, t in zip(inserts, tokens, strict=True)], now)
    _insert_changes(session, changes)
    settled(session, ids)
    return counts


def _update(session: Session, rows: list[dict[str, Any]], now: Any) -> None:
    if not rows:
        return
    if len(rows) <= STAGED:
        session.execute(
            text(
                'UPDATE health_code SET colour = :colour, reasons = :reasons, "on" = :on, until = :until, '
                "computed_at = :now WHERE person_id = :person_id"
            ),
            [_params(session, **r, now=now) for r in rows],
        )
        return
    temporary_table(
        session,
        "code_new",
        'person_id BIGINT PRIMARY KEY, colour VARCHAR(8), reasons TEXT, "on" DATE, until DATE',
    )
    copy_frame(
        session,
        "code_new",
        pl.DataFrame(
            {
                "person_id": [r["person_id"] for r in rows],
                "colour": [r["colour"] for r in rows],
                "reasons": [r["reasons"] for r in rows],
                "on": [r["on"] for r in rows],
                "until": [r["until"] for r in rows],
            },
            schema={"person_id": pl.Int64, "colour": pl.String, "reasons": pl.String, "on": pl.Date, "until": pl.Date},
        ).rename({"on": '"on"'}),
    )
    analyze(session, "code_new")
    session.execute(
        text(
            f'UPDATE health_code SET colour = n.colour, reasons = {_json_cast(session, "n.reasons")}, "on" = n."on", '
            "until = n.until, computed_at = :now FROM code_new n WHERE health_code.person_id = n.person_id"
        ),
        _params(session, now=now),
    )
    drop_temporary(session, "code_new")


_INSTANT = pl.Datetime("us", "UTC")


def _insert_codes(session: Session, rows: list[dict[str, Any]], now: datetime) -> None:
    """New codes through the store's bulk path (`copy_frame`): no per-row processing of the JSON reasons."""
    copy_frame(
        session,
        "health_code",
        pl.DataFrame(
            {
                "person_id": [r["person_id"] for r in rows],
                "token": [r["token"] for r in rows],
                "colour": [r["colour"] for r in rows],
                "reasons": [r["reasons"] for r in rows],
                '"on"': [r["on"] for r in rows],
                "until": [r["until"] for r in rows],
                "computed_at": [now] * len(rows),
            },
            schema_overrides={'"on"': pl.Date, "until": pl.Date, "computed_at": _INSTANT},
        ),
    )


def _insert_changes(session: Session, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    copy_frame(
        session,
        "health_code_change",
        pl.DataFrame(
            {
                "person_id": [r["person_id"] for r in rows],
                '"on"': [r["on"] for r in rows],
                "from_colour": [r["from_colour"] for r in rows],
                "to_colour": [r["to_colour"] for r in rows],
                "reasons": [r["reasons"] for r in rows],
                "by": [r["by"] for r in rows],
                "cause": [r["cause"] for r in rows],
                "at": [r["at"] for r in rows],
            },
            schema_overrides={'"on"': pl.Date, "from_colour": pl.String, "at": _INSTANT},
        ),
    )


def people_with_facts(session: Session, on: date) -> set[int]:
    """Everyone whose code depends on more than their province: an active order, an infection, a hold (ended or
    not: the rule decides its days), or a home in an area at high or medium risk on `on`."""
    found = set(session.scalars(select(ManagementOrder.person_id).where(ManagementOrder.status == OrderStatus.active)))
    found.update(session.scalars(select(Infection.person_id)))
    found.update(session.scalars(select(TemporaryControl.person_id)))
    found.update(residents_of(session, [code for code, *_ in areas_in_force(session, on)]))
    return found


# ---- everyone else ---------------------------------------------------------------------------------------------------


def write_plain(
    session: Session,
    root: str,
    on: date,
    policy: Policy,
    *,
    with_facts: set[int],
    by: str,
    cause: str,
    due_only: bool,
) -> Counter[str]:
    """The codes of everyone under `root` without facts: their province's colour for `on`, written where the
    stored status differs (`due_only`: where it does not stand on `on`) or is missing."""
    counts: Counter[str] = Counter()
    rules = policy.at(on)
    tables = colour_tables()
    until = steady_through(PersonFacts(), on, policy.next_change_after(on))
    codes = list(session.scalars(select(Jurisdiction.code).where(Jurisdiction.path.startswith(root))))
    constants: dict[int, tuple[str, str]] = {}
    rows: dict[str, list[Any]] = {"jurisdiction_code": [], "colour": [], "reasons": []}
    for code in codes:
        table = tables.for_jurisdiction(code)
        if id(table) not in constants:
            d = health_code([], table, rules)
            constants[id(table)] = (d.colour, json.dumps([r.model_dump() for r in d.reasons]))
        colour, reasons = constants[id(table)]
        rows["jurisdiction_code"].append(code)
        rows["colour"].append(colour)
        rows["reasons"].append(reasons)
    temporary_table(session, "code_plain", "jurisdiction_code VARCHAR(32) PRIMARY KEY, colour VARCHAR(8), reasons TEXT")
    copy_frame(session, "code_plain", pl.DataFrame(rows, schema=dict.fromkeys(rows, pl.String)))
    temporary_table(session, "code_facts", "person_id BIGINT PRIMARY KEY")
    copy_frame(session, "code_facts", pl.DataFrame({"person_id": sorted(with_facts)}, schema={"person_id": pl.Int64}))
    analyze(session, "code_plain", "code_facts")
    now = utcnow()
    params = _params(session, on=on, until=until, now=now, by=by, cause=cause)
    no_facts = "NOT EXISTS (SELECT 1 FROM code_facts f WHERE f.person_id = health_code.person_id)"
    # which stored rows are written: those not standing on the day (the daily job), or else also those whose
    # colour or last standing day differ from the province's
    if due_only:
        write = 'health_code."on" > :on OR health_code.until < :on'
    else:
        write = (
            'health_code.colour <> c.colour OR health_code."on" > :on '
            f"OR health_code.until {_distinct(session)} :until OR CAST(health_code.reasons AS TEXT) <> c.reasons"
        )
    joined = (
        "FROM health_code JOIN person p ON p.id = health_code.person_id "
        f"JOIN code_plain c ON c.jurisdiction_code = p.jurisdiction_code WHERE {no_facts}"
    )
    changed = session.execute(
        text(
            'INSERT INTO health_code_change (person_id, "on", from_colour, to_colour, reasons, by, cause, at) '
            "SELECT health_code.person_id, :on, health_code.colour, c.colour, "
            f"{_json_cast(session, 'c.reasons')}, :by, :cause, :now {joined} "
            f"AND health_code.colour <> c.colour AND ({write})"
        ),
        params,
    )
    counts["changed"] += changed.rowcount  # type: ignore[attr-defined]
    written = session.execute(
        text(
            f"UPDATE health_code SET colour = c.colour, reasons = {_json_cast(session, 'c.reasons')}, "
            '"on" = :on, until = :until, computed_at = :now FROM person p, code_plain c '
            "WHERE p.id = health_code.person_id AND c.jurisdiction_code = p.jurisdiction_code "
            f"AND {no_facts} AND ({write})"
        ),
        params,
    )
    counts["written"] += written.rowcount  # type: ignore[attr-defined]
    missing = fetch_frame(
        session,
        "SELECT p.id, c.colour, c.reasons FROM person p JOIN code_plain c ON c.jurisdiction_code = p.jurisdiction_code "
        "WHERE NOT EXISTS (SELECT 1 FROM health_code h WHERE h.person_id = p.id) "
        "AND NOT EXISTS (SELECT 1 FROM code_facts f WHERE f.person_id = p.id)",
        {"person_id": pl.Int64, "colour": pl.String, "reasons": pl.String},
    )
    if missing.height:
        _issue(session, missing, on, until, now, by=by, cause=cause)
        counts["changed"] += missing.height
        counts["written"] += missing.height
    # every plain person under the root now holds their jurisdiction's colour: count people by jurisdiction (the
    # index on person.jurisdiction_code answers it) less those with facts, rather than joining 20 M codes again
    # (that join took minutes on SQLite at a city's size)
    colour_of = dict(zip(rows["jurisdiction_code"], rows["colour"], strict=True))
    by_area: Counter[str] = Counter()
    for code, n in session.execute(
        text("SELECT p.jurisdiction_code, count(*) FROM person p GROUP BY p.jurisdiction_code")
    ):
        by_area[code] += n
    for code, n in session.execute(
        text(
            "SELECT p.jurisdiction_code, count(*) FROM code_facts f JOIN person p ON p.id = f.person_id "
            "GROUP BY p.jurisdiction_code"
        )
    ):
        by_area[code] -= n
    for code, n in by_area.items():
        plain = colour_of.get(code)
        if plain is not None and n > 0:
            counts[plain] += n
            counts["persons"] += n
    drop_temporary(session, "code_plain", "code_facts")
    return counts


def _issue(
    session: Session, missing: pl.DataFrame, on: date, until: date | None, now: Any, *, by: str, cause: str
) -> None:
    """First codes for people who have none: fresh tokens, and the issue recorded as a change from nothing."""
    codes = missing.with_columns(
        token=pl.Series(new_tokens(missing.height), dtype=pl.String),
        on=pl.lit(on, pl.Date),
        until=pl.lit(until, pl.Date),
        computed_at=pl.lit(now, pl.Datetime("us", "UTC")),
    )
    copy_frame(
        session,
        "health_code",
        codes.select("person_id", "token", "colour", "reasons", pl.col("on").alias('"on"'), "until", "computed_at"),
    )
    copy_frame(
        session,
        "health_code_change",
        codes.select(
            "person_id",
            pl.col("on").alias('"on"'),
            pl.lit(None, pl.String).alias("from_colour"),
            pl.col("colour").alias("to_colour"),
            "reasons",
            pl.lit(by).alias("by"),
            pl.lit(cause).alias("cause"),
            pl.col("computed_at").alias("at"),
        ),
    )


def people_in_scope(session: Session, ids: Sequence[int], *, root: str | None = None) -> list[Any]:
    """(id, jurisdiction_code, building, unit) of each of `ids` that exists (and lives under `root`)."""
    out: list[Any] = []
    with keyed(session, ids, "code_people") as where:
        for condition in where(Person.id):
            stmt = select(Person.id, Person.jurisdiction_code, Person.building, Person.unit).where(condition)
            if root is not None:
                stmt = stmt.join(Jurisdiction, Jurisdiction.code == Person.jurisdiction_code).where(
                    Jurisdiction.path.startswith(root)
                )
            out.extend(session.execute(stmt).all())
    return out
