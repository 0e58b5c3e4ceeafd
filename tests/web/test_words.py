"""The console shows words, not identifiers: every vocabulary a page shows has a Chinese and an English word."""

from __future__ import annotations

from enum import StrEnum

import pytest

from fangkong.policy.terms import Category
from fangkong.services.access import Role
from fangkong.services.areas.models import DelineationReason
from fangkong.web.i18n import LANGUAGES, MESSAGES

SHOWN: list[tuple[str, type[StrEnum]]] = [("role_", Role), ("", Category), ("", DelineationReason)]


@pytest.mark.parametrize(("prefix", "vocabulary"), SHOWN, ids=[v.__name__ for _, v in SHOWN])
def test_every_word_a_page_shows_is_translated(prefix: str, vocabulary: type[StrEnum]) -> None:
    missing = [
        f"{prefix}{word.value} ({lang})"
        for word in vocabulary
        for lang in LANGUAGES
        if not MESSAGES.get(f"{prefix}{word.value}", {}).get(lang)
    ]
    assert missing == []
