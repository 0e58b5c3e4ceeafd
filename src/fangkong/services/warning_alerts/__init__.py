"""Early-warning alerts raised by multi-point triggering and their verification (measure 15)."""
