"""Home visits (上门服务) to people isolated or monitored at home (issue 16; measures 1 and 5)."""
