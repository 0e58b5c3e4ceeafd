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
from dataclasses import dataclass
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
from fangkong.services.calendar import local_day
from fangkong.services.health_codes.facts import levels_on
from fangkong.services.infections.models import Infection
from fangkong.services.jurisdictions.models import Jurisdiction, JurisdictionLevel
from fangkong.services.jurisdictions.service import scope_root
from fangkong.services.lab.models import TemporaryControl
from fangkong.services.orders.models import ManagementOrder, OrderStatus, Sampling
from fangkong.services.orders.service import stored_plan
from fangkong.services.persons.models import Person
from fangkong.services.tracing.models import VenueScan

HOME_LEVELS = (JurisdictionLevel.community.value, JurisdictionLevel.building.value, JurisdictionLevel.unit.value)


def _day(at: datetime) -> int:
    return epoch_day(local_day(at))


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


@dataclass(frozen=True)
class _Export:
    """What every table's writer shares: the store, the folder, the subtree, the day and the area numbers."""

    session: Session
    folder: Path
    root: str
    on: date
    areas: list[Area]
    area_id: dict[str, int]


def _export_areas(x: _Export) -> int:
    """Every jurisdiction of the subtree (and its ancestors, for areas wider than it) with its number."""
    _write(
        x.folder,
        "areas",
        {
            "area_id": pa.array([x.area_id[a[0]] for a in x.areas], pa.int32()),
            "code": pa.array([a[0] for a in x.areas], pa.string()),
            "level": pa.array([a[1] for a in x.areas], pa.string()),
            "path": pa.array([a[2] for a in x.areas], pa.string()),
        },
    )
    return len(x.areas)


def _export_residents(x: _Export) -> set[int]:
    """Each person's home as unit, building and community (a level not recorded is -1); the people written."""
    child = {(parent, level, label): code for code, level, _, parent, label in x.areas if parent is not None}
    people = list(
        x.session.execute(
            select(Person.id, Person.jurisdiction_code, Person.building, Person.unit)
            .join(Jurisdiction, Jurisdiction.code == Person.jurisdiction_code)
            .where(Jurisdiction.path.startswith(x.root))
            .order_by(Person.id)
        )
    )
    homes: dict[str, list[int]] = defaultdict(list)
    for _pid, community, building_label, unit_label in people:
        building = child.get((community, JurisdictionLevel.building.value, building_label or ""))
        unit = child.get((building, JurisdictionLevel.unit.value, unit_label or "")) if building else None
        homes["community_id"].append(x.area_id[community])
        homes["building_id"].append(x.area_id[building] if building else -1)
        homes["unit_id"].append(x.area_id[unit] if unit else -1)
    _write(
        x.folder,
        "residents",
        {
            "person_id": pa.array([p[0] for p in people], pa.int32()),
            "unit_id": pa.array(homes["unit_id"], pa.int32()),
            "building_id": pa.array(homes["building_id"], pa.int32()),
            "community_id": pa.array(homes["community_id"], pa.int32()),
            "province": pa.array([p[1][:2] for p in people], pa.string()),
        },
    )
    return {p[0] for p in people}


_INT_COLUMNS = {
    "order_id",
    "person_id",
    "community_id",
    "start_day",
    "released_day",
    "end_day",
    "test_day",
    "phase_index",
    "phase_day",
}


def _typed(cols: dict[str, list[Any]], names: tuple[str, ...]) -> dict[str, pa.Array]:
    return {n: pa.array(cols[n], pa.int32() if n in _INT_COLUMNS else pa.string()) for n in names}


def _export_orders(x: _Export) -> dict[str, int]:
    """Orders in force (active), and their phases and test schedule from the stored plan."""
    orders = list(
        x.session.scalars(
            select(ManagementOrder)
            .join(Jurisdiction, Jurisdiction.code == ManagementOrder.jurisdiction_code)
            .where(Jurisdiction.path.startswith(x.root), ManagementOrder.status == OrderStatus.active)
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
        o_cols["community_id"].append(x.area_id[order.jurisdiction_code])
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
    _write(
        x.folder,
        "orders",
        _typed(o_cols, ("order_id", "person_id", "community_id", "category", "start_day", "released_day", "policy")),
    )
    _write(x.folder, "phases", _typed(ph, ("order_id", "phase_index", "kind", "start_day", "end_day")))
    _write(x.folder, "tests", _typed(te, ("order_id", "phase_index", "kind", "phase_day", "test_day")))
    return {"orders": len(orders), "phases": len(ph["order_id"]), "tests": len(te["order_id"])}


def _export_samplings(x: _Export) -> int:
    """The samples taken by `on` of the orders in force."""
    samplings = [
        (order_id, epoch_day(sampled_on))
        for order_id, sampled_on in x.session.execute(
            select(Sampling.order_id, Sampling.sampled_on)
            .join(ManagementOrder, ManagementOrder.id == Sampling.order_id)
            .join(Jurisdiction, Jurisdiction.code == ManagementOrder.jurisdiction_code)
            .where(
                Jurisdiction.path.startswith(x.root),
                ManagementOrder.status == OrderStatus.active,
                Sampling.sampled_on <= x.on,
            )
        )
    ]
    _write(
        x.folder,
        "samplings",
        {
            "order_id": pa.array([s[0] for s in samplings], pa.int32()),
            "sampled_day": pa.array([s[1] for s in samplings], pa.int32()),
        },
    )
    return len(samplings)


def _export_cases(x: _Export, in_scope: set[int]) -> int:
    """Infections found (confirmed) by `on`, discharged or not: their exposure window, and the days they count on for
    a health code (from confirmation until discharge: the job applies `rules.health_code`'s windows, so the export
    answers for the days around `on` too, not only for `on`)."""
    infections = [
        i
        for i in x.session.scalars(select(Infection).order_by(Infection.person_id))
        if i.person_id in in_scope and _day(i.confirmed_at) <= epoch_day(x.on)
    ]
    _write(
        x.folder,
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
    return len(infections)


def _export_held(x: _Export, in_scope: set[int]) -> int:
    """Every hold after a positive pool (the job decides the days each counts on)."""
    holds = [h for h in x.session.scalars(select(TemporaryControl)) if h.person_id in in_scope]
    _write(
        x.folder,
        "held",
        {
            "person_id": pa.array([h.person_id for h in holds], pa.int32()),
            "started_day": pa.array([_day(h.started_at) for h in holds], pa.int32()),
            "ended_day": pa.array([_day(h.ended_at) if h.ended_at else None for h in holds], pa.int32()),
        },
    )
    return len(holds)


def _export_scans(x: _Export, in_scope: set[int]) -> int:
    """Venue scans a file a day, and the venues they name."""
    scans_dir = x.folder / "scans"
    scans_dir.mkdir(exist_ok=True)
    for old in scans_dir.glob("*.parquet"):
        old.unlink()
    venue_id: dict[str, int] = {}
    by_day: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for person, venue, at in x.session.execute(
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
        x.folder,
        "venues",
        {"venue_id": pa.array(list(venue_id.values()), pa.int32()), "code": pa.array(list(venue_id), pa.string())},
    )
    return sum(len(r) for r in by_day.values())


def export_tables(
    session: Session, actor: Actor, folder: Path, *, on: date, jurisdiction_code: str | None = None
) -> dict[str, int]:
    """Write the bulk tables of the actor's jurisdiction (or a narrower one) as they stand on `on`, one writer a
    table; the rows written per table."""
    actor.require(Permission.manage_areas)
    root = scope_root(session, actor, jurisdiction_code)
    folder.mkdir(parents=True, exist_ok=True)
    areas, area_id = _areas(session)
    x = _Export(session, folder, root, on, areas, area_id)
    _export_areas(x)
    in_scope = _export_residents(x)
    counts: dict[str, int] = {"residents": len(in_scope)}
    counts |= _export_orders(x)
    counts["samplings"] = _export_samplings(x)
    counts["cases"] = _export_cases(x, in_scope)
    counts["held"] = _export_held(x, in_scope)
    counts["scans"] = _export_scans(x, in_scope)
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
