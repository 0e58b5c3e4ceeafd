"""Key populations and key institutions (measure 14; issue 19)."""
