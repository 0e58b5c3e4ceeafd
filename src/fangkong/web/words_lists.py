"""The console's words for lists' pages, in Simplified Chinese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {}
