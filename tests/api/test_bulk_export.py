"""The store as bulk tables: the demo county exported, and the bulk jobs over the export give the services'
answers — every resident's health code (`services.health_codes.decide_codes`), the county's work list
(`services.orders.worklists.work_list`), and the venue contacts of its infections by the per-person rule. On SQLite
and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.bulk import health_codes as hc
from fangkong.bulk import work_lists as wl
from fangkong.bulk.city import ZONE
from fangkong.bulk.contacts import KEYS, contact_rules, contacts_sql, per_person, scan_rows
from fangkong.bulk.engines import DuckDBEngine, canonical
from fangkong.bulk.jobs import run_job
from fangkong.bulk.timebase import epoch_day
from fangkong.errors import Forbidden
from fangkong.policy import load_policy
from fangkong.policy.health_codes import colour_tables
from fangkong.services.access import SYSTEM, Actor, Role
from fangkong.services.audit.models import AuditEntry
from fangkong.services.bulk_export import export_tables
from fangkong.services.demo import DEMO_TODAY
from fangkong.services.health_codes.service import decide_codes
from fangkong.services.orders.worklists import work_list
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.stores import BACKENDS, Templates

POLICY = load_policy()


@pytest.fixture(params=BACKENDS)
def demo_store(request: pytest.FixtureRequest, tmp_path: Path, store_templates: Templates) -> Iterator[Session]:
    """The demo county (120 people under management), in a session that commits at the end of the test."""
    with store_templates.store(request.param, "demo", tmp_path) as url:
        engine = make_engine(url)
        with unit_of_work(session_factory(engine)) as session:
            yield session
        engine.dispose()


def test_export_gives_the_services_answers(demo_store: Session, tmp_path: Path) -> None:
    session, on = demo_store, DEMO_TODAY
    folder = tmp_path / "export"
    counts = export_tables(session, SYSTEM, folder, on=on)
    assert counts["residents"] > 100 and counts["orders"] > 50 and counts["scans"] > 0 and counts["risk_areas"] > 0
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "exported")) is not None
    # nothing personal leaves the store
    for table in ("residents", "orders", "cases", "held"):
        assert not {"name", "document_number", "phone", "address"} & set(
            pq.read_schema(folder / f"{table}.parquet").names
        )

    # health codes: the SQL job and the numpy pass against the service's per-person decisions
    people = list(session.scalars(select(Person).order_by(Person.id)))
    expected = {p.id: d.colour for p, d in zip(people, decide_codes(session, people, on, POLICY).values(), strict=True)}
    engine = DuckDBEngine()
    codes = run_job("health_codes", folder, engine, POLICY, on, ZONE)
    got = dict(zip(codes.rows.column("person_id").to_pylist(), codes.rows.column("colour").to_pylist(), strict=True))
    assert got == expected
    assert set(got.values()) >= {"red", "green"}
    population = hc.Population.load(folder / "residents.parquet")
    colours = hc.colour_table(colour_tables(), sorted(set(population.provinces)), POLICY.at(on))
    fast = hc.compute(
        population,
        engine.query(hc.person_statuses_sql(epoch_day(on))),
        pq.read_table(folder / "risk_areas.parquet"),
        colours,
    )
    names = np.asarray(fast.colours)
    assert dict(zip(population.person_id.tolist(), names[fast.colour].tolist(), strict=True)) == expected

    # work lists: the job and the in-memory schedule against the county's list
    for day in (on - timedelta(days=1), on, on + timedelta(days=1)):
        service = work_list(session, SYSTEM, on=day)
        want = (
            {("test_due", t.order_id, t.phase_day) for t in service.tests_due}
            | {("phase_change", i.order_id, None) for i in service.phase_changes}
            | {("release", i.order_id, None) for i in service.releases}
            | {("overdue_test", i.order_id, None) for i in service.overdue_tests}
        )
        rows = run_job("work_lists", folder, engine, POLICY, day, ZONE).rows
        mine = {
            (s, o, n if s == "test_due" else None)
            for s, o, n in zip(*(rows.column(c).to_pylist() for c in ("section", "order_id", "phase_day")), strict=True)
        }
        assert mine == want, day
        assert len(rows) == sum(
            len(x) for x in (service.tests_due, service.phase_changes, service.releases, service.overdue_tests)
        )
        assert canonical(wl.Schedule.load(folder).work(epoch_day(day), 7), wl.KEYS).equals(canonical(rows, wl.KEYS))

    # close contacts of the county's infections over its venue scans, against the per-person rule
    rules = contact_rules(POLICY.at(on), 8 * 3600)
    engine.parquet("cases", folder / "cases.parquet")
    engine.parquet("scans", folder / "scans")
    found = canonical(engine.query(contacts_sql(rules)), KEYS)
    scans = scan_rows(pq.read_table(folder / "scans"))
    cases = pq.read_table(folder / "cases.parquet").to_pylist()
    assert cases
    want_contacts: set[tuple[int, int, int]] = set()
    for c in cases:
        want_contacts |= per_person(
            c["case_id"], c["sampled_day"], c["onset_day"], c["isolated_s"], scans, POLICY.at(on), ZONE
        )
    assert (
        set(zip(*(found.column(k).to_pylist() for k in ("case_id", "person_id", "last_day")), strict=True))
        == want_contacts
    )
    assert want_contacts  # the market's scans put people beside the infection
    engine.close()


def test_only_staff_who_recompute_codes_may_export(demo_store: Session, tmp_path: Path) -> None:
    worker = Actor("worker", Role.community_worker, SYSTEM.jurisdiction_path)
    with pytest.raises(Forbidden):
        export_tables(demo_store, worker, tmp_path / "x", on=DEMO_TODAY)
    assert not (tmp_path / "x").exists()
