"""The store as bulk tables: a jurisdiction's people, orders, samples, infections, holds, venue scans and risk
areas written in the layout the bulk jobs read (`fangkong.bulk`, docs/bulk.md), so a command centre runs the
city-wide jobs — or a province's Spark cluster runs them — over its own data, not only over a synthetic city.

What leaves the store is identifiers and facts, no names, document numbers, phones or addresses: person ids,
area ids (numbers given to jurisdiction codes in `areas.parquet`, which maps them back), categories, days and
instants. Only staff who may recompute codes (the command centre, epidemiologists) may export, and each export is
an audit entry.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.bulk.timebase import epoch_day, epoch_s
from fangkong.services.access import Actor, Permission
from fangkong.services.audit.service import record
from fangkong.services.health_codes.service import levels_on
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction, JurisdictionLevel
from fangkong.services.jurisdictions.service import scope_root
from fangkong.services.lab.models import TemporaryControl
from fangkong.services.orders.models import ManagementOrder, OrderStatus, Sampling
from fangkong.services.orders.service import stored_plan
from fangkong.services.persons.models import Person
from fangkong.services.settings import JURISDICTION_ZONE
from fangkong.services.tracing.models import VenueScan

HOME_LEVELS = (JurisdictionLevel.community.value, JurisdictionLevel.building.value, JurisdictionLevel.unit.value)


def _day(at: datetime) -> int:
    return epoch_day(at.astimezone(JURISDICTION_ZONE).date())


def _write(folder: Path, name: str, columns: dict[str, pa.Array]) -> None:
    pq.write_table(pa.table(columns), folder / f"{name}.parquet")


Area = tuple[str, str, str, str | None, str | None]  # code, level, path, parent code, label


def _areas(session: Session) -> tuple[list[Area], dict[str, int]]:
    """Every jurisdiction, and the number each gets in the bulk tables (by code: the same in every export)."""
    areas: list[Area] = [
        (code, level, path, parent, label)
        for code, level, path, parent, label in session.execute(
            select(
                Jurisdiction.code, Jurisdiction.level, Jurisdiction.path, Jurisdiction.parent_code, Jurisdiction.label
            )
        )
    ]
    return areas, {code: i for i, code in enumerate(sorted(a[0] for a in areas))}


def _risk_area_rows(
    session: Session, areas: list[Area], area_id: dict[str, int], on: date
) -> list[tuple[str, int, str]]:
    """(kind, area number, level) of the high- and medium-risk areas in force on `on`; areas wider than a
    community are written as their communities."""
    by_path = {path: code for code, _, path, _, _ in areas}
    level_of = {code: level for code, level, *_ in areas}
    kinds = {JurisdictionLevel.unit.value: "unit", JurisdictionLevel.building.value: "building"}
    rows: list[tuple[str, int, str]] = []
    for path, level, _clause in levels_on(session, on):
        code = by_path[path]
        area_level = level_of[code]
        if area_level in kinds:
            rows.append((kinds[area_level], area_id[code], level))
        else:
            rows.extend(
                ("community", area_id[c], level)
                for c, lvl, p, _, _ in areas
                if lvl == JurisdictionLevel.community.value and p.startswith(path)
            )
    return rows


def _write_risk_areas(path: Path, rows: list[tuple[str, int, str]]) -> None:
    pq.write_table(
        pa.table(
            {
                "kind": pa.array([r[0] for r in rows], pa.string()),
                "area_id": pa.array([r[1] for r in rows], pa.int32()),
                "level": pa.array([r[2] for r in rows], pa.string()),
            }
        ),
        path,
    )


def export_risk_areas(session: Session, actor: Actor, path: Path, *, on: date) -> int:
    """Write the risk areas in force on `on` as a health-code job's areas file (`run_job(..., areas=path)`), with
    the area numbers of `export_tables`: the codes of any day over one export. The rows written."""
    actor.require(Permission.manage_areas)
    areas, area_id = _areas(session)
    rows = _risk_area_rows(session, areas, area_id, on)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_risk_areas(path, rows)
    return len(rows)


def export_tables(
    session: Session, actor: Actor, folder: Path, *, on: date, jurisdiction_code: str | None = None
) -> dict[str, int]:
    """Write the bulk tables of the actor's jurisdiction (or a narrower one) as they stand on `on`; the rows
    written per table."""
    actor.require(Permission.manage_areas)
    root = scope_root(session, actor, jurisdiction_code)
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}

    # Areas: every jurisdiction of the subtree (and its ancestors, for areas wider than it) gets a number.
    areas, area_id = _areas(session)
    child = {(parent, level, label): code for code, level, _, parent, label in areas if parent is not None}
    _write(
        folder,
        "areas",
        {
            "area_id": pa.array([area_id[a[0]] for a in areas], pa.int32()),
            "code": pa.array([a[0] for a in areas], pa.string()),
            "level": pa.array([a[1] for a in areas], pa.string()),
            "path": pa.array([a[2] for a in areas], pa.string()),
        },
    )

    # Residents: each person's home as unit, building and community (a level not recorded is -1).
    people = list(
        session.execute(
            select(Person.id, Person.jurisdiction_code, Person.building, Person.unit)
            .join(Jurisdiction, Jurisdiction.code == Person.jurisdiction_code)
            .where(Jurisdiction.path.startswith(root))
            .order_by(Person.id)
        )
    )
    homes: dict[str, list[int]] = defaultdict(list)
    for _pid, community, building_label, unit_label in people:
        building = child.get((community, JurisdictionLevel.building.value, building_label or ""))
        unit = child.get((building, JurisdictionLevel.unit.value, unit_label or "")) if building else None
        homes["community_id"].append(area_id[community])
        homes["building_id"].append(area_id[building] if building else -1)
        homes["unit_id"].append(area_id[unit] if unit else -1)
    _write(
        folder,
        "residents",
        {
            "person_id": pa.array([p[0] for p in people], pa.int32()),
            "unit_id": pa.array(homes["unit_id"], pa.int32()),
            "building_id": pa.array(homes["building_id"], pa.int32()),
            "community_id": pa.array(homes["community_id"], pa.int32()),
            "province": pa.array([p[1][:2] for p in people], pa.string()),
        },
    )
    counts["residents"] = len(people)
    in_scope = {p[0] for p in people}

    # Orders in force (active), their phases and test schedule from the stored plan, the samples taken.
    orders = list(
        session.scalars(
            select(ManagementOrder)
            .join(Jurisdiction, Jurisdiction.code == ManagementOrder.jurisdiction_code)
            .where(Jurisdiction.path.startswith(root), ManagementOrder.status == OrderStatus.active)
            .order_by(ManagementOrder.id)
        )
    )
    o_cols: dict[str, list[Any]] = defaultdict(list)
    ph: dict[str, list[Any]] = defaultdict(list)
    te: dict[str, list[Any]] = defaultdict(list)
    for order in orders:
        plan = stored_plan(order)
        o_cols["order_id"].append(order.id)
        o_cols["person_id"].append(order.person_id)
        o_cols["community_id"].append(area_id[order.jurisdiction_code])
        o_cols["category"].append(order.category)
        o_cols["start_day"].append(epoch_day(order.start))
        o_cols["released_day"].append(epoch_day(order.released_on))
        o_cols["policy"].append(order.policy_version)
        for i, phase in enumerate(plan.phases):
            for name, value in (
                ("order_id", order.id),
                ("phase_index", i),
                ("kind", phase.kind.value),
                ("start_day", epoch_day(phase.start)),
                ("end_day", epoch_day(phase.end)),
            ):
                ph[name].append(value)
            for n, test_day in zip(phase.test_days, phase.test_dates, strict=True):
                for name, value in (
                    ("order_id", order.id),
                    ("phase_index", i),
                    ("kind", phase.kind.value),
                    ("phase_day", n),
                    ("test_day", epoch_day(test_day)),
                ):
                    te[name].append(value)
    int_columns = {"order_id", "person_id", "community_id", "start_day", "released_day", "end_day", "test_day"}

    def typed(cols: dict[str, list[Any]], names: tuple[str, ...]) -> dict[str, pa.Array]:
        return {
            n: pa.array(cols[n], pa.int32() if n in int_columns or n in ("phase_index", "phase_day") else pa.string())
            for n in names
        }

    _write(
        folder,
        "orders",
        typed(o_cols, ("order_id", "person_id", "community_id", "category", "start_day", "released_day", "policy")),
    )
    _write(folder, "phases", typed(ph, ("order_id", "phase_index", "kind", "start_day", "end_day")))
    _write(folder, "tests", typed(te, ("order_id", "phase_index", "kind", "phase_day", "test_day")))
    samplings = [
        (order_id, epoch_day(sampled_on))
        for order_id, sampled_on in session.execute(
            select(Sampling.order_id, Sampling.sampled_on)
            .join(ManagementOrder, ManagementOrder.id == Sampling.order_id)
            .join(Jurisdiction, Jurisdiction.code == ManagementOrder.jurisdiction_code)
            .where(
                Jurisdiction.path.startswith(root),
                ManagementOrder.status == OrderStatus.active,
                Sampling.sampled_on <= on,
            )
        )
    ]
    _write(
        folder,
        "samplings",
        {
            "order_id": pa.array([s[0] for s in samplings], pa.int32()),
            "sampled_day": pa.array([s[1] for s in samplings], pa.int32()),
        },
    )
    counts |= {
        "orders": len(orders),
        "phases": len(ph["order_id"]),
        "tests": len(te["order_id"]),
        "samplings": len(samplings),
    }

    # Infections found (confirmed) by `on`, discharged or not: their exposure window, and the days they count on
    # for a health code (from confirmation until discharge: the job applies `rules.health_code`'s windows, so the
    # export answers for the days around `on` too, not only for `on`).
    infections = [
        i
        for i in session.scalars(select(Infection).order_by(Infection.person_id))
        if i.person_id in in_scope and _day(i.confirmed_at) <= epoch_day(on)
    ]
    _write(
        folder,
        "cases",
        {
            "case_id": pa.array([i.person_id for i in infections], pa.int32()),
            "sampled_day": pa.array([epoch_day(i.sampled_on) for i in infections], pa.int32()),
            "onset_day": pa.array([epoch_day(i.onset_on) if i.onset_on else None for i in infections], pa.int32()),
            "isolated_s": pa.array([epoch_s(i.isolated_at) if i.isolated_at else None for i in infections], pa.int64()),
            "confirmed_day": pa.array([_day(i.confirmed_at) for i in infections], pa.int32()),
            "discharged_day": pa.array(
                [epoch_day(i.discharged_on) if i.discharged_on else None for i in infections], pa.int32()
            ),
        },
    )
    # Holds (every one: the job decides the days each counts on); venue scans a file a day.
    holds = [h for h in session.scalars(select(TemporaryControl)) if h.person_id in in_scope]
    _write(
        folder,
        "held",
        {
            "person_id": pa.array([h.person_id for h in holds], pa.int32()),
            "started_day": pa.array([_day(h.started_at) for h in holds], pa.int32()),
            "ended_day": pa.array([_day(h.ended_at) if h.ended_at else None for h in holds], pa.int32()),
        },
    )
    counts |= {"cases": len(infections), "held": len(holds)}
    scans_dir = folder / "scans"
    scans_dir.mkdir(exist_ok=True)
    for old in scans_dir.glob("*.parquet"):
        old.unlink()
    venue_id: dict[str, int] = {}
    by_day: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for person, venue, at in session.execute(
        select(VenueScan.person_id, VenueScan.venue_code, VenueScan.scanned_at).order_by(VenueScan.scanned_at)
    ):
        if person in in_scope:
            by_day[_day(at)].append((person, venue_id.setdefault(venue, len(venue_id)), epoch_s(at)))
    for day, day_rows in sorted(by_day.items()):
        pq.write_table(
            pa.table(
                {
                    "person_id": pa.array([r[0] for r in day_rows], pa.int32()),
                    "venue_id": pa.array([r[1] for r in day_rows], pa.int32()),
                    "at_s": pa.array([r[2] for r in day_rows], pa.int64()),
                }
            ),
            scans_dir / f"{date.fromordinal(date(1970, 1, 1).toordinal() + day).isoformat()}.parquet",
        )
    _write(
        folder,
        "venues",
        {"venue_id": pa.array(list(venue_id.values()), pa.int32()), "code": pa.array(list(venue_id), pa.string())},
    )
    counts["scans"] = sum(len(r) for r in by_day.values())

    # Risk areas in force on `on` (another day's: `export_risk_areas`).
    rows = _risk_area_rows(session, areas, area_id, on)
    _write_risk_areas(folder / "risk_areas.parquet", rows)
    counts["risk_areas"] = len(rows)
    (folder / "export.json").write_text(
        json.dumps({"today": on.isoformat(), "jurisdiction": root, "exported_by": actor.username, "rows": counts}),
        encoding="utf-8",
    )
    record(
        session,
        actor,
        action="exported",
        entity="bulk_tables",
        entity_id=root,
        detail={"on": on.isoformat(), "rows": counts},
    )
    return counts
