"""The console's words for key populations and key institutions (重点人群和重点机构, measure 14), in Simplified
Chinese and English: the kinds of record the audit page names for this part's reads. The registry and alert pages'
words join them when those pages are built."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "list_entity_key_populations": {"zh": "重点人群名册", "en": "Key-population registry"},
    "list_entity_key_population_overdue": {"zh": "重点人群逾期随访清单", "en": "Key persons' overdue checks"},
    "list_entity_institution_alerts": {"zh": "重点机构预警", "en": "Key institution alerts"},
}
