"""Where the project and its case files are."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT_CASES = sorted((ROOT / "cases").glob("*.yaml"))
SHARED_CASES = sorted((ROOT.parent / "shared" / "cases").glob("*.yaml"))
