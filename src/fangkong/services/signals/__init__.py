"""Early-warning signals (measure 15, m20.15): daily counts per jurisdiction and channel."""
