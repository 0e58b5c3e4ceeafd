"""How much a v9 / m20 comparison depends on the simulator's assumptions (issue 22): the same comparison on the
demo-sized city with one parameter changed at a time; per row, each version's centralized-isolation room-nights and
the m20 − v9 differences in room-nights and infections, mean (95 % confidence interval of the mean, paired by seed).

    .venv/bin/python bench/sim_sensitivity.py [--population 100000] [--days 60] [--seeds 20]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import result, say

from fangkong.policy import load_policy
from fangkong.sim.compare import Interval, compare
from fangkong.sim.parameters import SimParameters

VARIANTS: tuple[tuple[str, ...], ...] = (
    (),
    ("spillover_share=0.02",),
    ("spillover_share=0.1",),
    ("citywide_share=0",),
    ("citywide_share=1",),
    ("home_isolation_ineligible_share=0",),
    ("home_isolation_ineligible_share=0.4",),
    ("long_transmission_days=7",),
    ("seeds_per_100k=20",),
    ("trace_coverage_group=0.5",),
)


def _cell(i: Interval) -> str:
    return f"{i.mean:,.0f} ({i.mean_low:,.0f}, {i.mean_high:,.0f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--population", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--seeds", type=int, default=20)
    args = ap.parse_args()
    policy = load_policy()
    say("| parameters | v9 room-nights | m20 room-nights | m20 − v9 room-nights | m20 − v9 infections |")
    say("|---|---|---|---|---|")
    rows = []
    for changes in VARIANTS:
        params = SimParameters().with_overrides(list(changes))
        c = compare(policy, ["v9", "m20"], population=args.population, days=args.days, seeds=args.seeds, params=params)
        v9, m20, diff = c.summary["v9"], c.summary["m20"], c.differences["m20"]
        name = " ".join(changes) or "defaults"
        say(
            f"| {name} | {_cell(v9['room_nights'])} | {_cell(m20['room_nights'])} | {_cell(diff['room_nights'])} "
            f"| {_cell(diff['infections'])} |"
        )
        rows.append(
            {
                "parameters": name,
                "room_nights": diff["room_nights"].as_json(),
                "infections": diff["infections"].as_json(),
            }
        )
    result("sim_sensitivity", population=args.population, days=args.days, seeds=args.seeds, rows=rows)


if __name__ == "__main__":
    main()
