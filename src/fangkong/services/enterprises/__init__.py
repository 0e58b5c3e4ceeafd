"""Enterprises and industrial parks, their plans, checks and stop orders (measure 19; issue 21)."""
