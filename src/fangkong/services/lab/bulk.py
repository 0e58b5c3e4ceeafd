"""The bulk path, where callers outside the imports first found it (the health codes, the benchmarks): it lives
in `services.file_imports.bulk`."""

from __future__ import annotations

from fangkong.services.file_imports.bulk import (
    analyze,
    bulk_settings,
    chunks,
    copy_frame,
    copy_into,
    copy_rows,
    drop_temporary,
    fetch_frame,
    instant,
    stage_numbered,
    temporary_table,
)

__all__ = [
    "analyze",
    "bulk_settings",
    "chunks",
    "copy_frame",
    "copy_into",
    "copy_rows",
    "drop_temporary",
    "fetch_frame",
    "instant",
    "stage_numbered",
    "temporary_table",
]
