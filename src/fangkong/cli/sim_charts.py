"""Charts of a saved comparison (`Comparison.as_json()`): a PNG (matplotlib) and one self-contained HTML page
(ECharts, the console's vendored copy, inlined so the page opens offline). Each chart is one series by day, one line
per policy (the mean over seeds) with its 95 % band, as `fangkong sim compare --png F --html F` writes them."""

from __future__ import annotations

import html
import json
from importlib import resources
from pathlib import Path
from typing import Any

CHARTS = (
    ("new_infections", "New infections a day"),
    ("room_nights", "People in centralized isolation (rooms a night)"),
    ("cumulative_room_nights", "Centralized-isolation room-nights, cumulative"),
    ("tubes", "Tubes a day"),
    ("people_in_high_risk", "People in high-risk areas"),
    ("beds", "Ward and ICU beds needed"),
)
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")


def chart_series(result: dict[str, Any]) -> dict[str, dict[str, dict[str, list[float]]]]:
    """Per chart and policy: mean, low and high by day. Derived charts: cumulative room-nights (the cumulative mean;
    its band is the band of each seed's cumulative sum, approximated by the cumulated daily bands) and beds (ward +
    ICU)."""
    means, bands = result["mean_series"], result.get("series_interval", {})
    out: dict[str, dict[str, dict[str, list[float]]]] = {}
    for key, _ in CHARTS:
        out[key] = {}
        for policy in result["policies"]:
            mean, band = means[policy], bands.get(policy, {})

            def get(name: str, which: str, mean: dict[str, Any] = mean, band: dict[str, Any] = band) -> list[float]:
                if which == "mean":
                    return [float(x) for x in mean[name]]
                return [float(x) for x in band.get(name, {}).get(which, mean[name])]

            if key == "cumulative_room_nights":
                series = {w: _cumulate(get("room_nights", w)) for w in ("mean", "low", "high")}
            elif key == "beds":
                series = {
                    w: [a + b for a, b in zip(get("ward_beds", w), get("icu_beds", w), strict=True)]
                    for w in ("mean", "low", "high")
                }
            else:
                series = {w: get(key, w) for w in ("mean", "low", "high")}
            out[key][policy] = series
    return out


def _cumulate(values: list[float]) -> list[float]:
    total, out = 0.0, []
    for v in values:
        total += v
        out.append(round(total, 3))
    return out


def title(result: dict[str, Any]) -> str:
    seeds = len(result["seeds"])
    return (
        f"{result['population']:,} people, {result['days']} days from {result['start']}, {seeds} seeds "
        f"(lines: mean; bands: 95 % interval) — fangkong {result['code_version']}"
    )


def write_png(result: dict[str, Any], path: Path) -> None:
    """Six panels, one per chart."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = chart_series(result)
    fig, axes = plt.subplots(3, 2, figsize=(13, 11), constrained_layout=True)
    for ax, (key, label) in zip(axes.flat, CHARTS, strict=True):
        for i, policy in enumerate(result["policies"]):
            s = data[key][policy]
            days = list(range(1, len(s["mean"]) + 1))
            colour = COLOURS[i % len(COLOURS)]
            ax.plot(days, s["mean"], color=colour, label=policy)
            ax.fill_between(days, s["low"], s["high"], color=colour, alpha=0.15, linewidth=0)
        ax.set_title(label, fontsize=10)
        ax.set_xlabel("day")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title(result), fontsize=10)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_html(result: dict[str, Any], path: Path) -> None:
    """One page, no network: ECharts inlined, the data inlined as JSON, a chart per series."""
    script = resources.files("fangkong").joinpath("web/static/echarts/echarts.min.js").read_text(encoding="utf-8")
    data = chart_series(result)
    payload = json.dumps(
        {"charts": [{"key": k, "label": label} for k, label in CHARTS], "policies": result["policies"], "data": data}
    ).replace("</", "<\\/")
    summary = _summary_table(result)
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fangkong sim compare</title>
<style>body{{font-family:sans-serif;margin:1.5rem;max-width:1200px}}.chart{{height:320px;margin-bottom:1rem}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}}
th:first-child,td:first-child{{text-align:left}}</style>
<script>{script}</script></head><body>
<h1>Policy impact simulation</h1><p>{html.escape(title(result))}</p>
{summary}
<div id="charts"></div>
<script id="sim-data" type="application/json">{payload}</script>
<script>
(function () {{
  var spec = JSON.parse(document.getElementById("sim-data").textContent);
  var colours = {json.dumps(COLOURS)};
  spec.charts.forEach(function (chart) {{
    var h = document.createElement("h2"); h.textContent = chart.label; document.getElementById("charts").appendChild(h);
    var el = document.createElement("div"); el.className = "chart"; document.getElementById("charts").appendChild(el);
    var series = [];
    spec.policies.forEach(function (policy, i) {{
      var s = spec.data[chart.key][policy], c = colours[i % colours.length];
      var hidden = {{opacity: 0}};
      series.push({{name: policy, type: "line", data: s.mean, showSymbol: false,
        lineStyle: {{color: c}}, itemStyle: {{color: c}}}});
      series.push({{name: policy, type: "line", data: s.low, showSymbol: false, lineStyle: hidden,
        stack: "band" + i, silent: true}});
      series.push({{name: policy, type: "line", showSymbol: false, lineStyle: hidden, stack: "band" + i, silent: true,
        data: s.high.map(function (v, d) {{ return v - s.low[d]; }}), areaStyle: {{color: c, opacity: 0.15}}}});
    }});
    var days = spec.data[chart.key][spec.policies[0]].mean.map(function (_, d) {{ return d + 1; }});
    echarts.init(el).setOption({{tooltip: {{trigger: "axis"}}, legend: {{data: spec.policies}},
      xAxis: {{type: "category", data: days, name: "day"}}, yAxis: {{type: "value"}}, series: series}});
  }});
}})();
</script></body></html>
"""
    path.write_text(page, encoding="utf-8")


SUMMARY_ROWS = (
    ("infections", "infections"),
    ("room_nights", "centralized-isolation room-nights"),
    ("room_nights_close_contacts", "… of close contacts"),
    ("room_nights_spillover", "… of people outside a sealed area"),
    ("room_nights_entrants", "… of entrants"),
    ("peak_rooms", "peak rooms"),
    ("tubes", "tubes"),
    ("peak_high_risk_areas", "peak high-risk areas"),
    ("peak_ward_beds", "peak ward beds"),
    ("peak_icu_beds", "peak ICU beds"),
    ("deaths", "deaths"),
)


def _summary_table(result: dict[str, Any]) -> str:
    policies = result["policies"]
    first = policies[0]
    head = "".join(f"<th>{html.escape(p)}</th>" for p in policies)
    head += "".join(f"<th>{html.escape(p)} − {html.escape(first)}</th>" for p in policies[1:])
    rows = []
    for key, label in SUMMARY_ROWS:
        if key not in result["summary"][first]:
            continue
        cells = [_cell(result["summary"][p][key]) for p in policies]
        cells += [_cell(result["difference_from_first"][p][key], with_mean=True) for p in policies[1:]]
        rows.append(f"<tr><td>{html.escape(label)}</td>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    note = (
        "<p>Each policy: mean [where 95 % of the seeds lie]. A difference, paired by seed: mean (95 % confidence "
        "interval of the mean) [where 95 % of the seeds lie].</p>"
    )
    return f"<table><tr><th></th>{head}</tr>{''.join(rows)}</table>{note}"


def _cell(i: dict[str, float], with_mean: bool = False) -> str:
    mean = f" ({i['mean_low']:,.0f}, {i['mean_high']:,.0f})" if with_mean and "mean_low" in i else ""
    return f"{i['mean']:,.0f}{mean} [{i['low']:,.0f}, {i['high']:,.0f}]"
