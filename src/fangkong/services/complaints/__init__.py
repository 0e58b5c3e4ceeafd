"""Complaints and clues (接诉即办; measures 18 and 16)."""
