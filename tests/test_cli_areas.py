"""`fangkong codes recompute`, `fangkong areas advance|import` and `fangkong overlay check` on a SQLite store with
the demo county: the daily jobs print their counts and are idempotent, the demo's high-risk building (delineated
15 Nov for an infection sampled that day) is low risk from 21 Nov after five clean days under the 20 measures,
a building shape that overlaps a sibling rejects the whole file (exit 2, nothing written), and an overlay is
over-reach (exit 1), equal to the national rules (exit 0) or names an unknown parameter (exit 2)."""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from fangkong.cli.main import app
from tests.stores import query

runner = CliRunner()

HIGH_RISK_BUILDING = "110199001001007"  # the demo's, delineated 15 Nov 2022
COMMUNITY = "110199002003"
TESTED = "110199001001"
RECOMPUTED = re.compile(
    r"^(\d{4}-\d{2}-\d{2}): (\d+) codes in [0-9.]+ s \(([^)]*)\); (\d+) changed, \d+ written$", re.MULTILINE
)
ADVANCED = re.compile(r"^(\d{4}-\d{2}-\d{2}): (\d+) active areas checked, (\d+) changed level$", re.MULTILINE)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo-areas") / "demo.sqlite3"
    loaded = runner.invoke(app, ["demo", "load", "--db", f"sqlite:///{path}", "--persons", "5"])
    assert loaded.exit_code == 0, loaded.output
    return path


@pytest.fixture
def db(demo_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "250")
    path = tmp_path / "cli.sqlite3"
    with closing(sqlite3.connect(demo_store)) as source, closing(sqlite3.connect(path)) as target:
        source.backup(target)
    return f"sqlite:///{path}"


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def count(db: str, table: str, where: str = "1 = 1") -> int:
    return int(query(db, f"SELECT count(*) FROM {table} WHERE {where}")[0][0])


# ---- codes recompute -------------------------------------------------------------------------------------


def recomputed(result: Result) -> tuple[str, int, dict[str, int], int]:
    assert result.exit_code == 0, result.output
    found = RECOMPUTED.search(result.output)
    assert found is not None, result.output
    parts = found.group(3).split(", ") if found.group(3) else []
    colours = {k: int(v) for k, v in (part.rsplit(" ", 1) for part in parts)}
    return found.group(1), int(found.group(2)), colours, int(found.group(4))


def test_codes_recompute_prints_counts_and_a_second_run_changes_nothing(db: str) -> None:
    persons = count(db, "person")
    changes = count(db, "health_code_change")

    day, n, colours, changed = recomputed(
        run("codes", "recompute", "--as", "command", "--on", "2022-11-16", "--db", db)
    )
    assert (day, n) == ("2022-11-16", persons)
    assert sum(colours.values()) == persons and set(colours) <= {"green", "yellow", "red"}
    assert colours.get("red", 0) >= 1  # the demo's infection and the people under management
    assert [(c, k) for c, k in query(db, "SELECT colour, count(*) FROM health_code GROUP BY colour")] == sorted(
        colours.items()
    )
    assert count(db, "health_code_change") == changes + changed
    # every code stands on the day (only those that changed were written)
    stands = "\"on\" <= '2022-11-16' AND (until IS NULL OR until >= '2022-11-16')"
    assert count(db, "health_code", stands) == persons

    again = recomputed(run("codes", "recompute", "--as", "command", "--on", "2022-11-16", "--db", db))
    assert again[:3] == (day, n, colours) and again[3] == 0
    assert count(db, "health_code_change") == changes + changed

    # a fortnight on, the plans have ended: codes change once, by the job's user, and not again
    late = recomputed(run("codes", "recompute", "--as", "epi", "--on", "2022-11-30", "--db", db))
    assert late[3] > 0
    assert count(db, "health_code_change", "by = 'epi' AND \"on\" = '2022-11-30'") == late[3]
    assert recomputed(run("codes", "recompute", "--as", "epi", "--on", "2022-11-30", "--db", db))[3] == 0

    # one community only (the demo's fifteen tested residents live in community 1-1)
    community = count(db, "person", f"jurisdiction_code = '{TESTED}'")
    assert community >= 15
    part = recomputed(
        run("codes", "recompute", "--as", "command", "--on", "2022-11-30", "--jurisdiction", TESTED, "--db", db)
    )
    assert (part[1], sum(part[2].values()), part[3]) == (community, community, 0)


# ---- areas advance ---------------------------------------------------------------------------------------


def building_area(db: str) -> dict[str, Any]:
    rows = query(
        db,
        "SELECT id, level, level_since, next_change_on, active, advanced_to, delineated_on FROM risk_area "
        f"WHERE area_code = '{HIGH_RISK_BUILDING}'",
    )
    assert len(rows) == 1, rows
    keys = ("id", "level", "level_since", "next_change_on", "active", "advanced_to", "delineated_on")
    return dict(zip(keys, (str(v) if v is not None else None for v in rows[0]), strict=True))


def advanced(result: Result) -> tuple[str, int, int]:
    assert result.exit_code == 0, result.output
    found = ADVANCED.search(result.output)
    assert found is not None, result.output
    return found.group(1), int(found.group(2)), int(found.group(3))


def test_areas_advance_lowers_the_demo_building_on_the_day_after_five_clean_days(db: str) -> None:
    area = building_area(db)
    assert (area["level"], area["delineated_on"], area["active"]) == ("high", "2022-11-15", "1")
    sampled = query(
        db,
        "SELECT i.sampled_on FROM infection i JOIN risk_area_infection r ON r.infection_id = i.id "
        f"WHERE r.risk_area_id = {area['id']} AND r.counts = 1",
    )
    assert sampled == [("2022-11-15",)]

    # clean days 16–20 Nov: still high on the 20th, due on the 21st
    assert advanced(run("areas", "advance", "--as", "command", "--on", "2022-11-20", "--db", db)) == (
        "2022-11-20",
        1,
        0,
    )
    area = building_area(db)
    assert (area["level"], area["next_change_on"], area["advanced_to"]) == ("high", "2022-11-21", "2022-11-20")

    assert advanced(run("areas", "advance", "--as", "command", "--on", "2022-11-22", "--db", db)) == (
        "2022-11-22",
        1,
        1,
    )
    area = building_area(db)
    assert (area["level"], area["level_since"], area["active"]) == ("low", "2022-11-21", "0")
    changes = query(
        db,
        f'SELECT "on", level, clause, actor FROM risk_area_event WHERE risk_area_id = {area["id"]} '
        "AND kind = 'level_change'",
    )
    assert [(on, level, actor) for on, level, _, actor in changes] == [("2022-11-21", "low", "command")]
    assert str(changes[0][2]).startswith("m20")

    # nothing is left to advance; the job is idempotent
    assert advanced(run("areas", "advance", "--as", "command", "--on", "2022-11-22", "--db", db))[1:] == (0, 0)
    assert building_area(db) == area


def test_the_daily_jobs_refuse_a_bad_date_or_an_unknown_user(db: str) -> None:
    before = (building_area(db), count(db, "health_code_change"), count(db, "audit_log"))
    for command in (("areas", "advance"), ("codes", "recompute")):
        bad_day = run(*command, "--as", "command", "--on", "2022-11-31", "--db", db)
        assert bad_day.exit_code == 2, bad_day.output
        assert "error: --on: '2022-11-31' is not a date (YYYY-MM-DD)" in bad_day.output
        nobody = run(*command, "--as", "nobody", "--on", "2022-11-22", "--db", db)
        assert nobody.exit_code == 2, nobody.output
        assert "error: --as: no active user 'nobody'" in nobody.output
        worker = run(*command, "--as", "worker1", "--on", "2022-11-22", "--db", db)
        assert worker.exit_code == 2, worker.output
        assert "error: role community_worker may not manage areas" in worker.output
    assert (building_area(db), count(db, "health_code_change"), count(db, "audit_log")) == before


# ---- areas import ----------------------------------------------------------------------------------------


def shape_of(db: str, code: str) -> list[list[float]]:
    (raw,) = query(db, f"SELECT shape FROM jurisdiction WHERE code = '{code}'")[0]
    shape = json.loads(raw) if isinstance(raw, str) else raw
    assert shape["type"] == "Polygon"
    return [[float(x), float(y)] for x, y in shape["coordinates"][0]]


def square(x: float, y: float, size: float) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]}


def building(code: str, label: str, geometry: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "code": code,
            "name": f"Building {label}",
            "level": "building",
            "parent_code": COMMUNITY,
            "label": label,
        },
    }


def collection(*features: dict[str, Any]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def test_areas_import_takes_a_building_inside_its_community_and_rejects_an_overlap(db: str, tmp_path: Path) -> None:
    outline = shape_of(db, COMMUNITY)
    xs, ys = [p[0] for p in outline], [p[1] for p in outline]
    siblings = [
        shape_of(db, code) for (code,) in query(db, f"SELECT code FROM jurisdiction WHERE parent_code = '{COMMUNITY}'")
    ]
    assert len(siblings) == 12
    # the demo's buildings fill the lower part of the community: a small square near its top edge is free
    size = (max(xs) - min(xs)) / 20
    x, y = (min(xs) + max(xs)) / 2, max(ys) - 2 * size
    assert all(y > max(p[1] for p in s) for s in siblings)
    new_code = f"{COMMUNITY}013"
    jurisdictions = count(db, "jurisdiction")

    good = write(tmp_path, "good.geojson", collection(building(new_code, "13", square(x, y, size))))
    done = run("areas", "import", str(good), "--as", "command", "--db", db)
    assert done.exit_code == 0, done.output
    assert "1 areas imported" in done.output
    assert query(db, f"SELECT level, parent_code, label FROM jurisdiction WHERE code = '{new_code}'") == [
        ("building", COMMUNITY, "13")
    ]
    assert count(db, "jurisdiction") == jurisdictions + 1
    assert shape_of(db, new_code)[0] == [x, y]

    # over building 1 (and a good one alongside it): the whole file is refused
    first = shape_of(db, f"{COMMUNITY}001")
    fx, fy = min(p[0] for p in first), min(p[1] for p in first)
    bad = write(
        tmp_path,
        "overlap.geojson",
        collection(
            building(f"{COMMUNITY}014", "14", square(x + 2 * size, y, size)),
            building(f"{COMMUNITY}015", "15", square(fx + size / 10, fy + size / 10, size)),
        ),
    )
    before = (count(db, "jurisdiction"), count(db, "audit_log"))
    refused = run("areas", "import", str(bad), "--as", "command", "--db", db)
    assert refused.exit_code == 2, refused.output
    assert f"error: features[1].geometry: {COMMUNITY}015 overlaps {COMMUNITY}001" in refused.output
    assert (count(db, "jurisdiction"), count(db, "audit_log")) == before
    assert count(db, "jurisdiction", f"code IN ('{COMMUNITY}014', '{COMMUNITY}015')") == 0

    # over the building just imported, and outside the community: refused too
    again = write(tmp_path, "again.geojson", collection(building(f"{COMMUNITY}016", "16", square(x, y, size))))
    overlap = run("areas", "import", str(again), "--as", "command", "--db", db)
    assert overlap.exit_code == 2 and f"overlaps {new_code}" in overlap.output, overlap.output
    far = write(
        tmp_path, "far.geojson", collection(building(f"{COMMUNITY}017", "17", square(max(xs) + 1, max(ys) + 1, size)))
    )
    outside = run("areas", "import", str(far), "--as", "command", "--db", db)
    assert outside.exit_code == 2 and f"lies outside its parent {COMMUNITY}" in outside.output, outside.output
    worker = run("areas", "import", str(good), "--as", "worker1", "--db", db)
    assert worker.exit_code == 2 and "may not manage areas" in worker.output, worker.output
    assert (count(db, "jurisdiction"), count(db, "audit_log")) == before


# ---- overlay check ---------------------------------------------------------------------------------------

HEADER = """\
overlay:
  jurisdiction: "44"
  name: Guangdong local rules
  effective: 2022-11-20
parameters:
"""


@pytest.mark.parametrize(
    ("parameters", "code", "expected"),
    [
        pytest.param(
            """\
  management.close_contact.phases:
    value:
      - {kind: centralized_isolation, days: 7, test_days: [1, 2, 3, 5, 7]}
      - {kind: home_isolation, days: 3, test_days: [1, 3]}
    reason: seven days are safer
""",
            1,
            ("management.close_contact.phases", "over_reach", "m20.16"),
            id="longer-close-contact-plan",
        ),
        pytest.param(
            """\
  management.close_contact.phases:
    value:
      - {kind: centralized_isolation, days: 5, test_days: [1, 2, 3, 5]}
      - {kind: home_isolation, days: 3, test_days: [1, 3]}
  tracing.look_back_days:
    value: 4
""",
            0,
            ("management.close_contact.phases", "tracing.look_back_days", "same"),
            id="equal-to-national",
        ),
        pytest.param(
            """\
  management.close_contact.quarantine_days:
    value: 14
""",
            2,
            ("error: parameters.management.close_contact.quarantine_days: no such national parameter",),
            id="unknown-parameter",
        ),
    ],
)
def test_overlay_check_exit_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parameters: str, code: int, expected: tuple[str, ...]
) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    path = write(tmp_path, "overlay.yaml", HEADER + parameters)
    checked = run("overlay", "check", str(path))
    assert checked.exit_code == code, checked.output
    for text in expected:
        assert text in checked.output, checked.output
    if code == 0:
        assert "over_reach" not in checked.output
    if code == 1:
        assert "Guangdong local rules (44, from 2022-11-20) under m20" in checked.output
