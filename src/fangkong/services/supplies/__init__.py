"""Medicines and equipment per site (measure 13, m20.13): stock, receipts, dispensations, transfers, days of supply,
reorder alerts and the allocation of short stock to the severe high-risk and elderly first (issue 18)."""
