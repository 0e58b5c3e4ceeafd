"""Early warning over every series of a province (measure 15; issue 20: 20,000 communities × 6 channels × 2 years of
days, under 2 s): the bulk EARS pass (`bulk.aberration.ears_matrix`, C1, C2 and C3) against R surveillance's `earsC`
run in this same run on a sample of the same series (one R process; the loop over the series timed inside R, without
R's start or the file's reading) and the per-series rule in Python (`rules.aberration.judge`), both scaled from the
sample to every series. The sample's bounds and alarms are checked equal to R's (1e-6 relative) and the rule's.

    .venv/bin/python bench/aberration.py                      # 20,000 communities × 6 channels × 730 days
    .venv/bin/python bench/aberration.py --communities 200 --sample 50

Without Rscript and surveillance the R baseline is left out (said so); the rule still is compared.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Baseline, compare, finish, say

from fangkong.bulk.aberration import ears_matrix
from fangkong.policy import load_policy
from fangkong.policy.terms import Method
from fangkong.rules.aberration import judge, warning_settings

CHANNELS = 6  # fever clinics, pharmacy antipyretics, cough and cold medicine, antigen kits, ILI, absences
METHODS = {Method.ears_c1: "C1", Method.ears_c2: "C2", Method.ears_c3: "C3"}
R_LOOP = r"""
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
counts <- as.matrix(read.csv(args[1], header = FALSE))
method <- args[2]
alpha <- as.numeric(args[3])
out <- vector("list", nrow(counts))
started <- proc.time()[["elapsed"]]
for (i in seq_len(nrow(counts))) {
  series <- sts(observed = matrix(counts[i, ], ncol = 1), frequency = 365, start = c(2000, 1))
  out[[i]] <- as.vector(earsC(series, control = list(method = method, alpha = alpha))@upperbound)
}
seconds <- proc.time()[["elapsed"]] - started
write.table(do.call(rbind, out), args[4], sep = ",", row.names = FALSE, col.names = FALSE)
cat(sprintf("%.6f\n", seconds))
"""


def province(communities: int, days: int, seed: int) -> npt.NDArray[np.int32]:
    """Daily counts of every community's channels: a level per series, a weekly pattern, and outbreaks in a few."""
    rng = np.random.default_rng(seed)
    series = communities * CHANNELS
    level = rng.gamma(1.5, 8.0, size=(series, 1))
    weekday = np.array([1.3, 1.15, 1.05, 1.0, 1.0, 0.75, 0.7])[np.arange(days) % 7]
    mean = level * weekday
    outbreaks = rng.choice(series, size=max(1, series // 100), replace=False)
    start = rng.integers(14, days - 14, size=len(outbreaks))
    for k in range(10):
        mean[outbreaks, np.minimum(start + k, days - 1)] *= 1.0 + 0.4 * (k + 1)
    return rng.poisson(mean).astype(np.int32)


def r_earsc(sample: npt.NDArray[np.int32], method: Method, alpha: float) -> tuple[float, npt.NDArray[np.float64]]:
    """R's earsC on each sample series: the loop's seconds (timed inside R) and the bounds."""
    with tempfile.TemporaryDirectory() as tmp:
        given, out, script = Path(tmp) / "counts.csv", Path(tmp) / "out.csv", Path(tmp) / "loop.R"
        np.savetxt(given, sample, fmt="%d", delimiter=",")
        script.write_text(R_LOOP, encoding="utf-8")
        done = subprocess.run(
            ["Rscript", str(script), str(given), METHODS[method], repr(alpha), str(out)],
            capture_output=True,
            text=True,
            check=True,
        )
        with out.open(encoding="utf-8") as f:
            bounds = np.array([[float("nan") if v == "NA" else float(v) for v in row] for row in csv.reader(f)])
    return float(done.stdout.strip().splitlines()[-1]), bounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--communities", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seed", type=int, default=20221111)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of the bulk pass (the best is taken)")
    parser.add_argument("--sample", type=int, default=200, help="series R and the Python rule are timed on")
    args = parser.parse_args()
    settings = warning_settings(load_policy().at(date(2023, 1, 1)))
    t0 = time.perf_counter()
    counts = province(args.communities, args.days, args.seed)
    series = counts.shape[0]
    say(
        f"{series:,} series ({args.communities:,} communities × {CHANNELS} channels) × {args.days} days, "
        f"generated in {time.perf_counter() - t0:.1f} s"
    )
    has_r = shutil.which("Rscript") is not None
    sample_rows = np.linspace(0, series - 1, num=min(args.sample, series)).astype(int)
    sample = counts[sample_rows]
    days = [date(2021, 1, 1) + timedelta(days=i) for i in range(args.days)]
    figures: dict[str, object] = {"series": series, "days": args.days}
    baselines: list[Baseline] = []
    for method in METHODS:
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            upper, alarm = ears_matrix(counts, method, settings)
            times.append(time.perf_counter() - t0)
        bulk_s = min(times)
        say(
            f"== {method.value}: fangkong bulk pass {bulk_s:.3f} s (best of {args.runs}); "
            f"{int(alarm.sum()):,} alarms on {alarm.size:,} series-days"
        )
        mine = upper[sample_rows]
        t0 = time.perf_counter()
        rule = [judge(days, [int(c) for c in row], method, settings) for row in sample]
        rule_s = (time.perf_counter() - t0) * series / len(sample)
        rule_upper = np.array([[np.nan if j.upperbound is None else j.upperbound for j in r] for r in rule])
        rule_alarm = np.array([[j.alarm for j in r] for r in rule])
        rule_agrees = bool(
            np.allclose(mine, rule_upper, rtol=1e-9, equal_nan=True) and np.array_equal(alarm[sample_rows], rule_alarm)
        )
        ours = [
            Baseline(
                f"{method.value}_rule_python",
                f"{method.value}: the per-series rule in Python (rules.aberration.judge)",
                rule_s,
                rule_agrees,
                extrapolated=True,
                detail=f"{len(sample)} series timed, scaled to {series:,}",
            )
        ]
        if has_r:
            r_s, r_upper = r_earsc(sample, method, settings.alpha(method))
            r_alarm = sample[:, -r_upper.shape[1] :] > np.nan_to_num(r_upper, nan=np.inf)
            r_agrees = bool(
                np.allclose(mine, r_upper, rtol=1e-6, equal_nan=True) and np.array_equal(alarm[sample_rows], r_alarm)
            )
            per_series_r, per_series_ours = r_s / len(sample), bulk_s / series
            say(
                f"R surveillance earsC: {per_series_r * 1e3:.2f} ms a series, fangkong {per_series_ours * 1e6:.2f} µs "
                f"a series: {per_series_r / per_series_ours:,.0f}x"
            )
            ours.append(
                Baseline(
                    f"{method.value}_r_surveillance",
                    f"{method.value}: R surveillance earsC, series by series",
                    r_s * series / len(sample),
                    r_agrees,
                    extrapolated=True,
                    detail=f"{len(sample)} series timed inside R, scaled to {series:,}",
                )
            )
        else:
            say("R surveillance: Rscript is not installed here; its baseline is left out")
        figures[method.value] = compare(bulk_s, ours, what=f"fangkong {method.value}")
        baselines += ours
    finish("aberration", figures, baselines)


if __name__ == "__main__":
    main()
