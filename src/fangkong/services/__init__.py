"""Workflows over the rules: load facts, apply rules, report. One transaction per command where there is a store."""
