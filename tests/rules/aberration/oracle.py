"""R surveillance as the oracle of the early-warning methods (measure 15): run `surveillance_oracle.R` on a series and
read back its bounds and alarms. Used by the live test and by `make_fixtures.py`, which writes the fixtures the
test that runs everywhere compares against."""

from __future__ import annotations

import csv
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from fangkong.policy.terms import Method

HERE = Path(__file__).parent
SCRIPT = HERE / "surveillance_oracle.R"
R_METHOD = {Method.ears_c1: "C1", Method.ears_c2: "C2", Method.ears_c3: "C3", Method.farrington: "farrington"}


def r_missing() -> str | None:
    """Why R surveillance cannot run here, or None."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return "Rscript is not installed"
    probe = subprocess.run(
        [rscript, "-e", "suppressPackageStartupMessages(library(surveillance))"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return f"R package surveillance is not installed: {probe.stderr.strip()[-200:]}"
    return None


def surveillance(
    counts: Sequence[int],
    method: Method,
    freq: int,
    *,
    alpha: float | None = None,
    baseline: int | None = None,
    years: int | None = None,
) -> tuple[list[int], list[float | None], list[bool | None]]:
    """The 0-based indexes R judges, its upper bounds (None for NA/NaN) and alarms (None for NA)."""
    with tempfile.TemporaryDirectory() as tmp:
        given, out = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        given.write_text("count\n" + "".join(f"{c}\n" for c in counts), encoding="utf-8")
        args = [
            "NA" if v is None else str(v) for v in (alpha, baseline, years)
        ]
        subprocess.run(
            ["Rscript", str(SCRIPT), str(given), str(out), R_METHOD[method], str(freq), *args],
            check=True,
            capture_output=True,
            text=True,
        )
        with out.open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    indexes = [int(r["index"]) - 1 for r in rows]
    upper = [None if r["upperbound"] == "NA" else float(r["upperbound"]) for r in rows]
    alarm = [None if r["alarm"] == "NA" else r["alarm"] == "TRUE" for r in rows]
    return indexes, upper, alarm
