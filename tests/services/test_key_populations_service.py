"""The key-population registry, plans and checks, key institutions and their alerts in the store (measure 14; issue
19), on SQLite and PostgreSQL (tests.stores). Every bad input of the issue that is this part's is refused naming the
field, with nothing changed; every read of a person's entry is audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.errors import InvalidInput, NotFound, RowError
from fangkong.rules.resident_id import check_digit
from fangkong.services.access import Actor, Role
from fangkong.services.audit.models import AuditEntry
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.key_populations import institutions as inst
from fangkong.services.key_populations.imports import import_entries
from fangkong.services.key_populations.models import AlertItem, InstitutionAlert, KeyInstitution, KeyPerson
from fangkong.services.key_populations.service import (
    EntryIn,
    add_entry,
    end_entry,
    list_entries,
    overdue_checks,
    person_plan,
    record_check,
)
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.users.models import User
from fangkong.services.users.service import actor_for_user
from tests.stores import BACKENDS, Templates

COMMUNITY = "110105001001"
NOW = datetime(2022, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture(params=BACKENDS)
def session(request: pytest.FixtureRequest, tmp_path: Path, store_templates: Templates) -> Iterator[Session]:
    with store_templates.store(request.param, "small_county", tmp_path) as url:
        engine = make_engine(url)
        with unit_of_work(session_factory(engine)) as s:
            yield s
        engine.dispose()


def actor(session: Session, username: str = "cc") -> Actor:
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    return actor_for_user(session, user)


def resident_id(born: date, seq: int) -> str:
    first17 = f"110105{born:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def person(session: Session, seq: int, born: date | None = date(1940, 3, 1), where: str = COMMUNITY) -> Person:
    p = Person(
        name=f"person {seq}",
        document_type="resident_id",
        document_number=resident_id(born or date(1980, 1, 1), seq),
        birth_date=born,
        address="1 Road",
        jurisdiction_code=where,
    )
    session.add(p)
    session.flush()
    return p


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


# ---- the registry and the plan ---------------------------------------------------------------------------------


def test_the_82_year_old_living_alone_is_graded_high_and_checked_daily(session: Session) -> None:
    p = person(session, 1, born=date(1940, 3, 1))
    entry = add_entry(
        session,
        actor(session, "worker_a"),
        EntryIn(person_id=p.id, kinds=["elderly_living_alone"], vaccination_status="unvaccinated", checker="worker_a"),
        now=NOW,
    )
    assert (entry.grade, entry.check_every_days, entry.policy) == ("high", 1, "m20")
    assert {r["clause"] for r in entry.reasons} == {"m20.14", "m20.12"}
    plan = person_plan(session, actor(session, "worker_a"), p.id, now=NOW + timedelta(hours=1))
    assert (plan.grade, plan.checker, plan.overdue) == ("high", "worker_a", False)
    assert plan.next_due_at == NOW + timedelta(days=1)
    read = session.scalars(select(AuditEntry).where(AuditEntry.entity == "person", AuditEntry.action == "read"))
    assert [(e.entity_id, e.detail["persons"], e.detail["key_population"]) for e in read] == [(str(p.id), [p.id], True)]


def test_checks_and_overdue(session: Session) -> None:
    worker = actor(session, "worker_a")
    old = person(session, 1, born=date(1940, 3, 1))
    pregnant = person(session, 2, born=date(1995, 6, 1))
    e1 = add_entry(session, worker, EntryIn(person_id=old.id, kinds=["elderly_living_alone"]), now=NOW)
    e2 = add_entry(
        session,
        worker,
        EntryIn(person_id=pregnant.id, kinds=["pregnant"], vaccination_status="full_course"),
        now=NOW,
    )
    assert (e2.grade, e2.check_every_days) == ("medium", 3)
    later = NOW + timedelta(days=2)
    record_check(session, worker, e2.id, checked_at=NOW + timedelta(days=1), outcome="well", now=later)
    overdue, total = overdue_checks(session, worker, now=later)
    assert total == 1 and [o.entry_id for o in overdue] == [e1.id]
    assert overdue[0].due_at == NOW + timedelta(days=1)
    record_check(session, worker, e1.id, checked_at=later, outcome="needs_help", note="no food", now=later)
    assert overdue_checks(session, worker, now=later + timedelta(hours=1))[1] == 0
    assert overdue_checks(session, worker, now=later + timedelta(days=5))[1] == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kinds": ["astronaut"]}, "kinds"),
        ({"kinds": []}, "kinds"),
        ({"vaccination_status": "twice"}, "vaccination_status"),
        ({"person_id": 999_999}, "person_id"),
        ({"note": "x" * 401}, "note"),
    ],
)
def test_a_bad_entry_is_refused_naming_the_field(session: Session, change: dict[str, object], field: str) -> None:
    p = person(session, 1)
    data = {"person_id": p.id, "kinds": ["hemodialysis"], **change}
    with pytest.raises(InvalidInput) as e:
        add_entry(session, actor(session, "worker_a"), EntryIn.model_validate(data), now=NOW)
    assert e.value.field == field
    assert count(session, KeyPerson) == 0


def test_a_person_out_of_scope_twice_on_the_registry_or_without_a_birth_date(session: Session) -> None:
    p = person(session, 1)
    with pytest.raises(InvalidInput) as e:  # worker_c works in another county
        add_entry(session, actor(session, "worker_c"), EntryIn(person_id=p.id, kinds=["pregnant"]), now=NOW)
    assert e.value.field == "person_id"
    add_entry(session, actor(session, "worker_a"), EntryIn(person_id=p.id, kinds=["pregnant"]), now=NOW)
    with pytest.raises(InvalidInput) as e:
        add_entry(session, actor(session, "worker_a"), EntryIn(person_id=p.id, kinds=["pregnant"]), now=NOW)
    assert e.value.field == "person_id"
    nobody = person(session, 2, born=None)
    with pytest.raises(InvalidInput) as e:
        add_entry(session, actor(session, "worker_a"), EntryIn(person_id=nobody.id, kinds=["pregnant"]), now=NOW)
    assert e.value.field == "person_id"
    assert count(session, KeyPerson) == 1
    with pytest.raises(NotFound):
        person_plan(session, actor(session, "worker_c"), p.id, now=NOW)


def test_a_check_in_the_future_or_on_an_ended_entry_is_refused(session: Session) -> None:
    worker = actor(session, "worker_a")
    entry = add_entry(session, worker, EntryIn(person_id=person(session, 1).id, kinds=["hemodialysis"]), now=NOW)
    for at, outcome, field in [
        (NOW + timedelta(hours=1), "well", "checked_at"),
        (NOW - timedelta(days=1), "well", "checked_at"),
        (NOW, "dancing", "outcome"),
    ]:
        with pytest.raises(InvalidInput) as e:
            record_check(session, worker, entry.id, checked_at=at, outcome=outcome, now=NOW)
        assert e.value.field == field
    end_entry(session, worker, entry.id, now=NOW + timedelta(days=1))
    with pytest.raises(InvalidInput) as e:
        record_check(session, worker, entry.id, checked_at=NOW, outcome="well", now=NOW + timedelta(days=2))
    assert e.value.field == "entry_id"


def test_the_registry_lists_by_kind_and_grade_and_audits_the_persons(session: Session) -> None:
    worker = actor(session, "worker_a")
    a = person(session, 1, born=date(1940, 3, 1))
    b = person(session, 2, born=date(1995, 6, 1))
    c = person(session, 3, born=date(1990, 1, 1), where="110105001002")
    add_entry(session, worker, EntryIn(person_id=a.id, kinds=["elderly_living_alone"]), now=NOW)
    add_entry(session, worker, EntryIn(person_id=b.id, kinds=["pregnant"], vaccination_status="boosted"), now=NOW)
    add_entry(session, actor(session, "epi"), EntryIn(person_id=c.id, kinds=["hemodialysis"]), now=NOW)
    rows, total = list_entries(session, actor(session, "epi"))
    assert total == 3 and [p.id for _, p in rows][-1] == b.id  # highest grade first
    assert [p.id for _, p in list_entries(session, worker, kind="pregnant")[0]] == [b.id]
    assert list_entries(session, actor(session, "epi"), grade="high")[1] == 2
    assert list_entries(session, worker)[1] == 2  # community B is not worker_a's
    with pytest.raises(InvalidInput) as e:
        list_entries(session, worker, grade="extreme")
    assert e.value.field == "grade"
    last = session.scalars(select(AuditEntry).where(AuditEntry.entity == "key_populations")).all()[-1]
    assert last.detail["persons"] == [a.id, b.id]


# ---- institutions and alerts -----------------------------------------------------------------------------------


def nursing_home(session: Session) -> KeyInstitution:
    return inst.create_institution(
        session,
        actor(session),
        inst.InstitutionIn(
            name="Sunset home", kind="nursing_home", jurisdiction_code=COMMUNITY, residents=80, staff=20
        ),
    )


def infection_of(session: Session, p: Person) -> Infection:
    infection = Infection(
        person_id=p.id,
        kind="confirmed",
        sampled_on=date(2022, 11, 30),
        confirmed_at=NOW - timedelta(hours=3),
        found_in="community",
        jurisdiction_code=p.jurisdiction_code,
        created_by="test",
    )
    session.add(infection)
    session.flush()
    return infection


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"residents": -1}, "residents"),
        ({"staff": -3}, "staff"),
        ({"kind": "prison"}, "kind"),
        ({"jurisdiction_code": "999"}, "jurisdiction_code"),
        ({"jurisdiction_code": ""}, "jurisdiction_code"),
        ({"name": " "}, "name"),
    ],
)
def test_a_bad_institution_is_refused_naming_the_field(session: Session, change: dict[str, object], field: str) -> None:
    data = {"name": "Home", "kind": "welfare_home", "jurisdiction_code": COMMUNITY, **change}
    with pytest.raises(InvalidInput) as e:
        inst.create_institution(session, actor(session), inst.InstitutionIn.model_validate(data))
    assert e.value.field == field
    assert count(session, KeyInstitution) == 0


def test_institution_updates_and_closed_management(session: Session) -> None:
    home = nursing_home(session)
    with pytest.raises(InvalidInput) as e:
        inst.update_institution(session, actor(session), home.id, {"residents": -5})
    assert e.value.field == "residents" and home.residents == 80
    assert inst.update_institution(session, actor(session), home.id, {"residents": 85}).residents == 85
    fengtai = session.get(Jurisdiction, "110106")
    assert fengtai is not None
    elsewhere = Actor("fengtai_manager", Role.site_manager, fengtai.path)
    with pytest.raises(InvalidInput) as e:
        inst.create_institution(
            session, elsewhere, inst.InstitutionIn(name="X", kind="welfare_home", jurisdiction_code=COMMUNITY)
        )
    assert e.value.field == "jurisdiction_code"
    with pytest.raises(NotFound):
        inst.update_institution(session, elsewhere, home.id, {"residents": 1})
    inst.add_closure(session, actor(session), home.id, date(2022, 12, 1), date(2022, 12, 10))
    with pytest.raises(InvalidInput) as e:
        inst.add_closure(session, actor(session), home.id, date(2022, 12, 5), None)
    assert e.value.field == "starts_on"
    with pytest.raises(InvalidInput) as e:
        inst.add_closure(session, actor(session), home.id, date(2022, 12, 20), date(2022, 12, 19))
    assert e.value.field == "ends_on"
    assert len(inst.closures(session, home.id)) == 1
    with pytest.raises(NotFound):
        inst.get_institution(session, actor(session, "epi_fengtai"), home.id)


def test_an_infection_raises_an_alert_with_deadlines_and_items_are_marked_done(session: Session) -> None:
    home = nursing_home(session)
    infection = infection_of(session, person(session, 1))
    alert = inst.raise_alert(session, actor(session, "epi"), home.id, infection.id, NOW, infected="staff")
    items = inst.items_of(session, alert.id)
    assert [(i.step, i.due_at) for i in items] == [
        ("transfer_severe", NOW + timedelta(hours=2)),
        ("isolate_on_site", NOW + timedelta(hours=6)),
        ("test_everyone", NOW + timedelta(hours=24)),
    ]
    with pytest.raises(InvalidInput) as e:
        inst.raise_alert(session, actor(session, "epi"), home.id, infection.id, NOW)
    assert e.value.field == "infection_id"
    later = NOW + timedelta(hours=3)
    overdue = inst.list_alerts(session, actor(session), overdue_at=later)
    assert [a.id for a, _ in overdue] == [alert.id]
    inst.mark_done(session, actor(session), alert.id, "transfer_severe", now=later, done_at=NOW + timedelta(hours=1))
    assert inst.list_alerts(session, actor(session), overdue_at=later) == []
    for step, field in [("transfer_severe", "step"), ("dance", "step")]:
        with pytest.raises(InvalidInput) as e:
            inst.mark_done(session, actor(session), alert.id, step, now=later)
        assert e.value.field == field
    with pytest.raises(InvalidInput) as e:
        inst.mark_done(session, actor(session), alert.id, "isolate_on_site", now=later, done_at=later + timedelta(1))
    assert e.value.field == "done_at"
    inst.mark_done(session, actor(session), alert.id, "isolate_on_site", now=later)
    assert alert.status == "open"
    inst.mark_done(session, actor(session), alert.id, "test_everyone", now=later)
    assert alert.status == "closed"
    assert [a.id for a, _ in inst.list_alerts(session, actor(session), status="closed")] == [alert.id]


def test_an_alert_for_nothing_is_refused(session: Session) -> None:
    home = nursing_home(session)
    infection = infection_of(session, person(session, 1))
    for institution_id, infection_id, infected, field in [
        (999, infection.id, "resident", "institution_id"),
        (home.id, 999, "resident", "infection_id"),
        (home.id, infection.id, "visitor", "infected"),
    ]:
        with pytest.raises(InvalidInput) as e:
            inst.raise_alert(session, actor(session, "epi"), institution_id, infection_id, NOW, infected=infected)
        assert e.value.field == field
    assert count(session, InstitutionAlert) == 0 and count(session, AlertItem) == 0


# ---- the import ------------------------------------------------------------------------------------------------


def test_the_import_is_all_or_nothing_idempotent_and_checks_the_check_digit(session: Session) -> None:
    worker = actor(session, "worker_a")
    a = person(session, 1, born=date(1940, 3, 1))
    b = person(session, 2, born=date(1995, 6, 1))
    good = (
        "document_number,kinds,vaccination_status,checker\n"
        f"{a.document_number},elderly_living_alone;underlying_disease,unvaccinated,worker_a\n"
        f"{b.document_number},pregnant,full_course,\n"
    ).encode()
    summary = import_entries(session, worker, good, "csv", now=NOW)
    assert (summary.rows, summary.added, summary.already_imported) == (2, 2, False)
    again = import_entries(session, worker, good, "csv", now=NOW)
    assert again.already_imported and count(session, KeyPerson) == 2
    bad_digit = b.document_number[:-1] + ("0" if b.document_number[-1] != "0" else "1")
    bad = f"document_number,kinds\n{a.document_number},hemodialysis\n{bad_digit},pregnant\n".encode()
    with pytest.raises(RowError) as e:
        import_entries(session, worker, bad, "csv", now=NOW)
    assert (e.value.field, e.value.row) == ("document_number", 2)
    unknown = f'[{{"document_number": "{a.document_number}", "kinds": ["martian"]}}]'.encode()
    with pytest.raises(RowError) as e:
        import_entries(session, worker, unknown, "json", now=NOW)
    assert e.value.field == "kinds"
    entry = session.scalar(select(KeyPerson).where(KeyPerson.person_id == a.id))
    assert entry is not None and entry.kinds == ["elderly_living_alone", "underlying_disease"]
