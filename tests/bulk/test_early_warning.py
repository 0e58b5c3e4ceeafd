"""The bulk early-warning job (measure 15, issue 20) equals the per-series rule and the multi-point rule: on seeded
synthetic provinces, every alarm of the window is the one `rules.aberration.judge` gives that series (EARS C2, the
method in force) and every community's alert the one `rules.multi_point.multi_point_trigger` decides from them; bad
tables are refused naming the field; `fangkong bulk signals` / `bulk run early_warning` work end to end."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from fangkong.bulk.early_warning import early_warning_pass, province, run_early_warning
from fangkong.cli.main import app
from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.policy.terms import Method
from fangkong.rules.aberration import judge, warning_settings
from fangkong.rules.multi_point import ChannelAlarm, multi_point_trigger

ON = date(2022, 11, 16)
RULES = load_policy().at(ON)


def by_rule(table: pa.Table, on: date) -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
    """The window's alarms and each community's alert, series by series with the rules."""
    settings = warning_settings(RULES)
    window = int(RULES.integer("multi_point.window_days").value or 1)
    alarms: set[tuple[object, ...]] = set()
    found: dict[int, list[ChannelAlarm]] = defaultdict(list)
    for row in table.to_pylist():
        days = [row["first_day"] + timedelta(days=i) for i in range(len(row["counts"]))]
        keep = [i for i, d in enumerate(days) if d <= on]
        judged = judge([days[i] for i in keep], [row["counts"][i] for i in keep], Method.ears_c2, settings)
        for j in judged:
            if j.alarm and j.upperbound is not None and j.day > on - timedelta(days=window):
                alarms.add((row["community_id"], row["channel"], j.day, j.count, round(j.upperbound, 9)))
                found[row["community_id"]].append(ChannelAlarm(row["channel"], j.day, j.count, j.upperbound))
    alerts: set[tuple[object, ...]] = set()
    for community, its in found.items():
        trigger = multi_point_trigger(its, on, datetime(2022, 11, 16, tzinfo=UTC), RULES)
        if trigger.raised and trigger.kind is not None:
            alerts.add((community, trigger.kind.value, ",".join(trigger.channels)))
    return alarms, alerts


def by_bulk(table: pa.Table, on: date) -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
    run = early_warning_pass(table, RULES, on)
    alarms: set[tuple[object, ...]] = {
        (r["community_id"], r["channel"], r["day"], r["count"], round(r["upperbound"], 9))
        for r in run.alarms.to_pylist()
    }
    return alarms, {tuple(r.values()) for r in run.alerts.to_pylist()}


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("on", [ON, ON - timedelta(days=4)])
def test_bulk_equals_the_rules(seed: int, on: date) -> None:
    table = province(300, 40, ON, seed=seed)
    bulk = by_bulk(table, on)
    assert bulk == by_rule(table, on)
    if on != ON:
        assert bulk[1], "the planted outbreaks raise alerts in their first days"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ("first_day", "first_day"),
        ("gap", "counts"),
        ("channel", "channel"),
        ("length", "counts"),
    ],
)
def test_bad_tables_are_refused_naming_the_field(change: str, field: str) -> None:
    table = province(3, 30, ON, seed=4)
    rows = table.to_pylist()
    if change == "first_day":
        rows[1]["first_day"] = rows[1]["first_day"] + timedelta(days=1)
    elif change == "gap":
        rows[2]["counts"][5] = None
    elif change == "channel":
        rows[0]["channel"] = "rumours"
    else:
        rows[0]["counts"] = rows[0]["counts"][:-1]
    schema = pa.schema(
        [
            ("community_id", pa.int64()),
            ("channel", pa.string()),
            ("first_day", pa.date32()),
            ("counts", pa.list_(pa.int32())),
        ]
    )
    with pytest.raises(InvalidInput) as refused:
        early_warning_pass(pa.Table.from_pylist(rows, schema=schema), RULES, ON)
    assert refused.value.field == field


def test_a_day_outside_the_series_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        early_warning_pass(province(2, 30, ON, seed=5), RULES, ON + timedelta(days=1))
    assert refused.value.field == "on"


def test_cli_generates_and_runs(tmp_path: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["bulk", "signals", str(tmp_path / "p"), "--communities", "300", "--days", "60"])
    assert made.exit_code == 0, made.output
    out = tmp_path / "alarms.parquet"
    ran = runner.invoke(app, ["bulk", "run", "early_warning", "--data", str(tmp_path / "p"), "--out", str(out)])
    assert ran.exit_code == 0, ran.output
    assert "alerts:" in ran.output and out.with_suffix(".alerts.parquet").exists()
    whole = run_early_warning(tmp_path / "p", RULES, ON)
    assert whole.series == 1800 and whole.method == "ears-c2"
