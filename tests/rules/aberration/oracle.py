"""R surveillance as the oracle of the early-warning methods (measure 15): run `surveillance_oracle.R` on a batch of
cases in one R process and read back each one's bounds and alarms. Used by the live test and by `make_fixtures.py`,
which writes the fixtures that the test run everywhere compares against."""

from __future__ import annotations

import csv
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fangkong.policy.terms import Method

HERE = Path(__file__).parent
SCRIPT = HERE / "surveillance_oracle.R"
R_METHOD = {Method.ears_c1: "C1", Method.ears_c2: "C2", Method.ears_c3: "C3", Method.farrington: "farrington"}


@dataclass(frozen=True)
class Case:
    """One series judged by one method, with the settings a flag would change (None: surveillance's default)."""

    name: str
    counts: tuple[int, ...]
    spacing: int  # days between dates: 1 (frequency 365) or 7 (frequency 52)
    method: Method
    alpha: float | None = None
    baseline: int | None = None
    years: int | None = None

    @property
    def freq(self) -> int:
        return 52 if self.spacing == 7 else 365


@dataclass(frozen=True)
class Judgement:
    """R's answer for one case: the 0-based indexes judged, the bounds (None for NA or NaN), the alarms (None for
    NA)."""

    indexes: tuple[int, ...]
    upperbound: tuple[float | None, ...]
    alarm: tuple[bool | None, ...]


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


def _na(value: object) -> str:
    return "NA" if value is None else str(value)


def surveillance(cases: Sequence[Case]) -> dict[str, Judgement]:
    """Every case judged by R surveillance, by name, in one R process."""
    with tempfile.TemporaryDirectory() as tmp:
        specs, counts, out = Path(tmp) / "specs.csv", Path(tmp) / "counts.csv", Path(tmp) / "out.csv"
        specs.write_text(
            "case,method,freq,alpha,baseline,years\n"
            + "".join(
                f"{c.name},{R_METHOD[c.method]},{c.freq},{_na(c.alpha)},{_na(c.baseline)},{_na(c.years)}\n"
                for c in cases
            ),
            encoding="utf-8",
        )
        counts.write_text(
            "case,count\n" + "".join(f"{c.name},{n}\n" for c in cases for n in c.counts), encoding="utf-8"
        )
        done = subprocess.run(
            ["Rscript", str(SCRIPT), str(specs), str(counts), str(out)], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"surveillance_oracle.R failed: {done.stderr[-2000:]}")
        with out.open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    found: dict[str, list[dict[str, str]]] = {c.name: [] for c in cases}
    for row in rows:
        found[row["case"]].append(row)
    return {
        name: Judgement(
            indexes=tuple(int(r["index"]) - 1 for r in judged),
            upperbound=tuple(None if r["upperbound"] == "NA" else float(r["upperbound"]) for r in judged),
            alarm=tuple(None if r["alarm"] == "NA" else r["alarm"] == "TRUE" for r in judged),
        )
        for name, judged in found.items()
    }
