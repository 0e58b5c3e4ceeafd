"""The console's words for the epidemiologist's pages, in Simplified Chinese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {}
