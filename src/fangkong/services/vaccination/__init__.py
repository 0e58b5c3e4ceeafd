"""COVID-19 vaccination records and outreach (measure 12: vaccination, the elderly first)."""
