"""Saved policy comparisons (issue 22): the simulator's comparisons run from the console or the API for the demo
county, each stored with its request, its result and the code version that produced it."""
