"""Early warning for a whole province at once (measure 15: "multi-channel monitoring, early warning and multi-point
triggering", m20.15; issue 20: 20,000 communities × 6 channels × 2 years of days): every series judged by the method
in force (`multi_point.method`, the EARS methods in bulk: `bulk.aberration.ears_matrix`, equal to
`rules.aberration.judge`), the alarms of the last `multi_point.window_days` kept, and each community's alert decided
as `rules.multi_point.multi_point_trigger` decides it (held equal by tests/bulk/test_early_warning.py).

The table: `signals(community_id, channel, first_day, counts)`, one row per series, every series over the same days
(`counts` a list of daily counts from `first_day`; Arrow IPC `signals.arrow`, memory-mapped, or Parquet) — the
layout `bulk export` of the signals store and the generator write. Output: the alarms (community_id, channel, day,
count, upperbound) and the alerts (community_id, kind, channels).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

from fangkong.errors import InvalidInput
from fangkong.policy import PolicyAt
from fangkong.policy.terms import Method, SignalChannel, WarningAlertKind, parse_term
from fangkong.rules.aberration import warning_settings
from fangkong.rules.aberration.ears import EARS_METHODS, first_judged

from .aberration import ears_matrix
from .timebase import epoch_day
from .vaccination_coverage import read_table

TABLES: tuple[str, ...] = ()  # the job reads its table itself (`read_table`)
PARAMETERS = (
    "multi_point.method",
    "multi_point.window_days",
    "multi_point.min_channels",
    "multi_point.strong_ratio",
    "multi_point.strong_min_count",
    "warning.ears.baseline_days",
)


def cites(rules: PolicyAt) -> tuple[str, ...]:
    """The clauses of the parameters the job used (m20.15)."""
    found = (rules.find(p) for p in PARAMETERS)
    return tuple(dict.fromkeys(f.source.clause for f in found if f is not None and f.value is not None))


@dataclass(frozen=True)
class EarlyWarningRun:
    """The job's answers (measure 15): the alarms of the window and the alerts they raise."""

    alarms: pa.Table
    alerts: pa.Table
    series: int
    method: str


def _matrix(signals: pa.Table) -> tuple[np.ndarray, int]:
    """The counts as one (series × days) matrix, read where they lie, and the first day (epoch days). Refused naming
    the field: series over different days, a missing count, a negative one."""
    first = signals.column("first_day")
    if first.null_count or len(pc.unique(first)) > 1:
        raise InvalidInput("first_day", "every series starts on the same day (one matrix of days)")
    counts = signals.column("counts").combine_chunks()
    if counts.null_count or pc.list_value_length(counts).null_count:
        raise InvalidInput("counts", "a series without counts")
    lengths = pc.unique(pc.list_value_length(counts))
    if len(lengths) > 1:
        raise InvalidInput("counts", "every series has the same days (one matrix of days)")
    values = counts.flatten()
    if values.null_count:
        raise InvalidInput("counts", "a day without a count: a gap is never read as zero")
    days = int(lengths[0].as_py()) if len(lengths) else 0
    matrix = values.to_numpy(zero_copy_only=False).reshape(len(signals), days)
    start = pc.cast(first, pa.int32()).combine_chunks() if len(signals) else pa.array([0], pa.int32())
    return matrix, int(start[0].as_py())


def early_warning_pass(signals: pa.Table, rules: PolicyAt, on: date) -> EarlyWarningRun:
    """Judge every series up to `on` and decide each community's alert on `on` (m20.15)."""
    method = parse_term(Method, str(rules.text("multi_point.method").value), "method")
    if method not in EARS_METHODS:
        raise InvalidInput("method", f"{method.value}: the bulk job runs the EARS methods (a province's two years)")
    settings = warning_settings(rules)
    window = int(rules.integer("multi_point.window_days").value or 1)
    least_channels = int(rules.integer("multi_point.min_channels").value or 2)
    ratio = float(rules.number("multi_point.strong_ratio").value or 0.0)
    least_count = int(rules.integer("multi_point.strong_min_count").value or 0)
    channel_codes, channel_names = _codes(signals.column("channel"))
    community = np.asarray(signals.column("community_id").to_numpy(zero_copy_only=False), dtype=np.int64)
    matrix, first = _matrix(signals)
    last = epoch_day(on) - first  # the column of `on`
    if last < 0 or last >= matrix.shape[1]:
        raise InvalidInput("on", f"{on} is not among the series' days")
    upper, alarm = ears_matrix(matrix[:, : last + 1], method, settings)
    start = first_judged(method, settings.ears_baseline)  # the column of the first judged day
    lo = max(last - window + 1, start)
    cols = slice(lo - start, last - start + 1)
    hit_row, hit_col = np.nonzero(alarm[:, cols] & ~np.isnan(upper[:, cols]))
    day_col = hit_col + lo
    bound = upper[:, cols][hit_row, hit_col]
    observed = matrix[hit_row, day_col].astype(np.int64)
    alarms = pa.table(
        {
            "community_id": community[hit_row],
            "channel": pa.DictionaryArray.from_arrays(pa.array(channel_codes[hit_row]), pa.array(channel_names)),
            "day": pa.array((day_col + first).astype(np.int32), pa.int32()).cast(pa.date32()),
            "count": observed,
            "upperbound": bound,
        }
    )
    return EarlyWarningRun(
        alarms=alarms,
        alerts=_alerts(
            community[hit_row],
            channel_codes[hit_row],
            observed,
            bound,
            channel_names,
            least_channels,
            ratio,
            least_count,
        ),
        series=len(signals),
        method=method.value,
    )


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """The channels as codes into their names; a channel not of the vocabulary refused naming `channel`."""
    encoded = pc.dictionary_encode(column).combine_chunks()
    names = [str(v) for v in encoded.dictionary.to_pylist()]
    for name in names:
        parse_term(SignalChannel, name, "channel")
    return np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64), names


def _alerts(
    community: np.ndarray,
    channel: np.ndarray,
    count: np.ndarray,
    upper: np.ndarray,
    names: list[str],
    least_channels: int,
    ratio: float,
    least_count: int,
) -> pa.Table:
    """Each community's alert from its alarms of the window, as `rules.multi_point` decides: channels alarmed (each
    once) at least `least_channels`, else one strong alarm (the strongest's channel)."""
    if not len(community):
        return pa.table(
            {
                "community_id": pa.array([], pa.int64()),
                "kind": pa.array([], pa.string()),
                "channels": pa.array([], pa.string()),
            }
        )
    pairs = np.unique(np.stack([community, channel], axis=1), axis=0)
    places, distinct = np.unique(pairs[:, 0], return_counts=True)
    strong = (count >= least_count) & (count >= ratio * upper)
    out_place: list[int] = []
    out_kind: list[str] = []
    out_channels: list[str] = []
    multi = dict(zip(places.tolist(), distinct.tolist(), strict=True))
    order = np.argsort(community, kind="stable")
    by_place = np.split(order, np.flatnonzero(np.diff(community[order])) + 1)
    for rows in by_place:
        place = int(community[rows[0]])
        if multi[place] >= least_channels:
            chans = sorted({names[int(c)] for c in channel[rows]})
            out_place.append(place)
            out_kind.append(WarningAlertKind.multi_channel.value)
            out_channels.append(",".join(chans))
            continue
        loud = rows[strong[rows]]
        if len(loud):
            with np.errstate(divide="ignore"):
                scores = np.where(upper[loud] > 0, count[loud] / np.where(upper[loud] > 0, upper[loud], 1), np.inf)
            top = loud[int(np.argmax(scores))]
            out_place.append(place)
            out_kind.append(WarningAlertKind.strong_signal.value)
            out_channels.append(names[int(channel[top])])
    return pa.table(
        {
            "community_id": pa.array(out_place, pa.int64()),
            "kind": pa.array(out_kind, pa.string()),
            "channels": pa.array(out_channels, pa.string()),
        }
    )


def run_early_warning(folder: Path, rules: PolicyAt, on: date) -> EarlyWarningRun:
    """`bulk run early_warning`: the signals of `folder`, judged on `on` (m20.15)."""
    return early_warning_pass(read_table(folder, "signals"), rules, on)


# --- a synthetic province (seeded) -----------------------------------------------------------------------------------

CHANNELS = (
    SignalChannel.fever_clinic,
    SignalChannel.antipyretic_sales,
    SignalChannel.cough_cold_sales,
    SignalChannel.antigen_kit_sales,
    SignalChannel.sentinel_ili,
    SignalChannel.school_absence,
)


def province(communities: int, days: int, today: date, *, seed: int = 20221111) -> pa.Table:
    """Daily counts of 6 channels per community over `days` ending `today`: a level per series, a weekly pattern, and
    outbreaks in about 1 % of communities over their last 10 days that show in every channel at once."""
    rng = np.random.default_rng(seed)
    n = communities * len(CHANNELS)
    level = rng.gamma(1.5, 8.0, size=(n, 1))
    weekday = np.array([1.3, 1.15, 1.05, 1.0, 1.0, 0.75, 0.7])[(np.arange(days) + (epoch_day(today) - days + 1)) % 7]
    mean = level * weekday
    hit = rng.choice(communities, size=max(1, communities // 100), replace=False)
    rows = (hit[:, None] * len(CHANNELS) + np.arange(len(CHANNELS))[None, :]).ravel()
    for k in range(10):
        mean[rows, days - 10 + k] *= 1.0 + 0.4 * (k + 1)
    counts = rng.poisson(mean).astype(np.int32)
    first = epoch_day(today) - days + 1
    offsets = pa.array(np.arange(0, n * days + 1, days, dtype=np.int32))
    return pa.table(
        {
            "community_id": np.repeat(np.arange(communities, dtype=np.int64), len(CHANNELS)),
            "channel": pa.DictionaryArray.from_arrays(
                pa.array(np.tile(np.arange(len(CHANNELS), dtype=np.int8), communities)),
                pa.array([c.value for c in CHANNELS]),
            ),
            "first_day": pa.array(np.full(n, first, dtype=np.int32), pa.int32()).cast(pa.date32()),
            "counts": pa.ListArray.from_arrays(offsets, pa.array(counts.ravel())),
        }
    )


def generate_signals(folder: Path, communities: int, days: int, today: date, *, seed: int = 20221111) -> int:
    """Write a synthetic province's signals to `folder` (`signals.arrow`, `export.json`); the series written."""
    table = province(communities, days, today, seed=seed)
    folder.mkdir(parents=True, exist_ok=True)
    with pa.OSFile(str(folder / "signals.arrow"), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    (folder / "export.json").write_text(json.dumps({"today": today.isoformat()}), encoding="utf-8")
    return int(table.num_rows)
