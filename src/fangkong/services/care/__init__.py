"""Medical care of infections: facilities, beds and staff, severity and graded admission, stays, census (measure 11)."""
