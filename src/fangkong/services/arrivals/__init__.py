"""Arrivals from other provinces and their test on arrival (measure 15: the landing check, 落地检)."""
