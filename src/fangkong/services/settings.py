"""Where data lives and which database is used: $FANGKONG_DB, else SQLite under $FANGKONG_DATA_DIR,
else under the user's data directory."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir


def data_dir() -> Path:
    path = Path(os.environ.get("FANGKONG_DATA_DIR") or user_data_dir("fangkong", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(explicit: str | None = None) -> str:
    """The SQLAlchemy URL: an explicit one, $FANGKONG_DB, or the embedded SQLite default."""
    return explicit or os.environ.get("FANGKONG_DB") or f"sqlite:///{data_dir() / 'fangkong.sqlite3'}"
